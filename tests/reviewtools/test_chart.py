"""`slr chart`: a newly included record gets its charting row, and validate names what to fill."""

from __future__ import annotations

import csv

import pytest

from analysis.errors import EvidenceError
from analysis.importer import import_export
from analysis.load import load_evidence
from reviewtools.chart import chart_stub, main, proposed_key
from reviewtools.screening import record_decision


def _problems(base) -> str:
    with pytest.raises(EvidenceError) as caught:
        load_evidence(base / "data", base / "references" / "references.bib")
    return str(caught.value)


@pytest.fixture
def included(base):
    """R9 imported from the fixture export, then included at both stages by the screening tool."""
    import_export(
        base / "exports" / "fixture_search.ris", "S3", source="Fixture index C",
        query="fixture leaders", date="2026-02-01", hits=7, data=base / "data",
    )  # fmt: skip
    for stage, decision in (
        ("title_abstract", "include"), ("retrieval", "retrieved"), ("full_text", "include")
    ):
        record_decision("R9", stage, decision, reviewer="AB", data=base / "data")
    return base


def test_validate_names_the_uncharted_include_and_the_command(included):
    assert (
        "R9 is included at full_text but not charted in data/charting.csv; "
        "next: nox -s chart -- R9 writes its row" in _problems(included)
    )


def test_the_stub_has_the_codebook_fields_and_validate_lists_each_to_fill(included, capsys):
    assert main(["R9", "--data", str(included / "data"),
                 "--bib", str(included / "references" / "references.bib")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Added R9 to data/charting.csv as zeta2023" in out
    assert "  document_type (single) one of: journal_article," in out
    with (included / "data" / "charting.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    stub = rows[-1]
    assert (stub["source_id"], stub["record_id"]) == ("zeta2023", "R9")
    assert all(v == "" for k, v in stub.items() if k not in ("source_id", "record_id"))
    bib = (included / "references" / "references.bib").read_text(encoding="utf-8")
    assert "@article{zeta2023," in bib and "url = {https://example.org/fixture-g}" in bib
    problems = _problems(included)
    line = len(rows) + 1
    assert f"data/charting.csv:{line}: document_type:" in problems
    assert f"data/charting.csv:{line}: verified_from:" in problems
    assert "not charted" not in problems


def test_a_record_is_charted_once_and_only_when_included(included):
    chart_stub("R9", included / "data", included / "references" / "references.bib")
    before = (included / "data" / "charting.csv").read_bytes()
    with pytest.raises(EvidenceError, match="R9 is already charted"):
        chart_stub("R9", included / "data", included / "references" / "references.bib")
    with pytest.raises(EvidenceError, match="R3 is not included at full_text"):
        chart_stub("R3", included / "data", included / "references" / "references.bib")
    assert (included / "data" / "charting.csv").read_bytes() == before


def test_proposed_keys_follow_the_projects_form():
    assert proposed_key("Żeta, Zoe; Eta, Ed", "2023", set()) == "zeta2023"
    assert proposed_key("Zeta, Zoe", "2023", {"zeta2023"}) == "zeta2023a"
    assert proposed_key("The King's Fund", "", set()) == "thekingsfundnd"
