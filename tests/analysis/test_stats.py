"""Counts and prose helpers, checked against hand counts on the fictional fixture."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from analysis import paths
from analysis.stats import (
    ANY,
    cite,
    cooccurrence,
    counts,
    definition_agreement,
    label,
    n_countries_outside_uk,
    n_defining,
    n_explicit,
    n_grey,
    n_included,
    n_of,
    n_peer_reviewed,
    n_searches,
    n_undated,
    n_where,
    n_with,
    pct,
    short_label,
    source_years,
    sources_where,
    sources_with,
    top_value,
    top_values,
    year_range,
)

ANALYSIS_FIXTURES = paths.TESTS / "fixtures" / "analysis"

# A third included source, unlike both fixture sources in every coded field the tests look at.
NEW_SOURCE = {
    "source_id": "fixturec2022",
    "record_id": "R9",
    "document_type": "journal_article",
    "literature_type": "peer_reviewed",
    "study_design": "case_study",
    "country": "new_zealand",
    "setting": "acute_care",
    "system_level": "national",
    "leaders_studied": "clinical_leaders",
    "definition": "explicit",
    "definition_elements": "Fictional: leading a whole system through complexity",
    "definition_themes": "complexity",
    "dimensions": "attributes_qualities",
    "enablers": "",
    "barriers": "",
    "development": "none",
    "development_approaches": "",
    "outcomes": "none",
    "outcome_levels": "",
    "edi": "central",
    "edi_how": "Fictional: studies who holds system leadership posts",
    "technology": "none",
    "technology_how": "",
    "ics_icb": "none",
    "ics_how": "",
    "notes": "Fixture study G is fictional test data.",
    "locations": "",
    "verified_from": "https://example.org/fixture-g",
}


def _append(path: Path, row: list[str]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(out.getvalue())


def add_source(copy, year: str = "2022", **changes) -> None:
    """Add an included source to a fixture copy: record, both screening decisions, charting, bib."""
    row = {**NEW_SOURCE, **changes}
    copy.edit("data/searches.csv", "English,5,5,", "English,6,6,")
    _append(
        copy.data / "records.csv",
        [
            row["record_id"], "S1", "Fixture study G: boards of a wholly invented health region",
            "Zeta, Zed", year, "Journal of Fixture Studies", "", row["verified_from"], "",
        ],
    )  # fmt: skip
    for stage in ("title_abstract", "full_text"):
        decision = [row["record_id"], stage, "include", "", "2026-01-14", ""]
        _append(copy.data / "screening.csv", decision)
    header = (copy.data / "charting.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    _append(copy.data / "charting.csv", [row[c] for c in header])
    with copy.bib.open("a", encoding="utf-8") as handle:
        handle.write(
            f"\n@article{{{row['source_id']},\n  title = {{Fixture study {{G}}}},\n"
            f"  author = {{Zeta, Zed}},\n"
            + (f"  year = {{{year}}},\n" if year else "")  # undated in the bib as in the record
            + f"  url = {{{row['verified_from']}}}\n}}\n"
        )


@pytest.fixture
def analysis_files(tmp_path: Path) -> Path:
    """A copy of the fictional gaps, findings, recommendations and checklist files."""
    target = tmp_path / "analysis"
    shutil.copytree(ANALYSIS_FIXTURES, target)
    return target


def test_totals_equal_hand_counts(ev):
    e = ev.load()
    assert (n_included(e), n_searches(e), n_peer_reviewed(e), n_grey(e)) == (2, 2, 1, 1)


def test_counts_keep_codebook_order_and_zeros(ev):
    c = counts(ev.load(), "system_level")
    assert list(c.index) == [
        "national", "regional", "ics_icb", "place", "neighbourhood", "organisation",
        "not_specified",
    ]  # fmt: skip
    assert c.tolist() == [0, 0, 1, 1, 0, 0, 1]
    assert counts(ev.load(), "literature_type").to_dict() == {"peer_reviewed": 1, "grey": 1}


def test_n_with_and_sources_with(ev):
    e = ev.load()
    assert n_with(e, "edi", "mentioned", "central") == 1
    assert n_with(e, "edi", "central") == 0
    assert sources_with(e, "setting", "public_services", "cross_sector") == [
        "fixtureb2019",
        "fixturea2021",
    ]  # by year, 2019 before 2021


def test_sources_where_intersects_conditions(ev):
    e = ev.load()
    everyone = sources_with(e, "literature_type", "peer_reviewed", "grey")
    assert sources_where(e, literature_type=ANY) == everyone
    peer = sources_with(e, "literature_type", "peer_reviewed")
    assert sources_where(e, literature_type="peer_reviewed", setting=ANY) == peer
    both = set(peer) & set(sources_with(e, "system_level", "place"))
    assert n_where(e, literature_type="peer_reviewed", system_level=("place", "national")) == len(
        both
    )
    assert n_where(e, edi="central", literature_type=ANY) == 0
    with pytest.raises(ValueError, match="not_a_value"):
        n_where(e, edi="not_a_value")
    with pytest.raises(ValueError):
        n_where(e)


def test_typos_fail_loudly(ev):
    e = ev.load()
    with pytest.raises(ValueError, match="not a field"):
        counts(e, "system_levels")
    with pytest.raises(ValueError, match="not a value of 'edi'"):
        n_with(e, "edi", "centrl")
    with pytest.raises(ValueError, match="text field"):
        counts(e, "notes")


def test_adding_a_source_changes_the_counts(ev):
    add_source(ev)
    e = ev.load()
    assert n_included(e) == 3
    assert counts(e, "system_level")["national"] == 1
    assert n_with(e, "edi", "central") == 1
    assert n_countries_outside_uk(e) == 1
    assert n_explicit(e) == 2
    assert year_range(e) == (2019, 2022)


def test_undated_sources_sort_last(ev):
    add_source(ev, year="")
    e = ev.load()
    assert n_undated(e) == 1
    assert sources_with(e, "literature_type", "peer_reviewed", "grey")[-1] == "fixturec2022"
    assert year_range(e) == (2019, 2021)


def test_percentages_and_n_of():
    assert pct(12, 85) == "14%"
    assert pct(0, 85) == "0%"
    assert pct(1, 200) == "1%"  # a half rounds up
    assert pct(1, 201) == "<1%"
    assert n_of(12, 85) == "12 of 85 (14%)"
    with pytest.raises(ValueError):
        pct(1, 0)


def test_cite():
    assert cite([]) == ""
    assert cite(["bigland2020", "knight2024"]) == "[@bigland2020; @knight2024]"
    assert cite("knight2024") == "[@knight2024]"


def test_labels_for_prose_and_axes():
    assert label("system_level", "ics_icb").startswith("integrated care system, ")
    assert label("country", "england") == "England"
    assert short_label("system_level", "ics_icb") == "ICS/ICB"
    assert short_label("study_design", "qualitative") == "Qualitative"
    assert short_label("dimensions", "behaviours") == "Behaviours"


def test_top_values_ties_keep_codebook_order(ev):
    assert top_values(ev.load(), "setting", 2) == [
        ("public health", 1),
        ("health and care across sectors (integrated care in general)", 1),
    ]


def test_top_value_drops_the_gloss(ev):
    assert top_value(ev.load(), "setting", 2) == ("health and care across sectors", 1)
    with pytest.raises(ValueError):
        top_value(ev.load(), "setting", 9)


def test_cooccurrence_counts_pairs(ev):
    table = cooccurrence(ev.load(), "dimensions", "system_level")
    assert table.shape == (5, 7)
    assert int(table.to_numpy().sum()) == 4  # 2 dimensions x 2 levels, one source
    assert table.loc["behaviours", "ics_icb"] == 1
    assert table.loc["attributes_qualities"].sum() == 0


def test_definition_agreement(ev):
    e = ev.load()
    agreement = definition_agreement(e)
    assert (n_defining(e), n_explicit(e)) == (1, 1)
    assert agreement.loc["beyond_boundaries", "n"] == 1
    assert agreement.loc["beyond_boundaries", "share"] == 1.0
    assert agreement.loc["collaboration", "n"] == 0


def test_a_year_verified_in_the_bibliography_dates_an_undated_record(ev):
    add_source(ev, year="")
    ev.edit(
        "references/references.bib",
        "title = {Fixture study {G}},",
        "year = {2020},\n  title = {Fixture study {G}},",
    )
    assert source_years(ev.load())["fixturec2022"] == 2020
