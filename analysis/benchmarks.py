"""Check the search against the brief's benchmark publications, as review teams do.

A benchmark is found when a record has its DOI or URL, or a title that matches closely; it is
then reported with the searches that found it and whether the review included it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from analysis import paths
from analysis.checks import included_ids
from analysis.dedupe import normalise_doi, normalise_title, normalise_url
from analysis.load import Evidence
from analysis.memo import per_evidence

TITLE_MATCH = 90
# How closely a query must quote a benchmark's title to count as naming it.
NAMED_TITLE = 90


def load_benchmarks(path=paths.BENCHMARKS) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@per_evidence
def benchmark_hits_of(ev: Evidence, path: Path = paths.BENCHMARKS) -> pd.DataFrame:
    """benchmark_hits for the benchmarks file: matched once per Evidence, as several chapter
    measures (counts, the table, the known-item list) ask for the same matching."""
    return benchmark_hits(ev, load_benchmarks(path))


@functools.lru_cache(maxsize=1 << 16)  # every record's title is compared with every benchmark
def _title_parts(title: str) -> frozenset[str]:
    """The whole title and, for 'Series: Title' forms, each part of four words or more."""
    parts = {normalise_title(title)}
    parts |= {normalise_title(p) for p in title.split(":") if len(p.split()) >= 4}
    return frozenset(parts - {""})


def _title_matches(benchmark: str, record: str) -> bool:
    """Order-sensitive similarity: word-sorted scores join 'integrated care system leadership'
    with 'system leadership for integrated care', which are different works."""
    if not record:
        return False
    pairs = ((a, b) for a in _title_parts(benchmark) for b in _title_parts(record))
    return any(fuzz.ratio(a, b) >= TITLE_MATCH for a, b in pairs)


def benchmark_hits(ev: Evidence, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """One row per benchmark: records and searches that found it; whether it was included."""
    records = ev.records
    included = set(included_ids(ev.screening))
    marks = zip(records["record_id"], records["duplicate_of"], strict=True)
    first_of = {r: (d or r) for r, d in marks}
    source_of = dict(zip(ev.charting["record_id"], ev.charting["source_id"], strict=True))
    query_of = dict(zip(ev.searches["search_id"], ev.searches["query"], strict=True))
    # Each record's DOI and URL are normalised once, not once per benchmark.
    record_dois = [normalise_doi(d) for d in records["doi"]]
    record_urls = [normalise_url(u) for u in records["url"]]
    record_titles = list(records["title"])
    rows = []
    for b in benchmarks.itertuples():
        doi, url = normalise_doi(b.doi), normalise_url(b.url)
        found = records[
            [
                bool(doi and r_doi == doi)
                or bool(url and r_url == url)
                or _title_matches(b.title, r_title)
                for r_doi, r_url, r_title in zip(record_dois, record_urls, record_titles,
                                                 strict=True)
            ]
        ]
        groups = sorted({first_of[r] for r in found["record_id"]})
        searches = sorted(set(found["search_id"]), key=_search_order)
        kept = [g for g in groups if g in included]
        rows.append(
            {
                "benchmark": b.id,
                "title": b.title,
                "records": "; ".join(found["record_id"]),
                "searches": "; ".join(searches),
                "topic_searches": "; ".join(s for s in searches if not _names(b, query_of[s])),
                "first_search": min(found["search_id"], default="", key=_search_order),
                "included_as": "; ".join(source_of[g] for g in kept),
            }
        )
    return pd.DataFrame(rows)


def _names(benchmark, query: str) -> bool:
    """Whether a query names the benchmark: its first author, its title or its publisher.

    Such a known-item search proves the index holds the work, not that a topic search finds it,
    so the check reports the two kinds apart. A title counts from four words (a two-word title
    such as 'System leadership' is a topic, not a name) and may be quoted loosely.
    """
    q = normalise_title(query)
    surname = benchmark.authors.split(";")[0].split()[0] if benchmark.authors.strip() else ""
    publisher = re.sub(r"^the ", "", normalise_title(re.split(r"[(,\d]", benchmark.venue)[0]))
    for name in (normalise_title(surname), publisher):
        if name and re.search(rf"\b{re.escape(name)}\b", q):
            return True
    titles = {normalise_title(benchmark.title), normalise_title(benchmark.title.split(":")[0])}
    return any(len(t.split()) >= 4 and fuzz.partial_ratio(t, q) >= NAMED_TITLE for t in titles)


def _search_order(search_id: str) -> int:
    return int(search_id[1:])
