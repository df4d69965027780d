"""slr-import never rewrites a logged search, previews its changes, and names bad files."""

from __future__ import annotations

import pytest

from analysis.errors import EvidenceError
from analysis.importer import import_export, main

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def _refused(ev, export, search_id="S3", **options) -> str:
    before = ev.snapshot()
    with pytest.raises(EvidenceError) as caught:
        import_export(export, search_id, data=ev.data, **options)
    assert ev.snapshot() == before, "nothing written"
    return str(caught.value)


def test_an_existing_search_id_is_refused_without_append(ev):
    message = _refused(
        ev, ev.exports / "fixture_search.ris", "S2", source="Another index", query="other"
    )
    assert "data/searches.csv:3: search_id: S2 is already logged (Fixture index B" in message
    assert "give --append" in message and "the next free one is S3" in message


def test_append_adds_records_and_keeps_the_logged_search(ev):
    before = (ev.data / "searches.csv").read_text().splitlines()[2].split(",")
    report = import_export(ev.exports / "fixture_search.ris", "S2", append=True, data=ev.data)
    after = (ev.data / "searches.csv").read_text().splitlines()[2].split(",")
    assert after[:9] == before[:9], "date, method, source, query, limits and hits_found kept"
    assert int(after[9]) == int(before[9]) + len(report.added)
    assert "hits_recorded 3 -> 6" in report.text()


def test_append_refuses_a_different_source_or_query(ev):
    message = _refused(
        ev, ev.exports / "fixture_search.ris", "S2", append=True, query="changed query"
    )
    assert "--query 'changed query' differs from the logged" in message


def test_append_to_an_unknown_search_is_refused(ev):
    message = _refused(ev, ev.exports / "fixture_search.ris", "S9", append=True)
    assert "--append: S9 is not logged in data/searches.csv" in message


def test_dry_run_reports_every_change_and_writes_nothing(ev, capsys):
    before = ev.snapshot()
    code = main([
        str(ev.exports / "fixture_search.ris"), "--search-id", "S3", "--source", "Fixture C",
        "--query", "fixture leaders", "--date", "2026-02-01", "--dry-run", "--data", str(ev.data),
    ])  # fmt: skip
    assert code == 0
    assert ev.snapshot() == before
    out = capsys.readouterr().out
    assert "Dry run, nothing was written. Would import 3 record(s)" in out
    assert "copy the export to data/imports/S3_fixture_search.ris" in out
    assert "new search S3 (2026-02-01, Fixture C, query 'fixture leaders', 3 hits)" in out
    assert "R10 duplicates R1" in out


def test_pdf_given_as_ris_is_named_a_pdf(ev):
    export = ev.root / "results.ris"
    export.write_bytes(PDF)
    message = _refused(ev, export, source="Fixture C", query="q")
    assert "results.ris: this is a PDF document, not a RIS or BibTeX export" in message
    assert "UTF-8" not in message


def test_html_page_given_as_ris_is_named(ev):
    export = ev.root / "results.ris"
    export.write_bytes(b"<!DOCTYPE html><html><body>Results</body></html>")
    assert "a web page (HTML)" in _refused(ev, export, source="Fixture C", query="q")


def test_ris_with_a_database_preamble_is_read(ev):
    export = ev.root / "with_header.ris"
    body = (ev.exports / "fixture_search.ris").read_bytes()
    export.write_bytes(b"Provider: Fixture Database\nContent: text/plain; charset=UTF-8\n\n" + body)
    report = import_export(export, "S3", source="Fixture C", query="q", data=ev.data)
    assert len(report.added) == 3
    assert any("with_header.ris:1-2: 2 line(s) of text before the first record" in w
               for w in report.warnings)


def test_text_that_is_no_ris_at_all_says_so(ev):
    export = ev.root / "notes.ris"
    export.write_bytes(b"title,year\nSomething,2020\n")
    message = _refused(ev, export, source="Fixture C", query="q")
    assert "notes.ris:1: no RIS record in the file" in message


def test_bibtex_key_with_braces_names_line_and_key(ev):
    export = ev.root / "braces.bib"
    export.write_bytes(
        b"@article{ok2020,\n  title = {Fixture fine},\n  year = {2020}\n}\n\n"
        b"@article{smith{2020},\n  title = {Fixture braced},\n  year = {2020}\n}\n"
    )
    message = _refused(ev, export, source="Fixture C", query="q")
    assert "braces.bib:6: smith{2020}: entry key 'smith{2020}' has a brace" in message
    assert ":0" not in message


def test_bibtex_entry_missing_its_closing_brace_is_blamed_not_the_next(ev):
    export = ev.root / "unclosed.bib"
    export.write_bytes(
        b"@article{first2020,\n  title = {Fixture first},\n  year = {2020}\n\n"
        b"@article{second2021,\n  title = {Fixture second},\n  year = {2021}\n}\n"
    )
    message = _refused(ev, export, source="Fixture C", query="q")
    assert "unclosed.bib:1: first2020: malformed BibTeX: entry is not closed" in message
    assert "line 3" in message and "second2021" not in message
