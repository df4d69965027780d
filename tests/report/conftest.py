"""The review built once per test run, from a changed copy of the project, for every report test.

The copy has one more included source and one changed code: a number typed by hand into a
chapter would then disagree with the data, and the tests that read the site would see it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from analysis.load import load_evidence
from qmdbook.build import build

NEW_KEY = "addedbytest2025"
# A change that moves a count the summary prints without moving any verdict or gap across its
# threshold (the chapters' prose_assumes checks would then stop the build, by design).
RECODED_KEY_FIELD = ("edi", "none", "mentioned")


def _rewrite_csv(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _add_source_and_recode(root: Path) -> str:
    """One more included source (record, screening, charting, bib) and one code changed."""
    data = root / "data"
    search_id = "S101"
    record_id = "R9999"

    def add_record(rows):
        rows.append({
            "record_id": record_id, "search_id": search_id,
            "title": "A test source added by the review's own tests",
            "authors": "Tester, Ada", "year": "2025", "venue": "Test venue", "doi": "",
            "url": "https://example.org/added-by-test", "duplicate_of": "",
        })  # fmt: skip
        return rows

    def count_it(rows):
        for row in rows:
            if row["search_id"] == search_id:
                row["hits_found"] = str(int(row["hits_found"]) + 1)
                row["hits_recorded"] = str(int(row["hits_recorded"]) + 1)
        return rows

    def screen_in(rows):
        for stage, decision in (("title_abstract", "include"), ("retrieval", "retrieved"),
                                ("full_text", "include")):  # fmt: skip
            rows.append({"record_id": record_id, "stage": stage, "decision": decision,
                         "reason": "", "date": "2026-11-28", "reviewer": "R1",
                         "note": ""})  # fmt: skip
        return rows

    recoded = {}

    def chart(rows):
        field, old, new = RECODED_KEY_FIELD
        target = next(r for r in rows if r[field] == old)
        target[field], target[f"{field}_how"] = new, "Changed by the review's own tests."
        recoded["key"] = target["source_id"]
        # The added source copies the first one's codes but addresses neither EDI nor ICSs, so
        # that no verdict close to its bar (EDI's and the ICS evidence gap are one source away)
        # crosses it; the counts the summary prints still change with the base.
        added = dict(rows[0], source_id=NEW_KEY, record_id=record_id, edi="none", edi_how="",
                     ics_icb="none", ics_how="",
                     verified_from="https://example.org/added-by-test")  # fmt: skip
        rows.append(added)
        return rows

    _rewrite_csv(data / "records.csv", add_record)
    _rewrite_csv(data / "searches.csv", count_it)
    _rewrite_csv(data / "screening.csv", screen_in)
    _rewrite_csv(data / "charting.csv", chart)
    bib = root / "references" / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + f"\n@misc{{{NEW_KEY},\n  author = {{Tester, Ada}},\n"
        "  title = {A test source added by the review's own tests},\n  year = {2025},\n"
        "  url = {https://example.org/added-by-test}\n}\n",
        encoding="utf-8",
    )
    return recoded["key"]


@pytest.fixture(scope="session")
def review(tmp_path_factory, git_commit_all, project_copier):
    root = tmp_path_factory.mktemp("review") / "project"
    project_copier(root)
    _add_source_and_recode(root)
    git_commit_all(root, "2026-01-02T03:04:05+00:00")
    report = build(
        root, formats=["html", "pdf"], strict=True, engine="builtin", log=lambda _m: None
    )
    ev = load_evidence(root / "data", root / "references" / "references.bib")
    return root / "_site", ev, report
