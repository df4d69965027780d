"""Margin content and callout options (quarto.org/docs/authoring/article-layout.html,
.../callouts.html#collapse, .../callouts.html#appearance)."""

from __future__ import annotations

from conformance_outputs import page_of


def test_html_places_margin_content_beside_the_text(conformance):
    html = conformance.html(page_of(conformance, "sec-margin"))
    assert '<aside class="column-margin"' in html and "A margin block of text." in html
    assert '<span class="column-margin aside" role="note"' in html


def test_print_formats_turn_margin_content_into_notes(conformance):
    import zipfile

    pdf = conformance.pdf_text()
    assert "aside1 inside the sentence" in pdf and "1A note in the margin." in pdf
    assert "2A margin block of text." in pdf
    assert conformance.docx_xml().count("w:footnoteReference") == 2
    with zipfile.ZipFile(next(conformance.site.glob("*.docx"))) as z:
        notes = z.read("word/footnotes.xml").decode()
    assert "A note in the margin." in notes and "A margin block of text." in notes


def test_callout_collapse_and_appearance(conformance):
    html = conformance.html(page_of(conformance, "sec-margin"))
    assert '<details><summary class="callout-title">A folded note</summary>' in html
    assert '<details open><summary class="callout-title">An open simple tip</summary>' in html
    assert "callout-appearance-simple no-icon" in html
    assert "callout-appearance-minimal" in html
    for text in (conformance.pdf_text(), conformance.docx_text()):
        assert "Folded body text." in text and "Minimal warning text." in text
