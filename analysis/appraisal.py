"""Confidence in the evidence (data/appraisal.yml): a rating per source derived by rule from its
charting, and the confidence of a finding or gap from the ratings of the sources behind it.

Peer-reviewed sources are rated by design; grey literature by the lower of its design rating and
an AACODS-style check of the criteria the charting supports (authority, a stated method, a date).
This is a rule applied to charted fields, not a critical appraisal of each source.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import EvidenceError, Problem
from analysis.gaps import gap_sources
from analysis.load import Evidence
from analysis.memo import per_evidence
from analysis.stats import coded_field, n_of, source_years
from analysis.yamlio import read_yaml

__all__ = [
    "source_ratings",
    "n_rated",
    "confidence",
    "Confidence",
    "gap_confidence",
    "tbl_appraisal",
    "grey_criteria_text",
]

RATINGS = ("high", "moderate", "low")


@per_evidence
def load_appraisal(ev: Evidence, path: Path = paths.APPRAISAL) -> dict:
    """The validated rules: every design rated exactly once, criteria on coded fields."""
    f = read_yaml(path)
    content = f.content
    problems: list[Problem] = []
    designs = coded_field(ev, "study_design").values
    rated: dict[str, str] = {}
    for rating, values in (content.get("design") or {}).items():
        if rating not in RATINGS:
            problems.append(
                Problem(f.name, f.line("design", rating), f"design.{rating}", f"not in {RATINGS}")
            )
        for v in values or []:
            if v not in designs:
                problems.append(
                    Problem(f.name, f.line("design", rating), f"design.{rating}",
                            f"{v!r} is not a study_design value")  # fmt: skip
                )
            elif v in rated:
                problems.append(
                    Problem(f.name, f.line("design", rating), f"design.{rating}",
                            f"{v!r} is already rated {rated[v]}")  # fmt: skip
                )
            rated[v] = rating
    problems += [
        Problem(f.name, f.line("design"), "design", f"study_design {v!r} has no rating")
        for v in designs
        if v not in rated
    ]
    for name, spec in (content.get("grey_criteria") or {}).items():
        if not isinstance(spec, dict) or not spec.get("text"):
            problems.append(
                Problem(f.name, f.line("grey_criteria", name), f"grey_criteria.{name}",
                        "needs a text")  # fmt: skip
                )
            continue
        if spec.get("dated"):
            continue
        try:
            field = coded_field(ev, spec.get("field", ""))
        except ValueError as err:
            problems.append(
                Problem(f.name, f.line("grey_criteria", name), f"grey_criteria.{name}", str(err))
            )
            continue
        problems += [
            Problem(f.name, f.line("grey_criteria", name), f"grey_criteria.{name}.values",
                    f"{v!r} is not a value of {field.name}")  # fmt: skip
            for v in spec.get("values") or []
            if v not in field.values
        ]
    bars = content.get("confidence") or {}
    if not (
        isinstance(bars.get("high"), int | float)
        and isinstance(bars.get("moderate"), int | float)
        and 0 < bars["moderate"] <= 1
        and 0 < bars["high"] <= 1
        and isinstance(bars.get("min_sources"), int)
    ):
        problems.append(
            Problem(f.name, f.line("confidence"), "confidence",
                    "needs shares high and moderate in (0, 1] and a whole min_sources")  # fmt: skip
        )
    if problems:
        raise EvidenceError(problems)
    return {**content, "_design": rated}


def _meets(ev: Evidence, spec: dict, years: pd.Series, row) -> bool:
    if spec.get("dated"):
        return not pd.isna(years.get(row["source_id"]))
    return bool(set(coded_field(ev, spec["field"]).split(row[spec["field"]])) & set(spec["values"]))


@per_evidence
def source_ratings(ev: Evidence, path: Path = paths.APPRAISAL) -> pd.Series:
    """Per included source (by source_id): 'high', 'moderate' or 'low'."""
    rules = load_appraisal(ev, path)
    years = source_years(ev)
    criteria = rules.get("grey_criteria") or {}
    out = {}
    for _, row in ev.charting.iterrows():
        rating = rules["_design"][row["study_design"]]
        if row["literature_type"] == "grey":
            met = sum(_meets(ev, spec, years, row) for spec in criteria.values())
            check = RATINGS[min(len(criteria) - met, 2)]  # all met: high; one short: moderate
            rating = max(rating, check, key=RATINGS.index)  # the lower of the two
        out[row["source_id"]] = rating
    return pd.Series(out, name="rating", dtype=object)


def n_rated(ev: Evidence, *ratings: str, keys=None) -> int:
    """Sources (of `keys`, or all included) rated any of `ratings`."""
    r = source_ratings(ev)
    if keys is not None:
        r = r[r.index.isin(list(keys))]
    return int(r.isin(ratings).sum())


@dataclass(frozen=True)
class Confidence:
    level: str  # 'high', 'moderate' or 'low'
    high: int  # sources rated high
    stronger: int  # sources rated high or moderate
    total: int

    @property
    def brief(self) -> str:
        """'moderate (2 high, 9 high or moderate)', for a table cell beside the source count."""
        return f"{self.level} ({self.high} high, {self.stronger} high or moderate)"

    @property
    def sentence(self) -> str:
        """'moderate (2 of 18 rated high, 9 high or moderate)'."""
        if not self.total:
            return "low (no sources)"
        return (
            f"{self.level} ({self.high} of {self.total} sources rated high, "
            f"{self.stronger} high or moderate)"
        )


def confidence(ev: Evidence, keys, path: Path = paths.APPRAISAL) -> Confidence:
    """Confidence in what the sources `keys` say: high when enough of them rate high, moderate
    when enough rate high or moderate, otherwise low (bars in the appraisal file)."""
    keys = list(keys)
    bars = load_appraisal(ev, path)["confidence"]
    high = n_rated(ev, "high", keys=keys)
    stronger = n_rated(ev, "high", "moderate", keys=keys)
    if not keys or stronger < bars["min_sources"]:
        level = "low"
    elif high / len(keys) >= bars["high"]:
        level = "high"
    elif stronger / len(keys) >= bars["moderate"]:
        level = "moderate"
    else:
        level = "low"
    return Confidence(level, high, stronger, len(keys))


def gap_confidence(ev: Evidence, gap_id: str, path: Path = paths.APPRAISAL) -> Confidence:
    """Confidence in the evidence that exists on a gap's area."""
    return confidence(ev, gap_sources(ev, gap_id), path)


def grey_criteria_text(ev: Evidence, path: Path = paths.APPRAISAL) -> list[str]:
    """The grey-literature criteria, for the methods chapter."""
    return [spec["text"] for spec in (load_appraisal(ev, path).get("grey_criteria") or {}).values()]


def tbl_appraisal(ev: Evidence, path: Path = paths.APPRAISAL) -> pd.DataFrame:
    """Rating | Peer reviewed | Grey | All: included sources by the derived rating."""
    r = source_ratings(ev, path)
    lit = ev.charting.set_index("source_id")["literature_type"]
    rows = []
    for rating in RATINGS:
        keys = r.index[r == rating]
        rows.append(
            {
                "Rating": rating.capitalize(),
                "Peer reviewed": int((lit[keys] == "peer_reviewed").sum()),
                "Grey literature": int((lit[keys] == "grey").sum()),
                "All": n_of(len(keys), len(r)),
            }
        )
    return pd.DataFrame(rows)

