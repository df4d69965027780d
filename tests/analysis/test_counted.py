"""Counts that carry their sources: plain numbers everywhere, a span listing them inline."""

from __future__ import annotations

import pandas as pd
from test_stats import add_source  # noqa: F401

from analysis.counted import Count, CountText, count_span
from analysis.stats import (
    n_included,
    n_of,
    n_where,
    n_with,
    sources_where,
    sources_with,
    top_values,
)
from analysis.tables import md_table, tbl_characteristics


def test_a_count_is_its_number_and_knows_its_sources():
    n = Count(["b2020", "a2019"])
    assert n == 2 and n + 1 == 3 and f"{n}" == "2" and str(n) == "2"
    assert n.sources == ("b2020", "a2019")
    assert n._repr_markdown_() == '[2]{.slr-count data-keys="b2020,a2019"}'
    # pandas must not take it, or its text, for a mapping
    assert not pd.api.types.is_dict_like(CountText("1 of 2 (50%)", ["a"]))
    assert pd.Series([n, n]).sum() == 4


def test_inline_text_keeps_the_engines_escaping_inside_the_span():
    assert count_span("<1% *of* [all]", ["k"]) == r'[\<1% \*of\* \[all\]]{.slr-count data-keys="k"}'


def test_the_count_helpers_carry_exactly_the_sources_they_count(ev):
    e = ev.load()
    edi = n_with(e, "edi", "central", "mentioned")
    assert edi.sources == tuple(sources_with(e, "edi", "central", "mentioned"))
    both = n_where(e, literature_type="grey", system_level="ics_icb")
    assert both.sources == tuple(sources_where(e, literature_type="grey", system_level="ics_icb"))
    assert set(n_included(e).sources) == set(e.charting["source_id"])
    text = n_of(edi, n_included(e))
    assert isinstance(text, CountText) and text.sources == edi.sources
    assert text == f"{edi} of 2 ({100 * edi // 2}%)"
    assert text._repr_markdown_().startswith(f"[{text}]{{.slr-count")
    assert not isinstance(n_of(1, 2), CountText)  # a plain number stays plain text
    label, n = top_values(e, "system_level", 1)[0]
    assert set(n.sources) <= set(e.charting["source_id"]) and len(n.sources) == n


def test_tables_of_counts_keep_their_sources(ev):
    add_source(ev)
    e = ev.load()
    table = tbl_characteristics(e)
    first = table.iloc[0]
    markdown = md_table(table).data
    keys = ",".join(first["n"].sources)
    assert f'[{first["n"]}]{{.slr-count data-keys="{keys}"}}' in markdown
    # the same column still reads and sums as numbers
    assert int(table["n"].sum()) >= len(e.charting)
