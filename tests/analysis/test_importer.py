"""slr-import on a copy of the fixture: adds, deduplicates, reports, or writes nothing at all."""

from __future__ import annotations

import pytest

from analysis.errors import EvidenceError
from analysis.importer import import_export, main, recompute_duplicates


def records_csv(ev) -> list[str]:
    return (ev.data / "records.csv").read_text(encoding="utf-8").splitlines()


def test_ris_import_adds_and_deduplicates(ev):
    report = import_export(
        ev.exports / "fixture_search.ris",
        "S3",
        source="Fixture index C",
        query="fixture leaders",
        date="2026-02-01",
        hits=7,
        data=ev.data,
    )
    assert report.added == ["R9", "R10", "R11"]
    assert report.new == ["R9"]
    assert report.duplicates == {"R10": "R1", "R11": "R4"}  # DOI with prefix and case; title
    assert report.awaiting_screening == 1
    assert report.copied_to == "data/imports/S3_fixture_search.ris"
    assert (ev.data / "imports" / "S3_fixture_search.ris").read_bytes() == (
        ev.exports / "fixture_search.ris"
    ).read_bytes()
    lines = records_csv(ev)
    assert len(lines) == 1 + 11
    assert lines[9].startswith("R9,S3,Fixture study G: a fictional place-based partnership,")
    assert ",10.5555/fixture.g," in lines[9]  # URL-form DOI stored bare
    assert lines[10].endswith(",R1")
    searches = (ev.data / "searches.csv").read_text().splitlines()
    assert searches[-1] == "S3,2026-02-01,database,,,Fixture index C,fixture leaders,,7,3,"
    text = report.text()
    assert "New (1):" in text and "R10 duplicates R1" in text
    assert "Records awaiting title/abstract screening: 1" in text


def test_bibtex_import_into_existing_search(ev):
    report = import_export(ev.exports / "fixture_search.bib", "S2", append=True, data=ev.data)
    assert report.new == ["R9"]
    assert report.duplicates == {"R10": "R2"}  # fuzzy title (and trailing-slash URL)
    lines = records_csv(ev)
    assert lines[9].startswith('R9,S2,Fixture study H: fictional leaders across boundaries,"Theta')
    assert "Theta, Tia; Fixture Collaborative" in lines[9]
    searches = (ev.data / "searches.csv").read_text().splitlines()
    assert searches[2].split(",")[8:10] == ["4", "5"]  # hits_found kept, hits_recorded updated
    assert any("hits_found says 4" in w for w in report.warnings)


def test_main_prints_report(ev, capsys):
    code = main(
        [
            str(ev.exports / "fixture_search.ris"),
            "--search-id",
            "S3",
            "--source",
            "Fixture index C",
            "--query",
            "q",
            "--data",
            str(ev.data),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Imported 3 record(s)" in out and "R11 duplicates R4" in out


def _failing_import(ev, export_name: str, content: bytes) -> str:
    export = ev.root / export_name
    export.write_bytes(content)
    before = ev.snapshot()
    with pytest.raises(EvidenceError) as caught:
        import_export(export, "S3", source="Fixture index C", query="q", data=ev.data)
    assert ev.snapshot() == before  # nothing written, nothing copied
    return str(caught.value)


def test_malformed_ris_names_line_and_writes_nothing(ev):
    ris = (
        b"TY  - JOUR\nTI  - Fixture study K\nPY  - 2022\nER  - \n\n"
        b"TY  - JOUR\nTI  - Fixture study L\nPY - 2022\n"
    )
    message = _failing_import(ev, "broken.ris", ris)
    assert "broken.ris:8: malformed tag line 'PY - 2022'" in message
    assert "broken.ris:6: ER: record has no end tag" in message


def test_ris_text_between_records(ev):
    message = _failing_import(
        ev, "stray.ris", b"TY  - JOUR\nTI  - X\nER  - \nStray words\nTY  - JOUR\nTI  - Y\nER  - \n"
    )
    assert "stray.ris:4: text outside a record" in message


def test_malformed_bibtex_export_writes_nothing(ev):
    bib = b"@article{k1,\n  title = {Fixture study M,\n  year = {2020}\n}\n"
    message = _failing_import(ev, "broken.bib", bib)
    assert "broken.bib:" in message and "malformed BibTeX" in message


def test_export_with_bad_encoding_writes_nothing(ev):
    ris = b"TY  - JOUR\nTI  - Fixture \xe9tude N\nER  - \n"
    message = _failing_import(ev, "latin1.ris", ris)
    assert "latin1.ris:2: not UTF-8 (byte 0xe9)" in message


def test_entry_without_title_writes_nothing(ev):
    message = _failing_import(ev, "notitle.ris", b"TY  - JOUR\nPY  - 2020\nER  - \n")
    assert "notitle.ris:1: title: entry has no title" in message


def test_new_search_needs_source_and_query(ev):
    before = ev.snapshot()
    with pytest.raises(EvidenceError, match="new search S3 needs --source and --query"):
        import_export(ev.exports / "fixture_search.ris", "S3", data=ev.data)
    assert ev.snapshot() == before


def test_same_export_twice_is_refused(ev):
    import_export(ev.exports / "fixture_search.bib", "S2", append=True, data=ev.data)
    before = ev.snapshot()
    with pytest.raises(EvidenceError, match="already imported as data/imports/S2_fixture_search"):
        import_export(ev.exports / "fixture_search.bib", "S2", append=True, data=ev.data)
    assert ev.snapshot() == before


def test_invalid_existing_records_block_the_import(ev):
    ev.edit("data/records.csv", ",10.5555/fixture.f,", ",https://doi.org/10.5555/fixture.f,")
    before = ev.snapshot()
    with pytest.raises(EvidenceError, match="data/records.csv:9: doi:"):
        import_export(ev.exports / "fixture_search.bib", "S2", append=True, data=ev.data)
    assert ev.snapshot() == before


def test_dedupe_only_rewrites_marks(ev, capsys):
    ev.edit("data/records.csv", ",,,,,R2\n", ",,,,,\n")
    report = recompute_duplicates(ev.data)
    assert report.changed == {"R7": ("", "R2")}
    assert records_csv(ev)[7].endswith(",R2")
    ev.load()  # the evidence base is valid again
    assert main(["--dedupe", "--data", str(ev.data)]) == 0
    assert "already up to date" in capsys.readouterr().out


def test_main_failure_says_nothing_written(ev, capsys):
    (ev.root / "bad.ris").write_bytes(b"TY  - JOUR\nTI  - X\n")
    assert main([str(ev.root / "bad.ris"), "--search-id", "S2", "--data", str(ev.data)]) == 1
    err = capsys.readouterr().err
    assert "bad.ris:1: ER: record has no end tag" in err and "Nothing was written." in err
