"""Confidence in the evidence: ratings derived by rule from the charting, confidence per finding."""

from __future__ import annotations

import pytest
import yaml
from test_stats import add_source

from analysis import paths
from analysis.appraisal import confidence, source_ratings, tbl_appraisal
from analysis.errors import EvidenceError


def _rules(tmp_path, change=None):
    content = yaml.safe_load(paths.APPRAISAL.read_text(encoding="utf-8"))
    if change:
        change(content)
    path = tmp_path / "appraisal.yml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def test_ratings_follow_design_and_the_grey_criteria(ev):
    e = ev.load()
    # A: peer-reviewed qualitative study (moderate by design). B: a dated grey evaluation report,
    # meeting authority, method and date, so its design rating (high) stands.
    assert source_ratings(e).to_dict() == {"fixturea2021": "moderate", "fixtureb2019": "high"}
    table = tbl_appraisal(e)
    assert table["All"].tolist() == ["1 of 2 (50%)", "1 of 2 (50%)", "0 of 2 (0%)"]


def test_grey_literature_never_rates_above_its_check(ev):
    # An undated grey evaluation published as a web article meets one criterion of three: low.
    add_source(ev, year="", source_id="greyweb", literature_type="grey",
               document_type="web_article", study_design="evaluation")  # fmt: skip
    assert source_ratings(ev.load())["greyweb"] == "low"


def test_confidence_needs_enough_stronger_sources(ev, tmp_path):
    e = ev.load()
    keys = ["fixturea2021", "fixtureb2019"]
    assert confidence(e, keys).level == "low"  # 2 stronger sources, fewer than min_sources (3)

    def lower_minimum(content):
        content["confidence"]["min_sources"] = 1

    c = confidence(e, keys, _rules(tmp_path, lower_minimum))
    # One of two rates high (50%, at the high bar); both rate high or moderate.
    assert (c.level, c.high, c.stronger, c.total) == ("high", 1, 2, 2)
    assert c.sentence == "high (1 of 2 sources rated high, 2 high or moderate)"
    only_a = confidence(e, ["fixturea2021"], _rules(tmp_path, lower_minimum))
    assert only_a.level == "moderate"  # rated moderate: not high, but high or moderate


def test_a_design_without_a_rating_is_named_with_its_line(ev, tmp_path):
    def forget(content):
        content["design"]["moderate"].remove("case_study")

    path = _rules(tmp_path, forget)
    with pytest.raises(EvidenceError) as caught:
        source_ratings(ev.load(), path)
    assert "appraisal.yml:" in str(caught.value)
    assert "study_design 'case_study' has no rating" in str(caught.value)
