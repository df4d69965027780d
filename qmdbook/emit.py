"""Turns a chapter's source and its notebook outputs into pandoc markdown."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import yaml

from .execute import ChapterResult, strip_ansi
from .qmd import Cell, Prose, QmdDoc, replace_inline
from .shortcodes import ShortcodeContext, expand_shortcodes
from .sourcepos import mark_paragraphs

# Quarto's defaults where neither the cell nor _quarto.yml says otherwise.
DEFAULTS = {"echo": True, "include": True, "output": True, "warning": True, "error": False}


@dataclass
class EmitContext:
    fig_dir: Path  # where figure files are written
    fig_prefix: str  # how book.md refers to fig_dir (relative to book.md's directory)
    stem: str  # unique per chapter: names figures and prefixes footnotes
    defaults: dict  # execute options from _quarto.yml and the chapter's front matter
    shortcodes: ShortcodeContext | None = None  # None: shortcodes are left as written
    source_positions: bool = False  # mark each paragraph with its file:line (qmdbook.sourcepos)


# ------------------------------------------------------------------------------------ tables


class _TableParser(HTMLParser):
    """Collects the rows of the first <table>: header rows and body rows of cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head: list[list[tuple[str, int]]] = []
        self.body: list[list[tuple[str, int]]] = []
        self.header_cells: list[list[bool]] = []
        self._section = "body"
        self._row: list[tuple[str, int]] | None = None
        self._row_is_th: list[bool] = []
        self._cell: list[str] | None = None
        self._span = 1
        self._depth = 0
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "table":
            self._depth += 1
        elif tag == "thead":
            self._section = "head"
        elif tag in ("tbody", "tfoot"):
            self._section = "body"
        elif tag == "tr":
            self._row, self._row_is_th = [], []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._span = int(dict(attrs).get("colspan") or 1)
            self._row_is_th.append(tag == "th")
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if self.done:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append((" ".join("".join(self._cell).split()), self._span))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self.head if self._section == "head" else self.body).append(self._row)
            if self._section != "head":
                self.header_cells.append(self._row_is_th)
            self._row = None
        elif tag == "table":
            self._depth -= 1
            self.done = self._depth == 0

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _expand(row: list[tuple[str, int]]) -> list[str]:
    out: list[str] = []
    for text, span in row:
        out.extend([text] + [""] * (span - 1))
    return out


_NUMBER = re.compile(r"^[-+−]?[\d,]*\.?\d+(?:[eE][-+]?\d+)?%?$")


def _escape_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def html_table_to_markdown(html: str) -> str | None:
    """A pandas-style HTML table as a pandoc pipe table, or None if `html` holds no table."""
    parser = _TableParser()
    parser.feed(html)
    if not parser.head and not parser.body:
        return None
    head_rows = [_expand(r) for r in parser.head]
    body = [_expand(r) for r in parser.body]
    width = max(len(r) for r in head_rows + body)
    head_rows = [r + [""] * (width - len(r)) for r in head_rows]
    body = [r + [""] * (width - len(r)) for r in body]
    # pandas writes a MultiIndex or a named index as several header rows: one pipe-table
    # header row keeps every label, joined per column.
    header = [" ".join(t for t in col if t) for col in zip(*head_rows, strict=True)]
    if not head_rows:
        header = [""] * width
    numeric = (
        [
            bool(col) and all(_NUMBER.match(v) for v in col if v) and any(col)
            for col in zip(*body, strict=True)
        ]
        if body
        else [False] * width
    )
    lines = ["| " + " | ".join(_escape_cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---:" if n else ":---" for n in numeric) + "|")
    lines += ["| " + " | ".join(_escape_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- outputs


def _fenced(text: str, classes: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence} {{{classes}}}\n{text.rstrip()}\n{fence}"


def _attr_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _caption_inline(text: str) -> str:
    return " ".join(str(text).split())


class _Emitter:
    def __init__(self, doc: QmdDoc, result: ChapterResult | None, ctx: EmitContext):
        self.doc, self.result, self.ctx = doc, result, ctx
        self.figures_written: list[Path] = []

    def opt(self, cell: Cell, key: str):
        if key in cell.options:
            return cell.options[key]
        if key in self.ctx.defaults:
            return self.ctx.defaults[key]
        return DEFAULTS.get(key)

    def cell(self, cell: Cell) -> str:
        if self.opt(cell, "include") is False:
            return ""
        parts: list[str] = []
        echo = self.opt(cell, "echo")
        if echo is not False and cell.code.strip():
            parts.append(self.code_block(cell, fenced=echo == "fenced"))
        output_mode = self.opt(cell, "output")
        outputs = (self.result.cells.get(cell.index, []) if self.result else []) or []
        if output_mode is not False and outputs:
            parts.extend(self.outputs(cell, outputs, asis=output_mode == "asis"))
        return "\n\n".join(p for p in parts if p)

    def code_block(self, cell: Cell, fenced: bool) -> str:
        if fenced:
            # echo: fenced shows the cell as written: its fence and its options.
            shown = cell.options
            options = yaml.safe_dump(shown, sort_keys=False, allow_unicode=True) if shown else ""
            lines = "".join(f"#| {line}\n" for line in options.splitlines())
            code = _fenced("```{python}\n" + lines + cell.code + "\n```", ".markdown .cell-code")
        else:
            code = _fenced(cell.code, ".python .cell-code")
        lst = cell.options.get("lst-label")
        if lst:
            caption = _attr_value(_caption_inline(cell.options.get("lst-cap") or ""))
            code = f'::: {{#{lst} lst-cap="{caption}"}}\n{code}\n:::'
        fold = self.opt(cell, "code-fold")
        if fold:
            summary = _attr_value(str(self.opt(cell, "code-summary") or "Code"))
            state = " open=\"true\"" if fold == "show" else ""
            code = f'::: {{.code-fold summary="{summary}"{state}}}\n{code}\n:::'
        return code

    def outputs(self, cell: Cell, outputs: list[dict], asis: bool) -> list[str]:
        label = cell.label or ""
        figures: list[str] = []
        blocks: list[str] = []
        table_done = False
        first_figure_at = 0
        # tbl-subcap: every table the cell shows is a subtable of the cell's labelled table.
        subtables: list[str] | None = (
            [] if label.startswith("tbl-") and isinstance(cell.options.get("tbl-subcap"), list)
            else None
        )
        first_table_at = 0
        for out in outputs:
            kind = out.get("output_type")
            if kind == "stream":
                if out.get("name") == "stderr" and self.opt(cell, "warning") is False:
                    continue
                text = out.get("text", "")
                if asis and out.get("name") == "stdout":
                    blocks.append(text.strip())
                elif text.strip():
                    name = out.get("name", "stdout")
                    blocks.append(_fenced(text, f".cell-output .cell-output-{name}"))
            elif kind == "error":
                tb = strip_ansi("\n".join(out.get("traceback", [])))
                blocks.append(_fenced(tb, ".cell-output .cell-output-error"))
            elif kind in ("display_data", "execute_result"):
                data = out.get("data", {})
                if "image/png" in data or "image/svg+xml" in data:
                    if not figures:
                        first_figure_at = len(blocks)
                    figures.append(self.write_figure(cell, data, len(figures) + 1))
                elif "text/markdown" in data:
                    markdown = data["text/markdown"].strip()
                    # Quarto captions a pipe table from a tbl- cell as it does an HTML one.
                    if subtables is not None and _is_pipe_table(markdown):
                        first_table_at = first_table_at if subtables else len(blocks)
                        subtables.append(markdown)
                    elif _is_pipe_table(markdown) and label.startswith("tbl-") and not table_done:
                        table_done = True
                        blocks.append(self.table_block(cell, markdown))
                    else:
                        blocks.append(markdown)
                elif "text/html" in data and not asis:
                    table = html_table_to_markdown(data["text/html"])
                    if table is None:
                        blocks.append(f"```{{=html}}\n{data['text/html'].strip()}\n```")
                    elif subtables is not None:
                        first_table_at = first_table_at if subtables else len(blocks)
                        subtables.append(table)
                    elif label.startswith("tbl-") and not table_done:
                        table_done = True
                        blocks.append(self.table_block(cell, table))
                    else:
                        blocks.append(table)
                elif "text/html" in data:
                    blocks.append(data["text/html"].strip())
                elif "text/plain" in data:
                    text = data["text/plain"]
                    blocks.append(text.strip() if asis else _fenced(text, ".cell-output"))
        if subtables:
            blocks.insert(first_table_at, self.subtable_block(cell, subtables))
        if figures:
            # Outputs keep the order the cell wrote them in (Quarto's), except that a figure
            # cell's caption group leads.
            at = 0 if label.startswith("fig-") else first_figure_at
            blocks.insert(at, self.figure_block(cell, figures))
        return blocks

    def subtable_block(self, cell: Cell, tables: list[str]) -> str:
        subcaps = cell.options.get("tbl-subcap") or []
        parts = []
        for i, table in enumerate(tables):
            sub = _caption_inline(subcaps[i]) if i < len(subcaps) else ""
            parts.append(f"{table}\n\n: {sub} {{#{cell.label}-{i + 1}}}")
        caption = _caption_inline(self.opt(cell, "tbl-cap") or "")
        body = "\n\n".join(parts)
        return f"::: {{#{cell.label}{_layout_attrs(cell.options)}}}\n{body}\n\n{caption}\n:::"

    def table_block(self, cell: Cell, table: str) -> str:
        caption = _caption_inline(self.opt(cell, "tbl-cap") or "")
        return f"::: {{#{cell.label}}}\n{table}\n\n: {caption}\n:::"

    def write_figure(self, cell: Cell, data: dict, n: int) -> str:
        name = f"{self.ctx.stem}-{cell.label or f'cell{cell.index + 1}'}-{n}"
        self.ctx.fig_dir.mkdir(parents=True, exist_ok=True)
        png = data.get("image/png")
        svg = data.get("image/svg+xml")
        if png:
            path = self.ctx.fig_dir / f"{name}.png"
            path.write_bytes(base64.b64decode(png))
            self.figures_written.append(path)
        if svg:
            path = self.ctx.fig_dir / f"{name}.svg"
            path.write_text(svg, encoding="utf-8")
            self.figures_written.append(path)
        # Each format needs both files: the format filter appends .png or .svg.
        if not png:
            (self.ctx.fig_dir / f"{name}.png").write_bytes(b"")
        if not svg:
            (self.ctx.fig_dir / f"{name}.svg").write_text("", encoding="utf-8")
        return f"{self.ctx.fig_prefix}/{name}"

    def figure_block(self, cell: Cell, paths: list[str]) -> str:
        caption = _caption_inline(self.opt(cell, "fig-cap") or "")
        alt = _caption_inline(self.opt(cell, "fig-alt") or caption)
        label = cell.label or ""
        layout = _layout_attrs(cell.options)
        pos = self.opt(cell, "fig-pos")
        # Quarto's float position, read by the Typst filter (HTML and DOCX have no floats).
        float_attrs = layout + (f' fig-pos="{_attr_value(str(pos))}"' if pos else "")
        subcaps = cell.options.get("fig-subcap")
        if isinstance(subcaps, list) and label.startswith("fig-"):
            # Subfigures: one captioned image each, ids label-1, label-2... as in Quarto.
            subs = []
            for i, p in enumerate(paths):
                sub = _caption_inline(subcaps[i]) if i < len(subcaps) else ""
                sub_alt = _attr_value(_caption_inline(sub or alt))
                subs.append(f'![{sub}]({p}){{#{label}-{i + 1} alt="{sub_alt}"}}')
            body = "\n\n".join(subs)
            return f"::: {{#{label}{float_attrs}}}\n{body}\n\n{caption}\n:::"
        images = " ".join(f'![{caption}]({p}){{alt="{_attr_value(alt)}"}}' for p in paths)
        if layout:
            images = "\n\n".join(f'![]({p}){{alt="{_attr_value(alt)}"}}' for p in paths)
        if label.startswith("fig-"):
            # The id sits on a wrapping Div: chunkedhtml maps only Div/Header ids to pages.
            if len(paths) == 1 and not layout:
                return f"::: {{#{label}{float_attrs}}}\n{images}\n:::"
            return f"::: {{#{label}{float_attrs}}}\n{images}\n\n{caption}\n:::"
        if layout:
            return f"::: {{{layout.strip()}}}\n{images}\n:::"
        return images


def _layout_attrs(options: dict) -> str:
    out = ""
    for key in ("layout-ncol", "layout-nrow", "layout"):
        if key in options:
            value = options[key]
            out += f' {key}="{_attr_value(str(value).replace(" ", ""))}"'
    return out


def _is_pipe_table(markdown: str) -> bool:
    lines = markdown.splitlines()
    return len(lines) >= 2 and lines[0].lstrip().startswith("|") and set(lines[1]) <= set("|:- ")


_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)


def prefix_footnotes(text: str, prefix: str) -> str:
    """Rename footnote labels so chapters assembled into one document never collide."""
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_FOOTNOTE.sub(lambda f: f"[^{prefix}-{f.group(1)}]", text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_FOOTNOTE.sub(lambda f: f"[^{prefix}-{f.group(1)}]", text[pos:]))
    return "".join(out)


def _locator(doc: QmdDoc, seg: Prose, text: str):
    return lambda offset: doc.where(seg.line + text.count("\n", 0, offset))


def emit_chapter(doc: QmdDoc, result: ChapterResult | None, ctx: EmitContext) -> str:
    """The chapter as pandoc markdown (without front matter)."""
    emitter = _Emitter(doc, result, ctx)
    inline = result.inline if result else {}
    parts: list[str] = []
    for seg in doc.segments:
        if isinstance(seg, Prose):
            if seg.verbatim:
                text = seg.text
            else:
                if ctx.source_positions:
                    seg = replace(seg, text=mark_paragraphs(seg.text, seg.line, doc.path))
                text = prefix_footnotes(replace_inline(seg, inline), ctx.stem)
            if ctx.shortcodes is not None:
                text = expand_shortcodes(text, _locator(doc, seg, text), ctx.shortcodes)
            parts.append(text)
        else:
            block = emitter.cell(seg)
            if block and ctx.shortcodes is not None:
                # As in Quarto, shortcodes in captions and outputs are expanded too.
                where = lambda _offset, cell=seg: doc.where(cell.line)  # noqa: E731
                block = expand_shortcodes(block, where, ctx.shortcodes)
            if block:
                parts.append("\n" + block + "\n\n")
    return "".join(parts).strip() + "\n"
