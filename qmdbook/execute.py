"""Runs a chapter's Python cells as a notebook in a fresh Jupyter kernel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .kernels import RESET, Kernel, KernelPool, imported_modules, start_kernel
from .qmd import Cell, QmdDoc

SETUP = """\
import os as _qb_os, sys as _qb_sys
_qb_sys.path.insert(0, {root!r})
_qb_os.chdir({root!r})
import matplotlib as _qb_mpl
_qb_mpl.rcParams.update({{"svg.fonttype": "path", "svg.hashsalt": "qmdbook",
                         "savefig.dpi": 150, "figure.figsize": {figsize!r}}})
_qb_ip = get_ipython()
_qb_ip.run_line_magic("matplotlib", "inline")
_qb_ip.run_line_magic("config", "InlineBackend.figure_formats = ['png', 'svg']")
_qb_ip.run_line_magic("config", "InlineBackend.print_figure_kwargs = {{'bbox_inches': 'tight'}}")


def _qb_figure_svg(fig):
    from IPython.core.pylabtools import print_figure
    svg = print_figure(fig, "svg", bbox_inches="tight")
    fig._qb_svg = svg  # the PNG formatter, called next for the same display, draws from it
    return svg


def _qb_figure_png(fig):
    # The PNG (HTML, DOCX) is the SVG rasterised by Typst at savefig.dpi: matplotlib drawing the
    # figure a second time took five times as long. Text kept as text in the SVG (a changed
    # svg.fonttype) would need fonts Typst may not have, so that figure is drawn by matplotlib.
    from IPython.core.pylabtools import print_figure
    svg = fig.__dict__.pop("_qb_svg", None) or print_figure(fig, "svg", bbox_inches="tight")
    dpi = _qb_mpl.rcParams["savefig.dpi"]
    dpi = fig.dpi if dpi == "figure" else float(dpi)
    size = __import__("re").search('<svg[^>]*width="([0-9.]+)pt" height="([0-9.]+)pt"', svg)
    try:
        import typst
    except ImportError:
        typst = None
    if typst is None or "<text" in svg or size is None:
        return print_figure(fig, "png", bbox_inches="tight")
    page = ("#set page(width: %spt, height: %spt, margin: 0pt, fill: none)" + chr(10)
            + '#image(bytes(sys.inputs.svg), format: "svg", width: 100%%, height: 100%%)')
    png = typst.compile((page % size.groups()).encode(), format="png", ppi=dpi,
                        sys_inputs={{"svg": svg}}, ignore_system_fonts=True)
    return _qb_with_dpi(png, dpi)


def _qb_with_dpi(png, dpi):
    # A pHYs chunk after IHDR, as matplotlib writes: DOCX sizes an image by its resolution.
    import struct, zlib
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    return png[:33] + chunk + png[33:]


if "image/svg+xml" in _qb_ip.display_formatter.formatters:
    from matplotlib.figure import Figure as _qb_Figure
    _qb_ip.display_formatter.formatters["image/svg+xml"].for_type(_qb_Figure, _qb_figure_svg)
    _qb_ip.display_formatter.formatters["image/png"].for_type(_qb_Figure, _qb_figure_png)
if {pandas!r}:
    import pandas as _qb_pd
    _qb_pd.set_option("display.notebook_repr_html", True)
    _qb_pd.set_option("display.max_rows", 500)


def _qb_inline_text(value):
    # As in Quarto: an inline value is text, its markdown-like characters escaped, unless it
    # offers markdown itself (IPython.display.Markdown, or anything with _repr_markdown_).
    if hasattr(value, "_repr_markdown_"):
        return value._repr_markdown_()
    return "".join(chr(92) + c if c in {escaped!r} else c for c in str(value))


def _qb_inline_all(exprs, namespace):
    # Every inline expression of the chapter in one cell: one round trip instead of hundreds.
    from IPython.display import display
    done = {{}}
    for index, source in exprs:
        try:
            value = eval(source, namespace)
        except BaseException:
            display({{{failed!r}: {{"index": index}}}}, raw=True)
            raise
        done[str(index)] = _qb_inline_text(value)
    display({{{values!r}: done}}, raw=True)
"""
INLINE_VALUES = "application/vnd.qmdbook.inline+json"
INLINE_FAILED = "application/vnd.qmdbook.inline-failed+json"
# Characters pandoc's markdown reader would read as markup inside a sentence.
INLINE_ESCAPED = "\\`*_[]<>#@$|~^"

FIGSIZE_SET = (
    "_qb_saved_figsize = _qb_mpl.rcParams['figure.figsize']\n"
    "_qb_mpl.rcParams['figure.figsize'] = ({w}, {h})"
)
FIGSIZE_RESET = "_qb_mpl.rcParams['figure.figsize'] = _qb_saved_figsize"
DEFAULT_FIGSIZE = (7.0, 5.0)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


class ExecutionError(RuntimeError):
    """A cell (or inline expression) raised; the message starts with `file:line:`."""

    def __init__(self, path: str, line: int, traceback: str, what: str = "cell"):
        super().__init__(f"{path}:{line}: error while executing {what}\n{traceback}")
        self.path, self.line, self.traceback = path, line, traceback


@dataclass
class ChapterResult:
    """Raw notebook outputs of one chapter: what the cache stores and the emitter reads."""

    cells: dict[int, list[dict]] = field(default_factory=dict)  # cell index -> outputs
    inline: dict[int, str] = field(default_factory=dict)  # inline expr index -> markdown
    executed_cells: int = 0

    def to_json(self) -> dict:
        return {
            "cells": {str(k): v for k, v in self.cells.items()},
            "inline": {str(k): v for k, v in self.inline.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> ChapterResult:
        return cls(
            cells={int(k): v for k, v in data["cells"].items()},
            inline={int(k): v for k, v in data["inline"].items()},
        )


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


class _ThisInterpreter(KernelSpecManager):
    """Always the interpreter running the engine, whatever kernelspecs the machine has."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="qmdbook",
            language="python",
            resource_dir="",
        )


def kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    # Kernels must reuse compiled bytecode or each one recompiles pandas and matplotlib.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("SOURCE_DATE_EPOCH", "0")  # matplotlib's SVG/PDF dates: reproducible output
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JPY_PARENT_PID", None)
    return env


def needs_execution(doc: QmdDoc, defaults: dict) -> bool:
    return bool(doc.inline) or any(_opt(c, "eval", defaults, True) for c in doc.cells)


def _opt(cell: Cell, key: str, defaults: dict, fallback):
    if key in cell.options:
        return cell.options[key]
    return defaults.get(key, fallback)


def _build_notebook(doc: QmdDoc, root: Path, defaults: dict):
    """Return (notebook, map of notebook cell index -> ('cell', i) | ('inline', i) | None)."""
    nb = nbformat.v4.new_notebook()
    origin: list[tuple[str, int] | None] = []

    def add(source: str, where: tuple[str, int] | None, allow_error: bool = False) -> None:
        cell = nbformat.v4.new_code_cell(source)
        if allow_error:
            cell.metadata["tags"] = ["raises-exception"]
        nb.cells.append(cell)
        origin.append(where)

    code = "\n".join(c.code for c in doc.cells) + "\n".join(e.expr for e in doc.inline)
    figsize = (defaults.get("fig-width", DEFAULT_FIGSIZE[0]), defaults.get("fig-height", 5.0))
    setup = SETUP.format(
        root=str(root), figsize=figsize, pandas="pandas" in code, escaped=INLINE_ESCAPED,
        values=INLINE_VALUES, failed=INLINE_FAILED,
    )
    add(setup, None)
    for cell in doc.cells:
        if not _opt(cell, "eval", defaults, True):
            continue
        sized = "fig-width" in cell.options or "fig-height" in cell.options
        if sized:
            w = cell.options.get("fig-width", figsize[0])
            h = cell.options.get("fig-height", figsize[1])
            add(FIGSIZE_SET.format(w=float(w), h=float(h)), None)
        add(cell.code, ("cell", cell.index), bool(_opt(cell, "error", defaults, False)))
        if sized:
            add(FIGSIZE_RESET, None)
    if doc.inline:
        exprs = [(e.index, f"({e.expr})") for e in doc.inline]
        add(f"_qb_inline_all({exprs!r}, globals())", ("inline-all", -1))
    return nb, origin


def _error_location(doc: QmdDoc, where: tuple[str, int] | None, tb: str) -> int:
    if where is None:
        return 1
    kind, index = where
    if kind == "inline":
        return next(e.line for e in doc.inline if e.index == index)
    cell = next(c for c in doc.cells if c.index == index)
    m = _CELL_LINE.search(tb)
    return cell.code_line + int(m.group(1)) - 1 if m else cell.line


def execute_chapter(
    doc: QmdDoc,
    root: Path,
    defaults: dict | None = None,
    timeout: int = 600,
    kernel: Kernel | None = None,
) -> ChapterResult:
    """Execute `doc` in a fresh namespace; raise ExecutionError on the first disallowed error.

    With `kernel` (from a KernelPool) the chapter runs in that warm kernel after its namespace
    is reset; without, in a kernel of its own that is shut down afterwards.
    """
    defaults = defaults or {}
    nb, origin = _build_notebook(doc, root, defaults)
    if kernel is not None and kernel.used:
        nb.cells[0].source = RESET + nb.cells[0].source
    try:
        if kernel is not None:
            kernel.run(nb, str(root), timeout)
        else:
            km = KernelManager(kernel_name="python3", kernel_spec_manager=_ThisInterpreter())
            client = NotebookClient(
                nb,
                km=km,
                timeout=timeout,
                allow_errors=False,
                record_timing=False,
                resources={"metadata": {"path": str(root)}},
            )
            # The kernel's own stderr only carries ipykernel's start-up chatter (a warning about
            # TCP per kernel); cell errors and warnings arrive as outputs over the protocol.
            client.execute(env=kernel_env(), stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        for i, cell in enumerate(nb.cells):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            tags = cell.metadata.get("tags", [])
            if errors and "raises-exception" not in tags:
                tb = strip_ansi("\n".join(errors[0].get("traceback", [])))
                where = origin[i]
                if where and where[0] == "inline-all":
                    failed = [o["data"][INLINE_FAILED] for o in cell.get("outputs", [])
                              if INLINE_FAILED in (o.get("data") or {})]
                    where = ("inline", failed[0]["index"]) if failed else None
                    origin[i] = where
                path, line = doc.where(_error_location(doc, where, tb))
                what = "inline expression" if origin[i] and origin[i][0] == "inline" else "cell"
                raise ExecutionError(path, line, tb, what) from None
        raise ExecutionError(doc.path, 1, strip_ansi(str(exc))) from None
    except (CellTimeoutError, DeadKernelError) as exc:
        raise ExecutionError(doc.path, 1, f"kernel failed: {exc}") from None

    result = ChapterResult()
    for cell, where in zip(nb.cells, origin, strict=True):
        if where is None:
            continue
        outputs = [_plain(o) for o in cell.get("outputs", [])]
        if where[0] == "cell":
            result.cells[where[1]] = outputs
            result.executed_cells += 1
        else:
            for o in outputs:
                values = (o.get("data") or {}).get(INLINE_VALUES) or {}
                result.inline.update({int(k): v for k, v in values.items()})
    return result


def _plain(output) -> dict:
    """An nbformat output as plain JSON-able dicts, without volatile fields."""
    data = nbformat.from_dict(output)
    out = {k: v for k, v in dict(data).items() if k not in ("execution_count", "metadata")}
    if "data" in out:
        out["data"] = {
            k: ("".join(v) if isinstance(v, list) else v) for k, v in dict(out["data"]).items()
        }
    if "text" in out and isinstance(out["text"], list):
        out["text"] = "".join(out["text"])
    return {k: (dict(v) if hasattr(v, "items") else v) for k, v in out.items()}


def execute_many(
    jobs: list[tuple[QmdDoc, dict]], root: Path, workers: int = 2, timeout: int = 600
) -> list[ChapterResult]:
    """Execute chapters in parallel on a pool of warm kernels; results in the order of `jobs`.

    Every chapter runs to its end even when another fails, then the first failure (in book
    order) is raised, so one build reports the earliest broken chapter deterministically.
    """
    if not jobs:
        return []
    size = max(1, min(workers, len(jobs)))
    modules = imported_modules([d for d, _ in jobs])
    kernels = KernelPool(
        lambda: start_kernel(_ThisInterpreter(), kernel_env(), str(root)),
        size, modules, str(root), timeout,
    )

    def run(doc: QmdDoc, defaults: dict) -> ChapterResult:
        kernel = kernels.take()
        try:
            return execute_chapter(doc, root, defaults, timeout, kernel)
        finally:
            kernels.give(kernel)

    try:
        with ThreadPoolExecutor(max_workers=size) as pool:
            futures = [pool.submit(run, d, o) for d, o in jobs]
            outcomes = []
            for f in futures:
                try:
                    outcomes.append(f.result())
                except ExecutionError as exc:
                    outcomes.append(exc)
    finally:
        kernels.close()
    for o in outcomes:
        if isinstance(o, ExecutionError):
            raise o
    return outcomes  # type: ignore[return-value]
