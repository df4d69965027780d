"""Counts for the PRISMA 2020 flow diagram, with the arithmetic that the diagram must satisfy."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import paths
from analysis.errors import EvidenceError, Problem, display
from analysis.load import Evidence


@dataclass(frozen=True)
class PrismaCounts:
    identified: int
    identified_by_search: dict[str, int]
    identified_by_source: dict[str, int]
    duplicates: int
    screened: int
    excluded_title_abstract: int
    excluded_title_abstract_by_reason: dict[str, int]
    assessed: int  # full texts sought, i.e. records included at title/abstract
    excluded_full_text: int
    excluded_full_text_by_reason: dict[str, int]
    included: int
    included_by_literature_type: dict[str, int]


def _stage(screening: pd.DataFrame, stage: str) -> pd.DataFrame:
    return screening[screening["stage"] == stage]


def _by_reason(decisions: pd.DataFrame, reasons: list[str]) -> dict[str, int]:
    """Every protocol reason appears (zero included), in protocol order, so tables are stable."""
    counts = decisions[decisions["decision"] == "exclude"]["reason"].value_counts()
    return {reason: int(counts.get(reason, 0)) for reason in reasons}


def prisma_counts(ev: Evidence) -> PrismaCounts:
    reasons = list(ev.protocol["screening"]["exclusion_reasons"])
    records, screening = ev.records, ev.screening
    title_abstract = _stage(screening, "title_abstract")
    full_text = _stage(screening, "full_text")

    by_search = records["search_id"].value_counts()
    source_of = dict(zip(ev.searches["search_id"], ev.searches["source"], strict=True))
    by_source = records["search_id"].map(source_of).value_counts()
    included = full_text[full_text["decision"] == "include"]
    literature = ev.charting["literature_type"].value_counts() if len(ev.charting) else {}

    counts = PrismaCounts(
        identified=len(records),
        identified_by_search={s: int(by_search.get(s, 0)) for s in ev.searches["search_id"]},
        identified_by_source={str(k): int(v) for k, v in by_source.items()},
        duplicates=int((records["duplicate_of"] != "").sum()),
        screened=len(title_abstract),
        excluded_title_abstract=int((title_abstract["decision"] == "exclude").sum()),
        excluded_title_abstract_by_reason=_by_reason(title_abstract, reasons),
        assessed=int((title_abstract["decision"] == "include").sum()),
        excluded_full_text=int((full_text["decision"] == "exclude").sum()),
        excluded_full_text_by_reason=_by_reason(full_text, reasons),
        included=len(included),
        included_by_literature_type={str(k): int(v) for k, v in dict(literature).items()},
    )
    check_identities(counts, charted=len(ev.charting))
    return counts


def check_identities(c: PrismaCounts, charted: int) -> None:
    """The flow diagram's boxes must add up; a gap means a record was lost or double-counted."""
    where = display(paths.SCREENING)
    identities = [
        ("identified - duplicates = screened", c.identified - c.duplicates, c.screened),
        (
            "screened - excluded at title/abstract = assessed",
            c.screened - c.excluded_title_abstract,
            c.assessed,
        ),
        (
            "assessed - excluded at full text = included",
            c.assessed - c.excluded_full_text,
            c.included,
        ),
        ("included = charted", c.included, charted),
        (
            "title/abstract exclusions by reason add up",
            sum(c.excluded_title_abstract_by_reason.values()),
            c.excluded_title_abstract,
        ),
        (
            "full-text exclusions by reason add up",
            sum(c.excluded_full_text_by_reason.values()),
            c.excluded_full_text,
        ),
    ]
    problems = [
        Problem(where, None, "PRISMA", f"{name} fails: {left} != {right}")
        for name, left, right in identities
        if left != right
    ]
    if problems:
        raise EvidenceError(problems)
