"""The public summary's findings tested against this review's data (data/summary_findings.yml).

Each finding is tested as the claim it makes, by a rule fixed in the file (not moved when the
data change):

- `scarce` / `common`: the finding says sources of a kind are few (or many); the share of all
  included sources in the measure is compared with two bars;
- `no_agreement`: the finding says the definitions do not agree; the share of the sources that
  define or describe systems leadership which share its `core` most common definition themes is
  compared with two bars (a commonly agreed definition would show as a core most of them share);
- `further_work`: the finding calls for further work on an area; the call is supported when the
  area is a gap of either kind under the review's one gap rule (analysis/gaps.py), and not
  supported when it is not a gap. A call for work is not a claim that nothing exists.

Every verdict comes with its sensitivity: how many sources would have to move for it to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import EvidenceError, Problem, display
from analysis.gaps import (
    ABSOLUTE,
    EVIDENCE,
    NOT_A_GAP,
    gap_verdict,
    load_gaps,
    measure_problems,
    research_to_close,
)
from analysis.load import Evidence
from analysis.memo import per_evidence
from analysis.stats import (
    DEFINING,
    coded_field,
    n_included,
    n_of,
    n_with,
    sources_where,
    sources_with,
)
from analysis.tables import md_escape
from analysis.yamlio import YamlFile, read_yaml

__all__ = [
    "summary_findings",
    "verdict",
    "finding_count",
    "finding_test",
    "tbl_summary_tests",
    "definition_core",
]

SUPPORTED, PARTLY, NOT_SUPPORTED = "supported", "partly supported", "not supported"
SHARE_CLAIMS = ("scarce", "common", "no_agreement")
CLAIMS = (*SHARE_CLAIMS, "further_work")
COMMON_KEYS = ("finding", "measure_text", "claim", "rationale")
SHARE_KEYS = ("measure", "supported", "partly")


def _problems(f: YamlFile, ev: Evidence) -> list[Problem]:
    found: list[Problem] = []
    findings = f.content.get("findings")
    if not isinstance(findings, dict) or not findings:
        return [Problem(f.name, f.line("findings"), "findings", "defines no findings")]
    gap_ids = set(load_gaps(ev)["gaps"])
    for fid, spec in findings.items():
        where = ("findings", fid)
        if not isinstance(spec, dict):
            found.append(Problem(f.name, f.line(*where), f"findings.{fid}", "needs a mapping"))
            continue
        claim = spec.get("claim")
        keys = COMMON_KEYS + (("gap",) if claim == "further_work" else SHARE_KEYS)
        found += [
            Problem(f.name, f.line(*where), f"findings.{fid}.{k}", "is missing")
            for k in keys
            if spec.get(k) in (None, "")
        ]
        if claim is not None and claim not in CLAIMS:
            found.append(
                Problem(
                    f.name,
                    f.line(*where, "claim"),
                    f"findings.{fid}.claim",
                    f"{claim!r} not in {CLAIMS}",
                )
            )
        if claim == "further_work":
            if spec.get("gap") and spec["gap"] not in gap_ids:
                found.append(
                    Problem(
                        f.name,
                        f.line(*where, "gap"),
                        f"findings.{fid}.gap",
                        f"{spec['gap']!r} is not a gap in {display(paths.GAPS)}",
                    )
                )
            continue
        if claim == "no_agreement":
            measure = spec.get("measure") or {}
            try:
                coded_field(ev, measure.get("field", ""))
            except ValueError as err:
                found.append(
                    Problem(f.name, f.line(*where, "measure"), f"findings.{fid}.measure", str(err))
                )
            if not isinstance(measure.get("core"), int) or measure.get("core", 0) < 1:
                found.append(
                    Problem(
                        f.name,
                        f.line(*where, "measure"),
                        f"findings.{fid}.measure.core",
                        "needs a whole number of themes (1 or more)",
                    )
                )
        elif "measure" in spec:
            found += measure_problems(f, (*where, "measure"), spec["measure"], ev)
        bars = [spec.get("supported"), spec.get("partly")]
        if all(isinstance(b, int | float) for b in bars):
            supported, partly = bars
            ordered = supported >= partly if claim == "common" else supported <= partly
            if not (0 <= supported <= 1 and 0 <= partly <= 1 and ordered):
                found.append(
                    Problem(
                        f.name,
                        f.line(*where, "supported"),
                        f"findings.{fid}.supported",
                        "thresholds must be shares in [0, 1], and for a scarce claim "
                        "supported <= partly (for a common claim supported >= partly)",
                    )
                )
        elif spec.get("supported") is not None and spec.get("partly") is not None:
            found.append(
                Problem(
                    f.name,
                    f.line(*where, "supported"),
                    f"findings.{fid}",
                    "thresholds must be numbers",
                )
            )
    return found


@per_evidence
def load_findings(ev: Evidence, path: Path = paths.SUMMARY_FINDINGS) -> dict:
    f = read_yaml(path)
    problems = _problems(f, ev)
    if problems:
        raise EvidenceError(problems)
    return f.content["findings"]


def _spec(ev: Evidence, finding_id: str, path: Path) -> dict:
    findings = load_findings(ev, path)
    if finding_id not in findings:
        raise ValueError(
            f"{finding_id!r} is not a finding in {display(path)} ({', '.join(findings)})"
        )
    return findings[finding_id]


def rule(spec: dict, count: int, total: int) -> str:
    """The verdict the thresholds give for `count` of `total` sources (share claims)."""
    share = count / total if total else 0.0
    if spec["claim"] == "common":
        if share >= spec["supported"]:
            return SUPPORTED
        return PARTLY if share >= spec["partly"] else NOT_SUPPORTED
    if share <= spec["supported"]:
        return SUPPORTED
    return PARTLY if share <= spec["partly"] else NOT_SUPPORTED


def definition_core(ev: Evidence, k: int) -> tuple[list[str], list[str]]:
    """The k most common definition themes among defining sources, and the sources using all."""
    defining = set(sources_with(ev, "definition", *DEFINING))
    theme_counts = pd.Series(
        {
            v: len(set(sources_with(ev, "definition_themes", v)) & defining)
            for v in coded_field(ev, "definition_themes").values
        }
    )
    core = list(theme_counts.sort_values(ascending=False, kind="stable").index[:k])
    with_all = set.intersection(*(set(sources_with(ev, "definition_themes", t)) for t in core))
    return core, [s for s in sources_where(ev, definition=DEFINING) if s in with_all]


@dataclass(frozen=True)
class FindingTest:
    finding_id: str
    verdict: str
    count: int
    total: int
    sensitivity: str  # how many sources would have to move to change the verdict, in words
    basis: str  # what was counted, for a sentence


def _share_sensitivity(spec: dict, count: int, total: int) -> str:
    """The fewest sources moving into or out of the measure (base fixed) that change the verdict."""
    now = rule(spec, count, total)
    for k in range(1, total + 1):
        for sign, word in ((1, "more"), (-1, "fewer")):
            c = count + sign * k
            if 0 <= c <= total and (new := rule(spec, c, total)) != now:
                noun = "source" if k == 1 else "sources"
                return f"{k} {word} {noun} would make it {new}"
    return "no count of sources would change it"


def _further_work_sensitivity(ev: Evidence, gap_id: str) -> str:
    """Sources that would turn the verdict: make the area 'not a gap', or a gap if it is not."""
    v = gap_verdict(ev, gap_id)
    if v.kind == NOT_A_GAP:
        noun = "source" if v.to_change == 1 else "sources"
        return f"{v.to_change} fewer {noun} on the area would make it a gap and the call supported"
    k = research_to_close(ev, gap_id)
    noun = "research source" if k == 1 else "research sources"
    return f"{k} more {noun} on the area would make it not a gap and the call not supported"


@per_evidence
def finding_test(ev: Evidence, finding_id: str, path: Path = paths.SUMMARY_FINDINGS) -> FindingTest:
    """The finding tested as the claim it makes, with its sensitivity."""
    spec = _spec(ev, finding_id, path)
    claim = spec["claim"]
    if claim == "further_work":
        v = gap_verdict(ev, spec["gap"])
        said = SUPPORTED if v.kind in (ABSOLUTE, EVIDENCE) else NOT_SUPPORTED
        return FindingTest(
            finding_id, said, len(v.sources), v.total,
            _further_work_sensitivity(ev, spec["gap"]), f"the area is {v.kind_phrase}",
        )  # fmt: skip
    if claim == "no_agreement":
        core, sharing = definition_core(ev, spec["measure"]["core"])
        total = len(sources_where(ev, definition=DEFINING))
        count = len(sharing)
        basis = "the sources that define or describe it sharing its commonest themes"
    else:
        count = n_with(ev, spec["measure"]["field"], *spec["measure"]["values"])
        total = n_included(ev)
        basis = spec["measure_text"][:1].lower() + spec["measure_text"][1:]
    return FindingTest(
        finding_id, rule(spec, count, total), count, total,
        _share_sensitivity(spec, count, total), basis,
    )  # fmt: skip


def finding_count(ev: Evidence, finding_id: str, path: Path = paths.SUMMARY_FINDINGS) -> int:
    return finding_test(ev, finding_id, path).count


def verdict(ev: Evidence, finding_id: str, path: Path = paths.SUMMARY_FINDINGS) -> str:
    """'supported', 'partly supported' or 'not supported'."""
    return finding_test(ev, finding_id, path).verdict


def summary_findings(ev: Evidence, path: Path = paths.SUMMARY_FINDINGS) -> pd.DataFrame:
    """One row per finding: its text, claim, measure, count, base, share, verdict, sensitivity."""
    rows = []
    for fid, spec in load_findings(ev, path).items():
        t = finding_test(ev, fid, path)
        rows.append(
            {
                "id": fid,
                "finding": " ".join(str(spec["finding"]).split()),
                "measure": spec["measure_text"],
                "claim": spec["claim"],
                "gap": spec.get("gap", ""),
                "count": t.count,
                "total": t.total,
                "share": t.count / t.total if t.total else 0.0,
                "verdict": t.verdict,
                "sensitivity": t.sensitivity,
                "rationale": " ".join(str(spec["rationale"]).split()),
            }
        )
    return pd.DataFrame(rows).set_index("id")


def tbl_summary_tests(ev: Evidence, path: Path = paths.SUMMARY_FINDINGS) -> pd.DataFrame:
    """Public summary finding | How it is tested | Count | Verdict | What would change it."""
    s = summary_findings(ev, path)
    return pd.DataFrame(
        {
            "Public summary finding": [md_escape(t) for t in s["finding"]],
            "How it is tested": [md_escape(t) for t in s["measure"]],
            "Count": [n_of(c, t) for c, t in zip(s["count"], s["total"], strict=True)],
            "Verdict": s["verdict"].str.capitalize().tolist(),
            "What would change it": [md_escape(t) for t in s["sensitivity"]],
        }
    )

