"""README's table of supported Quarto features is the one the conformance suite generates."""

from __future__ import annotations

from feature_table import README, current_readme_section, rows, section


def test_readme_table_is_current():
    assert current_readme_section(README.read_text(encoding="utf-8")) == section(), (
        "README.md's feature table is out of date: run `python3 -m nox -s tabulate`"
    )


def test_every_chapter_of_the_suite_has_a_row_and_tests():
    found = rows()
    assert len(found) >= 8
    assert all(r["tests"] > 0 for r in found)
