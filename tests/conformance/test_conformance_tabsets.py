"""Tabsets (quarto.org/docs/interactive/layout.html#tabset-panel): accessible tabs in HTML,
successive titled sections in PDF and DOCX, never numbered or listed as sections."""

from __future__ import annotations

import re

import pytest
from conformance_outputs import page_of


def test_html_tabs_follow_the_aria_tabs_pattern(conformance):
    html = conformance.html(page_of(conformance, "sec-tabsets"))
    assert html.count('<div role="tablist"') == 2  # the outer tabset and the nested one
    assert '<div role="tablist" aria-label="language">' in html
    tabs = re.findall(r'<button type="button" role="tab" id="([^"]+)-tab" aria-controls="([^"]+)"'
                      r' aria-selected="(true|false)"', html)
    assert [t[2] for t in tabs] == ["true", "false", "true", "false"]
    for tab_id, panel, _ in tabs:
        assert tab_id == panel
        assert re.search(rf'<div id="{panel}" class="tab-pane" role="tabpanel"'
                         rf' aria-labelledby="{panel}-tab" tabindex="0">', html)
    assert "Nested tab two." in html
    assert "<h2" not in html.split('class="panel-tabset"')[1].split("After the tabs")[0]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_print_formats_show_tabs_in_turn(conformance, fmt):
    text = conformance.pdf_text() if fmt == "pdf" else conformance.docx_text()
    order = ["Python", "Python tab body.", "R", "R tab body.", "Inner one", "Nested tab one.",
             "Inner two", "Nested tab two.", "After the tabs"]
    start = text.index("Python tab body.") - len("Python ") - 1
    positions = [text.index(item, start) for item in order]
    assert positions == sorted(positions)
    # The tab titles are not numbered sections: the next heading is 5.1.
    assert "5.1 After the tabs" in text


def test_a_part_file_gives_its_title_and_its_text_in_print(conformance):
    # (Quarto's guide: book parts, quarto.org/docs/books/book-structure.html#parts-appendices)
    body = "This part groups the chapters on conditional content and tabsets."
    for text in (conformance.pdf_text(), conformance.docx_text()):
        assert "Layout and conditions" in text and body in text
        assert text.index(body) < text.index("4 Conditional content", text.index(body) - 500)
    assert body not in conformance.html_text(page_of(conformance, "sec-conditional"))
    assert any("its text is shown in the PDF and DOCX, not on the web site" in line
               for line in conformance.log)
