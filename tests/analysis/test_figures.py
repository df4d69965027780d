"""Figures from the fixture: the right bars and cells, empty cells marked, legible type."""

from __future__ import annotations

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from test_stats import add_source, analysis_files  # noqa: F401  (fixture)

from analysis import figures
from analysis.gaps import gap_map
from analysis.palette import EMPTY_HATCH, SMALL, WIDTH
from analysis.prisma import prisma_counts


def _drawn(fig: Figure) -> Figure:
    FigureCanvasAgg(fig).draw()  # ticks and layout exist only once drawn
    return fig


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _bars(ax) -> list:
    return [patch for container in ax.containers for patch in container.patches]


@pytest.mark.parametrize("name", figures.__all__)
def test_house_rules(ev, name):
    before = dict(mpl.rcParams)
    fig = _drawn(getattr(figures, name)(ev.load()))
    assert isinstance(fig, Figure)
    assert fig.get_size_inches()[0] == pytest.approx(WIDTH)
    assert fig._suptitle is None and all(ax.get_title() == "" for ax in fig.axes)
    small = [(t.get_text(), t.get_fontsize()) for t in _texts(fig) if t.get_fontsize() < SMALL]
    assert small == []
    assert dict(mpl.rcParams) == before  # the house style does not leak into the caller


def test_sources_by_year_bars(ev):
    fig = figures.fig_sources_by_year(ev.load())
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2019", "2020", "2021"]  # no year is not a year: no n.d. bar
    bars = _bars(ax)
    assert len(bars) == 2 * 3  # peer-reviewed and grey, per year
    assert sum(b.get_height() for b in bars) == 2
    assert "0 sources with no verified year" in ax.get_xlabel()


def test_sources_by_year_states_the_undated_apart(ev):
    add_source(ev, year="")
    fig = figures.fig_sources_by_year(ev.load())
    ax = fig.axes[0]
    assert sum(b.get_height() for b in _bars(ax)) == 2  # the undated source is not drawn
    assert "1 sources with no verified year are not shown" in ax.get_xlabel()


def test_every_framework_element_is_backed_by_a_source(ev):
    from analysis.framework import FRAMEWORK, framework

    e = ev.load()
    f = framework(e)
    assert len(f) and (f["sources"] >= 1).all()
    assert all(len(keys) == n for keys, n in zip(f["keys"], f["sources"], strict=True))
    assert set(f["component"]) <= set(FRAMEWORK)
    # A value no source holds is not an element; one a new source holds becomes one.
    add_source(ev, enablers="time_and_space")
    grown = framework(ev.load())
    assert "time_and_space" in set(grown["value"]) and "time_and_space" not in set(f["value"])
    fig = figures.fig_framework(ev.load())
    drawn = {t.get_text().replace("\n", " ") for t in fig.axes[0].texts}
    assert all(any(label in d for d in drawn) for label in grown["label"])


def test_panel_bars_follow_the_codebook(ev):
    e = ev.load()
    types = figures.fig_sources_by_type(e)
    assert [len(_bars(ax)) for ax in types.axes] == [7, 12]
    assert [ax.get_ylabel() for ax in types.axes] == ["Document type", "Study design"]
    levels = figures.fig_setting_level(e)
    assert [len(_bars(ax)) for ax in levels.axes] == [10, 7]
    assert sum(b.get_width() for b in _bars(levels.axes[1])) == 3  # ics_icb, place, not_specified
    assert len(_bars(figures.fig_dimensions(e).axes[0])) == 5 * 2
    assert len(_bars(figures.fig_coverage(e).axes[0])) == 3 * 3


def test_cooccurrence_writes_every_cell(ev):
    ax = figures.fig_cooccurrence(ev.load()).axes[0]
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 5 * 7
    assert cells.count("1") == 4


def test_gap_map_marks_empty_cells(ev, analysis_files):  # noqa: F811
    e = ev.load()
    gaps = analysis_files / "gaps.yml"
    fig = figures.fig_gap_map(e, gaps)
    expected = [
        int((gap_map(e, by, gaps) == 0).to_numpy().sum()) for by in ("system_level", "study_design")
    ]
    assert expected == [42, 80]
    for ax, empty in zip(fig.axes, expected, strict=True):
        hatched = [p for p in ax.patches if p.get_hatch() == EMPTY_HATCH]
        assert len(hatched) == empty
        assert [t.get_text() for t in ax.texts].count("0") == empty
    add_source(ev)  # fills cells at national level and in case studies
    after = figures.fig_gap_map(ev.load(), gaps)
    hatched = [p for p in after.axes[0].patches if p.get_hatch() == EMPTY_HATCH]
    assert len(hatched) == 42 - 1  # attributes x national is no longer empty


def test_prisma_flow_shows_every_count(ev):
    e = ev.load()
    c = prisma_counts(e)
    text = "\n".join(t.get_text() for t in _texts(_drawn(figures.fig_prisma_flow(e))))
    text = " ".join(text.split())  # box text is wrapped to the box width
    db = c.arms["databases"]
    for n in (db.identified, db.duplicates, db.screened, db.excluded_title_abstract, db.sought,
              db.not_retrieved, db.assessed, db.excluded_full_text, c.included):  # fmt: skip
        assert f"(n = {n})" in text
    assert "Records identified (n = 8)" in text  # databases arm
    assert "Records identified (n = 0)" in text  # other-methods arm, empty in the fixture
    assert "Reports not retrieved (n = 1)" in text
    assert "Not english" not in text  # reasons never used are left out
    assert "Peer reviewed (n = 1)" in text and "Grey literature (n = 1)" in text
    for phase in ("Identification", "Screening", "Included"):
        assert phase in text
    fig = figures.fig_prisma_flow(e)
    boxes = [p for p in fig.axes[0].patches if p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    assert len(boxes) == 17  # per arm 4 main boxes and 4 beside them; one included box
    assert len(fig.axes[0].texts) >= 7
