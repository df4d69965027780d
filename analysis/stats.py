"""Counts over the included sources, and the small text helpers prose needs around them.

Every count is taken from the charting of the included sources (one row per source), with the
codebook giving the values and their order, so a change in the data changes every number.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import pandas as pd

from analysis import paths
from analysis.codebook import Field, fields
from analysis.counted import Count, CountText, sources_of
from analysis.errors import display
from analysis.evidence_cache import load_evidence
from analysis.load import Evidence
from analysis.memo import per_evidence
from analysis.prisma import prisma_counts
from analysis.yamlio import read_mapping

__all__ = [
    "load_evidence",
    "prisma_counts",
    "n_included",
    "n_searches",
    "n_peer_reviewed",
    "n_grey",
    "counts",
    "n_with",
    "sources_with",
    "n_where",
    "sources_where",
    "ANY",
    "PRIMARY_DESIGNS",
    "REVIEW_DESIGNS",
    "top_value",
    "cite",
    "MarkdownText",
    "pct",
    "n_of",
    "label",
    "short_label",
    "year_range",
    "n_undated",
    "source_years",
    "sorted_sources",
    "n_countries_outside_uk",
    "top_values",
    "top_short_labels",
    "and_list",
    "cooccurrence",
    "definition_agreement",
    "n_explicit",
    "n_defining",
]

UNDATED = "n.d."
# In n_where/sources_where: the field holds any value at all (for multi fields, at least one).
ANY = ...
# Study designs that report primary research; the rest review, argue or guide.
PRIMARY_DESIGNS = ("qualitative", "quantitative", "mixed_methods", "case_study", "evaluation")
# Designs that review a literature: the earlier reviews the discussion sets this review against.
REVIEW_DESIGNS = (
    "systematic_review", "scoping_or_rapid_review", "realist_review", "narrative_review",
)  # fmt: skip
# Country values that are the United Kingdom or one of its nations; every other named country is
# "outside the UK". 'international' (several countries or none) names no country.
UK_COUNTRIES = ("england", "uk", "scotland", "wales", "northern_ireland")
NO_COUNTRY = ("international",)
# The codebook has no parts of speech; labels that open with a proper noun keep their capital.
_PROPER_STARTS = {
    "England",
    "United",
    "Scotland",
    "Wales",
    "Northern",
    "Canada",
    "Australia",
    "New",
}
# Ids whose parts are acronyms, so a short label built from the id reads "ICS/ICB", not "Ics icb".
_ACRONYMS = {"uk", "usa", "ics", "icb", "edi", "nhs"}
SHORT_LABEL_MAX = 40


@per_evidence
def coded_field(ev: Evidence, name: str) -> Field:
    """The codebook field `name`, which must be coded (single or multi): typos fail loudly."""
    by_name = {f.name: f for f in fields(ev.codebook)}
    if name not in by_name:
        raise ValueError(f"{name!r} is not a field of the codebook ({', '.join(by_name)})")
    found = by_name[name]
    if found.kind not in ("single", "multi"):
        raise ValueError(f"{name!r} is a {found.kind} field; counts need a single or multi field")
    return found


def _check_values(f: Field, values: Iterable[str]) -> list[str]:
    values = list(values)
    unknown = [v for v in values if v not in f.values]
    if unknown:
        raise ValueError(
            f"{', '.join(map(repr, unknown))} not a value of {f.name!r} ({', '.join(f.values)})"
        )
    return values


@per_evidence
def _value_sets(ev: Evidence, name: str) -> pd.Series:
    """Per source (indexed by source_id), the set of codebook values in its cell."""
    f = coded_field(ev, name)
    cells = ev.charting.set_index("source_id")[name]
    return cells.map(lambda cell: set(f.split(cell)))


def n_included(ev: Evidence) -> Count:
    return Count(sorted_sources(ev, ev.charting["source_id"]))


def n_searches(ev: Evidence) -> int:
    return len(ev.searches)


def n_peer_reviewed(ev: Evidence) -> Count:
    return n_with(ev, "literature_type", "peer_reviewed")


def n_grey(ev: Evidence) -> Count:
    return n_with(ev, "literature_type", "grey")


def counts(ev: Evidence, field: str) -> pd.Series:
    """Sources having each value of `field`, in codebook order, zeros kept."""
    f = coded_field(ev, field)
    sets = _value_sets(ev, field)
    result = pd.Series(
        [int(sum(value in s for s in sets)) for value in f.values],
        index=pd.Index(f.values, name=field),
        name="n",
        dtype=int,
    )
    return result


def _matching(ev: Evidence, field: str, values: tuple[str, ...]) -> list[str]:
    f = coded_field(ev, field)
    wanted = set(_check_values(f, values))
    if not wanted:
        raise ValueError(f"name at least one value of {field!r}")
    sets = _value_sets(ev, field)
    return [key for key, s in sets.items() if s & wanted]


def n_with(ev: Evidence, field: str, *values: str) -> Count:
    """Sources whose `field` holds any of `values` (a Count: it knows which they are)."""
    return Count(sources_with(ev, field, *values))


def sources_with(ev: Evidence, field: str, *values: str) -> list[str]:
    """Their source_ids, by year (undated last) then key."""
    return sorted_sources(ev, _matching(ev, field, values))


def sources_where(ev: Evidence, **conditions) -> list[str]:
    """Sources meeting every condition `field=value`, `field=(values...)` or `field=ANY`.

    `sources_where(ev, ics_icb="central", literature_type="peer_reviewed")` reads as the
    sentence it feeds: sources centred on ICSs that are peer reviewed.
    """
    if not conditions:
        raise ValueError("name at least one field=value condition")
    keys = None
    for name, values in conditions.items():
        if values is ANY:
            values = coded_field(ev, name).values
        elif isinstance(values, str):
            values = (values,)
        found = set(_matching(ev, name, tuple(values)))
        keys = found if keys is None else keys & found
    return sorted_sources(ev, keys)


def n_where(ev: Evidence, **conditions) -> Count:
    """How many sources meet every condition (see sources_where), as a Count of them."""
    return Count(sources_where(ev, **conditions))


@per_evidence
def source_years(ev: Evidence) -> pd.Series:
    """Year of each included source (Int64, <NA> where no year was verified).

    The bibliography's year wins: it may have been verified after the search from another page
    (its note says which), while the record keeps what the search hit showed.
    """
    year_of = dict(zip(ev.records["record_id"], ev.records["year"], strict=True))
    entries = ev.bibliography.entries
    years = [
        _bib_year(entries.get(key)) or year_of.get(record, pd.NA)
        for key, record in zip(ev.charting["source_id"], ev.charting["record_id"], strict=True)
    ]
    return pd.Series(years, index=ev.charting["source_id"].tolist(), dtype="Int64", name="year")


def _bib_year(entry) -> int | None:
    year = entry.fields.get("year", "") if entry is not None else ""
    return int(year) if str(year).isdigit() else None


@per_evidence
def _source_order(ev: Evidence) -> Mapping[str, tuple]:
    """Each source's sort key, by year (undated last) then key; read-only, so handed out as is."""
    return MappingProxyType({
        key: (1, 0, key) if pd.isna(year) else (0, int(year), key)
        for key, year in source_years(ev).items()
    })  # fmt: skip


def sorted_sources(ev: Evidence, keys: Iterable[str]) -> list[str]:
    """By year, undated last, then key."""
    order = _source_order(ev)
    return sorted(keys, key=lambda key: order.get(key) or (1, 0, key))


def year_text(year) -> str:
    return UNDATED if pd.isna(year) else str(int(year))


class MarkdownText(str):
    """A string that is markdown. Inline, Quarto escapes plain text but renders anything with
    _repr_markdown_ as markdown, so a citation built here stays a citation in prose; in a table
    it is an ordinary string."""

    def _repr_markdown_(self) -> str:
        return str(self)


def cite(keys: Iterable[str] | str) -> MarkdownText:
    """Pandoc citation of the keys, '[@a; @b]'; '' when there are none."""
    if isinstance(keys, str):
        keys = [keys]
    keys = list(keys)
    return MarkdownText("[" + "; ".join(f"@{k}" for k in keys) + "]" if keys else "")


def pct(n: int, total: int) -> str:
    """Whole-number percentage, halves rounded up; a non-zero count never shows as 0%."""
    if total <= 0:
        raise ValueError(f"percentage of a total of {total}")
    value = math.floor(100 * n / total + 0.5)
    if n > 0 and value == 0:
        return "<1%"
    return f"{value}%"


def n_of(n: int, total: int) -> str:
    """'2 of 86 (2%)'; when `n` is a Count the text keeps its sources (CountText)."""
    text = f"{n} of {total} ({pct(n, total)})"
    keys = sources_of(n)
    return text if keys is None else CountText(text, keys)


def _codebook_label(ev_or_codebook, field: str, value: str) -> str:
    codebook = ev_or_codebook.codebook if isinstance(ev_or_codebook, Evidence) else ev_or_codebook
    spec = (codebook.get("fields") or {}).get(field)
    if spec is None:
        raise ValueError(f"{field!r} is not a field of the codebook")
    values = spec.get("values") or {}
    if value not in values:
        raise ValueError(f"{value!r} is not a value of {field!r} ({', '.join(values)})")
    return str(values[value])


@functools.cache
def _default_codebook() -> dict:
    # label() takes no Evidence (prose calls it with a field and a value), so it reads the
    # project's codebook once; callers holding another codebook pass it.
    return read_mapping(paths.CODEBOOK, display(paths.CODEBOOK))


def label(field: str, value: str, codebook: dict | None = None) -> str:
    """The codebook's label of a value, for the middle of a sentence."""
    text = _codebook_label(codebook or _default_codebook(), field, value)
    first = text.split()[0] if text.split() else ""
    if first in _PROPER_STARTS or (len(first) > 1 and first[:2].isupper()):
        return text
    return text[:1].lower() + text[1:]


def short_label(field: str, value: str, codebook: dict | None = None) -> str:
    """A label short enough for an axis or a table cell, still in the codebook's words.

    The label before its parenthesis where that is short; otherwise the value's id in words,
    which the codebook chose to be a fair name for the value.
    """
    text = _codebook_label(codebook or _default_codebook(), field, value)
    head = text.split(" (")[0].strip()
    if len(head) <= SHORT_LABEL_MAX:
        return head
    words = value.split("_")
    pair = len(words) == 2 and re.match(rf"{words[0]}(,| and) {words[1]}\b", head, re.IGNORECASE)
    if pair:  # 'Voluntary, community and ...' reads 'Voluntary and community', not the bare id
        return f"{head[: len(words[0])]} and {words[1]}"
    if all(w in _ACRONYMS for w in words):
        return "/".join(w.upper() for w in words)
    text = " ".join(w.upper() if w in _ACRONYMS else w for w in words)
    return text[:1].upper() + text[1:]


def year_range(ev: Evidence) -> tuple[int, int]:
    years = source_years(ev).dropna()
    if years.empty:
        raise ValueError("no included source has a verified year")
    return int(years.min()), int(years.max())


def n_undated(ev: Evidence) -> int:
    return int(source_years(ev).isna().sum())


def n_countries_outside_uk(ev: Evidence) -> int:
    """Distinct country values, other than the UK's and 'international', among the sources."""
    c = counts(ev, "country")
    return int(sum(1 for v, n in c.items() if n > 0 and v not in UK_COUNTRIES + NO_COUNTRY))


def top_values(ev: Evidence, field: str, k: int = 3) -> list[tuple[str, Count]]:
    """The k most frequent values as (prose label, count); ties keep codebook order."""
    c = counts(ev, field)
    c = c[c > 0].sort_values(ascending=False, kind="stable")
    return [(label(field, v, ev.codebook), n_with(ev, field, v)) for v in c.head(k).index]


def top_short_labels(ev: Evidence, field: str, k: int = 3) -> list[str]:
    """The k most frequent values by their short labels, lower case, for a list in a sentence."""
    c = counts(ev, field)
    c = c[c > 0].sort_values(ascending=False, kind="stable")
    return [short_label(field, v, ev.codebook).lower() for v in c.index[:k]]


def and_list(items) -> str:
    """'a, b and c' (UK style, no serial comma)."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def top_value(ev: Evidence, field: str, rank: int = 1) -> tuple[str, Count]:
    """The rank-th most frequent value as (label for a sentence, without its gloss; count)."""
    values = top_values(ev, field, rank)
    if len(values) < rank:
        raise ValueError(f"{field!r} has fewer than {rank} values in use")
    text, n = values[rank - 1]
    return text.split(" (")[0], n


def cooccurrence(ev: Evidence, field_a: str, field_b: str) -> pd.DataFrame:
    """Sources having value a (rows) and value b (columns), codebook order, zeros kept."""
    fa, fb = coded_field(ev, field_a), coded_field(ev, field_b)
    sets_a, sets_b = _value_sets(ev, field_a), _value_sets(ev, field_b)
    table = pd.DataFrame(0, index=pd.Index(fa.values, name=field_a), columns=list(fb.values))
    table.columns.name = field_b
    for key in sets_a.index:
        for a in sets_a[key]:
            for b in sets_b[key]:
                table.loc[a, b] += 1
    return table.astype(int)


DEFINING = ("explicit", "implicit")


def n_explicit(ev: Evidence) -> Count:
    return n_with(ev, "definition", "explicit")


def n_defining(ev: Evidence) -> Count:
    """Sources that define or describe systems leadership (explicitly or implicitly)."""
    return n_with(ev, "definition", *DEFINING)


def definition_agreement(ev: Evidence) -> pd.DataFrame:
    """Per definition theme: sources defining the concept that use it, and their share.

    The share is of the sources that define or describe systems leadership, so a theme shared
    by most of them marks agreement and a spread of low shares marks its absence.
    """
    f = coded_field(ev, "definition_themes")
    defining = set(sources_with(ev, "definition", *DEFINING))
    sets = _value_sets(ev, "definition_themes")
    total = len(defining)
    rows = []
    for value in f.values:
        n = int(sum(value in s for key, s in sets.items() if key in defining))
        rows.append(
            {
                "theme": value,
                "label": short_label("definition_themes", value, ev.codebook),
                "n": n,
                "share": n / total if total else 0.0,
            }
        )
    return pd.DataFrame(rows).set_index("theme")
