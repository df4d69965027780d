"""Measures kept per Evidence object: computed once, handed out as copies, never stale."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from analysis import gaps, paths, stats
from analysis.memo import per_evidence


def test_an_answer_is_computed_once_per_evidence_and_handed_out_as_a_copy(ev):
    evidence = ev.load()
    calls = []

    @per_evidence
    def ids(e, field):
        calls.append(field)
        return pd.Series(e.charting[field].tolist())

    first = ids(evidence, "source_id")
    first.iloc[0] = "changed by the caller"
    second = ids(evidence, "source_id")
    assert calls == ["source_id"]
    assert second.iloc[0] == evidence.charting["source_id"].iloc[0]
    ids(evidence, "study_design")
    assert calls == ["source_id", "study_design"]


def test_another_evidence_object_gets_its_own_answer(ev):
    evidence = ev.load()
    fewer = replace(evidence, charting=evidence.charting.iloc[1:].reset_index(drop=True))
    assert len(stats.source_years(fewer)) == len(stats.source_years(evidence)) - 1


def test_editing_a_file_argument_changes_the_answer(ev, tmp_path):
    evidence = ev.load()
    path = tmp_path / "gaps.yml"
    path.write_text(paths.GAPS.read_text(encoding="utf-8"), encoding="utf-8")
    before = gaps.load_gaps(evidence, path)["threshold"]["gap_below"]
    text = path.read_text(encoding="utf-8")
    assert f"gap_below: {before}" in text
    path.write_text(text.replace(f"gap_below: {before}", "gap_below: 0.55"), encoding="utf-8")
    assert gaps.load_gaps(evidence, path)["threshold"]["gap_below"] == 0.55


def test_a_fault_is_raised_every_time_not_kept(ev):
    evidence = ev.load()
    for _ in range(2):
        with pytest.raises(ValueError, match="not a field of the codebook"):
            stats.coded_field(evidence, "no_such_field")


def test_kept_answers_equal_fresh_ones(ev):
    evidence = ev.load()
    for field in ("study_design", "literature_type"):
        assert stats.coded_field(evidence, field) == stats.coded_field.uncached(evidence, field)
        pd.testing.assert_series_equal(
            stats._value_sets(evidence, field), stats._value_sets.uncached(evidence, field)
        )
    pd.testing.assert_series_equal(
        stats.source_years(evidence), stats.source_years.uncached(evidence)
    )
