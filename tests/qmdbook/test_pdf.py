"""The PDF writer on a hand-made book in the shape the engine core assembles."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from qmdbook.meta import BookMeta  # noqa: E402
from qmdbook.pdf import PdfBuildError, build_pdf, display_date, split_lang  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures_pdf"
META = BookMeta(
    title="Systems leadership in the NHS",
    subtitle="A rapid scoping review",
    authors=("Ada Lovelace", "Mary Seacole"),
    organisation="NHS England Leadership Academy",
    date="2025-03-14",
    version="1.2.0",
    lang="en-GB",
    license="CC BY 4.0",
)


def pandoc_args(fixtures: Path = FIXTURES) -> list[str]:
    return [
        "-f",
        "markdown",
        "--citeproc",
        "--bibliography",
        str(fixtures / "refs.bib"),
        "--csl",
        str(fixtures / "harvard-cite-them-right.csl"),
        "--resource-path",
        str(fixtures),
    ]


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "book.pdf"
    build_pdf(FIXTURES / "book.md", out, META, pandoc_args())
    return out


@pytest.fixture(scope="module")
def pdf(pdf_path) -> pypdf.PdfReader:
    return pypdf.PdfReader(pdf_path)


@pytest.fixture(scope="module")
def text(pdf) -> str:
    # Words only: line breaks and justification spacing differ between extractors.
    return " ".join(" ".join(page.extract_text() for page in pdf.pages).split())


def outline_titles(items) -> list[str]:
    titles = []
    for item in items:
        if isinstance(item, list):
            titles.extend(outline_titles(item))
        else:
            titles.append(item.title)
    return titles


def test_has_title_page_contents_and_chapters(pdf, text):
    assert len(pdf.pages) >= 8
    first = pdf.pages[0].extract_text()
    for expected in (
        "Systems leadership",
        "A rapid scoping review",
        "Ada Lovelace and Mary Seacole",
    ):
        assert expected in " ".join(first.split())
    assert "NHS England Leadership Academy" in first
    assert "14 March 2025" in first and "Version 1.2.0" in first
    assert "Contents" in pdf.pages[1].extract_text()


def test_captions_numbered_once(text):
    assert "Figure 1.1: Flow of studies through the screening stages." in text
    assert "Table 2.1: Studies included in the review." in text
    # Typst's own figure numbering would prefix a second "Figure 1:".
    assert "Figure 1: Figure" not in text and "Table 1: Table" not in text


def test_citations_and_reference_list(text):
    assert "(West et al., 2014)" in text
    assert "Senge (1990)" in text
    assert "The fifth discipline: The art and practice of the learning organization" in text
    assert "Developing collective leadership for health care" in text
    # Typst's bibliography engine must not have run (it adds its own heading).
    assert "Bibliography" not in text


def test_long_table_keeps_every_row(text):
    assert "S01 Study row 01" in text
    assert "S60 Study row 60" in text
    assert all(f"Study row {i:02d}" in text for i in range(1, 61))


def test_callouts_have_text_labels(text):
    assert "Note: Scope of the review" in text
    assert "Warning Evidence from outside England was excluded." in text


def test_outline_bookmarks(pdf):
    titles = outline_titles(pdf.outline)
    for expected in (
        "Preface",
        "Part I: Background",
        "1 Introduction",
        "1.1 Background",
        "2 Methods",
        "A Search strategy",
        "References",
    ):
        assert expected in titles
    assert "Contents" not in titles


def test_metadata_and_page_size(pdf):
    assert pdf.metadata.title == META.title
    assert pdf.metadata.author == "Ada Lovelace, Mary Seacole"
    for page in pdf.pages:
        box = page.mediabox
        assert abs(float(box.width) - 595.28) < 1
        assert abs(float(box.height) - 841.89) < 1


def test_tagged_pdf_ua(pdf):
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_running_headers_and_page_numbers(pdf):
    pages = [" ".join(p.extract_text().split()) for p in pdf.pages]
    # Title page: no header or number; chapter openings: no running header.
    assert not pages[0].rstrip().endswith(("1", "i"))
    intro = next(i for i, p in enumerate(pages) if p.startswith("1 Introduction"))
    assert "Systems leadership in the NHS" not in pages[intro].split("1 Introduction", 1)[0]
    follow = pages[intro + 1]
    assert follow.startswith("1 Introduction Systems leadership in the NHS")
    assert follow.endswith(" 4")


def test_image_alt_text_reaches_pdf(pdf):
    struct = pdf.trailer["/Root"]["/StructTreeRoot"]
    alts = []

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid, depth)
            return
        if not isinstance(node, pypdf.generic.DictionaryObject) or depth > 60:
            return
        if "/Alt" in node:
            alts.append(str(node["/Alt"]))
        if "/K" in node:
            walk(node["/K"], depth + 1)

    walk(struct)
    assert any("Three boxes joined by arrows" in alt for alt in alts)


def test_broken_typst_raises_and_keeps_old_output(tmp_path):
    book = tmp_path / "bad.md"
    book.write_text(
        "# [1]{.header-section-number} Intro {#sec-intro}\n\n"
        "See [the missing figure](#fig-missing).\n",
        encoding="utf-8",
    )
    out = tmp_path / "bad.pdf"
    out.write_bytes(b"previous build")
    with pytest.raises(PdfBuildError) as info:
        build_pdf(book, out, BookMeta(title="T"), ["-f", "markdown"])
    message = str(info.value)
    assert "<fig-missing>` does not exist" in message
    assert "See #link(<fig-missing>)" in message  # the offending source line is quoted
    assert "missing figure/table/section" in message
    assert out.read_bytes() == b"previous build"
    assert (tmp_path / "bad.typ").exists()
    assert not list(tmp_path.glob(".qmdbook-pdf-*"))


def test_broken_typst_does_not_create_output(tmp_path):
    book = tmp_path / "bad.md"
    book.write_text("```{=typst}\n#let x = (1 +\n```\n", encoding="utf-8")
    out = tmp_path / "sub" / "bad.pdf"
    with pytest.raises(PdfBuildError, match="unclosed delimiter"):
        build_pdf(book, out, BookMeta(title="T"), ["-f", "markdown"])
    assert not out.exists()


def test_helpers():
    assert display_date("2025-03-04") == "4 March 2025"
    assert display_date("spring 2025") == "spring 2025"
    assert split_lang("en-GB") == ("en", "GB")
    assert split_lang("cy") == ("cy", None)


def test_equations_get_alt_text_for_pdf_ua(tmp_path):
    book = tmp_path / "maths.md"
    book.write_text(
        "# Maths\n\nInline $a^2 + b^2$ and display:\n\n$$E = mc^2$$\n", encoding="utf-8"
    )
    out = tmp_path / "maths.pdf"
    build_pdf(book, out, BookMeta(title="Maths"), ["-f", "markdown"])
    assert len(pypdf.PdfReader(out).pages) >= 3


def test_image_without_any_description_is_explained(tmp_path):
    (tmp_path / "dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" '
        'r="4"/></svg>',
        encoding="utf-8",
    )
    book = tmp_path / "img.md"
    book.write_text("# Images\n\nA dot ![](dot.svg) here.\n", encoding="utf-8")
    with pytest.raises(PdfBuildError) as info:
        build_pdf(book, tmp_path / "img.pdf", BookMeta(title="T"), ["-f", "markdown"])
    assert "missing alt text" in str(info.value)
    assert "caption or fig-alt" in str(info.value)


def test_two_builds_are_identical(pdf_path, tmp_path):
    again = tmp_path / "again.pdf"
    build_pdf(FIXTURES / "book.md", again, META, pandoc_args())
    assert again.read_bytes() == pdf_path.read_bytes()


def test_metadata_with_typst_syntax_is_literal(tmp_path):
    book = tmp_path / "t.md"
    book.write_text("# One\n\nText.\n", encoding="utf-8")
    title = 'Care "at home" #1 \\ $x$ <lab> @cite *not bold*'
    meta = BookMeta(title=title, authors=("O'Brien, S.",), organisation="A & B", lang="cy")
    out = tmp_path / "t.pdf"
    build_pdf(book, out, meta, ["-f", "markdown"])
    reader = pypdf.PdfReader(out)
    assert reader.metadata.title == title
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    assert "#1" in reader.pages[0].extract_text()


def _tall_figure_book(tmp_path: Path, attrs: str) -> Path:
    (tmp_path / "tall.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="160"><rect width="100" '
        'height="160" fill="#ccc"/></svg>',
        encoding="utf-8",
    )
    filler = " ".join(["Text that comes before the figure fills part of the page."] * 30)
    book = tmp_path / f"tall{len(attrs)}.md"
    book.write_text(
        f"# Floats\n\nBEFORE {filler}\n\n::: {{#fig-tall{attrs}}}\n"
        '![A tall figure](tall.svg){height=18cm alt="A grey rectangle"}\n:::\n\n'
        "AFTER the figure, this paragraph belongs on the page it follows.\n",
        encoding="utf-8",
    )
    return book


def _page_of(reader: pypdf.PdfReader, word: str) -> int:
    return next(i for i, p in enumerate(reader.pages) if word in (p.extract_text() or ""))


@pytest.mark.parametrize(
    "attrs, floats", [(' fig-pos="tbp"', True), ("", False), (' fig-pos="H"', False)]
)
def test_fig_pos_lets_a_tall_figure_float_while_text_fills_the_page(tmp_path, attrs, floats):
    out = tmp_path / "floats.pdf"
    build_pdf(_tall_figure_book(tmp_path, attrs), out, BookMeta(title="Floats"), ["-f", "markdown"])
    reader = pypdf.PdfReader(out)
    before, after = _page_of(reader, "BEFORE"), _page_of(reader, "AFTER")
    figure = _page_of(reader, "A tall figure")
    if floats:  # the text after the figure fills the page; the figure goes where it fits
        assert after == before < figure
    else:  # the figure stays in place, so the page before it ends early
        assert before < figure <= after
