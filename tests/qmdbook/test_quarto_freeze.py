"""Freeze that follows data: before `quarto render`, exactly the stale `_freeze/` entries go.

A stand-in `quarto` (as in test_engine_choice.py) writes a frozen result for every chapter it
finds without one, the way `freeze: auto` does, so each build shows which chapters re-executed.
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from qmdbook.build import build

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"
CODE_CHAPTERS = ["chapters/appendix", "chapters/methods", "chapters/results"]

STAND_IN = """#!/bin/sh
if [ "$1" = "--version" ]; then echo 1.9.0; exit 0; fi
root="$2"
out=""
while [ $# -gt 0 ]; do [ "$1" = "--output-dir" ] && out="$2"; shift; done
for ch in {chapters}; do
  if [ ! -d "$root/_freeze/$ch" ]; then
    mkdir -p "$root/_freeze/$ch/execute-results"
    echo "$ch" >> "$root/executed.txt"
    echo "{{}}" > "$root/_freeze/$ch/execute-results/html.json"
  fi
done
mkdir -p "$out" && echo "<p>rendered by quarto</p>" > "$out/index.html"
"""


@pytest.fixture
def book(tmp_path, monkeypatch):
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    config = root / "_quarto.yml"
    config.write_text(config.read_text().replace("execute:\n", "execute:\n  freeze: auto\n"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "quarto"
    script.write_text(STAND_IN.format(chapters=" ".join(CODE_CHAPTERS)))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(shutil.which('sh')).parent}")
    return root


def executed(root: Path) -> list[str]:
    """Chapters the stand-in executed since the last call."""
    log = root / "executed.txt"
    found = sorted(log.read_text().split()) if log.exists() else []
    log.unlink(missing_ok=True)
    return found


def rebuild(root: Path) -> list[str]:
    said: list[str] = []
    build(root, log=said.append)
    return executed(root)


def test_freeze_follows_code_data_and_analysis_but_not_prose(book):
    assert rebuild(book) == CODE_CHAPTERS  # nothing frozen yet
    assert rebuild(book) == []  # nothing changed

    results = book / "chapters" / "results.qmd"
    results.write_text(results.read_text() + "\nA new sentence of prose.\n")
    assert rebuild(book) == []  # prose: Quarto's own .qmd check decides, not this one

    results.write_text(results.read_text().replace("```{python}\n", "```{python}\nx_new = 1\n", 1))
    assert rebuild(book) == ["chapters/results"]  # only the chapter whose code changed

    (book / "analysis" / "__init__.py").write_text("SCALE = 3\n")
    assert rebuild(book) == CODE_CHAPTERS  # the analysis package feeds every code chapter

    bib = book / "references" / "references.bib"
    bib.write_text(bib.read_text() + "\n")
    assert rebuild(book) == CODE_CHAPTERS


def test_a_freeze_made_without_a_record_is_not_trusted(book):
    stale = book / "_freeze" / "chapters" / "methods" / "execute-results"
    stale.mkdir(parents=True)
    (stale / "html.json").write_text("{}")
    assert "chapters/methods" in rebuild(book)


def test_a_failed_render_records_nothing(book, tmp_path):
    assert rebuild(book) == CODE_CHAPTERS
    (book / "analysis" / "__init__.py").write_text("SCALE = 4\n")
    script = tmp_path / "bin" / "quarto"
    good = script.read_text()
    script.write_text(good.replace('root="$2"', 'exit 5'))
    with pytest.raises(Exception, match="quarto render failed"):
        build(book, log=lambda _m: None)
    assert not (book / "_freeze" / "chapters" / "results").exists()  # already invalidated
    script.write_text(good)
    assert rebuild(book) == CODE_CHAPTERS
