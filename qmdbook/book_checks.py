"""Whole-book source checks run before execution: clashing ids and images that do not exist.

Both are found from the sources, so they are reported with the chapter and line the author
edits rather than as a pandoc command line or a page silently overwritten by another.
"""

from __future__ import annotations

import re
from pathlib import Path

from .assemble import ChapterSource
from .qmd import Diagnostic, Prose

# An attribute block's id: `{#id ...}` or `{.class #id}`; `{{< embed file#id >}}` names a target
# (the brace is followed by another brace or a '<'), it defines none.
_ID = re.compile(r"(?<!\{)\{(?![{<])[^}\n]*?#([A-Za-z][\w:.-]*)")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)")


def _chapter_heading_line(path: Path, ident: str) -> int:
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^#\s", line) and f"#{ident}" in line:
                return n
    except (OSError, UnicodeDecodeError):
        pass
    return 1


def _prose_matches(source: ChapterSource, pattern: re.Pattern):
    """(line, match) for every match in the chapter's prose (not in verbatim code blocks)."""
    for seg in source.doc.segments:
        if not isinstance(seg, Prose) or seg.verbatim:
            continue
        for offset, text in enumerate(seg.text.splitlines()):
            for match in pattern.finditer(text):
                yield seg.line + offset, match


def duplicate_ids(sources: list[ChapterSource], root: Path) -> list[Diagnostic]:
    """Every id (chapter, heading, div, cell label) defined a second time anywhere in the book."""
    first: dict[str, tuple[str, int]] = {}
    found: list[Diagnostic] = []

    def define(ident: str, path: str, line: int, what: str) -> None:
        if ident in first:
            where = "{}:{}".format(*first[ident])
            found.append(
                Diagnostic(
                    path,
                    line,
                    f"duplicate id '{ident}' ({what}; first defined at {where}): one page or "
                    "cross-reference target would replace the other; rename one of them",
                )
            )
        else:
            first[ident] = (path, line)

    for s in sources:
        path = s.entry.source
        define(s.id, path, _chapter_heading_line(root / path, s.id), "chapter id")
    for s in sources:
        path = s.entry.source
        for line, match in _prose_matches(s, _ID):
            define(match.group(1), path, line, "id")
        for cell in s.doc.cells:
            if cell.label:
                define(cell.label, path, cell.line, "cell label")
    return found


def missing_images(sources: list[ChapterSource], root: Path) -> list[Diagnostic]:
    """Images linked from prose whose file exists neither beside the chapter nor at the root."""
    found = []
    for s in sources:
        here = (root / s.entry.source).parent
        for line, match in _prose_matches(s, _IMAGE):
            target = match.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
                continue  # a URL or data: URI is fetched by the renderer, not read from disk
            if (here / target).is_file() or (root / target).is_file():
                continue
            found.append(
                Diagnostic(
                    s.entry.source,
                    line,
                    f"image '{target}' not found (looked beside the chapter and at the project "
                    "root); check the file name, its folder and its case",
                )
            )
    return found
