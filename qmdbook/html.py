"""The HTML web site: one page per chapter, with sidebar, page contents, search and tooltips.

Pandoc's `chunkedhtml` writer splits the assembled book into pages and rewrites most links
between them. Everything a Quarto reader expects beyond that (the sidebar on every page, the
"on this page" list, previous/next links, search, citation previews, a title page) is added here
by editing pandoc's output, which is regular enough for exact string edits.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import mimetypes
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .config import part_page_id
from .html_scan import Heading, csl_entries, scan, squash
from .meta import BookMeta, Chapter
from .tools import run_pandoc

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).parent
TEMPLATE = PACKAGE / "templates" / "html" / "book.html"
ASSETS = PACKAGE / "assets"
ASSET_FILES = ("book.css", "book.js", "favicon.svg")
DEFAULT_ICON = '<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">'  # the template's

DOWNLOAD_LABELS = {"pdf": "PDF", "docx": "DOCX", "epub": "EPUB"}  # also the order shown
MONTHS = (
    "January February March April May June July August September October November December"
).split()

_BODY = re.compile(r"<!--qmdbook:body-start-->\n?(.*?)<!--qmdbook:body-end-->", re.S)
_HREF = re.compile(r'(\shref=")([^"]*)(")')
_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]*)(")')
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")
_PRE = re.compile(r"<pre\b(?![^>]*\btabindex=)")
_DATA_NUMBER = re.compile(r'(?<=<h[1-6]) data-number="[^"]*"|(?<=<section) data-number="[^"]*"')
_REF_LINK = re.compile(r'href="[^"]*#(ref-[^"]+)"')
_CITES = re.compile(r'<span class="citation" data-cites="([^"]*)"')
# Counts that name the sources they count (see analysis/counted.py): `data-keys="a,b"`.
_DATA_KEYS = re.compile(r'\sdata-keys="([^"]*)"')


class HtmlBuildError(RuntimeError):
    """The site could not be written."""


@dataclass
class Page:
    """One HTML file of the site."""

    path: str  # file name relative to the site root, e.g. "sec-methods.html"
    body: str
    chapter_id: str = ""  # id of the chapter heading the page opens with; "" for the title page
    number: str = ""
    title: str = ""  # plain text, without the number
    part: str | None = None
    appendix: bool = False
    part_page: bool = False  # the page of a part file's text, linked from the part's name
    ids: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


def build_html(
    book_md: Path,
    out_dir: Path,
    meta: BookMeta,
    pandoc_args: list[str],
    options: dict | None = None,
    root: Path | None = None,
) -> list[Path]:
    """Render `book_md` as a multi-page site in `out_dir`; return every file written, sorted.

    `pandoc_args` are the engine's arguments for reading `book_md` (the shared pass's AST and
    the format filters, or in one pass the whole filter chain); the HTML writer's own are
    added here. `options` are format.html's from _quarto.yml,
    whose files (`css`, `include-after-body`, ...) are found from `root`. Nothing is written
    outside `out_dir`.
    """
    includes = site_includes(options or {}, Path(root or Path.cwd()), meta.favicon)
    book_md = Path(book_md).resolve()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    # chunkedhtml refuses to write into an existing directory, so pandoc writes a fresh one
    # inside out_dir and the finished files are moved up.
    # The name has no dot: pandoc writes a zip file, not a directory, for a name with an extension.
    stage = out_dir / "_qmdbook_html_stage"
    _remove(stage)
    try:
        run_pandoc(
            [
                str(book_md),
                *pandoc_args,
                "-t",
                "chunkedhtml",
                "--split-level=1",
                "--chunk-template=%i.html",
                f"--template={TEMPLATE}",
                "--mathml",
                "--wrap=none",
                "-V",
                f"lang={meta.lang}",
                "-M",
                f"title={meta.title}",
                *includes.pandoc_args,
                "-o",
                str(stage),
            ]
        )
        return _finish(stage, out_dir, meta, book_md, pandoc_args, includes)
    finally:
        _remove(stage)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


# --------------------------------------------------------------------------------------------
# Assembling the site from pandoc's chunks


@dataclass
class SiteIncludes:
    """format.html's include options, as Quarto reads them: files relative to the project."""

    css: list[Path] = field(default_factory=list)
    pandoc_args: list[str] = field(default_factory=list)
    favicon: Path | None = None  # book.favicon; else the engine's own


_INCLUDE_OPTIONS = ("include-in-header", "include-before-body", "include-after-body")


def site_includes(options: dict, root: Path, favicon: str = "") -> SiteIncludes:
    found = SiteIncludes()
    if favicon:
        found.favicon = (root / favicon).resolve()
        if not found.favicon.is_file():
            raise HtmlBuildError(f"_quarto.yml: book.favicon: {favicon} not found")

    def files(key: str) -> list[Path]:
        value = options.get(key) or []
        paths = []
        for item in value if isinstance(value, list) else [value]:
            name = item.get("file") if isinstance(item, dict) else item
            path = (root / str(name)).resolve()
            if not path.is_file():
                raise HtmlBuildError(f"_quarto.yml: format.html.{key}: {name} not found")
            paths.append(path)
        return paths

    found.css = files("css")
    for key in _INCLUDE_OPTIONS:
        found.pandoc_args += [f"--{key}={path}" for path in files(key)]
    return found


def _finish(
    stage: Path,
    out_dir: Path,
    meta: BookMeta,
    book_md: Path,
    pandoc_args: list[str],
    includes: SiteIncludes | None = None,
) -> list[Path]:
    includes = includes or SiteIncludes()
    sitemap = json.loads((stage / "sitemap.json").read_text(encoding="utf-8"))
    pages = _read_pages(stage, sitemap, meta)
    _merge_preface(pages, stage)

    for page in pages:
        info = scan(page.body)
        page.ids = info.ids
        page.headings = info.headings
    id_to_page = _id_map(pages)

    written: list[Path] = []
    # Files pandoc copied (images) move into the site; its HTML is replaced below.
    for src in sorted(stage.rglob("*")):
        rel = src.relative_to(stage)
        if src.is_dir() or rel.suffix == ".html":
            continue
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(src), dest)
        written.append(dest)

    resource_dirs = _resource_dirs(book_md, pandoc_args)
    broken: list[str] = []
    for page in pages:
        page.body = _fix_links(page, id_to_page, broken)
        page.body = _localise_images(page.body, out_dir, resource_dirs, written)
        page.body = _localise_files(page.body, out_dir, resource_dirs, written)
        page.body = _wrap_tables(page.body)
        page.body = _PRE.sub('<pre tabindex="0"', page.body)
        # pandoc's own section counter, which disagrees with the book's numbers (appendices).
        page.body = _DATA_NUMBER.sub("", page.body)
    if broken:
        log.warning("HTML: %d link(s) to missing ids: %s", len(broken), ", ".join(sorted(broken)))

    refs: dict[str, str] = {}
    for page in pages:
        refs.update(csl_entries(page.body))

    css_links = "".join(
        f'\n<link rel="stylesheet" href="assets/{_url(p.name)}">' for p in includes.css
    )
    template = (stage / "index.html").read_text(encoding="utf-8")
    # After the engine's stylesheet, so that the book's own rules win, as in Quarto.
    template = template.replace("</head>", css_links.lstrip("\n") + "\n</head>", 1)
    if includes.favicon is not None:  # the book's icon instead of the engine's
        kind = mimetypes.guess_type(includes.favicon.name)[0] or "image/x-icon"
        template = template.replace(
            DEFAULT_ICON,
            f'<link rel="icon" href="assets/{_url(includes.favicon.name)}" type="{kind}">',
            1,
        )
    for i, page in enumerate(pages):
        prev_page = pages[i - 1] if i > 0 else None
        next_page = pages[i + 1] if i + 1 < len(pages) else None
        text = _render_page(template, page, pages, meta, refs, prev_page, next_page, id_to_page)
        dest = out_dir / page.path
        dest.write_text(text, encoding="utf-8")
        written.append(dest)

    assets = out_dir / "assets"
    assets.mkdir(exist_ok=True)
    extra = [*includes.css, *([includes.favicon] if includes.favicon else [])]
    for source in [*(ASSETS / name for name in ASSET_FILES), *extra]:
        dest = assets / source.name
        shutil.copyfile(source, dest)
        written.append(dest)
    written += write_search_index(out_dir, meta)
    return sorted(set(written))


def _read_pages(stage: Path, sitemap: dict, meta: BookMeta) -> list[Page]:
    chapters = {c.id: c for c in meta.chapters}
    parts = {part_page_id(c.part): c.part for c in meta.chapters if c.part}
    pages = [Page("index.html", _body_of(stage / "index.html"))]
    seen = {"index.html"}
    for node in sitemap.get("subsections", []):
        sec = node["section"]
        path = sec["path"].split("#", 1)[0]
        if path in seen:
            continue
        seen.add(path)
        page = Page(path, _body_of(stage / path), chapter_id=sec["id"])
        ch: Chapter | None = chapters.get(sec["id"])
        if ch is not None:
            page.number = ch.number or ""
            page.title = ch.title
            page.part = ch.part
            page.appendix = ch.appendix
        else:
            # Not in the book's chapter list (a page the engine added): take the number and
            # title from the heading itself.
            h1 = next((h for h in scan(page.body).headings if h.level == 1), None)
            text = h1.text if h1 else sec["title"]
            page.number = h1.number if h1 else ""
            page.title = text[len(page.number) :].strip() if page.number else text
            if sec["id"] in parts:
                page.part, page.part_page = parts[sec["id"]], True
        pages.append(page)
    known = {p.chapter_id for p in pages}
    missing = [c.id for c in meta.chapters if c.id not in known]
    if missing:
        log.warning("HTML: chapters without a page (no level-1 heading with that id): %s", missing)
    return pages


def _body_of(path: Path) -> str:
    m = _BODY.search(path.read_text(encoding="utf-8"))
    if m is None:
        raise HtmlBuildError(f"{path.name}: template markers missing from pandoc output")
    return m.group(1)


def _merge_preface(pages: list[Page], stage: Path) -> None:
    """Put an unnumbered first chapter (the book's index.qmd) on the title page, as Quarto does."""
    if len(pages) < 2 or pages[1].number or pages[1].part_page:
        return
    preface = pages.pop(1)
    # Its headings drop one level: the title page's h1 is the book title.
    body = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", preface.body)
    pages[0].body = body + pages[0].body
    pages[0].chapter_id = preface.chapter_id
    pages[0].title = preface.title
    (stage / preface.path).unlink(missing_ok=True)


def _id_map(pages: list[Page]) -> dict[str, str]:
    where: dict[str, str] = {}
    for page in pages:
        for i in page.ids:
            # chunkedhtml numbers footnotes per page, so fn1/fnref1 repeat by design.
            if (
                i in where
                and where[i] != page.path
                and not re.fullmatch(r"footnotes|fn(ref)?\d+", i)
            ):
                log.warning("HTML: id %r on both %s and %s", i, where[i], page.path)
            where.setdefault(i, page.path)
    return where


def _fix_links(page: Page, id_to_page: dict[str, str], broken: list[str]) -> str:
    """Point every internal link at the page that holds its target id.

    chunkedhtml maps section ids to pages but not ids on other elements (a figure's id on
    <figure>, a table's, a reference entry's when written outside a section), so links are
    recomputed from the ids actually present in each page.
    """
    page_names = set(id_to_page.values()) | {page.path}
    own = set(page.ids)

    def fix(m: re.Match) -> str:
        href = html.unescape(m.group(2))
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return m.group(0)
        target_page = parts.path
        if target_page and (target_page not in page_names and not target_page.endswith(".html")):
            return m.group(0)  # a download or other file
        frag = unquote(parts.fragment)
        if not frag:
            if target_page.endswith(".html") and target_page not in page_names:
                # A link to a page that was merged away (the preface) goes to the title page.
                return f"{m.group(1)}index.html{m.group(3)}"
            return m.group(0)
        if frag in own and target_page in ("", page.path):
            return m.group(0)
        dest = id_to_page.get(frag)
        if dest is None:
            broken.append(f"{page.path}→#{frag}")
            return m.group(0)
        new = f"#{frag}" if dest == page.path else f"{quote(dest)}#{frag}"
        return f"{m.group(1)}{html.escape(new)}{m.group(3)}"

    return _HREF.sub(fix, page.body)


def _resource_dirs(book_md: Path, pandoc_args: list[str]) -> list[Path]:
    dirs: list[Path] = []
    for i, arg in enumerate(pandoc_args):
        value = None
        if arg.startswith("--resource-path="):
            value = arg.split("=", 1)[1]
        elif arg == "--resource-path" and i + 1 < len(pandoc_args):
            value = pandoc_args[i + 1]
        if value:
            dirs += [Path(p) for p in re.split(r"[:;]", value) if p]
    # pandoc's own lookup order: the resource path (default: the working directory).
    return [*(dirs or [Path.cwd()]), book_md.parent]


def _localise_images(body: str, out_dir: Path, dirs: list[Path], written: list[Path]) -> str:
    """Copy images pandoc left outside the site (absolute or `../` paths) into `media/`."""

    def fix(m: re.Match) -> str:
        src = html.unescape(m.group(2))
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return m.group(0)
        rel = Path(unquote(parts.path))
        if not rel.is_absolute() and ".." not in rel.parts and (out_dir / rel).is_file():
            return m.group(0)
        found = next(
            (p for p in ([rel] if rel.is_absolute() else [d / rel for d in dirs]) if p.is_file()),
            None,
        )
        if found is None:
            log.warning("HTML: image not found: %s", src)
            return m.group(0)
        data = found.read_bytes()
        name = f"{found.stem}-{hashlib.sha256(data).hexdigest()[:10]}{found.suffix}"
        dest = out_dir / "media" / name
        dest.parent.mkdir(exist_ok=True)
        dest.write_bytes(data)
        written.append(dest)
        return f"{m.group(1)}media/{html.escape(name)}{m.group(3)}"

    return _SRC.sub(fix, body)


_FILE_LINK = re.compile(r'(<a\b[^>]*?\shref=")([^"#?]+\.(?:csv|tsv|json|txt|zip))(")')


def _localise_files(body: str, out_dir: Path, dirs: list[Path], written: list[Path]) -> str:
    """Copy data files the pages link to (a figure's CSV) into `files/`, as Quarto copies a
    linked resource into its site."""

    def fix(m: re.Match) -> str:
        rel = Path(unquote(html.unescape(m.group(2))))
        if urlsplit(m.group(2)).scheme or (not rel.is_absolute() and (out_dir / rel).is_file()):
            return m.group(0)
        candidates = [rel] if rel.is_absolute() else [d / rel for d in dirs]
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            log.warning("HTML: linked file not found: %s", m.group(2))
            return m.group(0)
        dest = out_dir / "files" / found.name
        dest.parent.mkdir(exist_ok=True)
        shutil.copyfile(found, dest)
        written.append(dest)
        return f"{m.group(1)}files/{html.escape(quote(found.name))}{m.group(3)}"

    return _FILE_LINK.sub(fix, body)


def _wrap_tables(body: str) -> str:
    """Let wide tables scroll on narrow screens inside a focusable, labelled region."""

    def wrap(m: re.Match) -> str:
        cap = _CAPTION.search(m.group(0))
        label = squash(re.sub(r"<[^>]+>", "", cap.group(1))) if cap else "Table"
        label = html.escape(html.unescape(label))
        return (
            f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">'
            f"{m.group(0)}</div>"
        )

    return _TABLE.sub(wrap, body)


# --------------------------------------------------------------------------------------------
# Page furniture


def _render_page(
    template: str,
    page: Page,
    pages: list[Page],
    meta: BookMeta,
    refs: dict[str, str],
    prev_page: Page | None,
    next_page: Page | None,
    id_to_page: dict[str, str] | None = None,
) -> str:
    is_index = page.path == "index.html"
    title = meta.title if is_index else f"{page.label} – {meta.title}"
    head = f"<title>{html.escape(title)}</title>"
    if meta.description:
        head += f'\n<meta name="description" content="{html.escape(meta.description)}">'
    if meta.authors:
        head += f'\n<meta name="author" content="{html.escape(", ".join(meta.authors))}">'
    if meta.date:
        head += f'\n<meta name="dcterms.date" content="{html.escape(meta.date)}">'
    text = _BODY.sub(lambda _: page.body, template, count=1)
    pieces = {
        "head": head,
        "banner": f'<a class="site-title" href="index.html">{html.escape(meta.title)}</a>',
        "sidebar": _sidebar(page, pages, meta),
        "titleblock": _title_block(meta) if is_index else "",
        "pagenav": _page_nav(prev_page, next_page, meta),
        "pagetoc": _page_toc(page),
        "footer": _footer(meta),
        "data": _refs_data(page, refs, id_to_page or {}),
    }
    for key, value in pieces.items():
        text = text.replace(f"<!--qmdbook:{key}-->", value, 1)
    return text


def _sidebar(current: Page, pages: list[Page], meta: BookMeta) -> str:
    out = [
        '<div class="search" role="search">',
        '<label for="search-input" class="search-label">Search this book</label>',
        '<input id="search-input" class="search-input" type="search" autocomplete="off" '
        'spellcheck="false" aria-controls="search-results" aria-describedby="search-status">',
        '<p id="search-status" class="search-status" aria-live="polite"></p>',
        '<ul id="search-results" class="search-results" hidden></ul>',
        "</div>",
    ]
    out.append(_downloads(meta))
    out.append('<ul class="toc">')
    group: str | None = None
    n_groups = 0
    for page in pages:
        if page.path == "index.html" and not page.chapter_id:
            continue  # without a preface the title page is reached through the banner
        label = page.part or ("Appendices" if page.appendix else None)
        if label != group:
            if group is not None:
                out.append("</ul></li>")
            if label is not None:
                n_groups += 1
                gid = f"toc-group-{n_groups}"
                title = f'<span class="toc-part-title" id="{gid}">{html.escape(label)}</span>'
                if page.part_page:  # the part's name opens the page of its text
                    here = ' aria-current="page"' if page is current else ""
                    title = (
                        f'<a class="toc-part-title" id="{gid}" href="{_url(page.path)}"{here}>'
                        f"{html.escape(label)}</a>"
                    )
                out.append(f'<li class="toc-part">{title}<ul aria-labelledby="{gid}">')
            group = label
        if page.part_page:
            continue
        current_attr = ' aria-current="page"' if page is current else ""
        number = (
            f'<span class="chapter-number">{html.escape(page.number)}</span> '
            if page.number
            else ""
        )
        out.append(
            f'<li class="toc-chapter"><a href="{_url(page.path)}"{current_attr}>{number}'
            f'<span class="chapter-title">{html.escape(page.title)}</span></a></li>'
        )
    if group is not None:
        out.append("</ul></li>")
    out.append("</ul>")
    return "\n".join(x for x in out if x)


def _url(path: str) -> str:
    return html.escape(quote(path))


def _downloads(meta: BookMeta, css_class: str = "downloads") -> str:
    if not meta.downloads:
        return ""
    items = []
    order = list(DOWNLOAD_LABELS)
    ranked = sorted(
        meta.downloads.items(),
        key=lambda kv: (order.index(kv[0].lower()) if kv[0].lower() in order else len(order), kv),
    )
    for fmt, file in ranked:
        label = DOWNLOAD_LABELS.get(fmt.lower(), fmt.upper())
        items.append(
            f'<li><a class="download download-{html.escape(fmt.lower())}" '
            f'href="{_url(file)}" download>Download {html.escape(label)}</a></li>'
        )
    return f'<ul class="{css_class}" aria-label="Downloads">' + "".join(items) + "</ul>"


def _format_date(iso: str, lang: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not m or not lang.lower().startswith("en"):
        return iso
    y, mo, d = (int(x) for x in m.groups())
    if not 1 <= mo <= 12:
        return iso
    return f"{MONTHS[mo - 1]} {d}, {y}" if lang.lower() == "en-us" else f"{d} {MONTHS[mo - 1]} {y}"


def _title_block(meta: BookMeta) -> str:
    e = html.escape
    out = ['<header class="title-block">', f'<h1 class="book-title">{e(meta.title)}</h1>']
    if meta.subtitle:
        out.append(f'<p class="book-subtitle">{e(meta.subtitle)}</p>')
    if meta.authors:
        # No whitespace between items: the separating comma comes from CSS.
        items = "".join(f"<li>{e(a)}</li>" for a in meta.authors)
        out.append(f'<ul class="book-authors">{items}</ul>')
    if meta.organisation:
        out.append(f'<p class="book-organisation">{e(meta.organisation)}</p>')
    facts = []
    if meta.date:
        when = f'<time datetime="{e(meta.date)}">{e(_format_date(meta.date, meta.lang))}</time>'
        facts.append(("Published", when))
    if meta.version:
        facts.append(("Version", e(meta.version)))
    if meta.license:
        facts.append(("Licence", e(meta.license)))
    if facts:
        out.append('<dl class="book-facts">')
        out += [f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in facts]
        out.append("</dl>")
    if meta.downloads:
        out.append(_downloads(meta, "downloads downloads-hero"))
    out.append("</header>")
    return "\n".join(out)


def _page_nav(prev_page: Page | None, next_page: Page | None, meta: BookMeta) -> str:
    def link(page: Page, rel: str, word: str) -> str:
        label = page.label if page.label else meta.title
        return (
            f'<a class="page-nav-{rel}" href="{_url(page.path)}" rel="{rel}">'
            f'<span class="page-nav-dir">{word}</span>'
            f'<span class="page-nav-title">{html.escape(label)}</span></a>'
        )

    links = []
    if prev_page is not None:
        links.append(link(prev_page, "prev", "Previous"))
    if next_page is not None:
        links.append(link(next_page, "next", "Next"))
    if not links:
        return ""
    return '<nav class="page-nav" aria-label="Previous and next pages">' + "".join(links) + "</nav>"


def _page_toc(page: Page) -> str:
    items = [h for h in page.headings if h.level in (2, 3) and h.id and not h.in_callout]
    if not items:
        return ""
    out = [
        '<aside class="page-toc" aria-labelledby="page-toc-title">',
        '<h2 id="page-toc-title" class="page-toc-title">On this page</h2>',
        "<ul>",
    ]
    open_sub = False
    for i, h in enumerate(items):
        if h.level == 3 and not open_sub and i > 0:
            out[-1] = out[-1].removesuffix("</li>")
            out.append("<ul>")
            open_sub = True
        elif h.level == 2 and open_sub:
            out.append("</ul></li>")
            open_sub = False
        out.append(f'<li><a href="#{html.escape(h.id)}">{html.escape(h.text)}</a></li>')
    if open_sub:
        out.append("</ul></li>")
    out += ["</ul>", "</aside>"]
    return "\n".join(out)


def _footer(meta: BookMeta) -> str:
    e = html.escape
    bits = [f"<span>{e(meta.title)}</span>"]
    if meta.version:
        bits.append(f"<span>Version {e(meta.version)}</span>")
    if meta.date:
        bits.append(f'<span><time datetime="{e(meta.date)}">{e(meta.date)}</time></span>')
    if meta.license:
        bits.append(f"<span>{e(meta.license)}</span>")
    return '<p class="footer-meta">' + " · ".join(bits) + "</p>"


def _refs_data(page: Page, refs: dict[str, str], id_to_page: dict[str, str]) -> str:
    """The reference entries this page cites, for citation previews (hover and focus), and for
    the sources its counts name (`data-keys`): their entries and the pages of their reference
    (`ref-KEY`) and of their card in the sources table (`src-KEY`)."""
    keys = set(_REF_LINK.findall(page.body))
    for group in _CITES.findall(page.body):
        keys.update(f"ref-{k}" for k in html.unescape(group).split())
    counted = {
        k for group in _DATA_KEYS.findall(page.body) for k in html.unescape(group).split(",")
    }
    keys.update(f"ref-{k}" for k in counted if k)
    data = {k: refs[k] for k in sorted(keys) if k in refs}
    out = ""
    if data:
        out += (
            '<script type="application/json" id="qmdbook-refs">'
            + _json_for_script(data)
            + "</script>"
        )
    targets = {
        i: ("" if id_to_page[i] == page.path else id_to_page[i])
        for k in sorted(counted)
        for i in (f"ref-{k}", f"src-{k}")
        if i in id_to_page
    }
    if targets:
        out += (
            '<script type="application/json" id="qmdbook-targets">'
            + _json_for_script(targets)
            + "</script>"
        )
    return out


def _json_for_script(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # "</" would end the script element early.
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


# --------------------------------------------------------------------------------------------
# Search


def write_search_index(out_dir: Path, meta: BookMeta) -> list[Path]:
    """Index every page with Pagefind (a maintained static search library, from PyPI).

    Only each page's main content is indexed (`data-pagefind-body` in the template); its h1
    names the chapter and its headings the sections a result points into.
    """
    bundle = out_dir / "pagefind"
    _remove(bundle)
    command = [
        sys.executable, "-m", "pagefind", "--site", str(out_dir), "--output-subdir", "pagefind",
        "--glob", "*.html",  # the pages; not pandoc's chunks, still beside them in a folder
        "--keep-index-url", "--force-language", meta.lang.split("-")[0].lower() or "en", "--quiet",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HtmlBuildError(f"search index: pagefind could not run: {exc}") from None
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip()
        raise HtmlBuildError(f"search index: pagefind failed ({done.returncode}): {detail}")
    return sorted(p for p in bundle.rglob("*") if p.is_file())
