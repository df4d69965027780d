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
