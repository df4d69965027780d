"""Conditional content (quarto.org/docs/authoring/conditional.html): each format shows its own."""

from __future__ import annotations

import pytest
from conformance_outputs import page_of

SENTENCES = {
    "web": "Only the web site shows this sentence.",
    "pdf": "Only the PDF shows this sentence.",
    "word": "Only the Word document shows this sentence.",
    "not-web": "Every format but the web site shows this sentence.",
    "not-pdf": "Every format but the PDF shows this sentence.",
    "never": "No format shows this sentence.",
    "flag": "A metadata flag shows this sentence.",
}
SHOWN = {
    "html": {"web", "not-pdf", "flag"},
    "pdf": {"pdf", "not-web", "flag"},
    "docx": {"word", "not-web", "not-pdf", "flag"},
}


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_each_format_shows_only_its_content(conformance, fmt):
    text = {
        "html": lambda: conformance.html_text(page_of(conformance, "sec-conditional")),
        "pdf": conformance.pdf_text,
        "docx": conformance.docx_text,
    }[fmt]()
    for name, sentence in SENTENCES.items():
        assert (sentence in text) == (name in SHOWN[fmt]), (fmt, name)
    inline = "Inline: web words." if fmt == "html" else "Inline: print words."
    assert inline in text
