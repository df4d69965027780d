"""Each test gets its own copy of the fictional fixture evidence base, to break one thing in."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis import paths
from analysis.errors import EvidenceError
from analysis.load import Evidence, load_evidence


@dataclass
class EvidenceCopy:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def bib(self) -> Path:
        return self.root / "references" / "references.bib"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    def edit(self, relative: str, old: str, new: str, count: int = 1) -> None:
        """Replace text in one file, failing loudly if the text to break is not there."""
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def load(self) -> Evidence:
        return load_evidence(self.data, self.bib)

    def problems(self) -> str:
        with pytest.raises(EvidenceError) as caught:
            self.load()
        return str(caught.value)

    def snapshot(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file()
        }


@pytest.fixture
def ev(tmp_path: Path) -> EvidenceCopy:
    shutil.copytree(paths.FIXTURE_EVIDENCE, tmp_path / "evidence")
    return EvidenceCopy(tmp_path / "evidence")
