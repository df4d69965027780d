"""The PDF writer behind the core's own Lua filters: the contract between them, end to end."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from qmdbook.meta import BookMeta  # noqa: E402
from qmdbook.pdf import build_pdf  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures_pdf"
FILTERS = Path(__file__).resolve().parents[2] / "qmdbook" / "filters"


def core_args() -> list[str]:
    """The common arguments in the order the core passes them (normalise..post, citeproc)."""
    args = ["-f", "markdown"]
    for name in ("normalise", "crossref", "format"):
        args += ["--lua-filter", str(FILTERS / f"{name}.lua")]
    args += ["--citeproc", "--bibliography", str(FIXTURES / "refs.bib")]
    args += ["--csl", str(FIXTURES / "harvard-cite-them-right.csl"), "-M", "link-citations=true"]
    args += ["--lua-filter", str(FILTERS / "post.lua"), "--resource-path", str(FIXTURES)]
    return args


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    out = tmp_path_factory.mktemp("core") / "book.pdf"
    meta = BookMeta(title="Core-shaped book", authors=("Ada Example",), date="2025-03-14")
    build_pdf(FIXTURES / "core_book.md", out, meta, core_args())
    return pypdf.PdfReader(out)


def test_core_markup_renders(reader):
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    # crossref numbers headings and floats; the template adds no numbers of its own.
    assert "1 Introduction" in text and "1.1 Background" in text and "A Search" in text
    assert "Figure 1.1: Flow of studies." in text.replace("\xa0", " ")
    assert "Table 1.1: Small table." in text.replace("\xa0", " ")
    assert "Figure 1 :" not in text and "1 1 Introduction" not in text
    # format.lua's callout() and part-page calls meet the template's definitions.
    assert "Note: Scope matters" in text and "Tip A tip without a title." in text
    # post.lua unwraps the link to the unknown key, so Typst does not abort on it.
    assert "nokey?" in text
    assert "(West et al., 2014" in text


def test_parts_in_outline(reader):
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:3] == ["Preface", "Evidence", "1 Introduction"]
    assert "Appendices" in titles and "A Search" in titles
