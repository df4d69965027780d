"""format.html's includes, counts that name their sources, and linked data files in the site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_html import make_meta, parse, write_sources

from qmdbook.html import HtmlBuildError, build_html

COUNT = '[2 of 3 (67%)]{.slr-count data-keys="smith2020,jones2019"}'


def _build(tmp_path: Path, extra_md: str = "", options: dict | None = None) -> Path:
    book_md, args = write_sources(tmp_path / "src")
    text = book_md.read_text(encoding="utf-8")
    # The counted sources are cited nowhere else on the Methods page.
    text = text.replace("# <span class=\"header-section-number\">2</span> Methods {#sec-methods}",
                        "# <span class=\"header-section-number\">2</span> Methods {#sec-methods}"
                        f"\n\nTwo sources, {COUNT}, did so.{extra_md}\n")  # fmt: skip
    book_md.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    build_html(book_md, out, make_meta(), args, options, tmp_path / "src")
    return out


def test_css_and_after_body_files_reach_every_page(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "extra.css").write_text(".slr-count { color: red; }\n", encoding="utf-8")
    (src / "after.html").write_text("<script>window.afterBody = 1;</script>\n", encoding="utf-8")
    site = _build(tmp_path, options={"css": ["extra.css"], "include-after-body": "after.html"})
    assert (site / "assets" / "extra.css").is_file()
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "window.afterBody = 1;" in text, page.name
        head = text[: text.index("</head>")]
        # after the engine's own stylesheet, so the book's rules win
        assert head.index("assets/book.css") < head.index('href="assets/extra.css"')


def test_the_books_favicon_replaces_the_engines(tmp_path: Path) -> None:
    import dataclasses

    from qmdbook.html import site_includes

    src = tmp_path / "src"
    src.mkdir()
    (src / "icon.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    book_md, args = write_sources(src)
    meta = dataclasses.replace(make_meta(), favicon="icon.png")
    assert site_includes({}, src, "icon.png").favicon == (src / "icon.png").resolve()
    build_html(book_md, tmp_path / "site", meta, args, {}, src)
    text = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert text.count('rel="icon"') == 1
    assert '<link rel="icon" href="assets/icon.png" type="image/png">' in text
    assert (tmp_path / "site" / "assets" / "icon.png").is_file()


def test_a_missing_include_is_an_error_naming_the_option(tmp_path: Path) -> None:
    with pytest.raises(HtmlBuildError, match=r"format\.html\.css: nowhere\.css not found"):
        _build(tmp_path, options={"css": "nowhere.css"})


def test_a_count_span_keeps_its_keys_and_the_page_knows_where_they_are(tmp_path: Path) -> None:
    site = _build(tmp_path)
    text = (site / "sec-methods.html").read_text(encoding="utf-8")
    span = re.search(r'<span class="slr-count" data-keys="([^"]*)">([^<]*)</span>', text)
    assert span and span.groups() == ("smith2020,jones2019", "2 of 3 (67%)")
    scripts = parse(site / "sec-methods.html").scripts
    refs = json.loads(scripts["qmdbook-refs"])
    assert {"ref-smith2020", "ref-jones2019"} <= set(refs)
    assert "Leading integrated care systems" in refs["ref-smith2020"]
    targets = json.loads(scripts["qmdbook-targets"])
    assert targets == {
        "ref-jones2019": "sec-references.html",
        "ref-smith2020": "sec-references.html",
    }


def test_a_linked_data_file_is_copied_into_the_site(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "data").mkdir(parents=True)
    (src / "data" / "fig-flow.csv").write_text("n\n1\n", encoding="utf-8")
    site = _build(tmp_path, '\n\n```{=html}\n<a href="data/fig-flow.csv" download>CSV</a>\n```')
    text = (site / "sec-methods.html").read_text(encoding="utf-8")
    assert '<a href="files/fig-flow.csv" download>' in text
    assert (site / "files" / "fig-flow.csv").read_text(encoding="utf-8") == "n\n1\n"
