"""Agreement between reviewers (kappa by hand) and the no-copying check on fingerprints."""

from __future__ import annotations

import pytest

from analysis.agreement import (
    charting_agreement,
    cohen_kappa,
    screening_agreement,
    tbl_agreement,
)
from analysis.fingerprints import add_fingerprint, shingle_hashes, words


def test_kappa_matches_a_hand_calculation():
    first = ["in", "in", "out", "out", "in"]
    second = ["in", "out", "out", "out", "in"]
    # observed 4/5; chance (3*2 + 2*3)/25 = 0.48; kappa = 0.32 / 0.52
    assert cohen_kappa(first, second) == pytest.approx(0.32 / 0.52)
    assert cohen_kappa(["a", "b"], ["a", "b"]) == pytest.approx(1.0)
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None  # chance agreement is 1: undefined
    assert cohen_kappa([], []) is None


def test_screening_agreement_per_stage(ev):
    e = ev.load()
    ta, ft = screening_agreement(e)
    assert (ta.stage, ta.items, ta.agreed, ta.keys) == ("title_abstract", 3, 2, ("R3",))
    # first: include, exclude, exclude; second: include, include, exclude
    assert ta.kappa == pytest.approx((2 / 3 - (1 * 2 + 2 * 1) / 9) / (1 - 4 / 9))
    assert (ft.items, ft.agreed, ft.kappa) == (2, 2, None)


def test_charting_agreement_per_field(ev):
    e = ev.load()
    by_field = {a.field: a for a in charting_agreement(e)}
    assert by_field["definition"].agreed == 0 and by_field["definition"].items == 1
    assert by_field["study_design"].agreed == 1
    dims = by_field["dimensions"]  # compared value by value over the codebook's dimensions
    assert dims.items == len(e.codebook["fields"]["dimensions"]["values"])
    assert dims.keys == ("fixturea2021:mindsets",)
    table = tbl_agreement(e)
    assert table.loc[0, "Stage or field"] == "Title and abstract"
    assert table.loc[0, "Agreement (%)"] == "67"


def test_second_review_of_an_unknown_item_is_reported(ev):
    ev.edit("data/second_screening.csv", "R5,title_abstract", "R99,title_abstract")
    assert "data/second_screening.csv:4: record_id: 'R99' is not in data/screening.csv" in (
        ev.problems()
    )


def test_shingles_ignore_case_and_punctuation():
    a = shingle_hashes("One two three, four five six seven eight nine.")
    b = shingle_hashes("one TWO three four: five six seven eight")
    assert len(a) == 2 and len(b) == 1 and b <= a
    assert words("Leaders’ roles don’t") == ["leaders", "roles", "don't"]


def test_copied_run_in_charting_is_reported(ev):
    # The fixture's fingerprint is of a fictional text that has this nine-word run.
    copied = "leading across organisations towards a shared goal in an imaginary"
    ev.edit("data/charting.csv", "Fixture study A is fictional test data.", copied)
    message = ev.problems()
    assert "data/charting.csv:2: notes: shares 3 run(s) of 8 words with the text read for " in (
        message
    )
    assert "for fixturea2021; paraphrase it" in message


def test_add_fingerprint_replaces_the_source_row(tmp_path):
    target = tmp_path / "fingerprints.csv"
    text = tmp_path / "read.txt"
    text.write_text("a b c d e f g h i j", encoding="utf-8")
    add_fingerprint("x2020", "R1", "https://example.org/x", text, target)
    text.write_text("a b c d e f g h", encoding="utf-8")
    row = add_fingerprint("x2020", "R1", "https://example.org/x", text, target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and row["words"] == "8" and len(row["shingles"].split()) == 1


def test_a_resolved_disagreement_stays_a_disagreement(ev):
    import dataclasses

    e = ev.load()
    screening = e.screening.copy()
    at = (screening["record_id"] == "R3") & (screening["stage"] == "title_abstract")
    screening.loc[at, ["decision", "reason"]] = ["include", ""]  # as if resolved to include
    ta, _ = screening_agreement(dataclasses.replace(e, screening=screening))
    assert ta.keys == ("R3",)  # compared with the first reviewer's own decision, from resolutions
