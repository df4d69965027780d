"""The review itself, rendered from a changed copy of its data: every number follows the data.

One HTML and PDF build (tests/report/conftest.py) of a copy of the project in which the evidence
base has one more included source and one changed code. Expected values are computed by
`analysis` from that copy, and each is checked to differ from the committed data's, so a number
typed by hand would fail here.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from analysis.load import load_evidence
from analysis.prisma import prisma_counts
from analysis.stats import n_of, n_with
from analysis.summary_findings import finding_count


def _text(page: Path) -> str:
    body = page.read_text(encoding="utf-8")
    body = body[body.find("<main") : body.find("</main>")]
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


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


def test_the_pdf_prints_counts_as_plain_text_without_the_sites_instruments(review):
    from pypdf import PdfReader

    site, ev, _ = review
    text = "\n".join(p.extract_text() for p in PdfReader(next(site.glob("*.pdf"))).pages)
    assert f"of {len(ev.charting)} (" in text  # the counts are there, as text
    for site_only in ("slr-count", "data-keys", "Data for this figure", "Filter the sources",
                      "Charting of each source", "{=html}"):  # fmt: skip
        assert site_only not in text


def test_the_discussion_cites_earlier_reviews(review):
    from analysis.stats import REVIEW_DESIGNS, sources_where

    site, ev, _ = review
    page = (site / "sec-discussion.html").read_text(encoding="utf-8")
    reviews = sources_where(ev, study_design=REVIEW_DESIGNS)
    cited = [k for k in reviews if f"#ref-{k}" in page]
    assert cited, "the discussion cites none of the earlier reviews in the evidence base"
    assert "Set against earlier reviews" in page


def test_the_pdf_never_hyphenates_a_capitalised_word(review):
    from pypdf import PdfReader

    site, _, _ = review
    text = "\n".join(p.extract_text() for p in PdfReader(next(site.glob("*.pdf"))).pages)
    split = re.findall(r"\b[A-Z][a-z]+-\n[a-z]+", text)
    assert not split, f"proper nouns broken across lines: {split[:10]}"


def _lowest_body_text(page) -> float:
    """How high the lowest line of text above the footer sits, as a share of the page height."""
    height = float(page.mediabox.height)
    ys = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            ys.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    body = [y for y in ys if y > 0.08 * height]  # the page number sits below this
    return min(body) / height if body else 1.0


def test_only_chapter_and_part_ends_leave_the_bottom_of_a_pdf_page_empty(review):
    from pypdf import PdfReader

    site, _, _ = review
    pages = PdfReader(next(site.glob("*.pdf"))).pages
    # A page after which a chapter, appendix or part opens carries no running header.
    opens = [" Systems leadership in health care" not in p.extract_text().splitlines()[0]
             for p in pages]  # fmt: skip
    short = [i + 1 for i, page in enumerate(pages[4:-1], 4)
             if _lowest_body_text(page) > 0.35 and not opens[i + 1]]  # fmt: skip
    # (a tall figure that does not fit used to leave half a page blank before it)
    assert not short, f"pages ending a third or more early, mid-chapter: {short}"
