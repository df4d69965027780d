"""The review's web site in a real browser: every page accessible at both widths, offline and
without errors, and the reviewer's instruments doing what they claim with the right sources.

The site is the changed copy's (conftest.py), so the expected sources come from its evidence.
"""

from __future__ import annotations

import html
import re

import pytest
from browser import PageWatch, audit, audit_summary, check_lightbox, problems, search, serve

from analysis.gaps import gap_map_rows, load_gaps
from analysis.stats import coded_field, sorted_sources, sources_with


@pytest.fixture(scope="module")
def site(review, browser):
    root, ev, _ = review
    with serve(root) as base:
        yield root, base, ev


@pytest.fixture
def watch(site, browser):
    _, base, _ = site
    w = PageWatch(browser, base, 1280)
    yield w
    w.close()


def test_every_page_passes_axe_at_both_widths_offline_without_errors(site, browser, axe_js):
    root, base, _ = site
    results = audit(browser, root, base, axe_js)
    print(audit_summary(results))
    assert len(results) == 2 * len(list(root.glob("*.html"))) >= 2 * 14
    assert problems(results) == []


def _count_buttons(page) -> list[dict]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('main button.slr-count')).map(b => ({
            text: b.textContent.trim(), keys: b.dataset.keys}))"""
    )


def test_findings_numbers_are_traceable_and_open_from_the_keyboard(site, watch, axe_js):
    _, _, ev = site
    page = watch.open("sec-findings.html")
    counts = _count_buttons(page)
    assert len(counts) >= 20, f"only {len(counts)} traceable numbers in the findings"
    # "ICS/ICB central in n of N": the button names exactly the sources coded so.
    central = sources_with(ev, "ics_icb", "central")
    target = next(c for c in counts if c["keys"] == ",".join(central))
    assert target["text"].startswith(f"{len(central)} of ")
    button = page.locator(f'main button.slr-count[data-keys="{target["keys"]}"]').first
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    popover = page.locator(".slr-popover")
    listed = popover.locator("li").evaluate_all("lis => lis.map(li => li.dataset.key)")
    assert listed == central
    refs = popover.locator("a.slr-ref-link").evaluate_all("as => as.map(a => a.href)")
    assert all(re.search(r"sec-references\.html#ref-", h) for h in refs) and len(refs) == len(
        central
    )
    rows = popover.locator("a.slr-row-link").evaluate_all("as => as.map(a => a.href)")
    assert all(re.search(r"sec-app-included\.html#src-", h) for h in rows)
    assert page.evaluate("() => document.activeElement.closest('.slr-popover') !== null")
    assert watch.axe(axe_js) == []  # the open popover too
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert popover.count() == 0
    assert button.evaluate("b => b === document.activeElement"), "focus did not return"
    # Tabbing past the end of the list also closes it and returns to the count.
    page.keyboard.press("Enter")
    page.locator(".slr-popover a").last.focus()
    page.keyboard.press("Tab")
    assert button.get_attribute("aria-expanded") == "false"
    assert button.evaluate("b => b === document.activeElement")
    # A row link leads to the source's row in the sources table, marked; the row's own link
    # opens the source's card with its charting.
    button.click()
    key = central[0]
    page.locator(f'.slr-popover li[data-key="{key}"] a.slr-row-link').click()
    page.wait_for_url(re.compile(rf"sec-app-included\.html#src-{key}$"))
    row = page.locator(f'tr.slr-current[data-key="{key}"]')
    assert row.count() == 1 and row.is_visible()
    row.locator("a.slr-card-link").click()
    assert page.locator(f"#card-{key}").evaluate("d => d.open")


def test_a_gap_map_cell_lists_its_sources_and_filters_recount(site, watch, axe_js):
    _, _, ev = site
    page = watch.open("sec-gaps.html")
    grid = page.locator(".slr-gapmap-grid").first  # rows by system level
    level = coded_field(ev, "system_level")
    cells = [
        (r, c, sorted_sources(ev, keys & set(sources_with(ev, "system_level", value))))
        for r, (_, keys) in enumerate(gap_map_rows(ev, load_gaps(ev)))
        for c, value in enumerate(level.values)
    ]
    r, c, expected = next(cell for cell in cells if len(cell[2]) >= 2)
    button = grid.locator("tbody tr").nth(r).locator("td").nth(c).locator("button")
    assert button.locator(".slr-n").text_content() == str(len(expected))
    button.focus()
    page.keyboard.press("Enter")
    listed = page.locator(".slr-popover li").evaluate_all("lis => lis.map(li => li.dataset.key)")
    assert listed == expected
    assert watch.axe(axe_js) == []  # filters, grid and open list
    page.keyboard.press("Escape")
    # Filtering to peer-reviewed sources recounts the cell to those among its own.
    page.select_option("select[data-field=literature_type]", "peer_reviewed")
    peer = set(sources_with(ev, "literature_type", "peer_reviewed"))
    assert button.locator(".slr-n").text_content() == str(len(set(expected) & peer))
    status = page.locator(".slr-gapmap-status").text_content()
    assert f"Counting {len(peer)} of {len(ev.charting)} sources" in status


def test_filters_and_sorting_narrow_and_order_the_sources_table(site, watch):
    _, _, ev = site
    page = watch.open("sec-app-included.html")
    rows = page.locator("#tbl-included tbody tr")
    visible = "rows => rows.filter(r => !r.hidden).length"
    assert rows.evaluate_all(visible) == len(ev.charting)
    page.select_option("#slr-src-filter-2", "central")  # EDI
    assert rows.evaluate_all(visible) == len(sources_with(ev, "edi", "central"))
    page.select_option("#slr-src-filter-2", "")
    page.fill("#slr-src-text", "Tester")  # the source the copy added
    shown = rows.evaluate_all("rows => rows.filter(r => !r.hidden).map(r => r.dataset.key)")
    assert shown == ["addedbytest2025"]
    page.fill("#slr-src-text", "")
    year = page.locator("#tbl-included thead th").nth(1)
    year.locator("button").click()
    year.locator("button").click()
    assert year.get_attribute("aria-sort") == "descending"
    years = rows.evaluate_all("rows => rows.map(r => r.cells[1].textContent.trim())")
    dated = [int(y) for y in years if y.isdigit()]
    assert dated == sorted(dated, reverse=True) and years[-1] == "n.d."


def test_every_figure_links_its_data_and_names_its_function(site):
    root, _, _ = site
    figures = notes = 0
    for page in root.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        figures += len(re.findall(r'<div id="fig-', text))
        for href, maker in re.findall(
            r'<p class="slr-figure-source"><a href="([^"]+)" download>.*?<code>([^<]+)</code>', text
        ):
            notes += 1
            assert (root / html.unescape(href)).is_file()
            assert maker.startswith("analysis.figures.fig_")
    assert figures >= 8 and notes == figures


def test_search_finds_a_phrase_in_its_named_section(site, watch):
    root, _, _ = site
    text = (root / "sec-findings.html").read_text(encoding="utf-8")
    # The first subsection of the findings with a paragraph: its heading and five of its words.
    m = re.search(r'<h3 id="([^"]+)"[^>]*>(.*?)</h3>\s*<p>(.*?)</p>', text, re.S)
    anchor, heading, paragraph = m.groups()
    heading = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", heading))).strip()
    words = re.findall(r"[A-Za-z]{4,}", html.unescape(re.sub(r"<[^>]+>", " ", paragraph)))
    page = watch.open("index.html")
    found = search(page, " ".join(words[:5]))
    assert any(r["title"] == heading and r["url"].endswith(f"#{anchor}") for r in found), found
    assert any("Thematic findings" in r["chapter"] for r in found)


def test_the_figure_lightbox_opens_and_closes_with_escape(watch):
    check_lightbox(watch.open("sec-evidence.html"))
