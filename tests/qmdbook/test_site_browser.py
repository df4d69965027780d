"""The engine's site in a real browser: the fixture book, served from localhost."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser import PageWatch, audit, audit_summary, check_lightbox, problems, search, serve

from qmdbook.build import build

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory, git_commit_all, browser):
    root = tmp_path_factory.mktemp("browser") / "book"
    shutil.copytree(FIXTURE, root)
    git_commit_all(root)
    build(root, ["html"], engine="builtin", log=lambda _m: None)
    site = root / "_site"
    with serve(site) as base:
        yield site, base


def test_every_page_passes_axe_at_both_widths_offline_without_errors(fixture_site, browser, axe_js):
    site, base = fixture_site
    results = audit(browser, site, base, axe_js)
    print(audit_summary(results))
    assert len(results) == 2 * len(list(site.glob("*.html")))
    assert problems(results) == []


def test_search_finds_a_phrase_in_its_named_section(fixture_site, browser):
    site, base = fixture_site
    watch = PageWatch(browser, base, 1280)
    try:
        page = watch.open("index.html")
        found = search(page, "search covered")
        assert any(
            r["title"].endswith("Search strategy") and r["chapter"].endswith("Methods")
            and re.search(r"sec-methods\.html#sec-method-search$", r["url"])
            for r in found
        ), found  # fmt: skip
        assert search(page, "zzzqqqnotaword") == []
        assert page.locator("#search-status").text_content() == "No results"
        assert watch.errors == [] and watch.failed == []
    finally:
        watch.close()


def test_the_figure_lightbox_opens_and_closes_with_escape(fixture_site, browser):
    _, base = fixture_site
    watch = PageWatch(browser, base, 1280)
    try:
        check_lightbox(watch.open("sec-results.html"))
    finally:
        watch.close()
