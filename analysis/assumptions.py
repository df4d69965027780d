"""Guards for interpretive prose: a chapter states the verdicts its argument was written for.

Numbers in prose follow the data by themselves; an argument ("the topic is well covered, so the
gap is one of depth") does not. A chapter calls `prose_assumes` in a hidden cell, and when the
data move a verdict or a gap across its threshold the build stops and says which paragraph to
re-read, instead of publishing an argument its own numbers contradict.

Alt text is the same case. A cell option cannot be computed in either engine, so a figure's
alt text that describes its shape ("actions and practices is the longest bar") states the
ranking it describes with `leading` / `trailing`, and the build stops when the data reorder it.
"""

from __future__ import annotations

from analysis.gaps import KINDS, gap_verdict, is_gap
from analysis.load import Evidence
from analysis.stats import counts
from analysis.summary_findings import verdict

__all__ = ["ProseOutOfDate", "prose_assumes"]


class ProseOutOfDate(RuntimeError):
    """The data no longer give the verdicts a chapter's argument was written for."""


def prose_assumes(
    ev: Evidence,
    *,
    verdicts: dict[str, str] | None = None,
    gaps: dict[str, bool | str] | None = None,
    leading: dict[str, tuple[str, ...]] | None = None,
    trailing: dict[str, tuple[str, ...]] | None = None,
) -> str:
    """Raise ProseOutOfDate listing every assumption the data now break; return '' otherwise.

    A gap's expected value is its kind under the one gap rule ('absolute gap', 'evidence gap',
    'not a gap'), or, as before, True/False for whether it is an absolute gap. `leading` names,
    per coded field, the values held by more sources than every other value of the field (in any
    order among themselves); `trailing` the values held by fewer.
    """
    broken = _ranking_problems(ev, leading or {}, most=True)
    broken += _ranking_problems(ev, trailing or {}, most=False)
    for finding, expected in (verdicts or {}).items():
        actual = verdict(ev, finding)
        if actual != expected:
            broken.append(
                f"finding {finding!r}: the prose argues from {expected!r}, the data now give "
                f"{actual!r}"
            )
    for gap, expected in (gaps or {}).items():
        if isinstance(expected, str):
            if expected not in KINDS:
                raise ValueError(f"gap {gap!r}: {expected!r} is not one of {KINDS}")
            kind = gap_verdict(ev, gap).kind
            if kind != expected:
                broken.append(
                    f"gap {gap!r}: the prose argues from {expected!r}, the data now give {kind!r}"
                )
            continue
        actual = is_gap(ev, gap)
        if actual != expected:
            said = "a gap" if expected else "not a gap"
            now = "a gap" if actual else "not a gap"
            broken.append(f"gap {gap!r}: the prose argues it is {said}, the data now make it {now}")
    if broken:
        raise ProseOutOfDate(
            "re-read and revise the paragraphs that rest on these, then update this check:\n  "
            + "\n  ".join(broken)
        )
    return ""


def _ranking_problems(ev: Evidence, expected: dict, most: bool) -> list[str]:
    found = []
    for field, values in expected.items():
        values = (values,) if isinstance(values, str) else tuple(values)
        n = counts(ev, field)
        unknown = [v for v in values if v not in n.index]
        if unknown or not values or len(values) >= len(n):
            raise ValueError(f"{field!r}: {values!r} must be some, not all, of its values")
        ours, others = n[list(values)], n.drop(list(values))
        holds = ours.min() > others.max() if most else ours.max() < others.min()
        if not holds:
            which = "most" if most else "fewest"
            shown = ", ".join(f"{v} {int(c)}" for v, c in n.sort_values(ascending=not most).items())
            found.append(
                f"field {field!r}: the text says {', '.join(values)} have the {which} sources; "
                f"the data now give {shown}"
            )
    return found
