"""Word comments and tracked changes mapped back to chapter files and lines.

A DOCX of the fixture book is built, reviewed programmatically (comments with python-docx,
tracked changes as Word writes them) and read back; then the same after a LibreOffice round trip.
The expected line of each remark is found in the chapter source, never typed.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from qmdbook.build import build
from reviewtools.comments import main, read_remarks

BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "book"
# (paragraph text to find, text to anchor on, comment, author): anchors on a paragraph's first
# line, a later line of a paragraph, and text inside a callout.
COMMENTS = [
    ("Two reviewers screened", None, "Say who the reviewers were.", "Reviewer One"),
    ("plotted in", "plotted", "Plotted where?", "Reviewer Two"),
    ("This fixture book exercises", None, "Too vague.", "Reviewer One"),
]
INSERTED = ("Keep the protocol fixed", " and public", "Reviewer Two")
DELETED = ("Small numbers", "Reviewer One")


def source_line(root: Path, text: str) -> tuple[str, int]:
    """Where `text` is written in the book's sources (the one place)."""
    found = [
        (path.relative_to(root).as_posix(), n)
        for path in sorted(root.rglob("*.qmd"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if text in line
    ]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def book(tmp_path_factory, git_commit_all):
    root = tmp_path_factory.mktemp("comments") / "book"
    shutil.copytree(BOOK, root)
    git_commit_all(root)
    build(root, formats=["docx"], strict=True, engine="builtin", log=lambda _m: None)
    return root, next((root / "_site").glob("*.docx"))


def review(built: Path, out: Path) -> Path:
    d = docx.Document(str(built))

    def paragraph(text):
        return next(p for p in d.paragraphs if text in p.text)

    for text, anchor, comment, author in COMMENTS:
        p = paragraph(text)
        runs = [r for r in p.runs if anchor in r.text] if anchor else p.runs
        d.add_comment(runs, text=comment, author=author, initials=author[-3:])
    p = paragraph(INSERTED[0])
    ins = OxmlElement("w:ins")
    for key, value in (
        ("w:id", "9001"),
        ("w:author", INSERTED[2]),
        ("w:date", "2026-12-01T10:00:00Z"),
    ):
        ins.set(qn(key), value)
    run, t = OxmlElement("w:r"), OxmlElement("w:t")
    t.text = INSERTED[1]
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    ins.append(run)
    p._p.append(ins)
    p = paragraph(DELETED[0])
    gone = OxmlElement("w:del")
    for key, value in (
        ("w:id", "9002"),
        ("w:author", DELETED[1]),
        ("w:date", "2026-12-01T11:00:00Z"),
    ):
        gone.set(qn(key), value)
    first = p.runs[0]._r
    first.addprevious(gone)
    gone.append(first)
    for t in first.findall(qn("w:t")):
        t.tag = qn("w:delText")
    d.save(str(out))
    return out


def check(remarks, root: Path) -> None:
    comments = [r for r in remarks if r.kind == "comment"]
    assert sorted((c.text, c.author) for c in comments) == sorted(
        (comment, author) for _, _, comment, author in COMMENTS
    )
    for text, anchor, comment, _ in COMMENTS:
        got = next(c for c in comments if c.text == comment)
        assert (got.file, got.line) == source_line(root, anchor or text), comment
        assert (anchor or text) in got.anchor
        assert got.date.startswith("20")
    inserted = next(r for r in remarks if r.kind == "insertion")
    # Inserted text is not in the source: it is placed on its paragraph's first line.
    assert (inserted.file, inserted.line) == source_line(root, INSERTED[0])
    assert (inserted.author, inserted.anchor, inserted.date) == (
        INSERTED[2], INSERTED[1], "2026-12-01T10:00:00Z"
    )  # fmt: skip
    deleted = next(r for r in remarks if r.kind == "deletion")
    assert (deleted.file, deleted.line) == source_line(root, DELETED[0])
    assert deleted.author == DELETED[1] and DELETED[0] in deleted.anchor


def test_every_comment_and_change_maps_to_its_file_and_line(book, tmp_path, capsys):
    root, built = book
    reviewed = review(built, tmp_path / "reviewed.docx")
    check(read_remarks(reviewed, root), root)
    assert main([str(reviewed), "--root", str(root), "--csv", str(tmp_path / "out.csv")]) == 0
    out = capsys.readouterr().out
    file, line = source_line(root, "plotted")
    assert f"{file}:{line}  comment by Reviewer Two" in out
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["kind"] for r in rows} == {"comment", "insertion", "deletion"}
    assert any(r["file"] == file and r["line"] == str(line) for r in rows)


def test_the_unreviewed_docx_has_no_remarks_and_no_markers_reach_other_formats(book):
    root, built = book
    assert read_remarks(built, root) == []
    document = docx.Document(str(built))
    assert not any("qb-src" in p.text for p in document.paragraphs)


@pytest.fixture(scope="session")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip(
            "LibreOffice is not installed and could not be: `nox -s tests` runs "
            "`apt-get install -y libreoffice-writer-nogui` when it can (root, apt-get present)"
        )
    return found


def test_positions_survive_a_libreoffice_round_trip(book, tmp_path, soffice):
    root, built = book
    reviewed = review(built, tmp_path / "reviewed.docx")
    out = tmp_path / "saved"
    subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(reviewed)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    check(read_remarks(out / "reviewed.docx", root), root)
