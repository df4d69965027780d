"""A conceptual framework of systems leadership synthesised from the charting.

Four components, each a charted field: how systems leadership is developed (development
approaches), what it involves (dimensions), the conditions that enable or block it (enablers and
barriers) and the outcomes claimed for it (outcome levels). An element of the framework is a value
of its field that at least one included source holds, so every element is backed by evidence, and
each carries the number and kind of sources behind it.
"""

from __future__ import annotations

import pandas as pd

from analysis.appraisal import source_ratings
from analysis.gaps import research_sources
from analysis.load import Evidence
from analysis.memo import per_evidence
from analysis.stats import coded_field, short_label, sources_with

__all__ = ["FRAMEWORK", "framework", "tbl_framework", "framework_component"]

# component id -> (heading, charted field), in the order the framework reads.
FRAMEWORK = {
    "development": ("How it is developed", "development_approaches"),
    "dimensions": ("What it involves", "dimensions"),
    "enablers": ("What enables it", "enablers"),
    "barriers": ("What blocks it", "barriers"),
    "outcomes": ("Outcomes claimed", "outcome_levels"),
}


@per_evidence
def framework(ev: Evidence) -> pd.DataFrame:
    """One row per element: component, value, label, sources, research, stronger (high/moderate)."""
    ratings = source_ratings(ev)
    rows = []
    for component, (heading, field) in FRAMEWORK.items():
        for value in coded_field(ev, field).values:
            keys = sources_with(ev, field, value)
            if not keys:
                continue  # an element nothing supports is not part of the framework
            rows.append(
                {
                    "component": component,
                    "heading": heading,
                    "value": value,
                    "label": short_label(field, value, ev.codebook),
                    "sources": len(keys),
                    "research": len(research_sources(ev, keys)),
                    "stronger": int(ratings[keys].isin(["high", "moderate"]).sum()),
                    "keys": tuple(keys),
                }
            )
    frame = pd.DataFrame(rows)
    # Within a component, the elements most sources support come first.
    order = {c: i for i, c in enumerate(FRAMEWORK)}
    frame = frame.assign(_c=frame["component"].map(order))
    frame = frame.sort_values(["_c", "sources"], ascending=[True, False], kind="stable")
    return frame.drop(columns="_c").reset_index(drop=True)


def framework_component(ev: Evidence, component: str) -> pd.DataFrame:
    """The elements of one component, most supported first."""
    if component not in FRAMEWORK:
        raise ValueError(f"{component!r} is not a component ({', '.join(FRAMEWORK)})")
    f = framework(ev)
    return f[f["component"] == component].reset_index(drop=True)


def tbl_framework(ev: Evidence) -> pd.DataFrame:
    """Component | Element | Sources | Research | Rated high or moderate."""
    f = framework(ev)
    return pd.DataFrame(
        {
            "Component": [h if i == 0 or h != prev else "" for i, (h, prev) in
                          enumerate(zip(f["heading"], [None, *f["heading"][:-1]], strict=True))],
            "Element": f["label"],
            "Sources": f["sources"],
            "Research": f["research"],
            "Rated high or moderate": f["stronger"],
        }
    )  # fmt: skip
