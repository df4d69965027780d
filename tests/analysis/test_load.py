"""The loader accepts the fixture and names file, line and field for each kind of fault."""

from __future__ import annotations

import pytest

from analysis.errors import EvidenceError, Problem


def test_valid_fixture_loads(ev):
    evidence = ev.load()
    assert list(evidence.records["record_id"]) == [f"R{n}" for n in range(1, 9)]
    assert evidence.records["year"].dtype == "Int64"
    assert evidence.records["year"].isna().sum() == 1  # R7 has no year
    assert evidence.searches["hits_recorded"].tolist() == [5, 3]
    assert list(evidence.charting["record_id"]) == ["R1", "R2"]
    assert set(evidence.bibliography.entries.keys()) >= {"fixturea2021", "fixtureb2019"}
    assert evidence.protocol["screening"]["exclusion_reasons"]
    assert list(evidence.codebook["fields"])[0] == "source_id"


def test_wrong_column_name(ev):
    ev.edit("data/records.csv", "venue,doi,url", "venue,DOI,url")
    message = ev.problems()
    assert "data/records.csv:1: missing column(s) doi; unexpected column(s) DOI" in message


def test_unknown_code(ev):
    ev.edit("data/charting.csv", "qualitative,england,", "qualitative,englnd,")
    message = ev.problems()
    assert "data/charting.csv:2: country: 'englnd' not in the codebook for country" in message


def test_unknown_code_in_multi_value_names_the_bad_part(ev):
    ev.edit("data/charting.csv", "cross_sector; public_health", "cross_sector; public health")
    message = ev.problems()
    assert "data/charting.csv:2: setting: 'public health' not in the codebook" in message


def test_duplicate_id(ev):
    ev.edit("data/searches.csv", "S2,2026-01-11", "S1,2026-01-11")
    message = ev.problems()
    assert "data/searches.csv:2: search_id: duplicate 'S1' (also on line 3)" in message
    assert "data/searches.csv:3: search_id: duplicate 'S1' (also on line 2)" in message


def test_duplicate_screening_decision(ev):
    ev.edit("data/screening.csv", "R5,title_abstract", "R3,title_abstract")
    message = ev.problems()
    assert "data/screening.csv:6: record_id: duplicate record_id, stage ('R3'" in message


def test_charted_source_missing_from_bib(ev):
    ev.edit("data/charting.csv", "fixtureb2019,R2", "fixturez2000,R2")
    message = ev.problems()
    assert (
        "data/charting.csv:3: source_id: 'fixturez2000' has no entry in references/references.bib"
        in message
    )


def test_bib_entry_without_doi_or_url(ev):
    ev.edit("references/references.bib", "  url = {https://example.org/fixture-methods}\n", "")
    message = ev.problems()
    assert (
        "references/references.bib:18: doi: entry 'fixturemethods2018' has neither doi nor url"
        in message
    )


def test_malformed_bibtex(ev):
    ev.edit("references/references.bib", "  year = {2019},\n", "  year = {2019,\n")
    message = ev.problems()
    assert "references/references.bib:" in message
    assert "malformed BibTeX" in message
    with pytest.raises(EvidenceError) as caught:
        ev.load()
    bib_problems = [p for p in caught.value.problems if p.file == "references/references.bib"]
    assert bib_problems and all(p.line is not None for p in bib_problems)


def test_bib_doi_in_url_form(ev):
    ev.edit(
        "references/references.bib",
        "doi = {10.5555/fixture.a}",
        "doi = {https://doi.org/10.5555/fixture.a}",
    )
    message = ev.problems()
    assert "references/references.bib:7: doi: 'https://doi.org/10.5555/fixture.a'" in message


def test_bad_encoding_names_the_line(ev):
    path = ev.data / "records.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"Delta", b"D\xe9lta")  # latin-1 e-acute, line 4 of the file
    path.write_bytes(b"\n".join(lines))
    message = ev.problems()
    assert "data/records.csv:4: not UTF-8 (byte 0xe9)" in message


def test_doi_in_url_form(ev):
    ev.edit("data/records.csv", ",10.5555/fixture.a,", ",https://doi.org/10.5555/fixture.a,")
    message = ev.problems()
    assert (
        "data/records.csv:2: doi: 'https://doi.org/10.5555/fixture.a' is not a bare DOI"
        " (10.xxxx/...)" in message
    )


def test_screening_reason_not_in_protocol(ev):
    ev.edit("data/screening.csv", "not_systems_leadership", "off_topic")
    message = ev.problems()
    assert (
        "data/screening.csv:4: reason: 'off_topic' is not one of the protocol's exclusion_reasons"
        in message
    )


def test_include_with_reason_and_exclude_without(ev):
    ev.edit(
        "data/screening.csv",
        "R1,title_abstract,include,",
        "R1,title_abstract,include,other_version",
    )
    ev.edit(
        "data/screening.csv",
        "R5,title_abstract,exclude,not_a_document",
        "R5,title_abstract,exclude,",
    )
    message = ev.problems()
    assert "data/screening.csv:2: reason: 'other_version' given for an include" in message
    assert "data/screening.csv:6: reason: empty is not one of the protocol's" in message


def test_included_record_not_charted(ev):
    path = ev.data / "charting.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:2]) + "\n")
    message = ev.problems()
    assert "data/screening.csv:9: record_id: R2 is included at full_text but not charted" in message


def test_charted_record_not_included(ev):
    ev.edit("data/screening.csv", "R2,full_text,include,", "R2,full_text,exclude,insufficient_text")
    message = ev.problems()
    assert "data/charting.csv:3: record_id: 'R2' is charted but not included" in message


def test_full_text_missing_breaks_the_flow(ev):
    ev.edit("data/screening.csv", "R4,full_text,exclude,insufficient_text,2026-01-13,\n", "")
    message = ev.problems()
    assert (
        "data/screening.csv:5: record_id: R4 was included at title_abstract but has no full_text"
        in message
    )


def test_full_text_decision_without_title_abstract_include(ev):
    ev.edit(
        "data/screening.csv",
        "R1,title_abstract,include,",
        "R1,title_abstract,exclude,other_version",
    )
    message = ev.problems()
    assert (
        "data/screening.csv:8: stage: R1 has a full_text decision but was not included" in message
    )


def test_unscreened_record_and_screened_duplicate(ev):
    ev.edit("data/screening.csv", "R3,title_abstract", "R6,title_abstract")
    message = ev.problems()
    assert "data/records.csv:4: record_id: R3 has no title_abstract decision" in message
    assert "data/screening.csv:4: record_id: R6 is a duplicate of R1" in message


def test_stored_duplicate_mark_must_match_dedupe(ev):
    ev.edit("data/records.csv", ",,,,,R2\n", ",,,,,\n")
    message = ev.problems()
    assert "data/records.csv:8: duplicate_of: is empty but deduplication gives 'R2'" in message


def test_hits_recorded_must_match_records(ev):
    ev.edit("data/searches.csv", "English,5,5,", "English,5,4,")
    message = ev.problems()
    assert "data/searches.csv:2: hits_recorded: says 4 but data/records.csv has 5" in message


def test_record_search_must_exist(ev):
    ev.edit("data/records.csv", "R8,S2,", "R8,S9,")
    ev.edit(
        "data/searches.csv", "fixture system leadership,,4,3,", "fixture system leadership,,4,2,"
    )
    message = ev.problems()
    assert "data/records.csv:9: search_id: 'S9' is not in data/searches.csv" in message


def test_never_empty_charting_field(ev):
    ev.edit("data/charting.csv", "journal_article,peer_reviewed,", ",peer_reviewed,")
    message = ev.problems()
    assert "data/charting.csv:2: document_type: must not be empty" in message


def test_conditional_empty_from_codebook(ev):
    ev.edit("data/charting.csv", ",Fictional: notes inequalities in passing,", ",,")
    message = ev.problems()
    assert "data/charting.csv:2: edi_how: may be empty only where edi is none" in message


def test_bad_date_year_and_row_shape(ev):
    ev.edit(
        "data/screening.csv",
        "R1,title_abstract,include,,2026-01-12",
        "R1,title_abstract,include,,12/01/2026",
    )
    ev.edit("data/records.csv", 'Delta, Dee",2020', 'Delta, Dee",20')
    ev.edit("data/searches.csv", "Fictional test search\n", "Fictional test search,extra\n")
    message = ev.problems()
    assert "data/screening.csv:2: date: '12/01/2026' is not an ISO date (YYYY-MM-DD)" in message
    assert "data/records.csv:4: year: '20' is not a year" in message
    assert "data/searches.csv:2: 9 cells, expected 8" in message


def test_missing_file_is_reported_with_the_others(ev):
    (ev.data / "charting.csv").unlink()
    ev.edit("data/records.csv", ",10.5555/fixture.f,", ",doi:10.5555/fixture.f,")
    message = ev.problems()
    assert "data/charting.csv: file not found" in message
    assert "data/records.csv:9: doi:" in message


def test_problem_format():
    assert str(Problem("data/records.csv", 14, "doi", "bad")) == "data/records.csv:14: doi: bad"
    assert str(Problem("data/x.csv", None, None, "gone")) == "data/x.csv: gone"
    err = EvidenceError([Problem("a", 1, "f", "m"), Problem("b", 2, None, "n")])
    assert str(err).splitlines() == ["2 problems found:", "a:1: f: m", "b:2: n"]


def test_hits_found_cannot_be_below_records_kept(ev):
    ev.edit(
        "data/searches.csv", "fixture system leadership,,4,3,", "fixture system leadership,,2,3,"
    )
    message = ev.problems()
    assert (
        "data/searches.csv:3: hits_found: 2 is fewer than the 3 record(s) kept from S2" in message
    )


def test_codebook_fault_is_reported(ev):
    ev.edit("data/codebook.yml", "kind: single", "kind: singel")
    message = ev.problems()
    assert "data/codebook.yml: document_type: kind 'singel' is not one of" in message
