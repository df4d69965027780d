"""Figures for the chapters: each returns a matplotlib Figure; the chapter shows it, never saves it.

Figures are built on matplotlib.figure.Figure, not pyplot, so nothing is registered globally and a
notebook shows each figure once. Titles are left to the chapter's captions.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from analysis import paths
from analysis.codebook import fields
from analysis.figure_data import figure_with_data, plots
from analysis.gaps import gap_map
from analysis.load import Evidence
from analysis.palette import (
    BAR,
    COVERAGE,
    EMPTY_EDGE,
    EMPTY_HATCH,
    LITERATURE,
    SEQUENTIAL,
    SMALL,
    WIDTH,
    styled,
    text_colour,
)
from analysis.prisma import ARMS, prisma_counts
from analysis.stats import (
    coded_field,
    cooccurrence,
    counts,
    short_label,
    source_years,
    sources_with,
)

__all__ = [
    "fig_prisma_flow",
    "fig_sources_by_year",
    "fig_sources_by_type",
    "fig_setting_level",
    "fig_dimensions",
    "fig_cooccurrence",
    "fig_gap_map",
    "fig_coverage",
    "fig_framework",
]

SOURCES = "Included sources"
LABEL_WIDTH = 38  # characters per line of a category label (about 2.4 in at 8.5 pt)


def _field_label(ev: Evidence, name: str) -> str:
    return {f.name: f.label for f in fields(ev.codebook)}[name]


def _wrapped(ev: Evidence, field: str, values, width: int = LABEL_WIDTH) -> list[str]:
    return [textwrap.fill(short_label(field, v, ev.codebook), width) for v in values]


def _literature_names(ev: Evidence) -> dict[str, str]:
    return {v: short_label("literature_type", v, ev.codebook) for v in LITERATURE}


@figure_with_data
@styled
def fig_sources_by_year(ev: Evidence) -> Figure:
    """Stacked bars per year by literature type, every year in the range; the undated sources are
    stated beside the chart, not drawn as a bar, since 'no year' is not a year."""
    years = source_years(ev)
    dated = years.dropna().astype(int)
    span = list(range(dated.min(), dated.max() + 1)) if len(dated) else []
    positions = np.arange(len(span))
    literature = ev.charting.set_index("source_id")["literature_type"]

    fig = Figure(figsize=(WIDTH, 2.8), layout="constrained")
    ax = fig.add_subplot()
    bottom = np.zeros(len(span))
    data = []
    for value, name in _literature_names(ev).items():
        keys = literature[literature == value].index
        of_type = years[keys]
        heights = np.array([int((of_type == y).sum()) for y in span], dtype=float)
        ax.bar(positions, heights, 0.75, bottom=bottom, color=LITERATURE[value], label=name)
        bottom += heights
        data += [(str(y), value, name, int(h)) for y, h in zip(span, heights, strict=True)]
    for x, total in zip(positions, bottom, strict=True):
        if total:
            ax.text(x, total + 0.2, f"{int(total)}", ha="center", va="bottom", fontsize=SMALL)
    ax.set_xticks(positions, [str(y) for y in span], rotation=45 if len(span) > 14 else 0)
    undated = int(years.isna().sum())
    ax.set_xlabel(f"Year of publication ({undated} sources with no verified year are not shown)")
    ax.set_ylabel(SOURCES)
    ax.set_ylim(0, max(bottom.max() if len(bottom) else 0, 1) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left")
    return plots(fig, pd.DataFrame(data, columns=["year", "literature_type", "label", "n"]))


def _hbar(ax, ev: Evidence, field: str) -> None:
    c = counts(ev, field)
    y = np.arange(len(c))
    ax.barh(y, c.to_numpy(), 0.7, color=BAR)
    ax.set_yticks(y, _wrapped(ev, field, c.index))
    ax.invert_yaxis()  # codebook order reads top to bottom
    ax.set_ylabel(_field_label(ev, field))
    peak = max(int(c.max()), 1)
    for yi, n in zip(y, c.to_numpy(), strict=True):
        ax.text(n + peak * 0.01, yi, f"{n}", va="center", ha="left", fontsize=SMALL)
    ax.set_xlim(0, peak * 1.1)
    ax.tick_params(axis="y", length=0)


def _hbar_panels(ev: Evidence, names: tuple[str, str], note: str = "") -> Figure:
    sizes = [len(coded_field(ev, n).values) for n in names]
    lines = [
        sum(label.count("\n") + 1 for label in _wrapped(ev, n, coded_field(ev, n).values))
        for n in names
    ]
    rows = [max(s, 0.8 * n) for s, n in zip(sizes, lines, strict=True)]
    fig = Figure(figsize=(WIDTH, 0.6 + 0.24 * sum(rows)), layout="constrained")
    axes = fig.subplots(2, 1, gridspec_kw={"height_ratios": rows})
    for ax, name in zip(axes, names, strict=True):
        _hbar(ax, ev, name)
    axes[-1].set_xlabel(SOURCES + note)
    fig.align_ylabels(axes)
    data = [
        (name, value, short_label(name, value, ev.codebook), int(n))
        for name in names
        for value, n in counts(ev, name).items()
    ]
    return plots(fig, pd.DataFrame(data, columns=["field", "value", "label", "n"]))


@figure_with_data
@styled
def fig_sources_by_type(ev: Evidence) -> Figure:
    """Document type (top) and study design (bottom), in codebook order."""
    return _hbar_panels(ev, ("document_type", "study_design"))


@figure_with_data
@styled
def fig_setting_level(ev: Evidence) -> Figure:
    """Setting (top) and system level (bottom); a source may have several of each."""
    return _hbar_panels(ev, ("setting", "system_level"), " (a source may have several values)")


def _label_segments(ax, y, left, widths, dark: bool, total: float | None = None) -> None:
    """Write each non-empty stacked segment's count on it (white on the dark colour).

    With `total`, a segment under 4% of it is too narrow to write in, so its count goes just
    past the end of the segment instead.
    """
    for yi, x0, w in zip(y, left, widths, strict=True):
        if not w:
            continue
        if total is not None and w / total < 0.04:
            ax.text(x0 + w + total * 0.01, yi, f"{int(w)}", ha="left", va="center", fontsize=SMALL)
            continue
        ax.text(
            x0 + w / 2,
            yi,
            f"{int(w)}",
            ha="center",
            va="center",
            fontsize=SMALL,
            color="white" if dark else "black",
        )


@figure_with_data
@styled
def fig_dimensions(ev: Evidence) -> Figure:
    """Sources describing each dimension in substance, stacked by literature type."""
    field = "dimensions"
    values = coded_field(ev, field).values
    y = np.arange(len(values))
    fig = Figure(figsize=(WIDTH, 2.5), layout="constrained")
    ax = fig.add_subplot()
    left = np.zeros(len(values))
    data = []
    for lit, name in _literature_names(ev).items():
        peer = set(sources_with(ev, "literature_type", lit))
        widths = np.array([len(peer & set(sources_with(ev, field, v))) for v in values], float)
        ax.barh(y, widths, 0.65, left=left, color=LITERATURE[lit], label=name)
        _label_segments(ax, y, left, widths, dark=lit == "peer_reviewed")
        left += widths
        data += [(v, lit, int(w)) for v, w in zip(values, widths, strict=True)]
    ax.set_yticks(y, _wrapped(ev, field, values))
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(SOURCES + " describing the dimension in substance")
    ax.set_ylabel(_field_label(ev, field))
    ax.set_xlim(0, max(left.max(), 1) * 1.05)
    ax.legend(loc="lower right")
    return plots(fig, pd.DataFrame(data, columns=["dimension", "literature_type", "n"]))


def _grid(ax, table, column_labels, row_labels, hatch_empty: bool) -> None:
    """Cells coloured by count with the count written in; empty cells hatched with a '0'."""
    data = table.to_numpy()
    peak = max(int(data.max()), 1)
    rows, cols = data.shape
    for i in range(rows):
        for j in range(cols):
            n = int(data[i, j])
            if n == 0 and hatch_empty:
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor="white",
                        edgecolor=EMPTY_EDGE,
                        hatch=EMPTY_HATCH,
                        linewidth=0.5,
                        gid="empty",
                    )
                )
                ax.text(
                    j,
                    i,
                    "0",
                    ha="center",
                    va="center",
                    fontsize=SMALL,
                    color="#444444",
                    bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none"},
                )
                continue
            share = n / peak
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5),
                    1,
                    1,
                    facecolor=SEQUENTIAL(share),
                    edgecolor="white",
                    linewidth=1,
                )
            )
            ax.text(
                j, i, f"{n}", ha="center", va="center", fontsize=SMALL, color=text_colour(share)
            )
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xticks(range(cols), column_labels, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(rows), row_labels)
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)


@figure_with_data
@styled
def fig_cooccurrence(ev: Evidence) -> Figure:
    """Dimensions (rows) by system level (columns): sources having both, counts in cells."""
    table = cooccurrence(ev, "dimensions", "system_level")
    fig = Figure(figsize=(WIDTH, 3.5), layout="constrained")
    ax = fig.add_subplot()
    _grid(
        ax,
        table,
        [short_label("system_level", v, ev.codebook) for v in table.columns],
        _wrapped(ev, "dimensions", table.index),
        hatch_empty=False,
    )
    ax.set_xlabel(_field_label(ev, "system_level"))
    ax.set_ylabel(_field_label(ev, "dimensions"))
    return plots(fig, _long(table, "dimension", "system_level"))


@figure_with_data
@styled
def fig_gap_map(ev: Evidence, path: Path = paths.GAPS) -> Figure:
    """Evidence gap map: rows from data/gaps.yml; by system level (top) and study design (bottom).

    Empty cells are hatched and carry a '0', so an absence cannot be read as a pale count.
    """
    panels = [
        ("system_level", gap_map(ev, "system_level", path)),
        ("study_design", gap_map(ev, "study_design", path)),
    ]
    rows = len(panels[0][1])
    fig = Figure(figsize=(WIDTH, 3.4 + 0.42 * rows * 2), layout="constrained")
    axes = fig.subplots(2, 1)
    for ax, (field, table) in zip(axes, panels, strict=True):
        row_labels = [textwrap.fill(r, LABEL_WIDTH) for r in table.index]
        # One line per column label: wrapped labels, once rotated, run into their neighbours.
        _grid(ax, table, list(table.columns), row_labels, hatch_empty=True)
        ax.set_xlabel(_field_label(ev, field))
    empty = Rectangle((0, 0), 1, 1, facecolor="white", edgecolor=EMPTY_EDGE, hatch=EMPTY_HATCH)
    fig.legend(
        [empty],
        ["0: no included source (empty cell)"],
        loc="outside lower center",
        handlelength=1.4,
        handleheight=1.4,
    )
    fig.align_ylabels(axes)
    data = pd.concat(
        [_long(table, "evidence_on", "column").assign(panel=field) for field, table in panels]
    )
    return plots(fig, data[["panel", "evidence_on", "column", "n"]])


def _long(table: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """A grid's cells as rows (row, column, n), in the grid's order."""
    return pd.DataFrame(
        [(r, c, int(table.loc[r, c])) for r in table.index for c in table.columns],
        columns=[rows, columns, "n"],
    )


@figure_with_data
@styled
def fig_coverage(ev: Evidence) -> Figure:
    """EDI, technology and ICS/ICB: sources not addressing, mentioning or centring each."""
    names = ("edi", "technology", "ics_icb")
    levels = coded_field(ev, names[0]).values  # none, mentioned, central
    fig = Figure(figsize=(WIDTH, 2.3), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(names))
    tallies = [counts(ev, n) for n in names]
    total = max(int(sum(tallies[0])), 1)
    left = np.zeros(len(names))
    for level in levels:
        widths = np.array([int(t[level]) for t in tallies], float)
        ax.barh(
            y,
            widths,
            0.6,
            left=left,
            color=COVERAGE[level],
            label=short_label(names[0], level, ev.codebook),
        )
        _label_segments(ax, y, left, widths, dark=level == "central", total=total)
        left += widths
    ax.set_yticks(y, [textwrap.fill(_field_label(ev, n), LABEL_WIDTH) for n in names])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, total * 1.06)
    ax.set_xlabel(SOURCES)
    fig.legend(loc="outside lower center", ncol=len(levels))
    data = [
        (n, level, int(t[level])) for n, t in zip(names, tallies, strict=True) for level in levels
    ]
    return plots(fig, pd.DataFrame(data, columns=["field", "level", "n"]))


# PRISMA flow -----------------------------------------------------------------------------------

_LINE = 0.155  # inches per line of 8 pt text
_PAD = 0.12


def _reason(reason: str) -> str:
    text = reason.replace("_", " ")
    return text[:1].upper() + text[1:]


def _box(ax, x, top, width, lines, height) -> None:
    """A box from `top` down by `height`, its text from the top left."""
    ax.add_patch(
        FancyBboxPatch(
            (x, top - height),
            width,
            height,
            boxstyle="square,pad=0",
            facecolor="white",
            edgecolor="#333333",
            linewidth=0.8,
        )
    )
    ax.text(
        x + 0.08, top - _PAD, "\n".join(lines), ha="left", va="top", fontsize=8, linespacing=1.35
    )


def _arrow(ax, start, end) -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": "#333333", "lw": 0.8, "shrinkA": 0, "shrinkB": 0},
    )


def _update_lines(ev: Evidence, previous: dict | None) -> list[str]:
    """The updated-review part of the flow: what is new since the previous version."""
    if previous is None:
        return []
    version = previous["version"]
    new_searches = ev.searches[~ev.searches["search_id"].isin(set(previous["searches"]))]
    new_records = ev.records["search_id"].isin(set(new_searches["search_id"])).sum()
    was, now = set(previous["included"]), set(ev.charting["source_id"])
    return [
        f"New records identified (n = {int(new_records)}) by the {len(new_searches)} searches "
        f"added since version {version}",
        f"New studies included (n = {len(now - was)})",
        f"Studies included in previous version {version} (n = {len(was)}): still included "
        f"(n = {len(was & now)}); removed since (n = {len(was - now)})",
    ]


_ARM_TITLES = {
    "databases": "Identification via searches of the index",
    "other_methods": "Identification via other methods",
}
_FLOW_WRAP = 21  # characters of 8 pt text per line in a box a quarter of the page wide


def _wrap(lines: list[str], width: int = _FLOW_WRAP) -> list[str]:
    out = []
    for line in lines:
        indent = "  " if line.startswith("  ") else ""
        # A count "(n = 12)" never breaks across lines.
        line = re.sub(r"\(n = (\d+)\)", "(n\u00a0=\u00a0\\1)", line)
        out += textwrap.wrap(line, width, subsequent_indent=indent + " ")
    return [line.replace("\u00a0", " ") for line in out]


def _method_name(method: str) -> str:
    return {"database": "index searches", "website": "website searches",
            "citation": "citation searches"}[method]  # fmt: skip


def _arm_rows(ev: Evidence, arm: str, c) -> list[tuple[str, list[str], list[str]]]:
    """The four boxes-and-beside-boxes of one PRISMA 2020 column."""
    a = c.arms[arm]
    searches = ev.searches[ev.searches["method"].isin(ARMS[arm])]
    by_method = [
        f"  {int((searches['method'] == m).sum())} {_method_name(m)} (n = "
        f"{a.identified_by_method.get(m, 0)})"
        for m in ARMS[arm]
    ]
    ft = [f"  {_reason(r)} (n = {n})" for r, n in a.excluded_full_text_by_reason.items() if n]
    return [
        (
            "Identification",
            [f"Records identified (n = {a.identified}):", *by_method],
            ["Removed before screening:", f"  Duplicate records (n = {a.duplicates})"],
        ),
        (
            "Screening",
            [f"Records screened (n = {a.screened})"],
            [f"Records excluded (n = {a.excluded_title_abstract})"],
        ),
        (
            "Screening",
            [f"Reports sought for retrieval (n = {a.sought})"],
            [f"Reports not retrieved (n = {a.not_retrieved})"],
        ),
        (
            "Screening",
            [f"Reports assessed for eligibility (n = {a.assessed})"],
            [f"Reports excluded (n = {a.excluded_full_text})" + (":" if ft else ""), *ft],
        ),
    ]


@figure_with_data
@styled
def fig_prisma_flow(ev: Evidence, previous: dict | None = None) -> Figure:
    """PRISMA 2020 flow diagram with its two columns (searches of the index; other methods),
    drawn from prisma_counts; title/abstract exclusion reasons are in the exclusions table.

    With `previous` (a release snapshot, analysis.releases.previous_release) the included box
    also gives, as PRISMA 2020's flow for updated reviews does, the records from searches added
    since that version, the new studies and the studies of the previous version.
    """
    c = prisma_counts(ev)
    arms = {arm: [(p, _wrap(m), _wrap(s)) for p, m, s in _arm_rows(ev, arm, c)] for arm in ARMS}
    lit = {v: c.included_by_literature_type.get(v, 0) for v in LITERATURE}
    names = _literature_names(ev)
    included = _wrap(
        width=5 * _FLOW_WRAP,
        lines=[
            f"Sources included in the review (n = {c.included}):",
            *(f"  {names[v]} (n = {lit[v]})" for v in LITERATURE),
            *(
                f"  via {_ARM_TITLES[arm].split(' via ')[1]} (n = {c.arms[arm].included})"
                for arm in ARMS
            ),
            *_update_lines(ev, previous),
        ],
    )
    gap, title_h = 0.26, 0.34
    n_rows = len(next(iter(arms.values())))
    heights = [
        max(max(len(rows[i][1]), len(rows[i][2])) for rows in arms.values()) * _LINE + 2 * _PAD
        for i in range(n_rows)
    ]
    included_h = len(included) * _LINE + 2 * _PAD
    total = title_h + sum(heights) + gap * n_rows + included_h + 0.1
    fig = Figure(figsize=(WIDTH, total))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, total)
    ax.axis("off")
    band_x, box_w, inner_gap, arm_gap = 0.02, 1.38, 0.1, 0.14
    left = 0.38
    arm_x = {arm: left + i * (2 * box_w + inner_gap + arm_gap) for i, arm in enumerate(ARMS)}
    top0 = total - 0.05
    spans: dict[str, list[float]] = {}
    for arm, rows in arms.items():
        x = arm_x[arm]
        ax.text(x, top0 - 0.12, _ARM_TITLES[arm], ha="left", va="top", fontsize=8.5,
                fontweight="bold")  # fmt: skip
        top = top0 - title_h
        previous_bottom = None
        for (phase, main, side), height in zip(rows, heights, strict=True):
            _box(ax, x, top, box_w, main, height)
            mid = top - height / 2
            if side:
                _box(ax, x + box_w + inner_gap, top, box_w, side, height)
                _arrow(ax, (x + box_w, mid), (x + box_w + inner_gap, mid))
            if previous_bottom is not None:
                _arrow(ax, (x + box_w / 2, previous_bottom), (x + box_w / 2, top))
            spans.setdefault(phase, [top, top - height])[1] = top - height
            previous_bottom = top - height
            top -= height + gap
        _arrow(ax, (x + box_w / 2, previous_bottom), (x + box_w / 2, top))
    inc_x = arm_x["databases"]
    inc_w = arm_x["other_methods"] + 2 * box_w + inner_gap - inc_x
    _box(ax, inc_x, top, inc_w, included, included_h)
    spans["Included"] = [top, top - included_h]
    for phase, (upper, lower) in spans.items():
        ax.add_patch(
            FancyBboxPatch(
                (band_x, lower),
                0.28,
                upper - lower,
                boxstyle="round,pad=0,rounding_size=0.05",
                facecolor="#CFE6F5",
                edgecolor="none",
            )
        )
        ax.text(
            band_x + 0.14,
            (upper + lower) / 2,
            phase,
            rotation=90,
            ha="center",
            va="center",
            fontsize=8.5,
            fontweight="bold",
        )
    data = [
        (phase, box, line.strip())
        for phase, main, side in rows
        for box, lines in (("main", main), ("side", side))
        for line in lines
    ]
    return plots(fig, pd.DataFrame(data, columns=["phase", "box", "text"]))


# Conceptual framework --------------------------------------------------------------------------

CHARS_PER_INCH = 15  # of 8 pt text, leaving room for the count at the right
_RESEARCH_BAR = "#0072B2"
_OTHER_BAR = "#A6CEE3"


def _framework_column(ax, x, top, width, heading, rows, peak) -> float:
    """A framed column of elements, each a label, its count and a bar (research part dark)."""
    y = top - _PAD
    ax.text(x + 0.08, y, heading, ha="left", va="top", fontsize=FONT_HEADING, weight="bold")
    y -= _LINE * 1.6
    wrap = _frame_wrap(width)
    for row in rows.itertuples():
        lines = textwrap.wrap(row.label, wrap)
        ax.text(x + 0.08, y, "\n".join(lines), ha="left", va="top", fontsize=SMALL,
                linespacing=1.2)  # fmt: skip
        ax.text(x + width - 0.08, y, f"{row.sources}", ha="right", va="top", fontsize=SMALL)
        y -= _LINE * 1.0 * len(lines) + 0.05
        span = (width - 0.16) * row.sources / peak
        research = (width - 0.16) * row.research / peak
        ax.add_patch(Rectangle((x + 0.08, y - 0.05), research, 0.05, color=_RESEARCH_BAR, lw=0))
        ax.add_patch(
            Rectangle((x + 0.08 + research, y - 0.05), span - research, 0.05, color=_OTHER_BAR,
                      lw=0)  # fmt: skip
        )
        y -= 0.05 + _LINE * 0.6
    bottom = y - _PAD * 0.5
    ax.add_patch(
        FancyBboxPatch((x, bottom), width, top - bottom, boxstyle="round,pad=0,rounding_size=0.06",
                       facecolor="none", edgecolor="#333333", linewidth=0.8)  # fmt: skip
    )
    return bottom


FONT_HEADING = 8.5


def _frame_wrap(width: float) -> int:
    return int((width - 0.35) * CHARS_PER_INCH)


def _rows_height(rows, width: float) -> float:
    lines = sum(len(textwrap.wrap(r, _frame_wrap(width))) for r in rows["label"])
    return _PAD * 1.5 + _LINE * 1.6 + lines * _LINE * 1.0 + len(rows) * (0.11 + _LINE * 0.6)


@figure_with_data
@styled
def fig_framework(ev: Evidence) -> Figure:
    """The framework: development -> what systems leadership involves -> outcomes claimed, with
    the conditions that enable or block it below; each element with its sources (bar: research
    dark, other sources light)."""
    from analysis.framework import FRAMEWORK, framework

    f = framework(ev)
    peak = max(int(f["sources"].max()), 1) if len(f) else 1
    part = {c: f[f["component"] == c] for c in FRAMEWORK}
    gap = 0.32
    col = (WIDTH - 2 * gap) / 3

    half = (WIDTH - gap) / 2
    top_height = max(_rows_height(part[c], col) for c in ("development", "dimensions", "outcomes"))
    low_height = max(_rows_height(part[c], half) for c in ("enablers", "barriers"))
    height = top_height + low_height + 0.75
    fig = Figure(figsize=(WIDTH, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    top = height - 0.02
    xs = [0.0, col + gap, 2 * (col + gap)]
    for x, component in zip(xs, ("development", "dimensions", "outcomes"), strict=True):
        _framework_column(ax, x, top, col, FRAMEWORK[component][0], part[component], peak)
    mid = top - 0.35
    for a, b in ((xs[0] + col, xs[1]), (xs[1] + col, xs[2])):
        _arrow(ax, (a + 0.03, mid), (b - 0.03, mid))
    low_top = top - top_height - 0.35
    for x, component in zip((0.0, half + gap), ("enablers", "barriers"), strict=True):
        _framework_column(ax, x, low_top, half, FRAMEWORK[component][0], part[component], peak)
    # The conditions bear on the leadership itself.
    _arrow(ax, (WIDTH / 2, low_top + 0.02), (WIDTH / 2, top - top_height + 0.05))
    ax.text(WIDTH / 2 + 0.06, low_top + 0.16, "conditions", fontsize=SMALL, style="italic",
            va="center")  # fmt: skip
    ax.add_patch(Rectangle((0.08, 0.12), 0.25, 0.07, color=_RESEARCH_BAR, lw=0))
    ax.add_patch(Rectangle((0.33, 0.12), 0.25, 0.07, color=_OTHER_BAR, lw=0))
    ax.text(0.66, 0.155, "Bar: sources behind the element (dark: research; light: other sources). "
            "Number: sources.", fontsize=SMALL, va="center")  # fmt: skip
    return plots(fig, f.drop(columns="keys"))
