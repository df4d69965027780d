"""Counts for the PRISMA 2020 flow diagram, with the arithmetic that the diagram must satisfy."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import paths, schemas
from analysis.errors import EvidenceError, Problem, display
from analysis.load import Evidence

# PRISMA 2020 reports searches of databases apart from "other methods" (websites, citations).
ARMS = {"databases": ("database",), "other_methods": ("website", "citation")}


@dataclass(frozen=True)
class ArmCounts:
    """One column of the PRISMA 2020 flow diagram."""

    identified: int
    identified_by_method: dict[str, int]
    duplicates: int
    screened: int
    excluded_title_abstract: int
    sought: int  # reports sought for retrieval: records included at title/abstract
    not_retrieved: int
    assessed: int  # reports retrieved and assessed for eligibility
    excluded_full_text: int
    excluded_full_text_by_reason: dict[str, int]
    included: int


@dataclass(frozen=True)
class PrismaCounts:
    identified: int
    identified_by_search: dict[str, int]
    identified_by_source: dict[str, int]
    identified_by_method: dict[str, int]
    duplicates: int
    screened: int
    excluded_title_abstract: int
    excluded_title_abstract_by_reason: dict[str, int]
    sought: int  # reports sought for retrieval, i.e. records included at title/abstract
    not_retrieved: int
    assessed: int  # reports retrieved and assessed at full text
    excluded_full_text: int
    excluded_full_text_by_reason: dict[str, int]
    included: int
    included_by_literature_type: dict[str, int]
    arms: dict[str, ArmCounts]


def _stage(screening: pd.DataFrame, stage: str) -> pd.DataFrame:
    return screening[screening["stage"] == stage]


def _by_reason(decisions: pd.DataFrame, reasons: list[str]) -> dict[str, int]:
    """Every protocol reason appears (zero included), in protocol order, so tables are stable."""
    counts = decisions[decisions["decision"] == "exclude"]["reason"].value_counts()
    return {reason: int(counts.get(reason, 0)) for reason in reasons}


def _count(decisions: pd.DataFrame, decision: str) -> int:
    return int((decisions["decision"] == decision).sum())


def record_methods(ev: Evidence) -> pd.Series:
    """The search method that identified each record, indexed by record_id."""
    method_of = dict(zip(ev.searches["search_id"], ev.searches["method"], strict=True))
    return pd.Series(
        ev.records["search_id"].map(method_of).to_numpy(), index=ev.records["record_id"]
    )


def _flow(records: pd.DataFrame, decisions: pd.DataFrame, reasons: list[str]) -> dict:
    """The boxes from duplicates to included, for any set of records and their decisions."""
    title_abstract = _stage(decisions, "title_abstract")
    retrieval = _stage(decisions, "retrieval")
    full_text = _stage(decisions, "full_text")
    return {
        "duplicates": int((records["duplicate_of"] != "").sum()),
        "screened": len(title_abstract),
        "excluded_title_abstract": _count(title_abstract, "exclude"),
        "sought": _count(title_abstract, "include"),
        "not_retrieved": _count(retrieval, "not_retrieved"),
        "assessed": _count(retrieval, "retrieved"),
        "excluded_full_text": _count(full_text, "exclude"),
        "excluded_full_text_by_reason": _by_reason(full_text, reasons),
        "included": _count(full_text, "include"),
    }


def _arm(ev: Evidence, record_ids: set[str], reasons: list[str]) -> ArmCounts:
    records = ev.records[ev.records["record_id"].isin(record_ids)]
    decisions = ev.screening[ev.screening["record_id"].isin(record_ids)]
    methods = record_methods(ev).loc[list(records["record_id"])].value_counts()
    return ArmCounts(
        identified=len(records),
        identified_by_method={str(k): int(v) for k, v in methods.items()},
        **_flow(records, decisions, reasons),
    )


def prisma_counts(ev: Evidence) -> PrismaCounts:
    reasons = list(ev.protocol["screening"]["exclusion_reasons"])
    records, screening = ev.records, ev.screening
    title_abstract = _stage(screening, "title_abstract")

    by_search = records["search_id"].value_counts()
    source_of = dict(zip(ev.searches["search_id"], ev.searches["source"], strict=True))
    by_source = records["search_id"].map(source_of).value_counts()
    methods = record_methods(ev)
    by_method = methods.value_counts()
    literature = ev.charting["literature_type"].value_counts() if len(ev.charting) else {}
    arms = {
        arm: _arm(ev, set(methods.index[methods.isin(kinds)]), reasons)
        for arm, kinds in ARMS.items()
    }

    counts = PrismaCounts(
        identified=len(records),
        identified_by_search={s: int(by_search.get(s, 0)) for s in ev.searches["search_id"]},
        identified_by_source={str(k): int(v) for k, v in by_source.items()},
        identified_by_method={m: int(by_method.get(m, 0)) for m in schemas.METHODS},
        excluded_title_abstract_by_reason=_by_reason(title_abstract, reasons),
        included_by_literature_type={str(k): int(v) for k, v in dict(literature).items()},
        arms=arms,
        **_flow(records, screening, reasons),
    )
    check_identities(counts, charted=len(ev.charting))
    return counts


def check_identities(c: PrismaCounts, charted: int) -> None:
    """The flow diagram's boxes must add up; a gap means a record was lost or double-counted."""
    where = display(paths.SCREENING)
    identities = [
        ("identified - duplicates = screened", c.identified - c.duplicates, c.screened),
        (
            "screened - excluded at title/abstract = sought for retrieval",
            c.screened - c.excluded_title_abstract,
            c.sought,
        ),
        ("sought - not retrieved = assessed", c.sought - c.not_retrieved, c.assessed),
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
    for name, arm in c.arms.items():
        identities += [
            (f"{name}: identified - duplicates = screened", arm.identified - arm.duplicates,
             arm.screened),
            (f"{name}: screened - excluded = sought", arm.screened - arm.excluded_title_abstract,
             arm.sought),
            (f"{name}: sought - not retrieved = assessed", arm.sought - arm.not_retrieved,
             arm.assessed),
            (f"{name}: assessed - excluded = included", arm.assessed - arm.excluded_full_text,
             arm.included),
        ]
    identities.append(
        ("arms add up to the total", sum(a.included for a in c.arms.values()), c.included)
    )
    problems = [
        Problem(where, None, "PRISMA", f"{name} fails: {left} != {right}")
        for name, left, right in identities
        if left != right
    ]
    if problems:
        raise EvidenceError(problems)
