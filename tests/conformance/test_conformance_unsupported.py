"""What qmdbook does not support is reported with file:line, never printed raw or dropped
silently (the engine's rule; Quarto's own behaviour for these is to warn)."""

from __future__ import annotations

from conformance_outputs import BOOK, page_of

SOURCE = "chapters/unsupported.qmd"


def line_of(text: str, path=BOOK / SOURCE) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_each_unsupported_use_is_named_with_its_line(conformance):
    found = conformance.diagnostics()
    expected = [
        f"{SOURCE}:{line_of('lipsum')}: shortcode 'lipsum' is not supported by qmdbook",
        f"{SOURCE}:{line_of('metaa')}: unknown shortcode 'metaa'",
        f"{SOURCE}:{line_of('when-profile')}: conditional content: 'when-profile' is not "
        "supported by qmdbook",
        f"{SOURCE}:{line_of('missing-chapter.qmd')}: link to missing-chapter.qmd, which is not a "
        "chapter of the book",
        f"_quarto.yml:{line_of('lof-title', BOOK / '_quarto.yml')}: crossref option 'lof-title' is "
        "not supported by qmdbook",
        f"{SOURCE}:{line_of('fig-align')}: cell option 'fig-align' is not supported by qmdbook",
    ]
    for message in expected:
        assert message in found, message


def test_nothing_prints_raw(conformance):
    text = conformance.html_text(page_of(conformance, "sec-unsupported"))
    assert "{{<" not in text and "?lipsum" in text and "?metaa" in text
    assert "a missing chapter" in text and "missing-chapter.qmd" not in text
    for other in (conformance.pdf_text(), conformance.docx_text()):
        assert "{{<" not in other.replace("{{< meta title >}}", "")
