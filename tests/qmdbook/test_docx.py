"""The DOCX writer and its reference document."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from qmdbook.docx import REFERENCE_DOCX, build_docx  # noqa: E402
from qmdbook.meta import BookMeta  # noqa: E402
from qmdbook.tools import ToolError  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures_pdf"  # the same hand-made book as the PDF tests
META = BookMeta(
    title="Systems leadership in the NHS",
    subtitle="A rapid scoping review",
    authors=("Ada Lovelace", "Mary Seacole"),
    organisation="NHS England Leadership Academy",
    date="2025-03-14",
    version="1.2.0",
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def args() -> list[str]:
    args = ["-f", "markdown", "--citeproc", "--resource-path", str(FIXTURES)]
    args += ["--bibliography", str(FIXTURES / "refs.bib")]
    return args + ["--csl", str(FIXTURES / "harvard-cite-them-right.csl")]


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx") / "book.docx"
    build_docx(FIXTURES / "book.md", out, META, args())
    return docx.Document(str(out)), out


def paragraphs(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


def test_title_block_from_meta(document):
    doc, _ = document
    assert paragraphs(doc, "Title") == ["Systems leadership in the NHS"]
    assert paragraphs(doc, "Subtitle") == ["A rapid scoping review"]
    assert paragraphs(doc, "Author") == ["Ada Lovelace", "Mary Seacole"]
    (date,) = paragraphs(doc, "Date")
    assert "14 March 2025" in date and "Version 1.2.0" in date
    assert "NHS England Leadership Academy" in date
    assert doc.core_properties.title == META.title


def test_headings_use_heading_styles(document):
    doc, _ = document
    assert paragraphs(doc, "Heading 1") == [
        "Preface",
        "1 Introduction",
        "2 Methods",
        "A Search strategy",
        "References",
    ]
    assert paragraphs(doc, "Heading 2") == ["1.1 Background"]
    assert paragraphs(doc, "Heading 3") == ["1.1.1 Definitions"]


def test_captions_table_style_and_references(document):
    doc, _ = document
    assert paragraphs(doc, "Image Caption") == [
        "Figure 1.1: Flow of studies through the screening stages."
    ]
    assert paragraphs(doc, "Table Caption") == ["Table 2.1: Studies included in the review."]
    (table,) = doc.tables
    assert table.style.name == "Table"
    assert len(table.rows) == 61
    assert table.rows[0].cells[0].text == "ID"
    assert table.rows[-1].cells[1].text == "Study row 60"
    refs = paragraphs(doc, "Bibliography")
    assert len(refs) == 2 and refs[0].startswith("Senge, P.M. (1990)")


def test_toc_field_page_setup_and_footer(document):
    doc, out = document
    body = doc.element.body
    toc = [e for e in body.iter(f"{W}instrText") if "TOC" in (e.text or "")]
    assert toc, "no table-of-contents field"
    section = doc.sections[0]
    assert abs(section.page_width.mm - 210) < 0.5 and abs(section.page_height.mm - 297) < 0.5
    assert abs(section.left_margin.mm - 25) < 0.5
    with zipfile.ZipFile(out) as z:
        footers = [n for n in z.namelist() if n.startswith("word/footer")]
        assert footers and b"PAGE" in z.read(footers[0])


def test_reference_styles(document):
    doc, _ = document
    styles = doc.styles
    heading = styles["Heading 1"]
    assert heading.font.bold and str(heading.font.color.rgb) == "005EB8"
    table = styles["Table"].element
    borders = table.find(f"{W}tblPr/{W}tblBorders")
    assert borders is not None and borders.find(f"{W}top") is not None
    assert table.find(f"{W}tblStylePr[@{W}type='firstRow']/{W}rPr/{W}b") is not None
    for kind in ("Note", "Tip", "Important", "Warning", "Caution"):
        assert f"Callout {kind}" in [s.name for s in styles]


def test_callout_custom_style_is_applied(tmp_path):
    book = tmp_path / "callout.md"
    book.write_text(
        '# Chapter\n\n::: {custom-style="Callout Warning"}\nMind the gap.\n:::\n', encoding="utf-8"
    )
    out = tmp_path / "callout.docx"
    build_docx(book, out, BookMeta(title="T"), ["-f", "markdown"])
    doc = docx.Document(str(out))
    assert paragraphs(doc, "Callout Warning") == ["Mind the gap."]


def test_failure_leaves_output_alone(tmp_path):
    out = tmp_path / "book.docx"
    out.write_bytes(b"previous build")
    with pytest.raises(ToolError):
        build_docx(tmp_path / "missing.md", out, BookMeta(title="T"), ["-f", "markdown"])
    assert out.read_bytes() == b"previous build"
    assert not list(tmp_path.glob(".qmdbook-docx-*"))


def test_two_builds_are_identical(document, tmp_path):
    _, first = document
    again = tmp_path / "again.docx"
    build_docx(FIXTURES / "book.md", again, META, args())
    assert again.read_bytes() == first.read_bytes()
    with zipfile.ZipFile(again) as z:
        assert b"2025-03-14T00:00:00Z" in z.read("docProps/core.xml")


def test_reference_docx_is_reproducible(tmp_path):
    rebuilt = tmp_path / "reference.docx"
    from qmdbook.docx_reference import build_reference

    build_reference(rebuilt)
    assert rebuilt.read_bytes() == Path(REFERENCE_DOCX).read_bytes()
