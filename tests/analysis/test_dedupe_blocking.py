"""Blocked deduplication makes the decisions the all-pairs comparison made, and is cached."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rapidfuzz import fuzz, process

from analysis import dedupe, paths, synthetic
from analysis.dedupe import (
    TITLE_THRESHOLD,
    cached_duplicate_marks,
    duplicate_marks,
    normalise_doi,
    normalise_title,
    normalise_url,
)

LABELLED = paths.TESTS / "fixtures" / "dedupe" / "labelled.csv"


def all_pairs_marks(records: pd.DataFrame) -> pd.Series:
    """The rule as it was first written: every pair of titles scored (quadratic)."""
    n = len(records)
    ids = records["record_id"].astype(str).tolist()
    dois = [normalise_doi(v) for v in records["doi"].fillna("")]
    urls = [normalise_url(v) for v in records["url"].fillna("")]
    titles = [normalise_title(v) for v in records["title"].fillna("")]
    years = [str(v).strip() for v in records["year"].fillna("")]
    parent = list(range(n))
    known_years = [{y} - {""} for y in years]
    known_dois = [{d} - {""} for d in dois]

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i, j, by_title=False):
        a, b = sorted((find(i), find(j)))
        if a == b:
            return
        years_ab, dois_ab = known_years[a] | known_years[b], known_dois[a] | known_dois[b]
        if by_title and (len(years_ab) > 1 or len(dois_ab) > 1):
            return
        parent[b] = a
        known_years[a], known_dois[a] = years_ab, dois_ab

    for keys in (dois, urls):
        first = {}
        for i, key in enumerate(keys):
            if key:
                union(first.setdefault(key, i), i)
    with_title = [i for i in range(n) if titles[i]]
    if len(with_title) > 1:
        scores = process.cdist(
            [titles[i] for i in with_title], [titles[i] for i in with_title],
            scorer=fuzz.token_sort_ratio, score_cutoff=TITLE_THRESHOLD, dtype="uint8",
        )  # fmt: skip
        rows, cols = (scores >= TITLE_THRESHOLD).nonzero()
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if with_title[r] < with_title[c]:
                union(with_title[r], with_title[c], by_title=True)
    marks = ["" if find(i) == i else ids[find(i)] for i in range(n)]
    return pd.Series(marks, index=pd.Index(ids, name="record_id"), name="duplicate_of", dtype=str)


def test_labelled_set_gets_every_label():
    labelled = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    marks = duplicate_marks(labelled)
    got = {rid: mark or rid for rid, mark in marks.items()}
    wrong = {
        row.record_id: (row.label, got[row.record_id], row.why)
        for row in labelled.itertuples()
        if got[row.record_id] != row.label
    }
    assert wrong == {}
    assert marks.equals(all_pairs_marks(labelled))


def test_same_marks_as_all_pairs_on_the_review_records():
    records = pd.read_csv(paths.RECORDS, dtype=str, keep_default_na=False)
    marks = duplicate_marks(records)
    assert marks.equals(all_pairs_marks(records))
    assert marks.tolist() == records["duplicate_of"].tolist()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_marks_as_all_pairs_on_synthetic_imports(seed):
    # Many duplicates, many yearless and DOI-less records: the blocks overlap as much as they can.
    records = synthetic.records(1000, seed=seed, duplicate_share=0.45)
    assert duplicate_marks(records).equals(all_pairs_marks(records))


def test_blocks_hold_far_fewer_pairs_than_all_pairs(monkeypatch):
    records = synthetic.records(3000, seed=4)
    scored = []
    real = dedupe.process.cdist

    def counting(queries, choices, **kw):
        scored.append(len(queries) * len(choices))
        return real(queries, choices, **kw)

    monkeypatch.setattr(dedupe.process, "cdist", counting)
    duplicate_marks(records)
    assert sum(scored) < 0.1 * len(records) ** 2


def test_marks_are_computed_once_per_content(tmp_path, monkeypatch):
    records = synthetic.records(300, seed=5)
    cache = tmp_path / "dedupe"
    first = cached_duplicate_marks(records, cache)
    assert len(list(cache.iterdir())) == 1

    def fail(_records):
        raise AssertionError("recomputed although nothing changed")

    monkeypatch.setattr(dedupe, "duplicate_marks", fail)
    assert cached_duplicate_marks(records, cache).equals(first)
    monkeypatch.undo()
    changed = records.copy()
    changed.loc[1, "title"] = changed.loc[0, "title"]
    changed.loc[1, "year"] = changed.loc[0, "year"]
    changed.loc[1, "doi"] = ""
    marks = cached_duplicate_marks(changed, cache)
    assert marks.iloc[1] == changed.loc[0, "record_id"] or marks.iloc[0] != ""
    assert len(list(cache.iterdir())) == 2


def test_validation_reuses_the_marks(tmp_path, monkeypatch):
    from analysis.load import load_evidence

    monkeypatch.setattr(paths, "DEDUPE_CACHE", tmp_path / "dedupe")
    calls = []
    real = dedupe.duplicate_marks
    monkeypatch.setattr(dedupe, "duplicate_marks", lambda r: calls.append(1) or real(r))
    data = paths.FIXTURE_EVIDENCE / "data"
    bib = paths.FIXTURE_EVIDENCE / "references" / "references.bib"
    load_evidence(data, bib)
    load_evidence(data, bib)
    assert calls == [1]
    assert Path(tmp_path / "dedupe").is_dir()
