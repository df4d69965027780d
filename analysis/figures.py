"""Figures for the chapters: each returns a matplotlib Figure; the chapter shows it, never saves it.

Figures are built on matplotlib.figure.Figure, not pyplot, so nothing is registered globally and a
notebook shows each figure once. Titles are left to the chapter's captions.
"""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from analysis import paths
from analysis.codebook import fields
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
from analysis.prisma import prisma_counts
from analysis.stats import (
    UNDATED,
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
]

SOURCES = "Included sources"
LABEL_WIDTH = 38  # characters per line of a category label (about 2.4 in at 8.5 pt)


def _field_label(ev: Evidence, name: str) -> str:
    return {f.name: f.label for f in fields(ev.codebook)}[name]


def _wrapped(ev: Evidence, field: str, values, width: int = LABEL_WIDTH) -> list[str]:
    return [textwrap.fill(short_label(field, v, ev.codebook), width) for v in values]


def _literature_names(ev: Evidence) -> dict[str, str]:
    return {v: short_label("literature_type", v, ev.codebook) for v in LITERATURE}


@styled
def fig_sources_by_year(ev: Evidence) -> Figure:
    """Stacked bars per year by literature type; every year in the range, undated at the end."""
    years = source_years(ev)
    dated = years.dropna().astype(int)
    span = list(range(dated.min(), dated.max() + 1)) if len(dated) else []
    ticks = [str(y) for y in span] + [UNDATED]
    positions = np.append(np.arange(len(span)), len(span) + 0.6)  # a gap sets n.d. apart
    literature = ev.charting.set_index("source_id")["literature_type"]

    fig = Figure(figsize=(WIDTH, 2.8), layout="constrained")
    ax = fig.add_subplot()
    bottom = np.zeros(len(ticks))
    for value, name in _literature_names(ev).items():
        keys = literature[literature == value].index
        of_type = years[keys]
        heights = np.array(
            [int((of_type == y).sum()) for y in span] + [int(of_type.isna().sum())], dtype=float
        )
        ax.bar(positions, heights, 0.75, bottom=bottom, color=LITERATURE[value], label=name)
        bottom += heights
    for x, total in zip(positions, bottom, strict=True):
        if total:
            ax.text(x, total + 0.2, f"{int(total)}", ha="center", va="bottom", fontsize=SMALL)
    ax.set_xticks(positions, ticks, rotation=45 if len(ticks) > 14 else 0)
    ax.set_xlabel("Year of publication (n.d. = no verified year)")
    ax.set_ylabel(SOURCES)
    ax.set_ylim(0, max(bottom.max(), 1) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left")
    return fig


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
    return fig


@styled
def fig_sources_by_type(ev: Evidence) -> Figure:
    """Document type (top) and study design (bottom), in codebook order."""
    return _hbar_panels(ev, ("document_type", "study_design"))


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


@styled
def fig_dimensions(ev: Evidence) -> Figure:
    """Sources describing each dimension in substance, stacked by literature type."""
    field = "dimensions"
    values = coded_field(ev, field).values
    y = np.arange(len(values))
    fig = Figure(figsize=(WIDTH, 2.5), layout="constrained")
    ax = fig.add_subplot()
    left = np.zeros(len(values))
    for lit, name in _literature_names(ev).items():
        peer = set(sources_with(ev, "literature_type", lit))
        widths = np.array([len(peer & set(sources_with(ev, field, v))) for v in values], float)
        ax.barh(y, widths, 0.65, left=left, color=LITERATURE[lit], label=name)
        _label_segments(ax, y, left, widths, dark=lit == "peer_reviewed")
        left += widths
    ax.set_yticks(y, _wrapped(ev, field, values))
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(SOURCES + " describing the dimension in substance")
    ax.set_ylabel(_field_label(ev, field))
    ax.set_xlim(0, max(left.max(), 1) * 1.05)
    ax.legend(loc="lower right")
    return fig


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
    return fig


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
    return fig


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
    return fig


# PRISMA flow -----------------------------------------------------------------------------------

_LINE = 0.165  # inches per line of 8.5 pt text
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
        x + 0.1, top - _PAD, "\n".join(lines), ha="left", va="top", fontsize=8.5, linespacing=1.35
    )


def _arrow(ax, start, end) -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": "#333333", "lw": 0.8, "shrinkA": 0, "shrinkB": 0},
    )


def _flow_rows(ev: Evidence) -> list[tuple[str, list[str], list[str]]]:
    c = prisma_counts(ev)
    # With one source its count is the total; with several, each gets its own count.
    several = len(c.identified_by_source) > 1
    sources = [f"{s} (n = {n})" if several else s for s, n in c.identified_by_source.items()]
    searches = len(ev.searches)
    ta = [f"  {_reason(r)} (n = {n})" for r, n in c.excluded_title_abstract_by_reason.items() if n]
    ft = [f"  {_reason(r)} (n = {n})" for r, n in c.excluded_full_text_by_reason.items() if n]
    lit = {v: c.included_by_literature_type.get(v, 0) for v in LITERATURE}
    names = _literature_names(ev)
    return [
        (
            "Identification",
            [
                f"Records identified (n = {c.identified})",
                f"from {searches} searches of:",
                *textwrap.fill("; ".join(sources), 40).split("\n"),
            ],
            ["Records removed before screening:", f"  Duplicate records (n = {c.duplicates})"],
        ),
        (
            "Screening",
            ["Records screened on title and", f"abstract (n = {c.screened})"],
            [f"Records excluded (n = {c.excluded_title_abstract}):", *ta],
        ),
        (
            "Screening",
            ["Reports sought and assessed", f"for eligibility (n = {c.assessed})"],
            [f"Reports excluded (n = {c.excluded_full_text}):", *ft],
        ),
        (
            "Included",
            [
                f"Sources included in review (n = {c.included}):",
                *(f"  {names[v]} (n = {lit[v]})" for v in LITERATURE),
            ],
            [],
        ),
    ]


@styled
def fig_prisma_flow(ev: Evidence, previous: dict | None = None) -> Figure:
    """PRISMA 2020 flow diagram drawn from prisma_counts: phases, boxes, arrows, reasons.

    With `previous` (a release snapshot, analysis.releases.previous_release) it is the flow for
    an updated review: new records from searches added since, the studies of the previous
    version, and the total.
    """
    if previous is None:
        return _flow_figure(_flow_rows(ev))
    return _flow_figure(*_updated_flow_rows(ev, previous))


def _updated_flow_rows(ev: Evidence, previous: dict):
    old_searches = set(previous["searches"])
    new_searches = ev.searches[~ev.searches["search_id"].isin(old_searches)]
    records = ev.records[ev.records["search_id"].isin(new_searches["search_id"])]
    new_ids = set(records["record_id"])
    stream = dataclasses.replace(
        ev,
        searches=new_searches,
        records=records,
        screening=ev.screening[ev.screening["record_id"].isin(new_ids)],
        charting=ev.charting[ev.charting["record_id"].isin(new_ids)],
    )
    c = prisma_counts(stream)
    total = prisma_counts(ev)
    was = set(previous["included"])
    kept = len(was & set(ev.charting["source_id"]))
    new = len(set(ev.charting["source_id"]) - was)
    ta = [f"  {_reason(r)} (n = {n})" for r, n in c.excluded_title_abstract_by_reason.items() if n]
    ft = [f"  {_reason(r)} (n = {n})" for r, n in c.excluded_full_text_by_reason.items() if n]
    sources = sorted(set(new_searches["source"]))
    lit = {v: total.included_by_literature_type.get(v, 0) for v in LITERATURE}
    names = _literature_names(ev)
    rows = [
        (
            "Identification",
            [
                f"New records identified (n = {c.identified})",
                f"from {len(new_searches)} searches added since",
                f"version {previous['version']}" + (" of:" if sources else ""),
                *textwrap.fill("; ".join(sources), 40).split("\n"),
            ],
            ["Records removed before screening:", f"  Duplicate records (n = {c.duplicates})"],
        ),
        (
            "Screening",
            ["New records screened on title", f"and abstract (n = {c.screened})"],
            [f"Records excluded (n = {c.excluded_title_abstract})" + (":" if ta else ""), *ta],
        ),
        (
            "Screening",
            ["New reports sought and assessed", f"for eligibility (n = {c.assessed})"],
            [f"Reports excluded (n = {c.excluded_full_text})" + (":" if ft else ""), *ft],
        ),
        (
            "Included",
            [f"New studies included (n = {new})"],
            [
                "Studies included in previous",
                f"version {previous['version']} (n = {len(was)})",
                f"  still included (n = {kept})",
                f"  removed since (n = {len(was) - kept})",
            ],
        ),
        (
            "Included",
            [
                f"Total studies included in review (n = {total.included}):",
                *(f"  {names[v]} (n = {lit[v]})" for v in LITERATURE),
            ],
            [],
        ),
    ]
    # The previous version's studies flow into the total, not out of the new studies' box.
    return rows, {3}


def _flow_figure(rows, joins_from_side: set[int] = frozenset()) -> Figure:
    """(phase, main, side) rows; a row in `joins_from_side` feeds the next from its side box."""
    gap = 0.32
    heights = [max(len(m), len(s)) * _LINE + 2 * _PAD for _, m, s in rows]
    total = sum(heights) + gap * (len(rows) - 1) + 0.1
    fig = Figure(figsize=(WIDTH, total))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, total)
    ax.axis("off")
    band_x, main_x, main_w, side_x, side_w = 0.02, 0.42, 2.6, 3.42, 2.84
    top = total - 0.05
    spans: dict[str, list[float]] = {}
    centres = []
    for index, ((phase, main, side), height) in enumerate(zip(rows, heights, strict=True)):
        _box(ax, main_x, top, main_w, main, height)
        mid = top - height / 2
        if side:
            _box(ax, side_x, top, side_w, side, height)
            if index not in joins_from_side:
                _arrow(ax, (main_x + main_w, mid), (side_x, mid))
        spans.setdefault(phase, [top, top - height])[1] = top - height
        centres.append((top, top - height))
        top -= height + gap
    for index, ((_, bottom), (next_top, next_bottom)) in enumerate(
        zip(centres, centres[1:], strict=False)
    ):
        _arrow(ax, (main_x + main_w / 2, bottom), (main_x + main_w / 2, next_top))
        if index in joins_from_side:
            _arrow(
                ax, (side_x + side_w / 2, bottom), (main_x + main_w, (next_top + next_bottom) / 2)
            )
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
    return fig
