"""Tables for the chapters, as DataFrames whose cells are Markdown, and md_table to show them.

Cells may hold citations ([@key]) and cross-references (@sec-...), so free text taken from the
data is escaped where it is put in a cell, never in md_table, which must leave markup alone.
"""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import Markdown

from analysis import paths
from analysis.codebook import fields
from analysis.counted import count_span, sources_of
from analysis.csvio import read_csv
from analysis.errors import EvidenceError, Problem, display
from analysis.load import Evidence
from analysis.stats import (
    coded_field,
    counts,
    n_included,
    n_with,
    pct,
    short_label,
    sorted_sources,
    source_years,
    year_text,
)

__all__ = [
    "md_table",
    "md_escape",
    "tbl_included_sources",
    "included_sources_list",
    "tbl_characteristics",
    "tbl_definitions",
    "tbl_exclusions",
    "tbl_codebook",
    "tbl_prisma_scr",
]

_MARKUP = re.compile(r"([\\`*_\[\]<>#@$~^])")
_NUMBER = re.compile(r"^[<>]?\d+(\.\d+)?%?$")
# Pandoc sizes the columns of a wide pipe table by the dashes under each header.
_MIN_DASHES, _MAX_DASHES = 8, 60

CHARACTERISTICS = ("document_type", "literature_type", "study_design", "country", "system_level")
COVERAGE_FIELDS = ("edi", "technology", "ics_icb")
PRISMA_SCR_COLUMNS = ["item", "topic", "section"]
STAGE_NAMES = {"title_abstract": "Title and abstract", "full_text": "Full text"}


def md_escape(text: str) -> str:
    """Free text made literal in Markdown (no emphasis, links, citations or maths)."""
    return _MARKUP.sub(r"\\\1", str(text))


def _cell(value) -> str:
    if isinstance(value, list | tuple | set):
        value = "; ".join(map(str, value))
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())  # newlines would end the row
    return text.replace("|", r"\|")


def md_table(df: pd.DataFrame) -> Markdown:
    """A pipe table: header, alignment row (numbers to the right), one line per row."""
    header = [_cell(c) for c in df.columns]
    plain = [[_cell(v) for v in row] for row in df.itertuples(index=False)]
    # A Count keeps its sources in the table too (object columns keep the value itself).
    body = [
        [
            c if sources_of(v) is None else count_span(c, sources_of(v))
            for v, c in zip(row, cells, strict=True)
        ]
        for row, cells in zip(df.itertuples(index=False), plain, strict=True)
    ]
    aligns = []
    for i, column in enumerate(df.columns):
        cells = [r[i] for r in plain if r[i]]
        numeric = pd.api.types.is_numeric_dtype(df[column]) or (
            bool(cells) and all(_NUMBER.match(c) for c in cells)
        )
        lengths = sorted(len(c) for c in cells) or [0]
        typical = max(len(header[i]), lengths[int(0.9 * (len(lengths) - 1))])
        # pandoc sizes columns by their dashes; a column narrower than its longest word breaks
        # 'Year' values and headers mid-word in the PDF.
        longest_word = max((len(w) for c in [header[i], *cells] for w in c.split()), default=0)
        dashes = "-" * min(max(typical, longest_word + 2, _MIN_DASHES), _MAX_DASHES)
        aligns.append(dashes[:-1] + ":" if numeric else ":" + dashes[1:])
    lines = [header, aligns, *body]
    return Markdown("\n".join("| " + " | ".join(line) + " |" for line in lines) + "\n")


def _labels(ev: Evidence, field: str, cell: str, sep: str = "; ") -> str:
    f = coded_field(ev, field)
    return sep.join(short_label(field, v, ev.codebook) for v in f.split(cell))


def _by_year(ev: Evidence, frame: pd.DataFrame) -> pd.DataFrame:
    order = sorted_sources(ev, frame["source_id"])
    return frame.set_index("source_id").loc[order].reset_index()


def tbl_included_sources(ev: Evidence) -> pd.DataFrame:
    """One row per included source, by year (undated last) then key."""
    c = _by_year(ev, ev.charting)
    years = source_years(ev)
    rows = {
        # The empty span is the row's anchor (src-KEY): every count's list of sources links to it.
        "Source": [f"[]{{#src-{k}}}[@{k}]" for k in c["source_id"]],
        "Year": [year_text(years[k]) for k in c["source_id"]],
        "Type": [_labels(ev, "document_type", v) for v in c["document_type"]],
        "Design": [_labels(ev, "study_design", v) for v in c["study_design"]],
        "Country": [_labels(ev, "country", v) for v in c["country"]],
        "System level": [_labels(ev, "system_level", v) for v in c["system_level"]],
    }
    # Coverage columns keep the codebook's value words; '–' reads as 'not addressed' at a glance.
    for field, name in zip(COVERAGE_FIELDS, ("EDI", "Technology", "ICS/ICB"), strict=True):
        rows[name] = ["–" if v == "none" else v for v in c[field]]
    return pd.DataFrame(rows)


def included_sources_list(ev: Evidence) -> Markdown:
    """The table of included sources as a list, for print: one short paragraph per source, so a
    page of A4 holds it without narrow columns (same fields and order as tbl_included_sources)."""
    table = tbl_included_sources(ev)
    items = []
    for row in table.to_dict("records"):
        key = row["Source"].split("[@", 1)[1].rstrip("]")  # drop the web-only anchor span
        coverage = "; ".join(
            f"{name} {row[name] if row[name] != '–' else 'not addressed'}"
            for name in ("EDI", "Technology", "ICS/ICB")
        )
        items.append(
            f"- @{key}. {row['Type']}; {row['Design'].lower()}; "
            f"{row['Country']}; {row['System level'].lower()}. {coverage}."
        )
    return Markdown("\n".join(items))


def tbl_characteristics(ev: Evidence) -> pd.DataFrame:
    """Characteristic | Category | n | % for the descriptive fields; categories with no source
    are left out (the codebook table lists every category)."""
    total = n_included(ev)
    labels = {f.name: f.label for f in fields(ev.codebook)}
    rows = []
    for field in CHARACTERISTICS:
        first = True
        for value, n in counts(ev, field).items():
            if n == 0:
                continue
            rows.append(
                {
                    "Characteristic": labels[field] if first else "",
                    "Category": short_label(field, value, ev.codebook),
                    "n": n_with(ev, field, value),
                    "%": pct(int(n), total),
                }
            )
            first = False
    table = pd.DataFrame(rows, columns=["Characteristic", "Category", "n", "%"])
    # object dtype: each n stays a Count, so the site can list the sources it counts
    table["n"] = pd.Series([r["n"] for r in rows], index=table.index, dtype=object)
    return table


def tbl_definitions(ev: Evidence) -> pd.DataFrame:
    """Sources with an explicit definition: its elements as charted, and its themes."""
    c = ev.charting[ev.charting["definition"] == "explicit"]
    c = _by_year(ev, c) if len(c) else c
    return pd.DataFrame(
        {
            "Source": [f"[@{k}]" for k in c["source_id"]],
            "Definition (elements paraphrased)": [md_escape(t) for t in c["definition_elements"]],
            "Themes": [_labels(ev, "definition_themes", v, "; ") for v in c["definition_themes"]],
        },
        columns=["Source", "Definition (elements paraphrased)", "Themes"],
    )


def tbl_exclusions(ev: Evidence) -> pd.DataFrame:
    """Exclusions by stage and reason (the protocol's wording); reasons never used are left out."""
    reasons = ev.protocol["screening"]["exclusion_reasons"]
    rows = []
    for stage, name in STAGE_NAMES.items():
        decided = ev.screening[
            (ev.screening["stage"] == stage) & (ev.screening["decision"] == "exclude")
        ]
        tally = decided["reason"].value_counts()
        for reason, text in reasons.items():
            if tally.get(reason, 0):
                rows.append({"Stage": name, "Reason": md_escape(text), "n": int(tally[reason])})
    return pd.DataFrame(rows, columns=["Stage", "Reason", "n"])


def tbl_codebook(ev: Evidence) -> pd.DataFrame:
    spec = ev.codebook["fields"]
    rows = []
    for f in fields(ev.codebook):
        values = spec[f.name].get("values") or {}
        rows.append(
            {
                "Field": f"{md_escape(f.label)} (`{f.name}`)",
                "Kind": f.kind,
                "Definition": md_escape(spec[f.name].get("definition", "")),
                "Allowed values": "; ".join(f"`{v}`: {md_escape(t)}" for v, t in values.items()),
                "Empty means": md_escape(f.empty),
            }
        )
    return pd.DataFrame(rows)


_SECTION_ID = re.compile(r"sec-[A-Za-z0-9_-]+")
# Quarto cannot cross-reference an unnumbered chapter; a link to its file works in both engines.
_CHAPTER_LINK = re.compile(r"\[[^\]]+\]\([\w./-]+\.qmd(?:#[\w-]+)?\)")


def load_prisma_scr(path=paths.PRISMA_SCR) -> pd.DataFrame:
    """The PRISMA-ScR checklist with where each item is reported; every fault named by line."""
    name = display(path)
    table = read_csv(path, name, PRISMA_SCR_COLUMNS)
    problems = list(table.problems)
    seen: dict[str, int] = {}
    for index, row in enumerate(table.frame.itertuples(index=False)):
        line = table.line(index)
        if not row.item:
            problems.append(Problem(name, line, "item", "is empty"))
        elif row.item in seen:
            problems.append(
                Problem(name, line, "item", f"{row.item!r} repeats line {seen[row.item]}")
            )
        else:
            seen[row.item] = line
        if not row.topic:
            problems.append(Problem(name, line, "topic", "is empty"))
        if not (_SECTION_ID.fullmatch(row.section) or _CHAPTER_LINK.fullmatch(row.section)):
            said = repr(row.section) if row.section else "empty"
            problems.append(
                Problem(
                    name, line, "section",
                    f"{said} is not a section id like sec-methods or a link to an unnumbered "
                    "chapter like [Executive summary](summary.qmd)",
                )
            )
    if problems:
        raise EvidenceError(problems)
    return table.frame


def tbl_prisma_scr(path=paths.PRISMA_SCR) -> pd.DataFrame:
    items = load_prisma_scr(path)
    return pd.DataFrame(
        {
            "Item": items["item"].tolist(),
            "Topic": [md_escape(t) for t in items["topic"]],
            "Reported in": [s if _CHAPTER_LINK.fullmatch(s) else f"@{s}" for s in items["section"]],
        }
    )
