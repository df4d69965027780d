"""prose_assumes: a chapter's argument is checked against the verdicts it was written for."""

from __future__ import annotations

import pytest

from analysis.assumptions import ProseOutOfDate, prose_assumes
from analysis.gaps import is_gap
from analysis.summary_findings import verdict


def test_holding_assumptions_pass_silently(ev):
    e = ev.load()
    holds = {"edi_absent": verdict(e, "edi_absent")}
    assert prose_assumes(e, verdicts=holds, gaps={"edi": is_gap(e, "edi")}) == ""


def test_broken_assumptions_are_all_named(ev):
    e = ev.load()
    wrong_verdict = "not supported" if verdict(e, "edi_absent") != "not supported" else "supported"
    with pytest.raises(ProseOutOfDate) as caught:
        prose_assumes(
            e, verdicts={"edi_absent": wrong_verdict}, gaps={"edi": not is_gap(e, "edi")}
        )
    message = str(caught.value)
    assert "finding 'edi_absent'" in message and f"argues from {wrong_verdict!r}" in message
    assert "gap 'edi'" in message and "re-read" in message


def test_an_unknown_finding_is_a_typo_not_a_pass(ev):
    with pytest.raises(ValueError):
        prose_assumes(ev.load(), verdicts={"edi_absnet": "supported"})


def test_a_gap_can_be_assumed_by_its_kind(ev):
    from analysis.gaps import gap_verdict

    e = ev.load()
    kind = gap_verdict(e, "edi").kind
    assert prose_assumes(e, gaps={"edi": kind}) == ""
    other = "not a gap" if kind != "not a gap" else "absolute gap"
    with pytest.raises(ProseOutOfDate) as caught:
        prose_assumes(e, gaps={"edi": other})
    assert f"argues from {other!r}, the data now give {kind!r}" in str(caught.value)
    with pytest.raises(ValueError):
        prose_assumes(e, gaps={"edi": "a gap"})


def test_a_ranking_described_in_alt_text_is_checked_against_the_counts(ev):
    from analysis.stats import counts

    e = ev.load()
    n = counts(e, "system_level")
    most, fewest = tuple(n.index[n == n.max()]), tuple(n.index[n == n.min()])
    assert n.max() > n.min(), "the fixture needs system levels held by different numbers"
    assert prose_assumes(e, leading={"system_level": most}, trailing={"system_level": fewest}) == ""
    with pytest.raises(ProseOutOfDate) as caught:
        prose_assumes(e, leading={"system_level": fewest[:1]})
    assert f"says {fewest[0]} have the most sources" in str(caught.value)
    with pytest.raises(ProseOutOfDate):
        prose_assumes(e, trailing={"system_level": most[:1]})
    with pytest.raises(ValueError):
        prose_assumes(e, leading={"system_level": ("no_such_value",)})
