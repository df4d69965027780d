"""Engine choice: `quarto render` when quarto is on PATH (or forced), else the builtin engine.

A stand-in `quarto` script records how it was called and writes a page into the output dir it
was given, so the selection, the arguments and the safe publish are checked without Quarto.
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from qmdbook.build import BuildError, build

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"

STAND_IN = """#!/bin/sh
if [ "$1" = "--version" ]; then echo 1.9.0; exit 0; fi
echo "$@" > "{log}"
[ -n "{fail}" ] && exit 3
out=""
while [ $# -gt 0 ]; do [ "$1" = "--output-dir" ] && out="$2"; shift; done
mkdir -p "$out" && echo "<p>rendered by quarto</p>" > "$out/index.html"
"""


def _stand_in(tmp_path: Path, monkeypatch, fail: bool = False) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "quarto-args.txt"
    script = bin_dir / "quarto"
    script.write_text(STAND_IN.format(log=log, fail="yes" if fail else ""))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(shutil.which('sh')).parent}")
    return log


@pytest.fixture
def book(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    return root


def test_quarto_on_path_is_used_and_named(book, tmp_path, monkeypatch):
    log = _stand_in(tmp_path, monkeypatch)
    said: list[str] = []
    report = build(book, log=said.append)
    assert report.engine == "quarto"
    assert any("engine: quarto" in line and "Quarto 1.9.0" in line for line in said)
    args = log.read_text()
    assert args.startswith(f"render {book}") and "--to" not in args  # all formats: Quarto's default
    assert "rendered by quarto" in (book / "_site" / "index.html").read_text()


def test_a_subset_of_formats_is_passed_with_typst_for_pdf(book, tmp_path, monkeypatch):
    log = _stand_in(tmp_path, monkeypatch)
    build(book, formats=["pdf"], log=lambda _m: None)
    assert "--to typst" in log.read_text()


def test_a_failing_quarto_keeps_the_previous_output(book, tmp_path, monkeypatch):
    (book / "_site").mkdir()
    (book / "_site" / "index.html").write_text("previous")
    _stand_in(tmp_path, monkeypatch, fail=True)
    with pytest.raises(BuildError, match="previous output kept"):
        build(book, log=lambda _m: None)
    assert (book / "_site" / "index.html").read_text() == "previous"


def test_builtin_can_be_forced_and_quarto_demanded(book, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(Path(shutil.which("sh")).parent))
    with pytest.raises(BuildError, match="quarto is not on PATH"):
        build(book, engine="quarto", log=lambda _m: None)
