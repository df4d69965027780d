"""`slr release VERSION`: record what this version of the review says, set the version, tag it.

Refuses a work tree with uncommitted changes (the snapshot must describe a commit), evidence that
fails validation, and a version that is not newer than every release already recorded. Then
writes data/releases/VERSION.json, sets the version in pyproject.toml and _quarto.yml, commits
those three files and tags the commit vVERSION.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

from analysis import paths
from analysis.csvio import write_all
from analysis.errors import EvidenceError, display
from analysis.load import load_evidence
from analysis.releases import VERSION, read_releases, snapshot, version_key


class ReleaseRefused(Exception):
    """The release was not made; the message says why and what to do."""


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if done.returncode:
        raise ReleaseRefused(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _set_version(text: str, pattern: str, version: str, name: str) -> str:
    new, count = re.subn(pattern, lambda m: m.group(1) + version + m.group(2), text, count=1,
                         flags=re.MULTILINE)  # fmt: skip
    if count != 1:
        raise ReleaseRefused(f"{name}: no version line to set")
    return new


PYPROJECT_VERSION = r'^(version\s*=\s*")[^"]*(")'
QUARTO_VERSION = r'^(version:\s*")[^"]*(")'


def make_snapshot(version: str, root: Path, date: dt.date | None = None) -> dict:
    """Validate the evidence under `root` and describe it, stamped with HEAD's commit."""
    data = root / "data"
    ev = load_evidence(data, root / paths.BIBLIOGRAPHY.relative_to(paths.ROOT))
    content = snapshot(
        ev,
        root / paths.SUMMARY_FINDINGS.relative_to(paths.ROOT),
        root / paths.GAPS.relative_to(paths.ROOT),
        root / paths.RECOMMENDATIONS.relative_to(paths.ROOT),
    )
    return {
        "version": version,
        "date": (date or dt.date.today()).isoformat(),
        "commit": _git(root, "rev-parse", "HEAD").strip(),
        **content,
    }


def release(version: str, root: Path = paths.ROOT, *, tag: bool = True) -> Path:
    """Make the release; return the snapshot written. Nothing is changed when it is refused."""
    root = Path(root)
    if not VERSION.fullmatch(version):
        raise ReleaseRefused(f"{version!r} is not a version (MAJOR.MINOR.PATCH, e.g. 0.2.0)")
    dirty = _git(root, "status", "--porcelain", "--untracked-files=normal")
    if dirty.strip():
        files = ", ".join(line[3:] for line in dirty.splitlines()[:5])
        raise ReleaseRefused(f"the work tree has uncommitted changes ({files}); commit them first")
    releases_dir = root / paths.RELEASES.relative_to(paths.ROOT)
    earlier = read_releases(releases_dir)
    if earlier and version_key(version) <= version_key(earlier[-1]["version"]):
        raise ReleaseRefused(f"{version} is not newer than release {earlier[-1]['version']}")
    if tag and _git(root, "tag", "--list", f"v{version}").strip():
        raise ReleaseRefused(f"tag v{version} already exists")
    try:
        record = make_snapshot(version, root)
    except EvidenceError as err:
        raise ReleaseRefused(f"validation fails, so no release was made:\n{err}") from None

    pyproject = root / "pyproject.toml"
    quarto = root / "_quarto.yml"
    target = releases_dir / f"{version}.json"
    write_all(
        {
            target: (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode(),
            pyproject: _set_version(
                pyproject.read_text(encoding="utf-8"), PYPROJECT_VERSION, version, "pyproject.toml"
            ).encode(),
            quarto: _set_version(
                quarto.read_text(encoding="utf-8"), QUARTO_VERSION, version, "_quarto.yml"
            ).encode(),
        }
    )
    _git(root, "add", str(target), str(pyproject), str(quarto))
    _git(root, "commit", "-q", "-m", f"Release {version}: snapshot of counts, verdicts and sources")
    if tag:
        _git(root, "tag", "-a", f"v{version}", "-m", f"Release {version}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slr release", description=__doc__.split("\n")[0])
    parser.add_argument("version", help="the new version, e.g. 0.2.0")
    parser.add_argument("--root", type=Path, default=paths.ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        target = release(args.version, args.root)
    except ReleaseRefused as err:
        print(f"Release refused: {err}", file=sys.stderr)
        return 1
    except EvidenceError as err:  # a malformed earlier snapshot
        print(f"Release refused:\n{err}", file=sys.stderr)
        return 1
    record = json.loads(target.read_text(encoding="utf-8"))
    c = record["counts"]
    print(
        f"Released {args.version} at {record['commit'][:12]} (tag v{args.version}): "
        f"{c['included']} sources, {c['searches']} searches; snapshot "
        f"{display(target, args.root)}.\nPush the tag with: git push origin v{args.version}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
