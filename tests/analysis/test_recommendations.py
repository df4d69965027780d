"""The recommendations loader: each fault named by file, line and field, all reported at once."""

from __future__ import annotations

import pytest
from test_stats import analysis_files  # noqa: F401  (fixture)

from analysis.errors import EvidenceError
from analysis.recommendations import load_recommendations


def _load(ev, files):
    return load_recommendations(ev.load(), files / "recommendations.csv", files / "gaps.yml")


def _faults(ev, files, old: str, new: str) -> str:
    path = files / "recommendations.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in the fixture"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(EvidenceError) as caught:
        _load(ev, files)
    return str(caught.value)


def test_fixture_loads(ev, analysis_files):  # noqa: F811
    recs = _load(ev, analysis_files)
    assert recs["rec_id"].tolist() == ["R-N1", "R-I1", "R-R1"]


def test_unknown_gap(ev, analysis_files):  # noqa: F811
    text = _faults(ev, analysis_files, ",outcomes,", ",outcome,")
    assert "recommendations.csv:4: gaps: 'outcome' is not a gap in" in text


def test_unknown_audience(ev, analysis_files):  # noqa: F811
    text = _faults(ev, analysis_files, "R-I1,icb,", "R-I1,boards,")
    assert "recommendations.csv:3: audience: 'boards' is not one of national, icb" in text


def test_source_not_charted(ev, analysis_files):  # noqa: F811
    # In the bibliography, but a methods reference, not an included source.
    text = _faults(ev, analysis_files, "definition,fixturea2021,", "definition,fixturemethods2018,")
    assert (
        "recommendations.csv:2: sources: 'fixturemethods2018' is not an included (charted) source"
        in text
    )


def test_no_gap_and_no_source(ev, analysis_files):  # noqa: F811
    text = _faults(ev, analysis_files, ",outcomes,fixtureb2019,", ",,,")
    assert "recommendations.csv:4: gaps: names no gap" in text
    assert "recommendations.csv:4: sources: names no source" in text
    assert "2 problems" in text


def test_repeated_id(ev, analysis_files):  # noqa: F811
    text = _faults(ev, analysis_files, "R-R1,research,", "R-N1,research,")
    assert "recommendations.csv:4: rec_id: 'R-N1' repeats line 2" in text


def test_missing_file_is_named(ev, analysis_files):  # noqa: F811
    (analysis_files / "recommendations.csv").unlink()
    with pytest.raises(EvidenceError, match=r"recommendations\.csv: file not found"):
        _load(ev, analysis_files)


def test_real_file_is_valid():
    from analysis.load import load_evidence

    assert len(load_recommendations(load_evidence())) > 0


def test_headlines_for_one_audience_carry_their_ids(ev, analysis_files):  # noqa: F811
    from analysis.recommendations import recommendation_headlines

    text = recommendation_headlines(
        ev.load(), "icb", analysis_files / "recommendations.csv", analysis_files / "gaps.yml"
    )
    assert text == "Fictional headline for R-I1 (R-I1)"


def test_empty_headline_is_a_fault(ev, analysis_files):  # noqa: F811
    text = _faults(ev, analysis_files, "Fictional headline for R-R1", "")
    assert "recommendations.csv:4: headline: is empty" in text
