"""The `embed` shortcode: the outputs of a labelled cell from a book chapter or a notebook.

`{{< embed file#label >}}` shows the cell's outputs (its code too with `echo=true`), emitted as
the cell's own chapter would emit them, so a labelled figure keeps its caption and number.
Chapters of the book come from this build's execution; an `.ipynb` from the outputs saved in it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from .emit import EmitContext, _Emitter
from .execute import ChapterResult, _plain
from .qmd import Cell, QmdDoc, QmdError, _parse_options


@dataclass
class Embedder:
    root: Path
    # source -> (parsed chapter, its outputs, its execute defaults)
    chapters: dict[str, tuple[QmdDoc, ChapterResult | None, dict]]
    fig_dir: Path
    fig_prefix: str

    def __call__(
        self, file: str, label: str, options: dict[str, str], where: tuple[str, int]
    ) -> str | None:
        base = self.root if file.startswith("/") else (self.root / where[0]).parent
        target = (base / file.lstrip("/")).resolve()
        try:
            rel = target.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None
        if rel in self.chapters:
            doc, result, defaults = self.chapters[rel]
        elif target.suffix == ".ipynb" and target.is_file():
            doc, result, defaults = _notebook(target, rel), None, {}
            result = doc.result  # type: ignore[attr-defined]
        else:
            return None
        cell = next((c for c in doc.cells if c.label == label), None)
        if cell is None or result is None or not result.cells.get(cell.index):
            return None
        echo = options.get("echo", "false").lower() == "true"
        shown = replace(cell, options={**cell.options, "echo": echo, "include": True})
        stem = "embed-" + rel.replace("/", "-").rsplit(".", 1)[0]
        ctx = EmitContext(self.fig_dir, self.fig_prefix, stem, defaults)
        return _Emitter(doc, result, ctx).cell(shown) or None


class _NotebookDoc(QmdDoc):
    result: ChapterResult


def _notebook(path: Path, rel: str) -> _NotebookDoc:
    """A notebook's code cells (options read from `#|` lines or cell metadata) and outputs."""
    nb = nbformat.read(path, as_version=4)
    doc = _NotebookDoc(rel, {}, [])
    doc.result = ChapterResult()
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        lines = cell.source.splitlines(keepends=True)
        try:
            options, n = _parse_options(lines, 1, rel, [])
        except QmdError:
            options, n = {}, 0
        if "label" not in options and cell.metadata.get("label"):
            options["label"] = cell.metadata["label"]
        doc.segments.append(Cell("".join(lines[n:]).rstrip("\n"), options, 1, 1 + n, i))
        doc.result.cells[i] = [_plain(o) for o in cell.get("outputs", [])]
    return doc
