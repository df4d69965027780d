"""The earlier reviews in the evidence base, set against this review (data/earlier_reviews.csv).

Each included source with a review design gets one row saying whether this review confirms,
extends or contradicts what it found, in the reviewer's own words; a review whose findings could
not be read is marked not comparable. A review not yet in the file is shown as not yet compared,
so that new evidence never silently drops out of the discussion.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.csvio import read_csv
from analysis.errors import EvidenceError, Problem, display
from analysis.load import Evidence
from analysis.stats import REVIEW_DESIGNS, short_label, sources_where
from analysis.tables import md_escape

__all__ = ["earlier_reviews", "reviews_that", "tbl_earlier_reviews", "RELATIONS"]

COLUMNS = ["source_id", "relation", "point"]
RELATIONS = {
    "confirms": "Confirms",
    "extends": "Extends",
    "contradicts": "Contradicts",
    "not_comparable": "Not comparable",
    "not_compared": "Not yet compared",
}


def earlier_reviews(ev: Evidence, path: Path = paths.EARLIER_REVIEWS) -> pd.DataFrame:
    """One row per included review (year order): source_id, relation, point."""
    name = display(path)
    table = read_csv(Path(path), name, COLUMNS)
    reviews = sources_where(ev, study_design=REVIEW_DESIGNS)
    problems = list(table.problems)
    rows = {}
    for index, row in enumerate(table.frame.itertuples(index=False)):
        line = table.line(index)
        if row.source_id not in reviews:
            problems.append(
                Problem(name, line, "source_id",
                        f"{row.source_id!r} is not an included source with a review design")
            )  # fmt: skip
        if row.relation not in RELATIONS or row.relation == "not_compared":
            problems.append(
                Problem(name, line, "relation",
                        f"{row.relation!r} is not one of {', '.join(list(RELATIONS)[:-1])}")
            )  # fmt: skip
        if not row.point.strip():
            problems.append(Problem(name, line, "point", "is empty"))
        rows[row.source_id] = (row.relation, row.point)
    if problems:
        raise EvidenceError(problems)
    return pd.DataFrame(
        [
            {"source_id": k, "relation": rows.get(k, ("not_compared", ""))[0],
             "point": rows.get(k, ("", "Not yet set against this review's findings."))[1]}
            for k in reviews
        ],
        columns=COLUMNS,
    )  # fmt: skip


def reviews_that(ev: Evidence, relation: str, path: Path = paths.EARLIER_REVIEWS) -> list[str]:
    """Included reviews with this relation to the present review, in year order."""
    if relation not in RELATIONS:
        raise ValueError(f"{relation!r} is not one of {', '.join(RELATIONS)}")
    r = earlier_reviews(ev, path)
    return r.loc[r["relation"] == relation, "source_id"].tolist()


def tbl_earlier_reviews(ev: Evidence, path: Path = paths.EARLIER_REVIEWS) -> pd.DataFrame:
    """Review | Design | Set against this review | Relation."""
    r = earlier_reviews(ev, path)
    design = ev.charting.set_index("source_id")["study_design"]
    order = list(RELATIONS)
    r = r.assign(rank=r["relation"].map(order.index)).sort_values("rank", kind="stable")
    return pd.DataFrame(
        {
            "Review": [f"@{k}" for k in r["source_id"]],
            "Design": [short_label("study_design", design[k], ev.codebook) for k in r["source_id"]],
            "What it found, set against this review": [md_escape(p) for p in r["point"]],
            "Relation": [RELATIONS[x] for x in r["relation"]],
        }
    )
