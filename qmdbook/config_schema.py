"""What `_quarto.yml` may say: the keys Quarto documents for book projects, checked with lines.

The key lists follow Quarto's reference pages (quarto.org/docs/reference/projects/books.html and
the website, execute and cross-reference option pages). The `project`, `book`, `execute` and
`crossref` sections are closed: an unknown key there is an error, because Quarto would ignore
it and a misspelt `chapters` publishes a book without its chapters. The top level also carries
free document metadata in Quarto, so an unknown top-level key is an error only when it is a
near miss of a documented one (`bibliograpy`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml

PROJECT_KEYS = frozenset({
    "type", "title", "render", "execute-dir", "output-dir", "lib-dir", "resources", "preview",
    "pre-render", "post-render", "detect",
})  # fmt: skip

# Book options proper, then the website options a book also accepts.
BOOK_KEYS = frozenset({
    "title", "subtitle", "author", "date", "date-format", "abstract", "description", "chapters",
    "references", "appendices", "output-file", "cover-image", "cover-image-alt", "sharing",
    "downloads", "tools", "doi", "license", "keywords",
    "site-url", "site-path", "repo-url", "repo-branch", "repo-subdir", "repo-actions",
    "repo-link-target", "repo-link-rel", "issue-url", "search", "navbar", "sidebar",
    "margin-header", "margin-footer", "body-header", "body-footer", "page-navigation",
    "back-to-top-navigation", "bread-crumbs", "page-footer", "image", "image-alt",
    "open-graph", "twitter-card", "favicon", "reader-mode", "comments", "google-analytics",
    "cookie-consent", "announcement", "draft-mode", "drafts", "other-links", "code-links",
    "output-dir",
})  # fmt: skip

EXECUTE_KEYS = frozenset({
    "eval", "echo", "output", "warning", "error", "include", "cache", "freeze", "enabled",
    "daemon", "daemon-restart", "debug", "ipynb", "kernel", "watch", "fig-width", "fig-height",
    "keep-hidden", "keep-ipynb",
})  # fmt: skip

CROSSREF_KEYS = frozenset({
    "custom", "chapters", "title-delim", "labels", "subref-labels", "ref-hyperlink",
    "appendix-title", "appendix-delim", "chapter-labels", "chapter-prefix",
    "fig-title", "tbl-title", "lst-title", "eq-title", "thm-title", "lem-title", "cor-title",
    "prp-title", "cnj-title", "def-title", "exm-title", "exr-title",
    "fig-prefix", "tbl-prefix", "lst-prefix", "eq-prefix", "sec-prefix", "thm-prefix",
    "lem-prefix", "cor-prefix", "prp-prefix", "cnj-prefix", "def-prefix", "exm-prefix",
    "exr-prefix", "fig-labels", "tbl-labels", "lst-labels", "eq-labels", "sec-labels",
    "thm-labels", "lof-title", "lot-title", "lol-title",
})  # fmt: skip

# Documented top-level options a book's _quarto.yml commonly carries (document metadata, the
# bibliography, execution, formats). Other top-level keys are metadata passed through.
TOP_LEVEL_KEYS = frozenset({
    "project", "book", "website", "format", "execute", "crossref", "profile", "metadata-files",
    "engine", "jupyter", "editor", "title", "subtitle", "author", "date", "date-format", "lang",
    "language", "version", "license", "copyright", "abstract", "keywords", "description",
    "bibliography", "csl", "link-citations", "citation", "nocite", "citation-location",
    "reference-location", "filters", "shortcodes", "toc", "toc-depth", "toc-title",
    "number-sections", "number-depth", "fig-format", "fig-width", "fig-height", "fig-dpi",
    "fig-cap-location", "tbl-cap-location", "cap-location", "lightbox", "theme", "css",
    "papersize", "mainfont", "fontsize", "lof", "lot", "appendix-style", "funding",
})  # fmt: skip

FORMAT_NAMES = frozenset({
    "html", "pdf", "typst", "docx", "epub", "latex", "odt", "revealjs", "gfm", "commonmark",
    "markdown", "ipynb", "jats", "asciidoc", "rtf", "pptx", "context", "man", "beamer",
})  # fmt: skip

PART_KEYS = frozenset({"part", "chapters"})
LINK_KEYS = frozenset({"href", "text"})


@dataclass(frozen=True, order=True)
class ConfigProblem:
    line: int
    where: str  # dotted key path, e.g. "book.chapter"
    message: str

    def text(self, name: str = "_quarto.yml") -> str:
        return f"{name}:{self.line}: {self.where}: {self.message}"


def key_lines(text: str) -> dict[tuple, int]:
    """1-based line of every mapping key, by its path ('book', 'chapters', 0, 'part')."""
    lines: dict[tuple, int] = {}

    def walk(node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, key.value)
                lines[here] = key.start_mark.line + 1
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[(*path, i)] = item.start_mark.line + 1
                walk(item, (*path, i))

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def _suggest(key: str, known) -> str:
    close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def check(raw: dict, text: str) -> list[ConfigProblem]:
    """Every unknown key in the closed sections, near-miss top-level keys, and the chapter list."""
    lines = key_lines(text)
    problems: list[ConfigProblem] = []

    def line(*path) -> int:
        while path and path not in lines:
            path = path[:-1]
        return lines.get(path, 1)

    def closed(section, known, path: tuple) -> None:
        if not isinstance(section, dict):
            return
        for key in section:
            if key not in known:
                where = ".".join(str(p) for p in (*path, key))
                problems.append(
                    ConfigProblem(
                        line(*path, key),
                        where,
                        f"unknown key (Quarto ignores it){_suggest(key, known)}",
                    )
                )

    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            close = difflib.get_close_matches(str(key), sorted(TOP_LEVEL_KEYS), n=1, cutoff=0.8)
            if close:
                problems.append(
                    ConfigProblem(line(key), str(key), f"unknown key; did you mean '{close[0]}'?")
                )
    closed(raw.get("project"), PROJECT_KEYS, ("project",))
    closed(raw.get("book"), BOOK_KEYS, ("book",))
    closed(raw.get("execute"), EXECUTE_KEYS, ("execute",))
    closed(raw.get("crossref"), CROSSREF_KEYS, ("crossref",))
    formats = raw.get("format")
    if isinstance(formats, dict):
        for name in formats:
            base = str(name).split("+")[0]
            if base not in FORMAT_NAMES and "-" not in base:  # extension formats have a '-'
                problems.append(
                    ConfigProblem(
                        line("format", name),
                        f"format.{name}",
                        f"unknown format{_suggest(base, FORMAT_NAMES)}",
                    )
                )
    book = raw.get("book")
    if isinstance(book, dict):
        problems += _chapter_list(book, line)
    return sorted(problems)


def _chapter_list(book: dict, line) -> list[ConfigProblem]:
    problems = []
    chapters = book.get("chapters")
    if not chapters:
        said = "is empty" if "chapters" in book else "is missing"
        problems.append(
            ConfigProblem(
                line("book", "chapters") if "chapters" in book else line("book"),
                "book.chapters",
                f"{said}: a book needs a list of chapter files (index.qmd first)",
            )
        )
    for section in ("chapters", "appendices"):
        items = book.get(section)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            known = PART_KEYS if "part" in item else LINK_KEYS
            for key in item:
                if key not in known:
                    problems.append(
                        ConfigProblem(
                            line("book", section, i, key),
                            f"book.{section}[{i + 1}].{key}",
                            f"unknown key in a chapter entry{_suggest(key, known)}",
                        )
                    )
            if "part" in item and not item.get("chapters"):
                problems.append(
                    ConfigProblem(
                        line("book", section, i, "part"),
                        f"book.{section}[{i + 1}]",
                        f"part '{item['part']}' lists no chapters",
                    )
                )
    return problems
