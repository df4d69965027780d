"""Release snapshots (data/releases/VERSION.json) and what changed since the previous release.

A snapshot records what a version of the review said: its counts, each summary finding's and
gap's count and verdict, the included sources, the searches and the recommendations. The
"What's new" section, the executive summary's line on change, the updated-review flow diagram
and `slr diff` all compare one snapshot with the evidence as it is now.

The previous release is the newest snapshot that differs from now: while the data change after
a release that is the release itself; at a release (nothing changed since its snapshot) it is
the one before, so the released review says what is new in it.
"""

from __future__ import annotations

import copy
import json
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from analysis import paths
from analysis.errors import EvidenceError, Problem, display
from analysis.gaps import gap_count, is_gap, load_gaps
from analysis.load import Evidence
from analysis.prisma import prisma_counts
from analysis.recommendations import load_recommendations
from analysis.stats import cite, n_included, sorted_sources
from analysis.summary_findings import summary_findings
from analysis.tables import md_escape, md_table

__all__ = [
    "previous_release",
    "whats_new",
    "whats_new_line",
    "whats_new_markdown",
]

# The parts of a snapshot that describe the review (not when or from which commit it was made).
CONTENT = ("counts", "findings", "gaps", "included", "searches", "recommendations")
VERSION = re.compile(r"\d+\.\d+\.\d+")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


_SNAPSHOTS: dict[int, tuple[weakref.ref, tuple, dict]] = {}


def snapshot(
    ev: Evidence,
    findings_path: Path = paths.SUMMARY_FINDINGS,
    gaps_path: Path = paths.GAPS,
    recommendations_path: Path = paths.RECOMMENDATIONS,
) -> dict:
    """What this state of the evidence says, as plain JSON-ready data."""
    # A chapter asks several times (summary line, section, flow diagram) of one loaded evidence.
    where = (str(findings_path), str(gaps_path), str(recommendations_path))
    held = _SNAPSHOTS.get(id(ev))
    if held and held[0]() is ev and held[1] == where:
        return copy.deepcopy(held[2])
    made = _snapshot(ev, findings_path, gaps_path, recommendations_path)
    _SNAPSHOTS[id(ev)] = (weakref.ref(ev), where, made)
    return copy.deepcopy(made)


def _snapshot(ev: Evidence, findings_path: Path, gaps_path: Path, recommendations_path: Path):
    c = prisma_counts(ev)
    total = n_included(ev)
    findings = summary_findings(ev, findings_path)
    gaps = load_gaps(ev, gaps_path)["gaps"]
    recs = load_recommendations(ev, recommendations_path, gaps_path)
    records = ev.records.set_index("record_id")
    undated = records["year"].isna()
    return {
        "counts": {
            "searches": len(ev.searches),
            "identified": c.identified,
            "duplicates": c.duplicates,
            "screened": c.screened,
            "excluded_title_abstract": c.excluded_title_abstract,
            "assessed": c.assessed,
            "excluded_full_text": c.excluded_full_text,
            "included": c.included,
        },
        "findings": {
            fid: {
                "finding": row["finding"],
                "count": int(row["count"]),
                "total": int(row["total"]),
                "verdict": row["verdict"],
            }
            for fid, row in findings.iterrows()
        },
        "gaps": {
            gid: {
                "label": spec["label"],
                "count": gap_count(ev, gid, gaps_path),
                "total": total,
                "gap": is_gap(ev, gid, gaps_path),
            }
            for gid, spec in gaps.items()
        },
        "included": {
            row.source_id: {
                "record_id": row.record_id,
                "title": records.at[row.record_id, "title"],
                "year": "" if undated.at[row.record_id] else str(records.at[row.record_id, "year"]),
            }
            for row in ev.charting.itertuples(index=False)
        },  # fmt: skip
        "searches": {
            row.search_id: {
                "date": row.date,
                "source": row.source,
                "query": row.query,
                "hits_found": int(row.hits_found),
            }
            for row in ev.searches.itertuples(index=False)
        },
        "recommendations": {
            row.rec_id: {
                "audience": row.audience,
                "headline": row.headline,
                "recommendation": " ".join(row.recommendation.split()),
            }
            for row in recs.itertuples(index=False)
        },
    }


def read_releases(folder: Path = paths.RELEASES) -> list[dict]:
    """Every snapshot, oldest version first; a malformed one is reported with its file."""
    folder = Path(folder)
    found = []
    for file in sorted(folder.glob("*.json")) if folder.exists() else []:
        name = display(file)
        if not VERSION.fullmatch(file.stem):
            raise EvidenceError([Problem(name, None, None, "name is not a version (1.2.3.json)")])
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise EvidenceError([Problem(name, None, None, f"not valid JSON: {err}")]) from None
        missing = [k for k in ("version", "commit", "date", *CONTENT) if k not in data]
        if missing or data.get("version") != file.stem:
            why = f"missing {', '.join(missing)}" if missing else "version differs from file name"
            raise EvidenceError([Problem(name, None, None, f"not a release snapshot: {why}")])
        found.append(data)
    return sorted(found, key=lambda s: version_key(s["version"]))


def same_content(a: dict, b: dict) -> bool:
    return all(a.get(k) == b.get(k) for k in CONTENT)


def previous_release(ev: Evidence, folder: Path = paths.RELEASES) -> dict | None:
    """The newest snapshot whose content differs from now (see the module's docstring)."""
    now = snapshot(ev)
    for release in reversed(read_releases(folder)):
        if not same_content(release, now):
            return release
    return None


@dataclass
class Changes:
    """Differences between a previous snapshot and now, each list in a stable order."""

    since: str  # the previous version
    since_date: str
    sources_added: list[str] = field(default_factory=list)
    sources_removed: list[str] = field(default_factory=list)
    searches_added: list[str] = field(default_factory=list)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # every count, before/after
    findings: dict[str, dict] = field(default_factory=dict)  # every finding, before/after
    gaps: dict[str, dict] = field(default_factory=dict)  # every gap, before/after
    verdicts_changed: list[str] = field(default_factory=list)
    gaps_changed: list[str] = field(default_factory=list)
    recommendations_added: list[str] = field(default_factory=list)
    recommendations_changed: list[str] = field(default_factory=list)
    recommendations_removed: list[str] = field(default_factory=list)
    before: dict = field(default_factory=dict, repr=False)
    after: dict = field(default_factory=dict, repr=False)

    @property
    def nothing(self) -> bool:
        return same_content(self.before, self.after)


def compare(before: dict, after: dict) -> Changes:
    ch = Changes(since=before.get("version", "?"), since_date=before.get("date", ""))
    ch.before, ch.after = before, after
    was, now = before["included"], after["included"]
    ch.sources_added = sorted(set(now) - set(was))
    ch.sources_removed = sorted(set(was) - set(now))
    ch.searches_added = sorted(set(after["searches"]) - set(before["searches"]))
    ch.counts = {k: (before["counts"].get(k, 0), v) for k, v in after["counts"].items()}
    for fid, f in after["findings"].items():
        old = before["findings"].get(fid)
        ch.findings[fid] = {"finding": f["finding"], "before": old, "after": f}
        if old is None or old["verdict"] != f["verdict"]:
            ch.verdicts_changed.append(fid)
    for gid, g in after["gaps"].items():
        old = before["gaps"].get(gid)
        ch.gaps[gid] = {"label": g["label"], "before": old, "after": g}
        if old is None or old["gap"] != g["gap"]:
            ch.gaps_changed.append(gid)
    recs_was, recs_now = before["recommendations"], after["recommendations"]
    ch.recommendations_added = [r for r in recs_now if r not in recs_was]
    ch.recommendations_removed = [r for r in recs_was if r not in recs_now]
    ch.recommendations_changed = [
        r for r in recs_now if r in recs_was and recs_now[r] != recs_was[r]
    ]
    return ch


def whats_new(ev: Evidence, folder: Path = paths.RELEASES) -> Changes | None:
    """Changes since the previous release, or None when there is no release to compare with."""
    previous = previous_release(ev, folder)
    return None if previous is None else compare(previous, snapshot(ev))


def _count(entry: dict | None) -> str:
    return "—" if entry is None else f"{entry['count']} of {entry['total']}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def change_summary(ch: Changes) -> list[str]:
    """Short phrases, one per kind of change that happened (for a line or a heading)."""
    parts = []
    if ch.sources_added or ch.sources_removed:
        parts.append(
            f"{_plural(len(ch.sources_added), 'source')} added and "
            f"{len(ch.sources_removed)} removed"
        )
    if ch.searches_added:
        parts.append(f"{_plural(len(ch.searches_added), 'search', 'searches')} added")
    if ch.verdicts_changed:
        parts.append(
            f"{_plural(len(ch.verdicts_changed), 'verdict')} on the public summary changed"
        )
    if ch.gaps_changed:
        parts.append(f"{_plural(len(ch.gaps_changed), 'gap')} changed")
    recs = len(ch.recommendations_added) + len(ch.recommendations_changed)
    if recs:
        parts.append(f"{_plural(recs, 'recommendation')} added or changed")
    return parts


def whats_new_line(ev: Evidence, folder: Path = paths.RELEASES) -> str:
    """One sentence for the executive summary."""
    ch = whats_new(ev, folder)
    if ch is None:
        text = "This is the first version of the review; later versions will say what changed."
    elif not change_summary(ch):
        text = f"Nothing that the review reports has changed since version {ch.since}."
    else:
        text = f"Since version {ch.since} ({ch.since_date}): " + "; ".join(change_summary(ch))
        # Named, not cross-referenced: Quarto mislabels references to unnumbered chapters.
        text += " (listed under What's new)."
    return text


def _cite_or_title(ev: Evidence, key: str, snapshot_entry: dict) -> str:
    if key in ev.bibliography.entries:
        return cite([key])
    year = snapshot_entry.get("year") or "n.d."
    return f"{md_escape(snapshot_entry.get('title') or key)} ({year})"


def whats_new_markdown(ev: Evidence, folder: Path = paths.RELEASES) -> Markdown:
    """The "What's new" section's body: each kind of change, or a plain empty state."""
    ch = whats_new(ev, folder)
    if ch is None:
        return Markdown(
            "This is the first version of the review. Later versions will list here the sources "
            "added and removed, the searches added, and every count, verdict, gap and "
            "recommendation that changed since the version before.\n"
        )
    if ch.nothing:
        return Markdown(f"Nothing that the review reports has changed since version {ch.since}.\n")
    out = [f"Changes since version {ch.since} ({ch.since_date}).", ""]
    added = sorted_sources(ev, ch.sources_added)
    out.append(f"- **Sources added ({len(added)}):** " + (cite(added) if added else "none."))
    removed = [_cite_or_title(ev, k, ch.before["included"][k]) for k in ch.sources_removed]
    out.append(f"- **Sources removed ({len(removed)}):** " + ("; ".join(removed) or "none."))
    searches = [
        f"{s} ({md_escape(ch.after['searches'][s]['source'])}, {ch.after['searches'][s]['date']})"
        for s in ch.searches_added
    ]
    out.append(f"- **Searches added ({len(searches)}):** " + ("; ".join(searches) or "none."))
    verdicts = [
        f"{md_escape(ch.findings[f]['finding'])} {_verdict(ch.findings[f])}"
        for f in ch.verdicts_changed
    ]
    out.append("- **Verdicts changed:** " + (" ".join(verdicts) if verdicts else "none."))
    gaps = [f"{md_escape(ch.gaps[g]['label'])}: {_gap_state(ch.gaps[g])}" for g in ch.gaps_changed]
    out.append("- **Gaps changed:** " + ("; ".join(gaps) if gaps else "none."))
    recs = (
        [f"{r} (new)" for r in ch.recommendations_added]
        + [f"{r} (changed)" for r in ch.recommendations_changed]
        + [f"{r} (withdrawn)" for r in ch.recommendations_removed]
    )
    out.append("- **Recommendations:** " + ("; ".join(recs) if recs else "none added or changed."))
    out += ["", "Each finding of the public summary and each gap, before and after:", ""]
    rows = [("Finding or gap", f"Version {ch.since}", "Now", "Verdict now")]
    for f in ch.findings.values():
        rows.append((f["finding"], _count(f["before"]), _count(f["after"]), f["after"]["verdict"]))
    for g in ch.gaps.values():
        state = "gap" if g["after"]["gap"] else "not a gap"
        rows.append((f"Gap: {g['label']}", _count(g["before"]), _count(g["after"]), state))
    out += _pipe_table(rows)
    return Markdown("\n".join(out) + "\n")


def _verdict(f: dict) -> str:
    was = f["before"]["verdict"] if f["before"] else "not tested"
    return f"(was {was}, now {f['after']['verdict']})."


def _gap_state(g: dict) -> str:
    def state(entry):
        return "not measured" if entry is None else ("a gap" if entry["gap"] else "not a gap")

    return f"was {state(g['before'])}, now {state(g['after'])}"


def _pipe_table(rows: list[tuple[str, ...]]) -> list[str]:
    head, *body = rows
    frame = pd.DataFrame([[md_escape(c) for c in r] for r in body], columns=list(head))
    return md_table(frame).data.splitlines()
