"""Publishing builds stop on broken references, clashing ids and missing images, naming the
chapter and line, and keep the last good site; `--draft` (and preview) only warn."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qmdbook.build import build
from qmdbook.cli import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"


def quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="module")
def site(tmp_path_factory, git_commit_all):
    root = tmp_path_factory.mktemp("publish") / "book"
    shutil.copytree(FIXTURE, root)
    git_commit_all(root)
    build(root, ["html"], engine="builtin", log=quiet)
    return root


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _copy(root: Path, tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(root, target, symlinks=True)
    return target


def _append(path: Path, text: str) -> int:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return len(path.read_text(encoding="utf-8").splitlines())


BREAKAGES = {
    "citation": ("\nAs argued [@nokey2000].\n", "unresolved citation @nokey2000"),
    "cross-reference": ("\nSee @fig-nope.\n", "unresolved cross-reference @fig-nope"),
    "duplicate heading id": ("\n## Again {#sec-methods}\n", "duplicate id 'sec-methods'"),
}


@pytest.mark.parametrize("what", sorted(BREAKAGES))
def test_html_build_fails_naming_file_and_line_and_keeps_the_site(site, tmp_path, capsys, what):
    root = _copy(site, tmp_path)
    before = snapshot(root / "_site")
    text, message = BREAKAGES[what]
    line = _append(root / "chapters" / "discussion.qmd", text)
    assert main(["html", "--project", str(root), "--engine", "builtin"]) == 1
    err = capsys.readouterr().err
    assert f"chapters/discussion.qmd:{line}: {message}" in err
    assert "previous output was left as it was" in err
    assert snapshot(root / "_site") == before

    assert main(["html", "--project", str(root), "--engine", "builtin", "--draft"]) == 0
    assert f"warning: chapters/discussion.qmd:{line}: {message}" in capsys.readouterr().err


def test_missing_image_names_chapter_and_line_even_in_a_draft(site, tmp_path, capsys):
    root = _copy(site, tmp_path)
    before = snapshot(root / "_site")
    line = _append(root / "chapters" / "discussion.qmd", "\n![Flow](images/flow.png)\n")
    for draft in ([], ["--draft"]):
        assert main(["html", "--project", str(root), "--engine", "builtin", *draft]) == 1
        err = capsys.readouterr().err
        assert f"chapters/discussion.qmd:{line}: image 'images/flow.png' not found" in err
        assert "pandoc" not in err.split("build failed:")[1], "no pandoc command line"
        assert snapshot(root / "_site") == before


def test_two_chapters_with_one_id_fail_before_one_page_replaces_the_other(site, tmp_path, capsys):
    root = _copy(site, tmp_path)
    results = root / "chapters" / "results.qmd"
    text = results.read_text(encoding="utf-8")
    heading = text.splitlines()[0]
    assert "{#sec-results}" in heading
    results.write_text(text.replace("{#sec-results}", "{#sec-methods}", 1), encoding="utf-8")
    assert main(["build", "--to", "html", "--project", str(root), "--engine", "builtin"]) == 1
    err = capsys.readouterr().err
    assert "chapters/results.qmd:1: duplicate id 'sec-methods' (chapter id; first defined at " \
        "chapters/methods.qmd:1)" in err
    assert (root / "_site" / "sec-results.html").is_file()


def test_non_utf8_chapter_names_file_line_and_cause(site, tmp_path, capsys):
    root = _copy(site, tmp_path)
    chapter = root / "chapters" / "discussion.qmd"
    data = chapter.read_bytes().replace(b"Only a fixture.", b"Only a fixture caf\xe9.")
    chapter.write_bytes(data)
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    assert main(["html", "--project", str(root), "--engine", "builtin"]) == 1
    err = capsys.readouterr().err
    assert f"chapters/discussion.qmd:{line}:19: byte 0xe9 is not UTF-8" in err
    assert "Traceback" not in err and "re-save it as UTF-8" in err
