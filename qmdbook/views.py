"""The shared pandoc pass: the book is read, numbered and cited once per view, not per format.

Reading book.md, numbering it (crossref.lua) and running citeproc give every format the same
result unless conditional content or tabsets differ between formats. The formats are grouped
into views (HTML alone, where tabsets become tabs; the print formats together). One pandoc run
per view writes the numbered, cited book as a JSON AST; each format's run then reads that AST
and applies only its format filters, post.lua and its writer. conditional.lua writes down what
each format would show, so a format whose conditional content differs from its view's gets a
pass of its own: sharing never changes what a format shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .tools import run_pandoc

# Before citeproc, once per view; the order is build.FILTER_ORDER's.
VIEW_FILTERS = ("sourcepos", "conditional", "tabset", "normalise", "crossref", "chapterlinks")
# After citeproc, once per format; they make each format's markup and need nothing citeproc
# changes (citations are still Cite elements until post.lua).
FORMAT_FILTERS = ("layout", "margin", "pagebreak", "video", "kbd", "format", "missingimages")
# The pandoc writer each format's filters are written for (their FORMAT).
WRITER = {"html": "html", "pdf": "typst", "docx": "docx"}


@dataclass
class View:
    """Formats that see the same book, and the AST written for them."""

    formats: list[str]
    ast: Path


def plan(formats: list[str]) -> list[list[str]]:
    """HTML on its own (tabsets differ), the print formats together."""
    groups = [[f for f in formats if f == "html"], [f for f in formats if f != "html"]]
    return [g for g in groups if g]


def _choices(report: Path) -> dict[str, str]:
    try:
        lines = report.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def view_pass(book_md: Path, view_args: list[str], formats: list[str], name: str) -> list[View]:
    """Run the shared pass for `formats`; return the views made: one, unless conditional
    content differs between the formats, when each format that differs gets a pass of its own."""
    work = book_md.parent
    ast, report = work / f"view-{name}.json", work / f"view-{name}.tsv"
    report.unlink(missing_ok=True)
    targets = ",".join(WRITER[f] for f in formats)
    run_pandoc(
        [str(book_md), *view_args, "-M", f"qmdbook-targets={targets}",
         "-M", f"qmdbook-views={report}", "-t", "json", "-o", str(ast)],
        cwd=work,
    )  # fmt: skip
    choices = _choices(report)
    first = choices.get(WRITER[formats[0]])
    same = [f for f in formats if first is not None and choices.get(WRITER[f]) == first]
    same = same or formats[:1]
    views = [View(same, ast)]
    for fmt in formats:
        if fmt not in same:
            views += view_pass(book_md, view_args, [fmt], f"{name}-{fmt}")
    return views
