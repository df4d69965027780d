"""The public summary's findings tested against this review's data (data/summary_findings.yml).

Each finding has a measure and two thresholds fixed in the file, so a verdict follows from the
counts by a rule anyone can read, and changes when the counts cross a threshold.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import EvidenceError, Problem, display
from analysis.gaps import measure_problems
from analysis.load import Evidence
from analysis.stats import n_included, n_of, n_with
from analysis.tables import md_escape
from analysis.yamlio import YamlFile, read_yaml

__all__ = ["summary_findings", "verdict", "finding_count", "tbl_summary_tests"]

SUPPORTED, PARTLY, NOT_SUPPORTED = "supported", "partly supported", "not supported"
CLAIMS = ("scarce", "common")
KEYS = ("finding", "measure_text", "measure", "claim", "supported", "partly", "rationale")


def _problems(f: YamlFile, ev: Evidence) -> list[Problem]:
    found: list[Problem] = []
    findings = f.content.get("findings")
    if not isinstance(findings, dict) or not findings:
        return [Problem(f.name, f.line("findings"), "findings", "defines no findings")]
    for fid, spec in findings.items():
        where = ("findings", fid)
        if not isinstance(spec, dict):
            found.append(Problem(f.name, f.line(*where), f"findings.{fid}", "needs a mapping"))
            continue
        found += [
            Problem(f.name, f.line(*where), f"findings.{fid}.{k}", "is missing")
            for k in KEYS
            if spec.get(k) in (None, "")
        ]
        if "measure" in spec:
            found += measure_problems(f, (*where, "measure"), spec["measure"], ev)
        claim = spec.get("claim")
        if claim is not None and claim not in CLAIMS:
            found.append(
                Problem(
                    f.name,
                    f.line(*where, "claim"),
                    f"findings.{fid}.claim",
                    f"{claim!r} not in {CLAIMS}",
                )
            )
        bars = [spec.get("supported"), spec.get("partly")]
        if all(isinstance(b, int | float) for b in bars):
            supported, partly = bars
            ordered = supported <= partly if claim == "scarce" else supported >= partly
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
    """The verdict the thresholds give for `count` of `total` sources."""
    share = count / total if total else 0.0
    if spec["claim"] == "scarce":
        if share <= spec["supported"]:
            return SUPPORTED
        return PARTLY if share <= spec["partly"] else NOT_SUPPORTED
    if share >= spec["supported"]:
        return SUPPORTED
    return PARTLY if share >= spec["partly"] else NOT_SUPPORTED


def finding_count(ev: Evidence, finding_id: str, path: Path = paths.SUMMARY_FINDINGS) -> int:
    spec = _spec(ev, finding_id, path)
    return n_with(ev, spec["measure"]["field"], *spec["measure"]["values"])


def verdict(ev: Evidence, finding_id: str, path: Path = paths.SUMMARY_FINDINGS) -> str:
    """'supported', 'partly supported' or 'not supported'."""
    spec = _spec(ev, finding_id, path)
    return rule(spec, finding_count(ev, finding_id, path), n_included(ev))


def summary_findings(ev: Evidence, path: Path = paths.SUMMARY_FINDINGS) -> pd.DataFrame:
    """One row per finding: its text, measure, count, total, share, verdict and rationale."""
    total = n_included(ev)
    rows = []
    for fid, spec in load_findings(ev, path).items():
        count = n_with(ev, spec["measure"]["field"], *spec["measure"]["values"])
        rows.append(
            {
                "id": fid,
                "finding": " ".join(str(spec["finding"]).split()),
                "measure": spec["measure_text"],
                "field": spec["measure"]["field"],
                "values": list(spec["measure"]["values"]),
                "claim": spec["claim"],
                "supported": spec["supported"],
                "partly": spec["partly"],
                "count": count,
                "total": total,
                "share": count / total if total else 0.0,
                "verdict": rule(spec, count, total),
                "rationale": " ".join(str(spec["rationale"]).split()),
            }
        )
    return pd.DataFrame(rows).set_index("id")


def tbl_summary_tests(ev: Evidence, path: Path = paths.SUMMARY_FINDINGS) -> pd.DataFrame:
    """Public summary finding | Measure in this review | Count | Verdict."""
    s = summary_findings(ev, path)
    return pd.DataFrame(
        {
            "Public summary finding": [md_escape(t) for t in s["finding"]],
            "Measure in this review": [md_escape(t) for t in s["measure"]],
            "Count": [n_of(c, t) for c, t in zip(s["count"], s["total"], strict=True)],
            "Verdict": s["verdict"].str.capitalize().tolist(),
        }
    )
