"""`slr diff VERSION`: what changed since a release, in the terminal (as in "What's new")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import paths
from analysis.errors import EvidenceError
from analysis.releases import Changes, change_summary, compare, read_releases
from reviewtools.release import make_snapshot


def _count(entry: dict | None) -> str:
    return "-" if entry is None else f"{entry['count']}/{entry['total']}"


def changes_text(ch: Changes) -> str:
    if ch.nothing:
        return f"Nothing that the review reports has changed since {ch.since}."
    out = [f"Changes since {ch.since} ({ch.since_date}, commit {ch.before['commit'][:12]}):"]
    out.append("  " + ("; ".join(change_summary(ch)) or "counts only"))
    out.append(f"Sources added ({len(ch.sources_added)}):")
    out += [f"  + {k}  {ch.after['included'][k]['title']}" for k in ch.sources_added] or ["  none"]
    out.append(f"Sources removed ({len(ch.sources_removed)}):")
    out += [f"  - {k}  {ch.before['included'][k]['title']}" for k in ch.sources_removed] or [
        "  none"
    ]
    out.append(f"Searches added ({len(ch.searches_added)}):")
    out += [
        f"  + {s}  {ch.after['searches'][s]['date']}  {ch.after['searches'][s]['query']}"
        for s in ch.searches_added
    ] or ["  none"]
    out.append("Counts (before -> now):")
    out += [f"  {k}: {a} -> {b}" for k, (a, b) in ch.counts.items() if a != b] or ["  unchanged"]
    out.append("Summary findings (count before -> now, verdict):")
    for fid, f in ch.findings.items():
        was = f["before"]["verdict"] if f["before"] else "new"
        mark = "*" if fid in ch.verdicts_changed else " "
        out.append(
            f" {mark}{fid}: {_count(f['before'])} -> {_count(f['after'])}, "
            f"{was} -> {f['after']['verdict']}"
        )
    out.append("Gaps (count before -> now):")
    for gid, g in ch.gaps.items():
        state = "gap" if g["after"]["gap"] else "not a gap"
        mark = "*" if gid in ch.gaps_changed else " "
        out.append(f" {mark}{gid}: {_count(g['before'])} -> {_count(g['after'])}, now {state}")
    recs = (
        [f"  + {r} {ch.after['recommendations'][r]['headline']}" for r in ch.recommendations_added]
        + [f"  ~ {r} {ch.after['recommendations'][r]['headline']}"
           for r in ch.recommendations_changed]
        + [f"  - {r} {ch.before['recommendations'][r]['headline']}"
           for r in ch.recommendations_removed]
    )  # fmt: skip
    out.append("Recommendations added (+), changed (~), withdrawn (-):")
    out += recs or ["  none"]
    out.append("(* marks a verdict or gap that changed)")
    return "\n".join(out)


def diff(version: str, root: Path = paths.ROOT) -> Changes:
    root = Path(root)
    releases = {
        r["version"]: r for r in read_releases(root / paths.RELEASES.relative_to(paths.ROOT))
    }
    if version not in releases:
        known = ", ".join(releases) or "none"
        raise KeyError(f"no release {version} in data/releases (releases: {known})")
    now = make_snapshot("now", root)
    return compare(releases[version], now)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slr diff", description=__doc__.split("\n")[0])
    parser.add_argument("version", help="a release in data/releases, e.g. 0.1.0")
    parser.add_argument("--root", type=Path, default=paths.ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        print(changes_text(diff(args.version, args.root)))
    except KeyError as err:
        print(err.args[0], file=sys.stderr)
        return 1
    except EvidenceError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
