"""Assembles the chapters of a book into one pandoc markdown document.

One document for the whole book gives cross-chapter links, one citation pass and one reference
list for free; every format is rendered from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .config import ChapterEntry, part_body, part_page_id, slugify
from .meta import BookMeta, Chapter
from .qmd import Prose, QmdDoc

_HEADING = re.compile(r"^#\s+(?P<title>.*?)(?:\s+\{(?P<attrs>[^}]*)\})?\s*$")
_APPENDIX_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class ChapterSource:
    """A chapter's parsed source, with the heading the assembler will give it."""

    entry: ChapterEntry
    doc: QmdDoc
    id: str
    title: str
    classes: tuple[str, ...]
    numbered: bool


def _parse_attrs(attrs: str) -> tuple[str | None, list[str], list[str]]:
    ident, classes, rest = None, [], []
    for token in attrs.split():
        if token.startswith("#"):
            ident = token[1:]
        elif token.startswith("."):
            classes.append(token[1:])
        elif token == "-":
            classes.append("unnumbered")
        else:
            rest.append(token)
    return ident, classes, rest


def chapter_source(entry: ChapterEntry, doc: QmdDoc) -> ChapterSource:
    """Find the chapter's level-1 heading (or make one) and remove it from the body.

    The assembler writes the heading itself, so every chapter starts with exactly one level-1
    heading carrying a stable id.
    """
    fm_title = doc.front_matter.get("title")
    for i, seg in enumerate(doc.segments):
        if not isinstance(seg, Prose) or seg.verbatim:
            continue
        lines = seg.text.splitlines(keepends=True)
        for j, line in enumerate(lines):
            m = _HEADING.match(line.rstrip("\n"))
            if not m:
                if line.strip():
                    # Prose comes first: a later level-1 heading (a trailing "# References",
                    # say) is a section of the chapter, never its title.
                    return _make(entry, doc, None, _fallback_title(entry, fm_title), [])
                continue
            ident, classes, _ = _parse_attrs(m.group("attrs") or "")
            title = m.group("title").strip()
            # Remove the heading line; keep everything else (and the inline expressions'
            # order, which replace_inline relies on) intact.
            rest = "".join(lines[:j] + ["\n"] + lines[j + 1 :])
            segments = list(doc.segments)
            segments[i] = replace(seg, text=rest)
            doc = replace(doc, segments=segments)
            return _make(entry, doc, ident, title, classes)
        if seg.text.strip():
            break  # prose before any heading: the chapter has no level-1 heading of its own
    return _make(entry, doc, None, _fallback_title(entry, fm_title), [])


def _fallback_title(entry: ChapterEntry, fm_title) -> str:
    return str(fm_title or Path(entry.source).stem.replace("-", " ").title())


def _make(entry, doc, ident, title, classes) -> ChapterSource:
    fm = doc.front_matter
    if fm.get("number-sections") is False or fm.get("unnumbered"):
        classes = [*classes, "unnumbered"]
    ident = ident or f"sec-{slugify(Path(entry.source).stem)}"
    return ChapterSource(entry, doc, ident, title, tuple(classes), "unnumbered" not in classes)


def book_chapters(sources: list[ChapterSource]) -> tuple[Chapter, ...]:
    """Numbers: chapters 1..n, appendices A, B...; unnumbered chapters get None."""
    chapters, n, a = [], 0, 0
    for s in sources:
        number = None
        if s.numbered and s.entry.appendix:
            number = _APPENDIX_LETTERS[a] if a < 26 else f"A{a}"
            a += 1
        elif s.numbered:
            n += 1
            number = str(n)
        title = re.sub(r"[*_`]", "", s.title)
        chapters.append(
            Chapter(s.entry.source, s.id, title, number, s.entry.part, s.entry.appendix)
        )
    return tuple(chapters)


def front_matter(meta: BookMeta, chapters: tuple[Chapter, ...]) -> str:
    data = {
        "title": meta.title,
        "lang": meta.lang,
        "date": meta.date,
        "qmdbook": {
            "chapters": [
                {
                    "id": c.id,
                    "number": c.number or "",
                    "source": c.source,
                    "appendix": c.appendix,
                }
                for c in chapters
            ]
        },
    }
    if meta.subtitle:
        data["subtitle"] = meta.subtitle
    if meta.authors:
        data["author"] = list(meta.authors)
    if meta.description:
        data["description"] = meta.description
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{body}---\n"


def _heading(s: ChapterSource) -> str:
    attrs = " ".join([f"#{s.id}", *(f".{c}" for c in s.classes)])
    return f"# {s.title} {{{attrs}}}"


def assemble(
    meta: BookMeta, sources: list[ChapterSource], bodies: list[str], root: Path | None = None
) -> str:
    """The whole book as pandoc markdown: metadata, then each chapter with its part markers."""
    chapters = book_chapters(sources)
    out = [front_matter(meta, chapters)]
    part = None
    in_appendix = False
    for s, body in zip(sources, bodies, strict=True):
        if s.entry.appendix and not in_appendix:
            in_appendix = True
            out.append("::: {.book-part .appendices}\nAppendices\n:::\n")
            part = None
        elif s.entry.part and s.entry.part != part:
            out.append(f"::: {{.book-part}}\n{s.entry.part}\n:::\n")
            if s.entry.part_file and root is not None:
                part_text = part_body(root / s.entry.part_file)
                if part_text:
                    title = s.entry.part.replace("\\", "\\\\").replace('"', '\\"')
                    attrs = f'#{part_page_id(s.entry.part)} .book-part-body part-title="{title}"'
                    out.append(f"::: {{{attrs}}}\n{part_text}\n:::\n")
        part = s.entry.part
        out.append(_heading(s) + "\n\n" + demote_level_one(body.strip()) + "\n")
    return "\n".join(out)


_FENCE_LINE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def demote_level_one(body: str) -> str:
    """A level-1 heading inside a chapter's body (after its title) becomes a level-2 section.

    Every chapter has exactly one level-1 heading, its title; a second one (a trailing
    "# References", say) would otherwise start a new chapter of the book.
    """
    lines, fence = body.split("\n"), None
    for i, line in enumerate(lines):
        m = _FENCE_LINE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
            continue
        if fence is None and _HEADING.match(line):
            lines[i] = "#" + line
    return "\n".join(lines)


def locate(path: Path, key: str, prefix: str = "@") -> int:
    """1-based line of the first `@key` reference (`prefix` + key) in `path` (0 when not found)."""
    pattern = re.compile(re.escape(prefix + key) + r"(?![\w-])")
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                return n
    except OSError:
        pass
    return 0
