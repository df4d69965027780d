"""`nox -s clean` removes every generated file its docstring and .gitignore name, and no source."""

from __future__ import annotations

import ast
import shutil

from analysis import paths
from analysis.housekeeping import generated, remove_generated

NOXFILE = paths.ROOT / "noxfile.py"


def _clean_docstring() -> str:
    tree = ast.parse(NOXFILE.read_text(encoding="utf-8"))
    session = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "clean")
    return ast.get_docstring(session)


def test_clean_removes_generated_files_and_keeps_sources(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(paths.ROOT / "data", root / "data")
    (root / "report").mkdir()
    (root / "report" / "methods.qmd").write_text("# Methods\n")
    made = [
        "_site/index.html", "_build/qmdbook/work/book.md", ".cache/dedupe/x.txt",
        "_freeze/x.json", "analysis/__pycache__/paths.cpython-311.pyc",
        "tests/analysis/__pycache__/x.pyc", "systems_leadership_review.egg-info/PKG-INFO",
        ".pytest_cache/v/cache/lastfailed", ".ruff_cache/0.1/x",
    ]  # fmt: skip
    kept = [".nox/tests/bin/python", ".venv/bin/python", ".git/HEAD", "analysis/paths.py"]
    for name in made + kept:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    data_before = sorted(p.relative_to(root) for p in (root / "data").rglob("*"))

    removed = remove_generated(root, log=lambda _m: None)

    assert {p.relative_to(root).parts[0] for p in removed} >= {"_site", "_build", ".cache"}
    for name in made:
        assert not (root / name).exists(), f"{name} survived clean"
    for name in [*kept, "report/methods.qmd"]:
        assert (root / name).exists(), f"{name} was removed"
    assert sorted(p.relative_to(root) for p in (root / "data").rglob("*")) == data_before
    assert generated(root) == []


def test_docstring_and_gitignore_match_what_clean_removes():
    doc = _clean_docstring()
    names = [p.name for p in paths.GENERATED] + list(paths.GENERATED_ANYWHERE)
    for name in names:
        assert name in doc, f"clean's docstring does not mention {name}"
    ignored = {
        line.strip().rstrip("/")
        for line in (paths.ROOT / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert ignored - {".nox", ".venv"} == set(names)
