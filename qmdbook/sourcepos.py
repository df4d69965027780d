"""Source positions for the DOCX: each prose paragraph remembers the file and line it came from.

The emitter puts an empty `[]{qb-src="report/methods.qmd:12"}` span at the start of every
paragraph and list item of a chapter's prose; sourcepos.lua turns it into a Word bookmark named
`qbs_<file stem>_<line>` (Word and LibreOffice keep bookmarks through editing and saving) and
removes it from every other format. `slr comments` reads the bookmarks back.

Only lines that surely start a paragraph are marked: a marker must never turn a figure, table,
footnote definition, heading or div fence into something else.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

BOOKMARK_PREFIX = "qbs_"
_MAX_BOOKMARK = 40  # Word's limit on a bookmark name
_LIST_ITEM = re.compile(r"^((?:[-*+]|\d+[.)]) +)(?=\S)")
# A paragraph's first character: a word, emphasis, a citation, an inline expression, a link.
_STARTS_TEXT = re.compile(r"^(?:[^\W_]|[*_][^\s*_]|@|`|\[(?!\^)(?![^\]]*\]:)|\"|'|\()")


def bookmark_name(source: str, line: int) -> str:
    """`qbs_methods_12`: letters, digits and underscores only, within Word's 40 characters."""
    stem = re.sub(r"[^A-Za-z0-9]", "_", PurePosixPath(source).stem)
    room = _MAX_BOOKMARK - len(BOOKMARK_PREFIX) - len(str(line)) - 1
    return f"{BOOKMARK_PREFIX}{stem[:room]}_{line}"


def parse_bookmark(name: str) -> tuple[str, int] | None:
    """(normalised stem, line) of a source bookmark, or None for any other bookmark."""
    m = re.fullmatch(re.escape(BOOKMARK_PREFIX) + r"(\w+)_(\d+)", name)
    return (m.group(1), int(m.group(2))) if m else None


def _marker(source: str, line: int) -> str:
    return f'[]{{qb-src="{source}:{line}"}}'


def mark_paragraphs(text: str, first_line: int, source: str) -> str:
    """`text` (prose starting on `first_line` of `source`) with a marker on each paragraph."""
    lines = text.splitlines(keepends=True)
    out = []
    previous_blank = True
    in_fence = False  # a raw block (```{=html}) inside prose
    for offset, line in enumerate(lines):
        stripped = line.rstrip("\n")
        if stripped.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        item = _LIST_ITEM.match(stripped)
        if not in_fence and item:
            rest = stripped[item.end() :]
            if _STARTS_TEXT.match(rest):
                line = item.group(1) + _marker(source, first_line + offset) + line[item.end() :]
        elif not in_fence and previous_blank and _STARTS_TEXT.match(stripped):
            line = _marker(source, first_line + offset) + line
        out.append(line)
        # A div fence or a heading ends the block before it: the next line starts a paragraph.
        previous_blank = not stripped.strip() or stripped.startswith((":::", "#"))
    return "".join(out)
