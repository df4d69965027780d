"""What the screening tool's session log says about how decisions were made (for the methods)."""

from __future__ import annotations

from pathlib import Path

from analysis import paths
from analysis.csvio import read_csv
from analysis.errors import display
from analysis.load import Evidence

__all__ = ["screening_order"]

SESSION_COLUMNS = ["session", "stage", "reviewer", "ordering", "started", "decisions"]
STAGE_TEXT = {"title_abstract": "title and abstract", "full_text": "full-text"}


def ordered_decisions(path: Path = paths.SCREENING_SESSIONS) -> dict[str, int]:
    """Decisions made with the queue ordered by similarity, per stage (none if no log)."""
    path = Path(path)
    if not path.exists():
        return {}
    table = read_csv(path, display(path), SESSION_COLUMNS)
    found: dict[str, int] = {}
    for row in table.frame.itertuples(index=False):
        if row.ordering == "similarity" and row.decisions.isdigit():
            found[row.stage] = found.get(row.stage, 0) + int(row.decisions)
    return {stage: n for stage, n in found.items() if n}


def screening_order(ev: Evidence, path: Path = paths.SCREENING_SESSIONS) -> str:
    """One sentence on prioritised screening when it was used, else '' (nothing to report)."""
    ordered = ordered_decisions(path)
    if not ordered:
        return ""
    made = ev.screening["stage"].value_counts()
    parts = [
        f"{n} of the {int(made.get(stage, 0))} {STAGE_TEXT.get(stage, stage)} decisions"
        for stage, n in ordered.items()
    ]
    return (
        "For " + " and ".join(parts) + ", the screening tool showed the records most like the "
        "included sources first (cosine similarity of TF-IDF weighted words in titles and "
        "abstracts); the order changed which records were read first, not whether they were read."
    )
