"""What the web site adds for a reviewer: an explorable evidence gap map and a card per source.

Each helper returns markdown holding a raw HTML block (```{=html}), which both Quarto and qmdbook
pass to the web site and leave out of the PDF and DOCX, where the figure and the tables stand
alone. The behaviour (filters, popovers, sorting) is in qmdbook/assets/reviewer.html, declared in
_quarto.yml; every count is a `.slr-count` with the `data-keys` of its sources, as in the prose.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.codebook import fields
from analysis.gaps import gap_map_rows, load_gaps
from analysis.load import Evidence
from analysis.stats import (
    MarkdownText,
    coded_field,
    short_label,
    sorted_sources,
    source_years,
    sources_with,
    year_text,
)

__all__ = ["gap_map_explorer", "source_cards"]

# Filters of the gap map, in the order shown; `confidence` joins them once it is charted.
GAP_MAP_FILTERS = ("literature_type", "study_design", "country", "confidence")
# Columns of the two grids: the figure's two panels.
GAP_MAP_COLUMNS = ("system_level", "study_design")
# Filters of the sources table: its column headers (tbl_included_sources).
TABLE_FILTERS = ("Type", "Design", "EDI", "Technology", "ICS/ICB")
# Charted fields a source's card shows, in this order.
CARD_FIELDS = (
    "notes",
    "definition",
    "definition_elements",
    "definition_themes",
    "dimensions",
    "enablers",
    "barriers",
    "development",
    "outcomes",
    "outcome_levels",
    "verified_from",
)

_e = html.escape


def _raw_html(text: str) -> MarkdownText:
    fence = "```"
    while fence in text:
        fence += "`"
    return MarkdownText(f"{fence}{{=html}}\n{text}\n{fence}\n")


def _json_script(css_class: str, data) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/json" class="{css_class}">{text}</script>'


def _count_button(keys: list[str], what: str) -> str:
    # A button from the start (no upgrade needed); the hidden words give it a full name.
    empty = " slr-empty" if not keys else ""
    return (
        f'<button type="button" class="slr-count{empty}" data-keys="{_e(",".join(keys))}" '
        f'data-all-keys="{_e(",".join(keys))}" aria-expanded="false">'
        f'<span class="slr-n">{len(keys)}</span>'
        f'<span class="visually-hidden"> sources: {_e(what)}</span></button>'
    )


def _codes(ev: Evidence, field: str) -> dict[str, list[str]]:
    f = coded_field(ev, field)
    cells = ev.charting.set_index("source_id")[field]
    return {key: f.split(cell) for key, cell in cells.items()}


def gap_map_explorer(ev: Evidence, path: Path = paths.GAPS) -> MarkdownText:
    """The gap map as grids of buttons (one per cell) with filters, for the web site."""
    content = load_gaps(ev, path)
    rows = gap_map_rows(ev, content)
    names = {f.name for f in fields(ev.codebook)}
    years = source_years(ev)
    codes = {name: _codes(ev, name) for name in GAP_MAP_FILTERS if name in names}
    sources = {}
    for key in sorted_sources(ev, ev.charting["source_id"]):
        year = years.get(key, pd.NA)
        entry = {"year": None if pd.isna(year) else int(year)}
        for name, of_source in codes.items():
            entry[name] = of_source[key]
        sources[key] = entry
    filters = [
        {
            "field": name,
            "label": next(f.label for f in fields(ev.codebook) if f.name == name),
            "options": [
                {"value": v, "label": short_label(name, v, ev.codebook)}
                for v in coded_field(ev, name).values
                if any(v in s.get(name, ()) for s in sources.values())
            ],
        }
        for name in GAP_MAP_FILTERS
        if name in names
    ]
    out = [
        '<div class="slr-gapmap" data-pagefind-ignore>',
        _json_script("slr-gapmap-data", {"sources": sources, "filters": filters}),
        '<p class="slr-gapmap-status" aria-live="polite"></p>',
    ]
    for by in GAP_MAP_COLUMNS:
        f = coded_field(ev, by)
        columns = [
            (short_label(by, v, ev.codebook), set(sources_with(ev, by, v))) for v in f.values
        ]
        label = next(x.label for x in fields(ev.codebook) if x.name == by)
        out.append(
            f'<table class="slr-gapmap-grid"><caption>Evidence on each row by {_e(label.lower())}'
            " (select a count to list its sources)</caption>"
        )
        out.append('<thead><tr><th scope="col">Evidence on</th>')
        out += [f'<th scope="col">{_e(name)}</th>' for name, _ in columns]
        out.append("</tr></thead><tbody>")
        for row_name, row_keys in rows:
            out.append(f'<tr><th scope="row">{_e(row_name)}</th>')
            for col_name, col_keys in columns:
                keys = sorted_sources(ev, row_keys & col_keys)
                out.append(f"<td>{_count_button(keys, f'{row_name}; {col_name}')}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append("</div>")
    return _raw_html("\n".join(out))


def _clean(text: str) -> str:
    return re.sub(r"[{}]", "", str(text)).replace("\\&", "&")


def _labels(ev: Evidence, field: str, cell: str) -> str:
    f = coded_field(ev, field)
    return "; ".join(short_label(field, v, ev.codebook) for v in f.split(cell))


def source_cards(ev: Evidence) -> MarkdownText:
    """One card per included source with its charted fields, and the sources table's controls.

    Card ids are `card-<key>`; the rows of the sources table (anchored `src-<key>` by
    tbl_included_sources), to which every count's list of sources links, link to them.
    """
    labels = {f.name: f.label for f in fields(ev.codebook)}
    kinds = {f.name: f.kind for f in fields(ev.codebook)}
    years = source_years(ev)
    charting = ev.charting.set_index("source_id")
    entries = ev.bibliography.entries
    out = [
        f'<div class="slr-sources-explorer" data-table="tbl-included" '
        f'data-filters="{_e(",".join(TABLE_FILTERS))}" hidden></div>',
        '<section class="slr-cards" aria-labelledby="slr-cards-title">',
        '<h2 id="slr-cards-title" class="unnumbered">Charting of each source</h2>',
    ]
    for key in sorted_sources(ev, charting.index):
        row = charting.loc[key]
        entry = entries.get(key)
        title = _clean(entry.fields.get("title", key)) if entry is not None else key
        year = year_text(years.get(key, pd.NA))
        out.append(f'<details class="slr-card" id="card-{_e(key)}">')
        out.append(f"<summary>{_e(title)} ({_e(year)})</summary>")
        out.append(f'<p><a href="#ref-{_e(key)}">Reference</a></p><dl>')
        for name in CARD_FIELDS:
            if name not in row.index or not str(row[name]).strip():
                continue
            value = row[name]
            if kinds.get(name) in ("single", "multi"):
                text = _e(_labels(ev, name, value))
            elif kinds.get(name) == "url":
                text = f'<a href="{_e(value)}">{_e(value)}</a>'
            else:
                text = _e(str(value))
            out.append(f"<div><dt>{_e(labels.get(name, name))}</dt><dd>{text}</dd></div>")
        out.append("</dl></details>")
    out.append("</section>")
    return _raw_html("\n".join(out))
