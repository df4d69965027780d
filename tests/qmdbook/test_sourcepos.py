"""Source positions: which prose lines get a marker, and what sourcepos.lua makes of them."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from qmdbook.sourcepos import bookmark_name, mark_paragraphs, parse_bookmark
from qmdbook.tools import pandoc_path

FILTER = Path(__file__).resolve().parents[2] / "qmdbook" / "filters" / "sourcepos.lua"

PROSE = """\
First paragraph
goes on here.

- an item
- *another* item

| a | b |
|---|---|
| 1 | 2 |

![A figure](fig.png)

[^1]: A footnote.

[ref]: https://example.org

::: {.callout-note}
## Title
Callout text.
:::

`{python} n` sources were read.
"""


def test_markers_go_on_paragraphs_and_items_only():
    marked = mark_paragraphs(PROSE, 10, "report/methods.qmd").splitlines()
    lines = PROSE.splitlines()

    def at(text: str) -> int:
        return next(i for i, line in enumerate(lines) if line.startswith(text))

    def marker(text: str) -> str:
        return f'[]{{qb-src="report/methods.qmd:{10 + at(text)}"}}'

    assert marked[at("First")] == marker("First") + "First paragraph"
    assert marked[at("- an item")] == "- " + marker("- an item") + "an item"
    assert marked[at("- *another*")] == "- " + marker("- *another*") + "*another* item"
    assert marked[at("Callout")] == marker("Callout") + "Callout text."
    assert marked[at("`{python}")] == marker("`{python}") + lines[at("`{python}")]
    for untouched in ("goes on", "| a", "![A", "[^1]:", "[ref]:", ":::", "## Title"):
        assert marked[at(untouched)] == lines[at(untouched)], untouched
    assert len(marked) == len(lines)  # line numbers after the markers still hold


def test_bookmark_names_fit_word_and_read_back():
    name = bookmark_name("report/included-sources.qmd", 1234)
    assert name == "qbs_included_sources_1234"
    assert parse_bookmark(name) == ("included_sources", 1234)
    long = bookmark_name("report/" + "x" * 60 + ".qmd", 99999)
    assert len(long) <= 40 and parse_bookmark(long)[1] == 99999
    assert parse_bookmark("_Toc12345") is None


def _pandoc(markdown: str, to: str, out: Path | None = None) -> str:
    args = [pandoc_path(), "-f", "markdown", "-t", to, "--lua-filter", str(FILTER)]
    if out:
        args += ["-o", str(out)]
    return subprocess.run(args, input=markdown, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("to", ["html", "typst", "markdown"])
def test_other_formats_drop_the_markers(to):
    out = _pandoc('[]{qb-src="report/methods.qmd:12"}Some text.\n', to)
    assert "Some text." in out and "qb-src" not in out and "methods" not in out


def test_docx_gets_one_bookmark_per_marker(tmp_path):
    text = '[]{qb-src="report/methods.qmd:12"}One.\n\n[]{qb-src="report/methods.qmd:14"}Two.\n'
    _pandoc(text, "docx", tmp_path / "out.docx")
    with zipfile.ZipFile(tmp_path / "out.docx") as package:
        xml = package.read("word/document.xml").decode()
    assert xml.count('w:name="qbs_methods_12"') == 1 and 'w:name="qbs_methods_14"' in xml
    assert "qb-src" not in xml
    assert xml.count("<w:bookmarkEnd") >= 2
