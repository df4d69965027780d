"""Reading pandoc's HTML chunks: ids, headings and reference entries.

Pandoc's HTML output is regular (quoted attributes, balanced tags), which is what lets the site
writer rewrite pages with small, exact string edits instead of re-serialising a DOM.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# Tags that do not separate words: text on either side of them belongs to the same word.
INLINE = frozenset(
    "a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup "
    "time u var".split()
)
# Text that is not prose: scripts, styles, MathML (its TeX annotation is noise in a title) and
# the footnote back-arrows.
SKIP_TEXT_TAGS = frozenset({"script", "style", "math", "svg"})
SKIP_TEXT_CLASSES = frozenset({"footnote-back"})


@dataclass
class Heading:
    level: int
    id: str
    text: str
    number: str  # text of its span.header-section-number, "" if none
    in_callout: bool


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class BodyScanner(HTMLParser):
    """One pass over a page body collecting what the site needs to know about it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.headings: list[Heading] = []
        self._stack: list[tuple[str, frozenset[str]]] = []
        self._heading: dict | None = None
        self._skip_depth = 0

    # The stack records each open element's classes so that context (inside a callout, inside
    # a skipped element) is known without a tree.
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        classes = frozenset(a.get("class", "").split())
        if a.get("id"):
            self.ids.append(a["id"])
        if tag in VOID:
            self._sep(tag)
            return
        skip = tag in SKIP_TEXT_TAGS or bool(classes & SKIP_TEXT_CLASSES)
        if skip or self._skip_depth:
            self._skip_depth += 1
        self._stack.append((tag, classes))
        if re.fullmatch(r"h[1-6]", tag) and self._heading is None:
            self._heading = {
                "level": int(tag[1]),
                "id": a.get("id", ""),
                "text": [],
                "number": [],
                "in_number": False,
                "in_callout": any("callout" in c for _, c in self._stack[:-1]),
                "depth": len(self._stack),
            }
        if self._heading is not None and "header-section-number" in classes:
            self._heading["in_number"] = len(self._stack)
        self._sep(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        self._sep(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        # Pop to the matching element; pandoc's output is balanced, so this is one pop.
        while self._stack:
            open_tag, _ = self._stack.pop()
            if self._skip_depth:
                self._skip_depth -= 1
            h = self._heading
            if h is not None and h["in_number"] and len(self._stack) < h["in_number"]:
                h["in_number"] = False
            if h is not None and len(self._stack) < h["depth"]:
                self._close_heading()
            if open_tag == tag:
                break
        self._sep(tag)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._heading is not None:
            self._heading["text"].append(data)
            if self._heading["in_number"]:
                self._heading["number"].append(data)

    def _sep(self, tag: str) -> None:
        if tag not in INLINE and not self._skip_depth and self._heading is not None:
            self._heading["text"].append(" ")

    def _close_heading(self) -> None:
        h = self._heading
        self._heading = None
        assert h is not None
        text = squash("".join(h["text"]))
        heading = Heading(h["level"], h["id"], text, squash("".join(h["number"])), h["in_callout"])
        self.headings.append(heading)


def scan(body: str) -> BodyScanner:
    scanner = BodyScanner()
    scanner.feed(body)
    scanner.close()
    return scanner


def element_inner(doc: str, start: int, tag: str) -> tuple[str, int]:
    """Inner HTML of the element whose start tag ends at `start`, balancing nested `tag`s."""
    depth = 1
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>")
    pos = start
    for m in pattern.finditer(doc, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return doc[start : m.start()], m.end()
        pos = m.end()
    return doc[start:], max(pos, len(doc))


_CSL_ENTRY = re.compile(r'<div\s+id="(ref-[^"]+)"\s+class="csl-entry"[^>]*>')


def csl_entries(body: str) -> dict[str, str]:
    """Reference-list entries by id, as HTML fit for a tooltip (no links, no ids)."""
    entries: dict[str, str] = {}
    for m in _CSL_ENTRY.finditer(body):
        inner, _ = element_inner(body, m.end(), "div")
        inner = re.sub(r"</?a\b[^>]*>", "", inner)
        inner = re.sub(r'\s(id|role)="[^"]*"', "", inner)
        entries[html.unescape(m.group(1))] = squash(inner)
    return entries
