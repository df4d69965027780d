"""Gaps and the gap map from the fixture; summary-finding verdicts follow their thresholds."""

from __future__ import annotations

import pytest
import yaml
from test_stats import add_source, analysis_files  # noqa: F401  (fixture)

from analysis.errors import EvidenceError
from analysis.gaps import (
    gap_bar,
    gap_count,
    gap_map,
    gap_sources,
    gap_table,
    gap_verdict,
    gaps_found,
    gaps_of_kind,
    is_gap,
    tbl_gap_map,
)
from analysis.summary_findings import finding_count, rule, summary_findings, verdict


def test_gap_table_hand_counts(ev, analysis_files):  # noqa: F811
    table = gap_table(ev.load(), analysis_files / "gaps.yml")
    assert list(table.columns) == [
        "Gap", "Sources addressing it", "Research among them", "Verdict",
        "Confidence in those sources", "Searches aimed at it",
    ]  # fmt: skip
    assert len(table) == 8
    definition = table.iloc[0]
    assert definition["Sources addressing it"] == "1 of 2 (50%)"
    assert definition["Research among them"] == "1 of 1 (100%)"
    assert definition["Verdict"] == "Not a gap (1 fewer source would make it an absolute gap)"
    edi = table.iloc[1]  # EDI central: none
    assert (edi["Research among them"], edi["Verdict"]) == (
        "none", "Absolute gap (1 more source would close it)"
    )


def test_one_rule_gives_each_kind_of_verdict(ev, analysis_files):  # noqa: F811
    gaps = analysis_files / "gaps.yml"
    e = ev.load()
    # Development is the grey fixture source's main subject: addressed, but by no research.
    development = gap_verdict(e, "development", gaps)
    assert (development.kind, development.sources, development.research) == (
        "evidence gap", ("fixtureb2019",), ()
    )
    assert development.sentence == "evidence gap (1 more research source would close it)"
    verdicts = {g: gap_verdict(e, g, gaps).kind for g in ("definition", "edi", "development")}
    assert verdicts == {"definition": "not a gap", "edi": "absolute gap",
                        "development": "evidence gap"}  # fmt: skip
    assert "development and training" in gaps_of_kind(e, "evidence gap", path=gaps)
    assert "equality, diversity and inclusion" not in gaps_of_kind(e, "evidence gap", path=gaps)
    assert "development and training" in gaps_found(e, gaps)  # gaps of either kind


def test_gap_counts_follow_the_data(ev, analysis_files):  # noqa: F811
    gaps = analysis_files / "gaps.yml"
    assert (gap_count(ev.load(), "edi", gaps), is_gap(ev.load(), "edi", gaps)) == (0, True)
    assert "equality, diversity and inclusion" in gaps_found(ev.load(), gaps)
    assert gap_bar(ev.load(), gaps) == "20%"
    add_source(ev)
    e = ev.load()
    assert gap_count(e, "edi", gaps) == 1
    assert gap_sources(e, "definition", gaps) == ["fixturea2021", "fixturec2022"]
    assert not is_gap(e, "edi", gaps)  # 1 of 3 is above the 20% threshold
    assert "equality, diversity and inclusion" not in gaps_found(e, gaps)
    with pytest.raises(ValueError, match="not a gap"):
        gap_count(e, "equity", gaps)


def test_gap_map_cells(ev, analysis_files):  # noqa: F811
    gaps = analysis_files / "gaps.yml"
    by_level = gap_map(ev.load(), "system_level", gaps)
    assert by_level.shape == (7, 7)  # 5 dimensions + development + outcomes
    assert by_level.loc["Behaviours", "ICS/ICB"] == 1
    assert by_level.loc["Development as a main subject", "Not specified"] == 1
    assert by_level.loc["Outcomes reported", "Place"] == 1
    assert int(by_level.to_numpy().sum()) == 7
    by_design = gap_map(ev.load(), "study_design", gaps)
    assert by_design.shape == (7, 12)
    assert int(by_design.to_numpy().sum()) == 4
    assert tbl_gap_map(ev.load(), gaps).columns[0] == "Evidence on"


def _rewrite(path, change):
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")


def _line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_gaps_file_faults_name_line_and_field(ev, analysis_files):  # noqa: F811
    gaps = analysis_files / "gaps.yml"

    def spoil(content):
        content["gaps"]["edi"]["measure"]["values"] = ["centre"]
        content["gaps"]["icb"]["measure"]["field"] = "ics"
        del content["gaps"]["designs"]["label"]

    _rewrite(gaps, spoil)
    with pytest.raises(EvidenceError) as caught:
        gap_table(ev.load(), gaps)
    text = str(caught.value)
    assert "3 problems" in text
    values_line = _line_of(gaps, "centre") - 1  # the list sits under its `values:` key
    assert f"gaps.yml:{values_line}: gaps.edi.measure.values: 'centre' is not a value" in text
    assert "gaps.icb.measure.field: 'ics' is not a field" in text
    assert "gaps.designs.label: is missing" in text


FINDINGS = {
    "findings": {
        "rare": {
            "finding": "Fictional: EDI is rare.",
            "measure_text": "Sources centring EDI",
            "measure": {"field": "edi", "values": ["central"]},
            "claim": "scarce",
            "supported": 0.10,
            "partly": 0.25,
            "rationale": "Fictional.",
        },
        "half": {
            "finding": "Fictional: definitions are uncommon.",
            "measure_text": "Sources defining explicitly",
            "measure": {"field": "definition", "values": ["explicit"]},
            "claim": "scarce",
            "supported": 0.25,
            "partly": 0.50,
            "rationale": "Fictional.",
        },
        "many": {
            "finding": "Fictional: technology is common.",
            "measure_text": "Sources mentioning technology",
            "measure": {"field": "technology", "values": ["mentioned", "central"]},
            "claim": "common",
            "supported": 0.60,
            "partly": 0.40,
            "rationale": "Fictional.",
        },
    }
}


@pytest.fixture
def findings(tmp_path):
    path = tmp_path / "summary_findings.yml"
    path.write_text(yaml.safe_dump(FINDINGS, sort_keys=False), encoding="utf-8")
    return path


def test_verdicts_follow_thresholds(ev, findings):
    e = ev.load()
    assert finding_count(e, "rare", findings) == 0
    assert verdict(e, "rare", findings) == "supported"  # 0 of 2
    assert verdict(e, "half", findings) == "partly supported"  # 1 of 2 = the partly bar
    assert verdict(e, "many", findings) == "partly supported"  # 1 of 2, between 40% and 60%
    table = summary_findings(e, findings)
    assert table.loc["rare", ["count", "total"]].tolist() == [0, 2]
    assert table["verdict"].tolist() == ["supported", "partly supported", "partly supported"]


def test_verdict_moves_when_the_data_crosses_a_threshold(ev, findings):
    add_source(ev)  # a source centring EDI: 1 of 3 is above both bars of 'rare'
    assert verdict(ev.load(), "rare", findings) == "not supported"


@pytest.mark.parametrize(
    ("claim", "count", "expected"),
    [
        ("scarce", 10, "supported"),
        ("scarce", 11, "partly supported"),
        ("scarce", 25, "partly supported"),
        ("scarce", 26, "not supported"),
        ("common", 60, "supported"),
        ("common", 59, "partly supported"),
        ("common", 40, "partly supported"),
        ("common", 39, "not supported"),
    ],
)
def test_rule_boundaries(claim, count, expected):
    bars = {"scarce": (0.10, 0.25), "common": (0.60, 0.40)}[claim]
    spec = {"claim": claim, "supported": bars[0], "partly": bars[1]}
    assert rule(spec, count, 100) == expected


def test_findings_file_faults(ev, findings):
    def spoil(content):
        content["findings"]["rare"]["supported"] = 0.5  # above its partly bar: not a scarce rule
        content["findings"]["many"]["claim"] = "frequent"

    _rewrite(findings, spoil)
    with pytest.raises(EvidenceError) as caught:
        summary_findings(ev.load(), findings)
    text = str(caught.value)
    bar_line = _line_of(findings, "supported: 0.5")
    assert f"summary_findings.yml:{bar_line}: findings.rare.supported" in text
    assert f"summary_findings.yml:{_line_of(findings, 'frequent')}: findings.many.claim" in text


def test_real_files_load_against_the_fixture_codebook(ev):
    e = ev.load()
    assert len(gap_table(e)) == 8
    assert set(summary_findings(e).index) == {
        "no_agreed_definition", "attributes_unclear", "edi_absent", "technology_advances",
        "icb_needs", "development_needs",
    }  # fmt: skip


CLAIMS_AS_STATED = {
    "findings": {
        "agreed": {
            "finding": "Fictional: there is no agreed definition.",
            "measure_text": "Defining sources sharing the two commonest themes",
            "measure": {"field": "definition_themes", "core": 2},
            "claim": "no_agreement",
            "supported": 0.50,
            "partly": 0.75,
            "rationale": "Fictional.",
        },
        "edi_work": {
            "finding": "Fictional: EDI needs further work.",
            "measure_text": "Is EDI a gap?",
            "claim": "further_work",
            "gap": "edi",
            "rationale": "Fictional.",
        },
        "definition_work": {
            "finding": "Fictional: definitions need further work.",
            "measure_text": "Is the definition a gap?",
            "claim": "further_work",
            "gap": "definition",
            "rationale": "Fictional.",
        },
    }
}


@pytest.fixture
def claims(tmp_path):
    path = tmp_path / "summary_findings.yml"
    path.write_text(yaml.safe_dump(CLAIMS_AS_STATED, sort_keys=False), encoding="utf-8")
    return path


def test_agreement_is_measured_among_the_definitions_not_all_sources(ev, claims):
    from analysis.summary_findings import definition_core, finding_test

    e = ev.load()
    # Only fixture A defines the concept; its two themes are the core, so 1 of 1 shares it.
    assert definition_core(e, 2) == (["beyond_boundaries", "shared_purpose"], ["fixturea2021"])
    test = finding_test(e, "agreed", claims)
    assert (test.count, test.total, test.verdict) == (1, 1, "not supported")
    assert test.sensitivity == "1 fewer source would make it supported"


def test_a_call_for_further_work_is_tested_by_the_gap_rule_not_as_scarcity(ev, claims):
    from analysis.summary_findings import finding_test

    e = ev.load()
    assert gap_verdict(e, "edi").kind == "absolute gap"  # real gaps file: 0 of 2 centre EDI
    edi = finding_test(e, "edi_work", claims)
    assert edi.verdict == "supported"
    assert edi.sensitivity.startswith("1 more research source on the area would make it not a gap")
    # One peer-reviewed qualitative source of two defines explicitly: addressed and researched.
    assert gap_verdict(e, "definition").kind == "not a gap"
    definition = finding_test(e, "definition_work", claims)
    assert definition.verdict == "not supported"
    assert definition.sensitivity.startswith("1 fewer source on the area would make it a gap")


def test_further_work_names_a_gap_that_exists(ev, claims):
    content = yaml.safe_load(claims.read_text(encoding="utf-8"))
    content["findings"]["edi_work"]["gap"] = "edu"
    claims.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    with pytest.raises(EvidenceError) as caught:
        summary_findings(ev.load(), claims)
    assert "findings.edi_work.gap: 'edu' is not a gap" in str(caught.value)
