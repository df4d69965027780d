"""Cross-references (quarto.org/docs/authoring/cross-references.html and
.../cross-reference-options.html): every kind numbered per chapter and linked, in every format."""

from __future__ import annotations

import pytest
from conformance_outputs import page_of

# (reference text, caption or title text) per kind, as the crossrefs chapter (2) numbers them.
NUMBERED = [
    ("Eq. 2.1", "(2.1)"),  # eq-prefix from _quarto.yml
    ("Theorem 2.1", "Theorem 2.1 (Straight lines)"),
    ("Lemma 2.1", "Lemma 2.1 (Small steps)"),
    ("Definition 2.1", "Definition 2.1 A walk"),
    ("Listing 2.1", "Code listing 2.1: Adding two numbers"),  # lst-title from _quarto.yml
    ("Listing 2.2", "Code listing 2.2: A listing captioned by its last paragraph"),
    ("Listing 2.3", "Code listing 2.3: A listing from a cell"),
    ("Tip 2.1", "Tip 2.1: A numbered tip"),
    ("Warning 2.1", "Warning 2.1 A warning without a title."),
    ("Figure 2.1", "Figure 2.1: A figure captioned by its last paragraph"),
    ("Figure 2.2", "Figure 2.2: A figure captioned by its fig-cap attribute"),
    ("Table 2.1", "Table 2.1: A table captioned by its last paragraph"),
    # crossref: custom, with the caption below by default and no space where asked
    ("Video 2.1", "Video 2.1: A video of the demonstration"),
    ("Figure S2.1", "Supplementary figure S2.1: An extra figure for the supplement"),
]


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_every_kind_is_numbered_and_referenced(conformance, fmt):
    text = {
        "html": lambda: conformance.html_text(page_of(conformance, "sec-crossrefs")),
        "pdf": conformance.pdf_text,
        "docx": conformance.docx_text,
    }[fmt]()
    for reference, caption in NUMBERED:
        assert caption in text, caption
        assert reference in text.replace(caption, ""), reference
    assert "Proof. Follows from Lemma 2.1" in text
    assert "the number alone is 2.1" in text
    assert "?@" not in text and "{#eq-" not in text


def test_references_are_links_to_the_numbered_element(conformance):
    page = page_of(conformance, "sec-crossrefs")
    html = conformance.html(page)
    targets = ("eq-energy", "thm-straight", "lst-sum", "lst-cell", "tip-numbered", "fig-div-attr",
               "vid-demo", "sup-extra")
    for target in targets:
        assert f'id="{target}"' in html
        assert f'href="{page}#{target}"' in html


def test_no_crossref_is_reported_unresolved(conformance):
    assert not [d for d in conformance.diagnostics() if "unresolved" in d]
