"""The search as run: the log of searches and the check against the brief's benchmarks."""

from __future__ import annotations

import pandas as pd

from analysis.benchmarks import benchmark_hits, benchmark_hits_of, load_benchmarks
from analysis.load import Evidence
from analysis.stats import cite
from analysis.tables import md_escape

__all__ = [
    "tbl_search_log",
    "tbl_benchmarks",
    "benchmarks_found_only_by_name",
    "n_records",
    "n_duplicates",
    "METHOD_NAMES",
    "n_searches_by",
    "n_organisations",
    "n_seeds",
    "tbl_methods",
    "n_found_without_naming",
]

METHOD_NAMES = {
    "database": "Topic searches of the index",
    "website": "Websites of named bodies",
    "citation": "Citation searching",
}


def n_searches_by(ev: Evidence, method: str) -> int:
    return int((ev.searches["method"] == method).sum())


def n_organisations(ev: Evidence) -> int:
    """Named bodies whose publications were searched (website searches)."""
    s = ev.searches
    return s.loc[s["method"] == "website", "organisation"].replace("", None).dropna().nunique()


def n_seeds(ev: Evidence) -> int:
    """Sources whose citations were searched."""
    s = ev.searches
    return s.loc[s["method"] == "citation", "seed"].replace("", None).dropna().nunique()


def tbl_methods(ev: Evidence) -> pd.DataFrame:
    """Per search method: searches, records identified, records first found (not duplicates),
    and included sources whose screened record it found."""
    from analysis.prisma import record_methods

    methods = record_methods(ev)
    first = ev.records.set_index("record_id")["duplicate_of"] == ""
    included = set(ev.charting["record_id"])
    rows = []
    for method, name in METHOD_NAMES.items():
        ids = methods.index[methods == method]
        rows.append(
            {
                "Method": name,
                "Searches": n_searches_by(ev, method),
                "Records": len(ids),
                "New records": int(first.loc[ids].sum()),
                "Included": sum(r in included for r in ids),
            }
        )
    return pd.DataFrame(rows)


def n_records(ev: Evidence) -> int:
    """Records kept from all searches, duplicates included (PRISMA's 'records identified')."""
    return len(ev.records)


def n_duplicates(ev: Evidence) -> int:
    return int((ev.records["duplicate_of"] != "").sum())


def tbl_search_log(ev: Evidence) -> pd.DataFrame:
    s = ev.searches
    aimed = [o or seed for o, seed in zip(s["organisation"], s["seed"], strict=True)]
    return pd.DataFrame(
        {
            "ID": s["search_id"],
            "Date": s["date"],
            "Method": s["method"],
            "Body or seed": [md_escape(a) for a in aimed],
            # Queries hold quotes, asterisks and brackets that Markdown would read as markup.
            "Query": s["query"].map(md_escape),
            "Hits found": s["hits_found"].astype(int),
            "Recorded": s["hits_recorded"].astype(int),
        }
    ).reset_index(drop=True)


def _hits(ev: Evidence, benchmarks: pd.DataFrame | None) -> pd.DataFrame:
    """The benchmarks file's matching (kept per Evidence), or that of the benchmarks given."""
    return benchmark_hits_of(ev) if benchmarks is None else benchmark_hits(ev, benchmarks)


def n_found_without_naming(ev: Evidence, benchmarks: pd.DataFrame | None = None) -> int:
    """Benchmarks found by at least one topic, website or citation search that did not name them."""
    hits = _hits(ev, benchmarks)
    return int((hits["topic_searches"] != "").sum())


def benchmarks_found_only_by_name(
    ev: Evidence, benchmarks: pd.DataFrame | None = None
) -> list[str]:
    """Included sources of benchmarks that only searches naming them found (known-item only)."""
    hits = _hits(ev, benchmarks)
    only = hits[(hits["searches"] != "") & (hits["topic_searches"] == "")]
    return [k for cell in only["included_as"] for k in cell.split("; ") if k]


def tbl_benchmarks(ev: Evidence, benchmarks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each benchmark publication: which searches found it, and the source it was included as."""
    hits = _hits(ev, benchmarks)
    benchmarks = load_benchmarks() if benchmarks is None else benchmarks
    year_of = dict(zip(benchmarks["id"], benchmarks["year"], strict=True))
    method_of = dict(zip(ev.searches["search_id"], ev.searches["method"], strict=True))

    def with_methods(cell: str) -> str:
        ids = [s for s in cell.split("; ") if s]
        return ", ".join(f"{s} ({method_of[s]})" for s in ids) or "no"

    return pd.DataFrame(
        {
            "Benchmark": [
                f"{md_escape(t)} ({year_of.get(b) or 'n.d.'})"
                for b, t in zip(hits["benchmark"], hits["title"], strict=True)
            ],
            "Found by": [s.replace("; ", ", ") or "not found" for s in hits["searches"]],
            "First found": [s or "–" for s in hits["first_search"]],
            "Found without naming it": [with_methods(s) for s in hits["topic_searches"]],
            "Included as": [
                cite(k.split("; ")) if k else "not included" for k in hits["included_as"]
            ],
        }
    )
