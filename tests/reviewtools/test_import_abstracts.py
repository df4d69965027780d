"""Imports keep each record's abstract beside records.csv, and the loader checks that file."""

from __future__ import annotations

import pytest

from analysis.errors import EvidenceError
from analysis.importer import import_export
from analysis.load import load_evidence
from reviewtools.screening import queue

BIB = """@article{one,
  title = {Leading across a fictional care system},
  author = {Omega, Olu},
  year = {2024},
  journal = {Journal of Fixture Studies},
  url = {https://example.org/fixture-one},
  abstract = {A {fictional} study of leaders
    working across   organisations.}
}

@article{two,
  title = {A fictional ward audit},
  author = {Psi, Pia},
  year = {2022},
  url = {https://example.org/fixture-two}
}
"""


def test_bibtex_abstracts_are_kept_and_shown_to_the_screener(base, tmp_path):
    export = tmp_path / "search.bib"
    export.write_text(BIB, encoding="utf-8")
    report = import_export(export, "S3", source="Fixture index", query="q", data=base / "data")
    abstracts = (base / "data" / "abstracts.csv").read_text(encoding="utf-8").splitlines()
    first, second = report.new
    # Braces and runs of white space go; a record without an abstract gets no row.
    assert abstracts == [
        "record_id,abstract",
        f"{first},A fictional study of leaders working across organisations.",
    ]
    waiting, _ = queue(base / "data")
    shown = {c.record_id: c.abstract for c in waiting}
    assert shown[first].startswith("A fictional study") and shown[second] == ""


def test_an_import_without_abstracts_writes_no_abstracts_file(base):
    import_export(base / "exports" / "fixture_search.ris", "S3", source="Fixture index",
                  query="q", hits=7, data=base / "data")  # fmt: skip
    assert not (base / "data" / "abstracts.csv").exists()


def test_an_abstract_for_an_unknown_record_is_reported_with_its_line(base):
    (base / "data" / "abstracts.csv").write_text("record_id,abstract\nR77,Text.\n", "utf-8")
    with pytest.raises(EvidenceError) as caught:
        load_evidence(base / "data", base / "references" / "references.bib")
    assert "data/abstracts.csv:2: record_id: 'R77' is not in data/records.csv" in str(caught.value)
