"""Recommendations (data/recommendations.csv), each resting on named gaps and included sources."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.csvio import read_csv
from analysis.errors import EvidenceError, Problem, display
from analysis.gaps import load_gaps
from analysis.load import Evidence
from analysis.stats import cite, sorted_sources
from analysis.tables import md_escape

__all__ = [
    "AUDIENCES",
    "load_recommendations",
    "tbl_recommendations",
    "recommendation_headlines",
]

COLUMNS = [
    "rec_id", "audience", "headline", "recommendation", "gaps", "sources", "rationale",
]  # fmt: skip
# The four audiences the brief names for the recommendations chapter, in its order.
AUDIENCES = {
    "national": "National bodies",
    "icb": "Integrated care boards",
    "development": "Leadership development",
    "research": "Researchers",
}
SEPARATOR = "; "


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def load_recommendations(
    ev: Evidence, path: Path = paths.RECOMMENDATIONS, gaps_path: Path = paths.GAPS
) -> pd.DataFrame:
    """The recommendations, checked: every fault named by file, line and field, all at once."""
    name = display(path)
    table = read_csv(Path(path), name, COLUMNS)
    gap_ids = set(load_gaps(ev, gaps_path)["gaps"])
    charted = set(ev.charting["source_id"])
    problems = list(table.problems)
    seen: dict[str, int] = {}
    for index, row in enumerate(table.frame.itertuples(index=False)):
        line = table.line(index)

        def fault(field: str, message: str, line=line) -> None:
            problems.append(Problem(name, line, field, message))

        if not row.rec_id:
            fault("rec_id", "is empty")
        elif row.rec_id in seen:
            fault("rec_id", f"{row.rec_id!r} repeats line {seen[row.rec_id]}")
        else:
            seen[row.rec_id] = line
        if row.audience not in AUDIENCES:
            said = repr(row.audience) if row.audience else "empty"
            fault("audience", f"{said} is not one of {', '.join(AUDIENCES)}")
        for column in ("headline", "recommendation", "rationale"):
            if not getattr(row, column).strip():
                fault(column, "is empty")
        gaps = _split(row.gaps)
        if not gaps:
            fault("gaps", "names no gap; every recommendation rests on at least one")
        for gap in gaps:
            if gap not in gap_ids:
                fault("gaps", f"{gap!r} is not a gap in {display(gaps_path)}")
        sources = _split(row.sources)
        if not sources:
            fault("sources", "names no source; every recommendation rests on included evidence")
        for source in sources:
            if source not in charted:
                fault("sources", f"{source!r} is not an included (charted) source")
    if problems:
        raise EvidenceError(problems)
    return table.frame


def recommendation_headlines(
    ev: Evidence,
    audience: str,
    path: Path = paths.RECOMMENDATIONS,
    gaps_path: Path = paths.GAPS,
) -> str:
    """One audience's headlines as plain text, each with its id: for the summary."""
    if audience not in AUDIENCES:
        raise ValueError(f"{audience!r} is not one of {', '.join(AUDIENCES)}")
    recs = load_recommendations(ev, path, gaps_path)
    recs = recs[recs["audience"] == audience]
    # Plain text: inline output is escaped by Quarto (and qmdbook), so no markdown here.
    return "; ".join(f"{h} ({r})" for r, h in zip(recs["rec_id"], recs["headline"], strict=True))


def tbl_recommendations(
    ev: Evidence,
    audience: str | None = None,
    path: Path = paths.RECOMMENDATIONS,
    gaps_path: Path = paths.GAPS,
) -> pd.DataFrame:
    """Recommendation | Audience | Gap(s) | Evidence, in file order, optionally for one audience."""
    if audience is not None and audience not in AUDIENCES:
        raise ValueError(f"{audience!r} is not one of {', '.join(AUDIENCES)}")
    recs = load_recommendations(ev, path, gaps_path)
    if audience is not None:
        recs = recs[recs["audience"] == audience]
    gap_labels = {g: spec["label"] for g, spec in load_gaps(ev, gaps_path)["gaps"].items()}
    return pd.DataFrame(
        {
            "Recommendation": [
                f"**{r}** {md_escape(' '.join(t.split()))}"
                for r, t in zip(recs["rec_id"], recs["recommendation"], strict=True)
            ],
            "Audience": [AUDIENCES[a] for a in recs["audience"]],
            "Gap(s)": ["; ".join(gap_labels[g] for g in _split(c)) for c in recs["gaps"]],
            "Evidence": [cite(sorted_sources(ev, _split(c))) for c in recs["sources"]],
        },
        columns=["Recommendation", "Audience", "Gap(s)", "Evidence"],
    )
