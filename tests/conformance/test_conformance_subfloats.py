"""Subfigures, subtables and panel layouts (quarto.org/docs/authoring/figures.html#subfigures,
.../figures.html#complex-layouts, .../tables.html#subtables)."""

from __future__ import annotations

import re

import pytest
from conformance_outputs import page_of

EXPECTED = [
    "(a) Blue square", "(b) Green square", "Figure 3.1: Two coloured squares",
    "in particular Figure 3.1 (b)",
    "Table 3.1: Two small tables", "(a) First table", "(b) Second table",
    "See Table 3.1 and Table 3.1 (b)",
    "(a) Rising", "(b) Falling", "Figure 3.2: Two plots from one cell",
    "See Figure 3.2 and Figure 3.2 (b)",
    "Table 3.2: Two tables from one cell", "(a) Counts", "(b) Shares",  # tbl-subcap on a cell
    "See Table 3.2 and Table 3.2 (b)",
]


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_subfloats_are_lettered_under_their_parent(conformance, fmt):
    text = {
        "html": lambda: conformance.html_text(page_of(conformance, "sec-subfloats")),
        "pdf": conformance.pdf_text,
        "docx": conformance.docx_text,
    }[fmt]()
    for expected in EXPECTED:
        assert expected in text, expected


def test_html_panels_put_two_cells_in_a_row(conformance):
    html = conformance.html(page_of(conformance, "sec-subfloats"))
    row = r'<div class="quarto-layout-row"'
    rows = re.findall(rf"{row}.*?(?={row}|</main>)", html, re.S)
    cells = [row.count('class="quarto-layout-cell"') for row in rows]
    # fig-squares, tbl-panel: a row of two; layout [[1,1],[1]]: two, one; fig-cells, tbl-cells.
    assert cells[:6] == [2, 2, 2, 1, 2, 2]
    assert 'flex-basis: 50.0%' in html and 'flex-basis: 100.0%' in html
    assert 'id="fig-green"' in html and 'id="fig-cells-2"' in html


def test_docx_panels_are_tables_and_pdf_panels_grids(conformance):
    import docx

    doc = docx.Document(next(conformance.site.glob("*.docx")))
    widths = [len(t.columns) for t in doc.tables]
    assert widths.count(2) >= 5  # the five two-column panels
    pages = conformance.pdf_pages()
    squares = next(p for p in pages if "Two coloured squares" in p)
    # Side by side: both subcaptions on one line of text before the caption.
    assert re.search(r"\(a\) Blue square \(b\) Green square", squares)
