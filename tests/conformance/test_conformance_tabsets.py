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


def test_a_part_file_gets_a_web_page_linked_from_the_part_in_the_sidebar(conformance):
    body = "This part groups the chapters on conditional content and tabsets."
    page = page_of(conformance, "part-layout-and-conditions")
    assert body in conformance.html_text(page)
    assert re.search(r'<h1 [^>]*id="part-layout-and-conditions"[^>]*>Layout and conditions</h1>',
                     conformance.html(page))
    chapter = conformance.html(page_of(conformance, "sec-conditional"))
    link = re.search(r'<li class="toc-part"><a class="toc-part-title"[^>]*href="([^"]+)"[^>]*>'
                     r"Layout and conditions</a>", chapter)
    assert link and link.group(1) == page
    # The part page comes just before the part's first chapter, and is not listed as a chapter.
    assert re.search(rf'<a class="page-nav-prev" href="{page}" rel="prev">', chapter)
    assert f'<li class="toc-chapter"><a href="{page}"' not in chapter
    assert not any("not on the web site" in line for line in conformance.log)
