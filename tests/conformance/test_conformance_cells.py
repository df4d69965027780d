"""Code cells (quarto.org/docs/output-formats/html-code.html, .../computations/execution-options):
folding, summaries, fenced echo, and `output: asis` in the order the cell wrote it."""

from __future__ import annotations

import re

from conformance_outputs import page_of


def test_code_fold_from_the_document_and_the_cell(conformance):
    html = conformance.html(page_of(conformance, "sec-cells"))
    assert '<details class="code-fold"><summary>Show the code</summary>' in html
    assert '<details class="code-fold" open><summary>Open code</summary>' in html


def test_echo_fenced_shows_the_cell_as_written(conformance):
    text = conformance.html_text(page_of(conformance, "sec-cells"))
    assert "```{python} #| echo: fenced #| code-fold: false shown_fenced = 1 ```" in text


def test_asis_output_keeps_the_cells_order(conformance):
    html = conformance.html(page_of(conformance, "sec-cells"))
    body = html[html.index("Printed heading"):]
    before, image, after = (body.index(s) for s in ("Printed before", "<img", "Printed after"))
    assert before < image < after
    assert re.search(r"<h2[^>]*>Printed heading</h2>", html)
    pdf = conformance.pdf_text()
    assert "Printed heading Printed before the plot." in pdf
