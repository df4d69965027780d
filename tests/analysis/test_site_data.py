"""The web site's gap map explorer, source cards and each figure's data file."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest
from test_stats import add_source, analysis_files  # noqa: F401

from analysis import figures
from analysis.figure_data import csv_name, source_note, write_data
from analysis.gaps import gap_map
from analysis.site_data import gap_map_explorer, source_cards


def _raw_html(markdown: str) -> str:
    m = re.fullmatch(r"(`{3,})\{=html\}\n(.*)\n\1\n", str(markdown), re.S)
    assert m, "a raw HTML block, which PDF and DOCX leave out"
    return m.group(2)


def test_each_gap_map_cell_lists_the_sources_it_counts(ev, analysis_files):  # noqa: F811
    add_source(ev)
    e = ev.load()
    gaps = analysis_files / "gaps.yml"
    page = _raw_html(gap_map_explorer(e, gaps))
    grids = re.findall(r"<table.*?</table>", page, re.S)
    assert len(grids) == 2
    for grid, by in zip(grids, ("system_level", "study_design"), strict=True):
        expected = gap_map(e, by, gaps).to_numpy().ravel().tolist()
        cells = re.findall(r'data-keys="([^"]*)"[^>]*><span class="slr-n">(\d+)</span>', grid)
        assert [int(n) for _, n in cells] == expected
        assert all(len([k for k in keys.split(",") if k]) == int(n) for keys, n in cells)
    data = json.loads(html.unescape(re.search(r"<script[^>]*>(.*?)</script>", page).group(1)))
    assert set(data["sources"]) == set(e.charting["source_id"])
    assert [f["field"] for f in data["filters"]] == ["literature_type", "study_design", "country"]
    assert all(isinstance(s["year"], int | None) for s in data["sources"].values())


def test_every_source_has_a_card_with_its_charting(ev):
    e = ev.load()
    page = _raw_html(source_cards(e))
    ids = re.findall(r'<details class="slr-card" id="card-([^"]+)"', page)
    assert sorted(ids) == sorted(e.charting["source_id"])
    first = e.charting.iloc[0]
    card = page[page.index(f'id="card-{first.source_id}"') :].split("</details>")[0]
    assert f'href="#ref-{first.source_id}"' in card
    assert html.escape(first.notes) in card and first.verified_from in card
    assert 'data-filters="Type,Design,EDI,Technology,ICS/ICB"' in page


@pytest.mark.parametrize("name", figures.__all__)
def test_every_figure_writes_exactly_the_data_it_plots(ev, name, tmp_path):
    fig = getattr(figures, name)(ev.load())
    assert fig.slr_drawn_by == f"analysis.figures.{name}"
    assert isinstance(fig.slr_data, pd.DataFrame) and len(fig.slr_data)
    path = write_data(fig, tmp_path)
    assert path.name == csv_name(fig) == name.replace("_", "-") + ".csv"
    back = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert back.equals(fig.slr_data.astype(str))
    note = source_note(fig, path)
    assert f"<code>analysis.figures.{name}</code>" in note and path.name in note


def test_figure_data_are_the_numbers_drawn(ev):
    e = ev.load()
    coverage = figures.fig_coverage(e)
    bars = [p.get_width() for c in coverage.axes[0].containers for p in c.patches]
    assert sorted(coverage.slr_data["n"]) == sorted(int(w) for w in bars)
    grid = figures.fig_gap_map(e).slr_data
    top = gap_map(e, "system_level")
    mine = grid[grid["panel"] == "system_level"].pivot(
        index="evidence_on", columns="column", values="n"
    )
    assert (mine.loc[top.index, top.columns].to_numpy() == top.to_numpy()).all()


def test_showing_a_figure_writes_its_csv_and_notes_it_under_the_image(ev, tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats
    from IPython.utils.capture import capture_output

    from analysis import figure_data

    monkeypatch.setattr(figure_data.paths, "FIGURE_DATA", tmp_path / "figure-data")
    monkeypatch.chdir(tmp_path)
    shell = InteractiveShell.instance()
    select_figure_formats(shell, {"png"})  # as a chapter's kernel has it
    fig = figures.fig_coverage(ev.load())
    with capture_output() as shown:
        shell.display_formatter.format(fig)  # what Jupyter does with a cell's last value
    kinds = [sorted(out.data) for out in shown.outputs]
    assert kinds[0][0].startswith("image/") and "text/markdown" in kinds[1]
    assert "figure-data/fig-coverage.csv" in shown.outputs[1].data["text/markdown"]
    assert (tmp_path / "figure-data" / "fig-coverage.csv").is_file()
    assert "_ipython_display_" in fig.__dict__  # shown again, it does the same


def test_confidence_becomes_a_gap_map_filter_once_it_is_charted(ev, analysis_files):  # noqa: F811
    codebook = ev.data / "codebook.yml"
    codebook.write_text(
        codebook.read_text(encoding="utf-8")
        + "  confidence:\n    label: Confidence\n    kind: single\n"
        "    definition: How far the source's claims can be relied on.\n"
        "    values:\n      high: High\n      low: Low\n    empty: never empty\n",
        encoding="utf-8",
    )
    charting = ev.data / "charting.csv"
    lines = charting.read_text(encoding="utf-8").splitlines()
    values = ["confidence"] + ["high" if i % 2 else "low" for i in range(1, len(lines))]
    charting.write_text(
        "\n".join(f"{line},{v}" for line, v in zip(lines, values, strict=True)) + "\n",
        encoding="utf-8",
    )
    page = _raw_html(gap_map_explorer(ev.load(), analysis_files / "gaps.yml"))
    data = json.loads(html.unescape(re.search(r"<script[^>]*>(.*?)</script>", page).group(1)))
    assert [f["field"] for f in data["filters"]][-1] == "confidence"
    assert {s["confidence"][0] for s in data["sources"].values()} == {"high", "low"}
