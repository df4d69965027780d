"""Every input of a rendered format is in its fingerprint, so no edit leaves a stale output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qmdbook import build as build_module
from qmdbook.build import _render_fingerprint, build, prepare

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"
PACKAGE = Path(build_module.__file__).parent


def quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="module")
def built_html(tmp_path_factory, git_commit_all):
    root = tmp_path_factory.mktemp("inputs") / "book"
    shutil.copytree(FIXTURE, root)
    (root / "chapters" / "diagram.svg").write_text(_svg("#123456"), encoding="utf-8")
    disc = root / "chapters" / "discussion.qmd"
    disc.write_text(disc.read_text() + "\n![A small diagram](diagram.svg)\n", encoding="utf-8")
    git_commit_all(root)
    build(root, ["html"], engine="builtin", log=quiet)
    return root


def _svg(colour: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<rect width="10" height="10" fill="{colour}"/></svg>'
    )


def _copy(root: Path, tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(root, target, symlinks=True)
    return target


def _fingerprint(root: Path) -> str:
    return _render_fingerprint(prepare(root, log=quiet), ["html"])


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


PROJECT_EDITS = {
    "bibliography": ("references/references.bib", "Leading Across Boundaries", "Leading Apart"),
    "citation style": ("references/style.csl", "<", "<!-- edited -->\n<"),
    "_quarto.yml": ("_quarto.yml", "warning: false", "warning: false\n  output: true"),
    "linked image": ("chapters/diagram.svg", "#123456", "#654321"),
}


@pytest.mark.parametrize("what", sorted(PROJECT_EDITS))
def test_editing_a_project_input_changes_the_fingerprint(built_html, tmp_path, what):
    root = _copy(built_html, tmp_path)
    before = _fingerprint(root)
    name, old, new = PROJECT_EDITS[what]
    _replace(root / name, old, new)
    assert _fingerprint(root) != before, f"an edit to the {what} would leave stale output"


PACKAGE_EDITS = {
    "HTML template": "templates/html/book.html",
    "Typst template": "templates/typst/style.typ",
    "DOCX reference": "templates/docx/reference.docx",
    "Lua filter": "filters/crossref.lua",
    "site asset": "assets/book.css",
}


@pytest.mark.parametrize("what", sorted(PACKAGE_EDITS))
def test_editing_an_engine_file_changes_the_fingerprint(built_html, tmp_path, monkeypatch, what):
    root = _copy(built_html, tmp_path)
    before = _fingerprint(root)
    package = tmp_path / "qmdbook"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build_module, "PACKAGE", package)
    assert _fingerprint(root) == before, "a copy of the engine fingerprints the same"
    with (package / PACKAGE_EDITS[what]).open("ab") as handle:
        handle.write(b"\n")
    assert _fingerprint(root) != before, f"an edit to the {what} would leave stale output"


def test_a_new_tool_version_changes_the_fingerprint(built_html, tmp_path, monkeypatch):
    root = _copy(built_html, tmp_path)
    before = _fingerprint(root)
    monkeypatch.setattr(build_module, "pandoc_version", lambda: "99.0")
    assert _fingerprint(root) != before
    monkeypatch.undo()
    monkeypatch.setattr(build_module, "typst_version", lambda: "99.0")
    assert _fingerprint(root) != before


def test_bibliography_and_style_edits_reach_the_published_site(built_html, tmp_path):
    root = _copy(built_html, tmp_path)
    page = root / "_site" / "sec-references.html"
    assert "Systems leadership in practice" in page.read_text()
    bib = root / "references" / "references.bib"
    _replace(bib, "Systems leadership in practice", "Systems leadership at work")
    report = build(root, ["html"], engine="builtin", log=quiet)
    assert report.files, "the edit was rendered, not skipped as 'output unchanged'"
    assert "Systems leadership at work" in page.read_text()
    assert "leadership in practice" not in page.read_text()

    before = page.read_text()
    csl = root / "references" / "style.csl"
    # Make the style print titles in a way the old style does not (a distinctive prefix).
    text = csl.read_text(encoding="utf-8")
    marker = '<text variable="title"'
    assert marker in text
    csl.write_text(text.replace(marker, '<text value="TITLE: "/>' + marker), encoding="utf-8")
    report = build(root, ["html"], engine="builtin", log=quiet)
    assert report.files and page.read_text() != before and "TITLE: " in page.read_text()
