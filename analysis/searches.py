"""The search as run: the log of searches and the check against the brief's benchmarks."""

from __future__ import annotations

import pandas as pd

from analysis.benchmarks import benchmark_hits, load_benchmarks
from analysis.load import Evidence
from analysis.stats import cite
from analysis.tables import md_escape

__all__ = [
    "tbl_search_log",
    "tbl_benchmarks",
    "benchmarks_found_only_by_name",
    "n_records",
    "n_duplicates",
]


def n_records(ev: Evidence) -> int:
    """Records kept from all searches, duplicates included (PRISMA's 'records identified')."""
    return len(ev.records)


def n_duplicates(ev: Evidence) -> int:
    return int((ev.records["duplicate_of"] != "").sum())


def tbl_search_log(ev: Evidence) -> pd.DataFrame:
    s = ev.searches
    return pd.DataFrame(
        {
            "ID": s["search_id"],
            "Date": s["date"],
            "Source": s["source"].map(md_escape),
            # Queries hold quotes, asterisks and brackets that Markdown would read as markup.
            "Query": s["query"].map(md_escape),
            "Hits found": s["hits_found"].astype(int),
            "Recorded": s["hits_recorded"].astype(int),
        }
    ).reset_index(drop=True)


def benchmarks_found_only_by_name(
    ev: Evidence, benchmarks: pd.DataFrame | None = None
) -> list[str]:
    """Included sources of benchmarks that only searches naming them found (known-item only)."""
    benchmarks = load_benchmarks() if benchmarks is None else benchmarks
    hits = benchmark_hits(ev, benchmarks)
    only = hits[(hits["searches"] != "") & (hits["topic_searches"] == "")]
    return [k for cell in only["included_as"] for k in cell.split("; ") if k]


def tbl_benchmarks(ev: Evidence, benchmarks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each benchmark publication: which searches found it, and the source it was included as."""
    benchmarks = load_benchmarks() if benchmarks is None else benchmarks
    hits = benchmark_hits(ev, benchmarks)
    year_of = dict(zip(benchmarks["id"], benchmarks["year"], strict=True))
    return pd.DataFrame(
        {
            "Benchmark": [
                f"{md_escape(t)} ({year_of.get(b) or 'n.d.'})"
                for b, t in zip(hits["benchmark"], hits["title"], strict=True)
            ],
            "Found by": [s.replace("; ", ", ") or "not found" for s in hits["searches"]],
            "First found": [s or "–" for s in hits["first_search"]],
            "Found without naming it": [
                s.replace("; ", ", ") or "no" for s in hits["topic_searches"]
            ],
            "Included as": [
                cite(k.split("; ")) if k else "not included" for k in hits["included_as"]
            ],
        }
    )
