"""The DOCX writer behind the core's own Lua filters: callouts and parts meet the styles."""

from __future__ import annotations

from pathlib import Path

import docx
from test_pdf_core import core_args  # noqa: E402  (same arguments as the PDF contract test)

from qmdbook.docx import build_docx  # noqa: E402
from qmdbook.meta import BookMeta  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures_pdf"


def test_core_callouts_and_parts_use_reference_styles(tmp_path):
    args = core_args()
    out = tmp_path / "book.docx"
    meta = BookMeta(title="Core-shaped book", authors=("Ada Example",), date="2025-03-14")
    build_docx(FIXTURES / "core_book.md", out, meta, args)
    doc = docx.Document(str(out))
    by_style: dict[str, list[str]] = {}
    for p in doc.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert by_style["Title"] == ["Core-shaped book"]  # one title, not a list of two
    assert by_style["Part Title"] == ["Evidence", "Appendices"]
    assert "Body of note." in by_style["Callout Note"]
    assert "A tip without a title." in by_style["Callout Tip"]
    assert by_style["Heading 1"] == ["Preface", "1 Introduction", "A Search", "References"]
