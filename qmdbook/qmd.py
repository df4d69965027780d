"""Parser for Quarto `.qmd` files: front matter, executable `{python}` cells and inline expressions.

Pure text processing (no kernel), so every later stage can report `file:line` for what it finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

# Cell options the engine implements; anything else is reported so a typo never silently does
# nothing (Quarto itself would accept many more, which this engine would then ignore).
KNOWN_OPTIONS = frozenset(
    {
        "label",
        "echo",
        "include",
        "output",
        "warning",
        "error",
        "eval",
        "fig-cap",
        "fig-alt",
        "tbl-cap",
        "fig-width",
        "fig-height",
        "code-fold",
        "code-summary",
        "fig-subcap",
        "fig-pos",
        "layout-ncol",
        "layout-nrow",
        "layout",
        "lst-label",
        "lst-cap",
        "tbl-subcap",
    }
)

# Cell options Quarto documents that this engine does not implement: named as such, so an
# author knows the option is real but has no effect here (anything else is probably a typo).
QUARTO_CELL_OPTIONS = frozenset(
    {
        "tbl-colwidths", "fig-align", "fig-env", "fig-scap", "fig-link",
        "fig-column", "tbl-column", "column", "cap-location", "fig-cap-location",
        "tbl-cap-location", "code-overflow", "code-line-numbers", "code-tools", "classes",
        "panel", "out-width", "out-height", "fig-dpi", "fig-format", "fig-responsive",
        "output-location", "message", "comment", "tags", "filename", "lst-label-location",
        "layout-align", "layout-valign", "html-table-processing", "lightbox", "renderings",
        "cache", "freeze", "ojs-export", "dependson",
    }
)  # fmt: skip

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>.*?)\s*$")
_EXEC_INFO = re.compile(r"^\{python(?:\s+[^}]*)?\}$")
_ESCAPED_INFO = re.compile(r"^\{\{python(?:\s+[^}]*)?\}\}$")
_OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
# A code span whose content starts with {python}: Quarto's inline expression syntax.
_INLINE = re.compile(r"(?<!`)`\{python\}\s+(?P<expr>[^`]+?)\s*`(?!`)")


class QmdError(ValueError):
    """Malformed input that cannot be parsed; the message starts with `file:line:`."""


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class InlineExpr:
    expr: str
    line: int
    index: int  # position in document order, used as placeholder key


@dataclass(frozen=True)
class Prose:
    text: str
    line: int  # line number of the first line of this segment
    inline: tuple[InlineExpr, ...] = ()
    verbatim: bool = False  # a plain code block: emitted as is, never scanned for expressions


@dataclass(frozen=True)
class Cell:
    code: str  # without the `#|` option lines
    options: dict
    line: int  # line of the opening fence
    code_line: int  # line of the first code line after the options
    index: int  # position among the document's cells

    @property
    def label(self) -> str | None:
        label = self.options.get("label")
        return str(label) if label is not None else None


@dataclass
class QmdDoc:
    path: str
    front_matter: dict
    segments: list[Prose | Cell]
    inline: list[InlineExpr] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # For text assembled from includes: the (file, line) each line came from.
    origin: list[tuple[str, int]] | None = None

    @property
    def cells(self) -> list[Cell]:
        return [s for s in self.segments if isinstance(s, Cell)]

    def where(self, line: int) -> tuple[str, int]:
        """The file and line an author wrote `line` of this document in."""
        if self.origin and 0 < line <= len(self.origin):
            return self.origin[line - 1]
        return self.path, line


def _split_front_matter(lines: list[str], path: str) -> tuple[dict, int]:
    """Return (front matter, index of the first body line)."""
    if not lines or lines[0].rstrip() != "---":
        return {}, 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            try:
                data = yaml.safe_load("".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                raise QmdError(f"{path}:1: invalid YAML front matter: {exc}") from exc
            if not isinstance(data, dict):
                raise QmdError(f"{path}:1: front matter must be a mapping")
            return data, i + 1
    raise QmdError(f"{path}:1: front matter is not closed by '---'")


def _parse_options(
    body: list[str], fence_line: int, path: str, diags: list[Diagnostic]
) -> tuple[dict, int]:
    """Read leading `#|` lines; return (options, number of option lines consumed)."""
    opt_lines: list[str] = []
    for text in body:
        m = _OPTION_LINE.match(text.rstrip("\n"))
        if not m:
            break
        opt_lines.append(m.group(1))
    if not opt_lines:
        return {}, 0
    try:
        options = yaml.safe_load("\n".join(opt_lines)) or {}
    except yaml.YAMLError as exc:
        raise QmdError(f"{path}:{fence_line + 1}: invalid cell options: {exc}") from exc
    if not isinstance(options, dict):
        raise QmdError(f"{path}:{fence_line + 1}: cell options must be `key: value` lines")
    for offset, text in enumerate(opt_lines):
        key = text.split(":", 1)[0].strip()
        if key and key in options and key not in KNOWN_OPTIONS:
            what = (
                f"cell option '{key}' is not supported by qmdbook"
                if key in QUARTO_CELL_OPTIONS
                else f"unknown cell option '{key}'"
            )
            diags.append(Diagnostic(path, fence_line + 1 + offset, what))
    return options, len(opt_lines)


def find_inline(text: str, first_line: int, start_index: int) -> list[InlineExpr]:
    found = []
    for m in _INLINE.finditer(text):
        line = first_line + text.count("\n", 0, m.start())
        found.append(InlineExpr(m.group("expr"), line, start_index + len(found)))
    return found


def parse_qmd(text: str, path: str = "<string>") -> QmdDoc:
    """Parse a `.qmd` document. Line numbers are 1-based and refer to the file as written."""
    lines = text.splitlines(keepends=True)
    front, i = _split_front_matter(lines, path)
    segments: list[Prose | Cell] = []
    inline: list[InlineExpr] = []
    diags: list[Diagnostic] = []
    prose: list[str] = []
    prose_start = i + 1

    def flush_prose(next_line: int) -> None:
        nonlocal prose, prose_start
        if prose:
            text = "".join(prose)
            found = find_inline(text, prose_start, len(inline))
            inline.extend(found)
            segments.append(Prose(text, prose_start, tuple(found)))
        prose = []
        prose_start = next_line

    while i < len(lines):
        m = _FENCE.match(lines[i].rstrip("\n"))
        if not m:
            prose.append(lines[i])
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info")
        # A fence closes on the same character, at least as long, with no info string.
        end = i + 1
        while end < len(lines):
            c = _FENCE.match(lines[end].rstrip("\n"))
            if c and c.group("fence")[0] == fence[0] and len(c.group("fence")) >= len(fence):
                if not c.group("info"):
                    break
            end += 1
        if end >= len(lines):
            raise QmdError(f"{path}:{i + 1}: code block is not closed")
        if _EXEC_INFO.match(info):
            flush_prose(end + 2)
            body = lines[i + 1 : end]
            options, n_opts = _parse_options(body, i + 1, path, diags)
            code = "".join(body[n_opts:]).rstrip("\n")
            n_cells = sum(isinstance(s, Cell) for s in segments)
            segments.append(Cell(code, options, i + 1, i + 2 + n_opts, n_cells))
        elif _ESCAPED_INFO.match(info):
            # `{{python}}` shows a cell verbatim, as Quarto does, without executing it.
            flush_prose(i + 1)
            shown = lines[i].replace("{{", "{", 1).replace("}}", "}", 1)
            text = shown + "".join(lines[i + 1 : end + 1])
            segments.append(Prose(text, i + 1, verbatim=True))
            prose_start = end + 2
        else:
            # Plain code blocks pass through untouched; an inline-expression-looking span in
            # them must not be evaluated, so they never go through find_inline.
            flush_prose(i + 1)
            segments.append(Prose("".join(lines[i : end + 1]), i + 1, verbatim=True))
            prose_start = end + 2
        i = end + 1
    flush_prose(i + 1)
    return QmdDoc(path, front, segments, inline, diags)


def replace_inline(segment: Prose, values: dict[int, str]) -> str:
    """The segment's text with each inline expression replaced by its value (by expr index)."""
    if segment.verbatim or not segment.inline:
        return segment.text
    exprs = iter(segment.inline)
    return _INLINE.sub(lambda _m: values.get(next(exprs).index, ""), segment.text)
