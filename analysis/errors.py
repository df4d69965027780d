"""Problems found in the evidence base, reported together so one run shows every fault."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis import paths


@dataclass(frozen=True, order=True)
class Problem:
    """One fault, located as precisely as the source allows (line and field may be unknown)."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class EvidenceError(Exception):
    """Raised with every problem found, so the fixer sees the whole list, not the first fault."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found:"
        return "\n".join([head, *(str(p) for p in self.problems)])

    def __str__(self) -> str:
        return self._text()


def display(path: Path, base: Path | None = None) -> str:
    """Name a file the way a reader of the repository would (data/records.csv), wherever it is.

    `base` is the folder that plays the repository's part (for a copied evidence base in a test
    it is the copy's parent), so messages read the same for the real data and for copies.
    """
    path = Path(path)
    for root in (base, paths.ROOT):
        if root is None:
            continue
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()
