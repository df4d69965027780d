"""Every figure with the data it plots and the function that drew it.

A figure function stores the numbers it plots with `plots(fig, frame)`; `@figure_with_data`
records which function drew it. When a chapter shows the figure (in Jupyter, as both engines
run chapters) the build writes that frame as a CSV and puts, under the figure, a link to it and
the function's name. The link is a raw HTML block: the web site shows it; PDF and DOCX, which
have no site beside them, do not.
"""

from __future__ import annotations

import functools
import html
import os
import re
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from analysis import paths


def plots(fig: Figure, frame: pd.DataFrame) -> Figure:
    """Record `frame` as exactly the data `fig` draws."""
    fig.slr_data = frame.reset_index(drop=True)
    return fig


def figure_with_data(make):
    """Wrap a fig_ function: its figure knows its data (which it must record) and its maker."""

    @functools.wraps(make)
    def wrapper(*args, **kwargs):
        fig = make(*args, **kwargs)
        if not isinstance(getattr(fig, "slr_data", None), pd.DataFrame):
            raise TypeError(f"{make.__name__} did not record its data with plots(fig, frame)")
        fig.slr_drawn_by = f"{make.__module__}.{make.__name__}"
        fig._ipython_display_ = functools.partial(_show, fig)
        return fig

    return wrapper


def csv_name(fig: Figure) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", fig.slr_drawn_by.rsplit(".", 1)[-1]).strip("-") + ".csv"


def write_data(fig: Figure, folder: Path | None = None) -> Path:
    """Write the figure's data as CSV (UTF-8, no index) into `folder` (the build's figure-data
    folder by default) and return its path."""
    folder = folder or paths.FIGURE_DATA
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / csv_name(fig)
    fig.slr_data.to_csv(path, index=False, lineterminator="\n")
    return path


def source_note(fig: Figure, csv: Path) -> str:
    """The raw HTML block under a figure: its data file and the function that drew it."""
    # Relative to the chapter's working directory, which is how each engine resolves a link.
    href = Path(os.path.relpath(csv, Path.cwd())).as_posix()
    return (
        "```{=html}\n"
        f'<p class="slr-figure-source"><a href="{html.escape(href)}" download>'
        f"Data for this figure (CSV)</a> · drawn by <code>{html.escape(fig.slr_drawn_by)}</code>"
        "</p>\n```\n"
    )


def _show(fig: Figure) -> None:
    from IPython.display import Markdown, display

    csv = write_data(fig)
    # Shown as an ordinary figure: without this method for the moment, or display recurses.
    method = fig.__dict__.pop("_ipython_display_")
    try:
        display(fig)
    finally:
        fig._ipython_display_ = method
    display(Markdown(source_note(fig, csv)))
