"""The duplicate rule: DOI in any form, URL, or near-identical title in a compatible year."""

from __future__ import annotations

import pandas as pd

from analysis.dedupe import duplicate_marks, normalise_doi, normalise_title, normalise_url


def records(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """rows of (title, year, doi, url); ids R1.. in order."""
    return pd.DataFrame(
        [
            {"record_id": f"R{i}", "title": t, "year": y, "doi": d, "url": u}
            for i, (t, y, d, u) in enumerate(rows, start=1)
        ],
        dtype=str,
    )


def test_normalisers():
    assert normalise_doi("https://doi.org/10.5555/ABC.1") == "10.5555/abc.1"
    assert normalise_doi("doi: 10.5555/abc.1") == "10.5555/abc.1"
    assert normalise_doi("http://dx.doi.org/10.5555%2Fabc.1") == "10.5555/abc.1"
    assert normalise_title("  Système-Leadership:  a Review! ") == "systeme leadership a review"
    assert normalise_url("http://www.Example.org/page/#top") == "https://example.org/page"


def test_doi_match_ignores_case_and_prefix():
    marks = duplicate_marks(
        records(
            ("Fixture paper one", "2020", "10.5555/fixture.X", ""),
            ("A quite different fixture title", "2021", "https://doi.org/10.5555/FIXTURE.x", ""),
            ("Unrelated fixture", "2020", "doi:10.5555/other", ""),
        )
    )
    assert marks.to_dict() == {"R1": "", "R2": "R1", "R3": ""}


def test_fuzzy_title_match_same_or_missing_year():
    marks = duplicate_marks(
        records(
            ("Fixture study B: developing fictional system leaders", "2019", "", ""),
            ("Fixture Study B - Developing fictional system leaders.", "", "", ""),
            ("Fixture study B: developing fictional system leader", "2019", "", ""),
        )
    )
    assert marks.to_dict() == {"R1": "", "R2": "R1", "R3": "R1"}


def test_different_year_not_matched():
    marks = duplicate_marks(
        records(
            ("Fixture annual report on fictional system leadership", "2019", "", ""),
            ("Fixture annual report on fictional system leadership", "2021", "", ""),
        )
    )
    assert marks.to_dict() == {"R1": "", "R2": ""}


def test_yearless_record_does_not_bridge_two_years():
    marks = duplicate_marks(
        records(
            ("Fixture annual report on fictional system leadership", "2019", "", ""),
            ("Fixture annual report on fictional system leadership", "", "", ""),
            ("Fixture annual report on fictional system leadership", "2021", "", ""),
        )
    )
    assert marks.to_dict() == {"R1": "", "R2": "R1", "R3": ""}


def test_different_dois_not_matched_on_title():
    marks = duplicate_marks(
        records(
            ("Fixture study on fictional leaders", "2020", "10.5555/a", ""),
            ("Fixture study on fictional leaders", "2020", "10.5555/b", ""),
        )
    )
    assert marks.to_dict() == {"R1": "", "R2": ""}


def test_dissimilar_titles_not_matched():
    marks = duplicate_marks(
        records(
            ("Fixture study of fictional leaders in primary care", "2020", "", ""),
            ("Fixture study of fictional leaders in social care", "2020", "", ""),
        )
    )
    assert marks.to_dict() == {"R1": "", "R2": ""}


def test_same_url_matched_and_first_in_file_wins():
    marks = duplicate_marks(
        records(
            ("Fixture page title", "", "", "https://example.org/fixture/"),
            ("Fixture web page, other title", "2020", "", "http://www.example.org/fixture"),
        )
    )
    assert marks.to_dict() == {"R1": "", "R2": "R1"}


def test_empty_input():
    empty = pd.DataFrame(columns=["record_id", "title", "year", "doi", "url"], dtype=str)
    assert duplicate_marks(empty).empty
