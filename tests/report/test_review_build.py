"""The review itself, rendered from a changed copy of its data: every number follows the data.

One HTML build of a copy of the project in which the evidence base has one more included source
and one changed code. Expected values are computed by `analysis` from that copy, and each is
checked to differ from the committed data's, so a number typed by hand would fail here.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest

from analysis.load import load_evidence
from analysis.prisma import prisma_counts
from analysis.stats import n_of, n_with
from analysis.summary_findings import finding_count
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
        for stage in ("title_abstract", "full_text"):
            rows.append({"record_id": record_id, "stage": stage, "decision": "include",
                         "reason": "", "date": "2026-11-28"})  # fmt: skip
        return rows

    recoded = {}

    def chart(rows):
        field, old, new = RECODED_KEY_FIELD
        target = next(r for r in rows if r[field] == old)
        target[field], target[f"{field}_how"] = new, "Changed by the review's own tests."
        recoded["key"] = target["source_id"]
        added = dict(rows[0], source_id=NEW_KEY, record_id=record_id, edi="central",
                     edi_how="Added by the review's own tests.",
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


def _text(page: Path) -> str:
    body = page.read_text(encoding="utf-8")
    body = body[body.find("<main") : body.find("</main>")]
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def committed():
    return load_evidence()


def test_the_build_is_strict_clean(review):
    _, _, report = review
    assert report.diagnostics == []


def test_summary_counts_follow_the_data(review, committed):
    site, ev, _ = review
    n = len(ev.charting)
    assert n == len(committed.charting) + 1
    summary = _text(site / "sec-summary.html")
    assert f"{n} sources were included" in summary
    edi = n_of(finding_count(ev, "edi_absent"), n)
    assert edi != n_of(finding_count(committed, "edi_absent"), len(committed.charting))
    assert f"EDI is a main subject of {edi}" in summary
    mentioned = n_with(ev, "edi", "mentioned")
    assert mentioned == n_with(committed, "edi", "mentioned") + 1
    assert f"mentioned in passing by {mentioned} more" in summary


def test_prisma_numbers_in_the_text_equal_the_screening_counts(review, committed):
    site, ev, _ = review
    pc = prisma_counts(ev)
    assert pc.identified == prisma_counts(committed).identified + 1
    text = _text(site / "sec-evidence.html")
    assert f"Together they returned {pc.identified} records" in text
    assert f"{pc.included} sources were included and charted" in text


def test_every_included_source_is_cited_and_in_the_reference_list(review):
    site, ev, _ = review
    references = (site / "sec-references.html").read_text(encoding="utf-8")
    missing = [k for k in ev.charting["source_id"] if f'id="ref-{k}"' not in references]
    assert not missing, f"included sources not cited anywhere: {missing}"
    included = _text(site / "sec-app-included.html")
    assert "Tester" in included  # the added source has its row in the table of sources


def test_every_figure_has_alt_text(review):
    site, _, _ = review
    images = 0
    for page in site.glob("*.html"):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            images += 1
            alt = re.search(r'\balt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) >= 40, f"{page.name}: {tag[:120]}"
    assert images >= 8


def test_every_recommendation_is_rendered_with_its_gaps_and_sources(review):
    site, ev, _ = review
    from analysis.recommendations import load_recommendations

    text = _text(site / "sec-recommendations.html")
    for rec in load_recommendations(ev).itertuples():
        assert rec.rec_id in text
        assert rec.gaps and rec.sources


def test_the_executive_summary_fits_two_pdf_pages(review):
    from pypdf import PdfReader

    site, _, _ = review
    pages = PdfReader(next(site.glob("*.pdf"))).pages
    # A chapter's first page opens with its title; later pages carry it in the running header.
    tops = [page.extract_text().strip().splitlines()[0] for page in pages]
    summary = [t for t in tops if t.startswith("Executive summary")]
    assert 1 <= len(summary) <= 2, tops[:12]
