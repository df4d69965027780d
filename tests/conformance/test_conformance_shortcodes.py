"""Shortcodes (quarto.org/docs/authoring/includes.html, .../variables.html, .../videos.html,
.../notebook-embed.html): expanded in every format, never printed raw."""

from __future__ import annotations

from conformance_outputs import ENV_VALUE, page_of

EXPECTED = [
    "Text from the included file.",
    "Text from the nested include, with a value: 42.",
    "Book title from metadata: Conformance Book",
    "chapter subtitle: Shortcodes chapter",
    "Owner from variables: Conformance Unit, release 2.4.",
    f"Environment: {ENV_VALUE} and a default fallback-value.",
    "embedded stdout from a hidden cell",
    "notebook answer 42",
    "Figure 1.1: A figure captioned from Conformance Unit",  # in a cell option too
]


def test_expanded_in_html_pdf_and_docx(conformance):
    html = conformance.html_text(page_of(conformance, "sec-shortcodes"))
    pdf, docx = conformance.pdf_text(), conformance.docx_text()
    for text in (html, pdf, docx):
        for expected in EXPECTED:
            assert expected in text
        assert "{{<" not in text.replace("{{< meta title >}}", "")


def test_escaped_shortcode_is_shown_literally(conformance):
    html = conformance.html(page_of(conformance, "sec-shortcodes"))
    assert "<code>{{&lt; meta title &gt;}}</code>" in html


def test_pagebreak_breaks_the_page_in_pdf_and_docx(conformance):
    pages = conformance.pdf_pages()
    after = next(i for i, p in enumerate(pages) if "After the page break." in p)
    assert "Press" in pages[after - 1] and "Press" not in pages[after]
    assert '<w:br w:type="page"/>' in conformance.docx_xml()
    html = conformance.html(page_of(conformance, "sec-shortcodes"))
    assert 'class="page-break"' in html


def test_video_embeds_in_html_and_links_elsewhere(conformance):
    html = conformance.html(page_of(conformance, "sec-shortcodes"))
    player = '<iframe src="https://www.youtube.com/embed/wo9vZccmqwc" title="Conformance video"'
    assert player in html
    assert "Video: Conformance video" in conformance.pdf_text()
    assert "Video: Conformance video" in conformance.docx_text()


def test_kbd(conformance):
    html = conformance.html(page_of(conformance, "sec-shortcodes"))
    assert "<kbd>Ctrl-Shift-P</kbd>" in html
    assert "Ctrl-Shift-P" in conformance.pdf_text()


def test_no_shortcode_diagnostics_for_a_valid_chapter(conformance):
    assert not [d for d in conformance.diagnostics() if "shortcodes.qmd" in d]
