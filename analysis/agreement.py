"""Agreement between the first reviewer and the blinded second reviewer, per stage and field.

Percentage agreement and Cohen's kappa are computed on the items both reviewers decided: the
first reviewer's decision (data/screening.csv, data/charting.csv) against the second reviewer's
independent one (data/second_screening.csv, data/second_charting.csv). Where a disagreement was
resolved and the decision in force changed, the first reviewer's own decision is taken from the
resolution's record (data/resolutions.csv), so that resolving a disagreement never turns it into
an agreement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.codebook import fields
from analysis.load import Evidence
from analysis.schemas import SECOND_CHARTING_FIELDS

__all__ = ["cohen_kappa", "Agreement", "screening_agreement", "charting_agreement",
           "tbl_agreement", "n_disagreements", "n_charting_disagreements"]  # fmt: skip

STAGE_LABELS = {"title_abstract": "Title and abstract", "full_text": "Full text"}


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa for two raters' labels of the same items; None when it is undefined
    (no items, or both raters gave every item one and the same label, so chance agreement is 1)."""
    if len(first) != len(second):
        raise ValueError("both raters must label the same items")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[k] * count_b[k] for k in count_a.keys() | count_b.keys()) / n**2
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class Agreement:
    stage: str
    field: str
    items: int
    agreed: int
    kappa: float | None
    keys: tuple[str, ...]  # the items where the reviewers disagreed

    @property
    def percent(self) -> float | None:
        return 100 * self.agreed / self.items if self.items else None


def _agreement(stage: str, field: str, pairs: list[tuple[str, str, str]]) -> Agreement:
    first = [a for _, a, _ in pairs]
    second = [b for _, _, b in pairs]
    return Agreement(
        stage=stage,
        field=field,
        items=len(pairs),
        agreed=sum(a == b for a, b in zip(first, second, strict=True)),
        kappa=cohen_kappa(first, second),
        keys=tuple(k for k, a, b in pairs if a != b),
    )


def _first_before_resolution(ev: Evidence) -> dict[tuple[str, str, str], str]:
    """(item, stage, field) -> the first reviewer's value as it was when compared."""
    return {
        (r.item, r.stage, r.field): r.first for r in ev.resolutions.itertuples(index=False)
    }


def screening_agreement(ev: Evidence) -> list[Agreement]:
    """Include/exclude agreement at each screening stage the second reviewer took part in."""
    result = []
    in_force = ev.screening.set_index(["record_id", "stage"])["decision"]
    before = _first_before_resolution(ev)
    for stage in STAGE_LABELS:
        second = ev.second_screening[ev.second_screening["stage"] == stage]
        pairs = [
            (
                r.record_id,
                before.get((r.record_id, stage, "decision"), in_force.get((r.record_id, stage))),
                r.decision,
            )
            for r in second.itertuples(index=False)
            if (r.record_id, stage) in in_force.index
            or (r.record_id, stage, "decision") in before
        ]
        result.append(_agreement(stage, "decision", pairs))
    return result


def charting_agreement(ev: Evidence) -> list[Agreement]:
    """Agreement per key charting field. A multi-valued field is compared value by value (does the
    source have this dimension?), so kappa is over source-by-value items."""
    by_name = {f.name: f for f in fields(ev.codebook)}
    first = ev.charting.set_index("source_id")
    before = _first_before_resolution(ev)
    result = []
    for name in SECOND_CHARTING_FIELDS:
        f = by_name[name]
        pairs: list[tuple[str, str, str]] = []
        for row in ev.second_charting.itertuples(index=False):
            if row.source_id not in first.index:
                continue
            mine = before.get((row.source_id, "charting", name), first.at[row.source_id, name])
            theirs = getattr(row, name)
            if f.kind == "multi":
                a, b = set(f.split(mine)), set(f.split(theirs))
                pairs += [
                    (f"{row.source_id}:{v}", str(v in a), str(v in b)) for v in f.values
                ]
            else:
                pairs.append((row.source_id, mine, theirs))
        result.append(_agreement("charting", name, pairs))
    return result


def n_disagreements(ev: Evidence) -> int:
    """Disagreements resolved and recorded in data/resolutions.csv."""
    return len(ev.resolutions)


def n_charting_disagreements(ev: Evidence) -> int:
    """Charted cells (or, for multi-valued fields, values) on which the reviewers differ."""
    return sum(len(a.keys) for a in charting_agreement(ev))


def tbl_agreement(ev: Evidence) -> pd.DataFrame:
    """Items double-checked, percentage agreement and Cohen's kappa, per stage and field."""
    labels = {f.name: f.label for f in fields(ev.codebook)}
    rows = []
    for a in [*screening_agreement(ev), *charting_agreement(ev)]:
        what = STAGE_LABELS.get(a.stage) or f"Charting: {labels.get(a.field, a.field)}"
        rows.append(
            {
                "Stage or field": what,
                "Items": a.items,
                "Agreement (%)": "" if a.percent is None else f"{a.percent:.0f}",
                "Cohen's kappa": "" if a.kappa is None else f"{a.kappa:.2f}",
            }
        )
    return pd.DataFrame(rows, columns=["Stage or field", "Items", "Agreement (%)", "Cohen's kappa"])
