"""The HTML site writer, driven with a hand-written book of the shape the engine core assembles."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from qmdbook.html import build_html
from qmdbook.meta import BookMeta, Chapter

# One document for the whole book, as the core writes it: numbered headings carry their number
# in a span, figures and tables sit in Divs with their ids, captions are already prefixed.
BOOK_MD = r"""---
title: "Leading across systems"
link-citations: true
---

# About this review {#sec-about .unnumbered}

This preface introduces the review of quokkaword evidence.

## How to read it {#sec-how-to-read .unnumbered}

Chapters follow the review questions; see [Figure 2.1](#fig-flow).

# <span class="header-section-number">1</span> Introduction {#sec-intro}

Integrated care systems need zebracorn leadership [@smith2020; @jones2019].
The flow of records is in [Figure 2.1](#fig-flow) and counts are in [Table 2.1](#tbl-counts);
results are in [Figure 3.1](#fig-results).

## <span class="header-section-number">1.1</span> Policy context {#sec-policy}

Policy changed in 2022.[^policy]

[^policy]: The Health and Care Act 2022.

### <span class="header-section-number">1.1.1</span> The Act {#sec-act}

Statutory boards were formed.

# <span class="header-section-number">2</span> Methods {#sec-methods}

We searched databases for marmaladeword studies [@smith2020].[^dbs]

[^dbs]: MEDLINE and HMIC.

::: {#fig-flow}
![Figure 2.1: Flow of records through the review](figs/flow.png){alt="Flow diagram of records"}
:::

::: {#tbl-counts}
| Source | Records |
|--------|--------:|
| MEDLINE | 120 |
| HMIC | 45 |

: Table 2.1: Records by source
:::

::: {.callout .callout-note}
::: callout-title
Note
:::
Screening was done in duplicate.
:::

The effect size is $d = \frac{a}{b}$.

```python
print("hello")
```

# <span class="header-section-number">3</span> Results {#sec-results}

Results mention pineappleword findings; methods are in [Section 2](#sec-methods).

![Figure 3.1: Sources by year](figs/flow.png){#fig-results alt="Bar chart of sources"}

Back to [Table 2.1](#tbl-counts) and to [the preface](#sec-how-to-read).

# References {#sec-references .unnumbered}

::: {#refs}
:::

# <span class="header-section-number">A</span> Search strategy {#sec-search}

The search string used kiwiword terms [@jones2019].
"""

BIB = """
@article{smith2020,
  author = {Smith, Jane and Patel, Ravi},
  title = {Leading integrated care systems},
  journal = {BMJ Leader},
  year = {2020},
  volume = {4},
  pages = {1--9},
  doi = {10.1136/leader-2020-000001}
}
@book{jones2019,
  author = {Jones, Bob},
  title = {Systems leadership in practice},
  publisher = {The King's Fund},
  year = {2019}
}
"""

CHAPTERS = (
    Chapter("index.qmd", "sec-about", "About this review", None),
    Chapter("report/introduction.qmd", "sec-intro", "Introduction", "1", part="Background"),
    Chapter("report/methods.qmd", "sec-methods", "Methods", "2", part="Background"),
    Chapter("report/results.qmd", "sec-results", "Results", "3", part="Findings"),
    Chapter("report/references.qmd", "sec-references", "References", None),
    Chapter("report/search.qmd", "sec-search", "Search strategy", "A", appendix=True),
)

CHAPTER_PAGES = [
    "sec-intro.html",
    "sec-methods.html",
    "sec-results.html",
    "sec-references.html",
    "sec-search.html",
]
UNIQUE_WORDS = {
    "index.html": "quokkaword",
    "sec-intro.html": "zebracorn",
    "sec-methods.html": "marmaladeword",
    "sec-results.html": "pineappleword",
    "sec-search.html": "kiwiword",
}


def make_meta(downloads: dict[str, str] | None = None) -> BookMeta:
    return BookMeta(
        title="Leading across systems",
        subtitle="A rapid scoping review",
        authors=("Ada Lovelace", "Mary Seacole"),
        organisation="Example Observatory",
        date="2024-03-05",
        version="1.2.0",
        license="CC BY 4.0",
        chapters=CHAPTERS,
        downloads=downloads if downloads is not None else {"pdf": "review.pdf"},
    )


def write_sources(src: Path) -> tuple[Path, list[str]]:
    src.mkdir(parents=True, exist_ok=True)
    (src / "book.md").write_text(BOOK_MD, encoding="utf-8")
    (src / "refs.bib").write_text(BIB, encoding="utf-8")
    (src / "figs").mkdir(exist_ok=True)
    # A tiny valid PNG (1x1 pixel): the writer only copies it.
    (src / "figs" / "flow.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )
    # The project's own APA style: a test needs no package beyond the locked dependencies.
    csl = Path(__file__).resolve().parents[2] / "references" / "style.csl"
    shutil.copyfile(csl, src / "style.csl")
    args = [
        "-f",
        "markdown",
        "--citeproc",
        f"--bibliography={src / 'refs.bib'}",
        f"--csl={src / 'style.csl'}",
        f"--resource-path={src}",
    ]
    return src / "book.md", args


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("html")
    book_md, args = write_sources(root / "src")
    out = root / "site"
    build_html(book_md, out, make_meta(), args)
    return out


# --------------------------------------------------------------------------------------------
# A small HTML reader for the assertions


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, dict[str, str]]] = []  # (tag, attrs) with href or src
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: dict[str, str] = {}
        self._script_id: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if "href" in a or "src" in a:
            self.links.append((tag, a))
        if tag == "script":
            self._script_id = a.get("id", "")
            self.scripts.setdefault(self._script_id, "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_id = None

    def handle_data(self, data):
        if self._script_id is not None:
            self.scripts[self._script_id] += data


def parse(path: Path) -> PageParser:
    p = PageParser()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def html_pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


# --------------------------------------------------------------------------------------------


def test_one_page_per_chapter_and_an_index(site: Path) -> None:
    names = sorted(p.name for p in html_pages(site))
    assert names == sorted(["index.html", *CHAPTER_PAGES])


def test_index_is_the_title_page_with_the_preface(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    for expected in (
        "Leading across systems",
        "A rapid scoping review",
        "Ada Lovelace",
        "Mary Seacole",
        "Example Observatory",
        '<time datetime="2024-03-05">5 March 2024</time>',
        "1.2.0",
        "quokkaword",
        'id="sec-how-to-read"',
    ):
        assert expected in text, expected
    # One h1 (the book title); the preface's own headings moved down a level.
    assert len(re.findall(r"<h1\b", text)) == 1
    assert re.search(r'<h2 [^>]*id="sec-about"', text)


def test_every_page_has_the_full_sidebar_with_current_page_marked(site: Path) -> None:
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        nav = text[text.index('<nav id="sidebar"') : text.index("</nav>", text.index("sidebar"))]
        for ch in CHAPTERS:
            assert ch.title in nav, (page.name, ch.title)
        for part in ("Background", "Findings", "Appendices"):
            assert f">{part}</span>" in nav
        hrefs = re.findall(r'<a href="([^"]+)"', nav)
        assert hrefs[: len(CHAPTER_PAGES) + 1] == ["index.html", *CHAPTER_PAGES]
        current = re.findall(r'<a href="([^"]+)" aria-current="page"', nav)
        assert current == [page.name]
        assert '<span class="chapter-number">A</span>' in nav
        assert 'id="search-input"' in nav


def test_landmarks_skip_link_and_toggle(site: Path) -> None:
    for page in html_pages(site):
        p = parse(page)
        tags = [t for t, _ in p.tags]
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in tags, (page.name, landmark)
        skip = [a for t, a in p.tags if t == "a" and "skip-link" in a.get("class", "")]
        assert skip and skip[0]["href"] == "#main-content" and "main-content" in p.ids
        toggle = [a for t, a in p.tags if t == "button" and "sidebar-toggle" in a.get("class", "")]
        assert toggle[0]["aria-expanded"] == "false"
        assert toggle[0]["aria-controls"] == "sidebar"
        assert 'class="toggle-label">Contents<' in page.read_text(encoding="utf-8")
        langs = [a.get("lang") for t, a in p.tags if t == "html"]
        assert langs == ["en-GB"]


def test_on_this_page_lists_the_sections(site: Path) -> None:
    text = (site / "sec-intro.html").read_text(encoding="utf-8")
    aside = text[text.index('<aside class="page-toc"') : text.index("</aside>")]
    assert 'href="#sec-policy"' in aside and "1.1 Policy context" in aside
    assert 'href="#sec-act"' in aside
    # A page without h2/h3 has no empty complementary landmark.
    assert "<aside" not in (site / "sec-search.html").read_text(encoding="utf-8")


def test_previous_and_next_links(site: Path) -> None:
    order = ["index.html", *CHAPTER_PAGES]
    for i, name in enumerate(order):
        text = (site / name).read_text(encoding="utf-8")
        prev = re.search(r'class="page-nav-prev" href="([^"]+)"', text)
        nxt = re.search(r'class="page-nav-next" href="([^"]+)"', text)
        assert (prev.group(1) if prev else None) == (order[i - 1] if i else None)
        assert (nxt.group(1) if nxt else None) == (order[i + 1] if i + 1 < len(order) else None)


def test_search_index_is_a_pagefind_bundle_over_every_page(site: Path) -> None:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language,) = entry["languages"].values()  # the book's language (en-GB): one index
    assert language["page_count"] == len(list(site.glob("*.html")))
    assert (site / "pagefind" / "pagefind.js").is_file()
    # Only the main content is indexed: every page marks it, and nothing else, as the body.
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert text.count("data-pagefind-body") == 1
        assert re.search(r"<main\b[^>]*data-pagefind-body", text)
    assert not (site / "search-index.js").exists()


def test_internal_links_resolve_to_an_existing_page_and_id(site: Path) -> None:
    pages = {p.name: parse(p) for p in html_pages(site)}
    checked = 0
    for name, p in pages.items():
        for _tag, attrs in p.links:
            href = attrs.get("href") or attrs.get("src")
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target = parts.path or name
            if target == "review.pdf":
                continue  # the download is built by another writer
            assert (site / unquote(target)).is_file(), (name, href)
            if parts.fragment:
                assert target in pages, (name, href)
                assert unquote(parts.fragment) in pages[target].ids, (name, href)
            checked += 1
    assert checked > 50
    # Footnote ids repeat from page to page (fn1): each page's notes link within the page.
    methods = (site / "sec-methods.html").read_text(encoding="utf-8")
    assert 'href="#fn1"' in methods and 'href="#fnref1"' in methods
    # The links the book depends on: across pages to a figure in a Div, a figure whose id sits
    # on <figure> itself (pandoc does not map those), a table, references and the preface.
    intro = (site / "sec-intro.html").read_text(encoding="utf-8")
    assert 'href="sec-methods.html#fig-flow"' in intro
    assert 'href="sec-results.html#fig-results"' in intro
    assert 'href="sec-methods.html#tbl-counts"' in intro
    assert 'href="sec-references.html#ref-smith2020"' in intro
    results = (site / "sec-results.html").read_text(encoding="utf-8")
    assert 'href="index.html#sec-how-to-read"' in results


def test_no_external_assets(site: Path) -> None:
    for page in html_pages(site):
        for tag, attrs in parse(page).links:
            url = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
            if url:
                assert not re.match(r"(https?:)?//", url), (page.name, tag, url)
    css = (site / "assets" / "book.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css
    js = (site / "assets" / "book.js").read_text(encoding="utf-8")
    assert not re.search(r"https?://", js)


def test_citation_previews_are_embedded(site: Path) -> None:
    for name, keys in {
        "sec-intro.html": {"ref-smith2020", "ref-jones2019"},
        "sec-methods.html": {"ref-smith2020"},
        "sec-search.html": {"ref-jones2019"},
    }.items():
        data = json.loads(parse(site / name).scripts["qmdbook-refs"])
        assert set(data) == keys
    data = json.loads(parse(site / "sec-intro.html").scripts["qmdbook-refs"])
    assert "Leading integrated care systems" in data["ref-smith2020"]
    assert "<a" not in data["ref-smith2020"]
    assert "qmdbook-refs" not in parse(site / "sec-results.html").scripts


def test_images_are_inside_the_site(site: Path) -> None:
    for page in html_pages(site):
        for tag, attrs in parse(page).links:
            if tag == "img":
                assert (site / attrs["src"]).is_file()
                assert ".." not in attrs["src"]


def test_tables_scroll_in_a_labelled_focusable_region(site: Path) -> None:
    text = (site / "sec-methods.html").read_text(encoding="utf-8")
    assert (
        '<div class="table-wrap" role="region" tabindex="0" '
        'aria-label="Table 2.1: Records by source"><table' in text
    )
    assert '<pre tabindex="0"' in text
    assert "<math" in text  # MathML, no script needed


def test_downloads_only_when_given(tmp_path: Path) -> None:
    book_md, args = write_sources(tmp_path / "src")
    build_html(book_md, tmp_path / "none", make_meta(downloads={}), args)
    build_html(book_md, tmp_path / "both", make_meta({"pdf": "r.pdf", "docx": "r.docx"}), args)
    for page in html_pages(tmp_path / "none"):
        assert "Download" not in page.read_text(encoding="utf-8")
    for page in html_pages(tmp_path / "both"):
        text = page.read_text(encoding="utf-8")
        assert 'href="r.pdf" download>Download PDF<' in text
        assert 'href="r.docx" download>Download DOCX<' in text


def test_builds_are_byte_identical_and_stay_inside_out_dir(tmp_path: Path) -> None:
    book_md, args = write_sources(tmp_path / "src")
    out_a = tmp_path / "a"
    out_b = tmp_path / "nested" / "b"
    out_b.mkdir(parents=True)
    (out_b / "keep.txt").write_text("not ours", encoding="utf-8")
    before = sorted(p for p in tmp_path.rglob("*"))
    files_a = build_html(book_md, out_a, make_meta(), args)
    files_b = build_html(book_md, out_b, make_meta(), args)
    rel_a = [p.relative_to(out_a) for p in files_a]
    rel_b = [p.relative_to(out_b) for p in files_b]
    assert rel_a == rel_b and rel_a == sorted(rel_a)
    for rel in rel_a:
        assert (out_a / rel).read_bytes() == (out_b / rel).read_bytes(), rel
    assert (out_b / "keep.txt").read_text(encoding="utf-8") == "not ours"
    after = sorted(p for p in tmp_path.rglob("*"))
    new = [p for p in after if p not in before]
    assert all(out_a in p.parents or p == out_a or out_b in p.parents for p in new), new
    assert not any("stage" in p.name for p in after)


def test_images_outside_the_resource_tree_are_copied_in(tmp_path: Path) -> None:
    book_md, args = write_sources(tmp_path / "src")
    outside = tmp_path / "elsewhere.png"
    shutil.copyfile(tmp_path / "src" / "figs" / "flow.png", outside)
    text = book_md.read_text(encoding="utf-8").replace(
        "# References", f"![Absolute]({outside}){{alt=abs}}\n\n# References"
    )
    book_md.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    files = build_html(book_md, out, make_meta(), args)
    page = (out / "sec-results.html").read_text(encoding="utf-8")
    src = re.search(r'<img src="(media/elsewhere-[0-9a-f]{10}\.png)" alt="abs"', page)
    assert src and (out / src.group(1)).is_file() and out / src.group(1) in files


def test_assets_are_well_formed() -> None:
    assets = Path(__file__).parents[2] / "qmdbook" / "assets"
    css = (assets / "book.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    depth = 0
    for ch in css:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    node = shutil.which("node")
    if node:
        check = subprocess.run([node, "--check", str(assets / "book.js")], capture_output=True)
        assert check.returncode == 0, check.stderr


def test_book_without_preface_parts_or_chapter_list(tmp_path: Path) -> None:
    """Pages the chapter list does not name still get a sidebar entry from their heading."""
    src = tmp_path / "book.md"
    src.write_text(
        '# <span class="header-section-number">1</span> First {#sec-first}\n\nOne.\n\n'
        '# <span class="header-section-number">2</span> Second {#sec-second}\n\n'
        "See [first](#sec-first).\n",
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build_html(src, out, BookMeta(title="Tiny"), ["-f", "markdown"])
    assert sorted(p.name for p in html_pages(out)) == [
        "index.html",
        "sec-first.html",
        "sec-second.html",
    ]
    second = (out / "sec-second.html").read_text(encoding="utf-8")
    assert (
        '<span class="chapter-number">1</span> <span class="chapter-title">First</span>' in second
    )
    assert 'href="sec-second.html" aria-current="page"' in second
    assert 'href="sec-first.html#sec-first"' in second
    assert "data-number" not in second
    assert "Download" not in second
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="book-title">Tiny</h1>' in index
    assert 'class="page-nav-next" href="sec-first.html"' in index
