"""Guards for interpretive prose: a chapter states the verdicts its argument was written for.

Numbers in prose follow the data by themselves; an argument ("the topic is well covered, so the
gap is one of depth") does not. A chapter calls `prose_assumes` in a hidden cell, and when the
data move a verdict or a gap across its threshold the build stops and says which paragraph to
re-read, instead of publishing an argument its own numbers contradict.
"""

from __future__ import annotations

from analysis.gaps import KINDS, gap_verdict, is_gap
from analysis.load import Evidence
from analysis.summary_findings import verdict

__all__ = ["ProseOutOfDate", "prose_assumes"]


class ProseOutOfDate(RuntimeError):
    """The data no longer give the verdicts a chapter's argument was written for."""


def prose_assumes(
    ev: Evidence,
    *,
    verdicts: dict[str, str] | None = None,
    gaps: dict[str, bool | str] | None = None,
) -> str:
    """Raise ProseOutOfDate listing every assumption the data now break; return '' otherwise.

    A gap's expected value is its kind under the one gap rule ('absolute gap', 'evidence gap',
    'not a gap'), or, as before, True/False for whether it is an absolute gap.
    """
    broken = []
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
