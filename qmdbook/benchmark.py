"""`python -m qmdbook.benchmark`: time the builds an author waits for, on a copy of the project.

Prints a cold build (empty cache), a rebuild with no change, a rebuild after a one-line prose
edit, a rebuild after a data edit, and the size of what was built. Times are wall-clock on this
machine, with the CPU seconds they took, and the time of a fixed Python workload before and after:
on a virtual machine whose speed drifts, wall-clock and CPU figures drift with it, and runs are
compared by that reference.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .build import build
from .config import load_config


def _copy_tracked(project: Path, target: Path) -> None:
    """Only what git tracks: a benchmark of a fresh clone, not of local caches."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=project, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src, dst = project / name.decode(), target / name.decode()
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    # The build dates the book from git; give the copy the same history head.
    if (project / ".git").is_dir():
        shutil.copytree(project / ".git", target / ".git")
        return
    # A worktree's .git is a file pointing elsewhere: commit the copy once, on HEAD's date.
    date = subprocess.run(
        ["git", "log", "-1", "--format=%cI"], cwd=project, capture_output=True, text=True
    ).stdout.strip()
    git = ["git", "-c", "user.email=benchmark@qmdbook", "-c", "user.name=benchmark",
           "-c", "commit.gpgsign=false"]  # fmt: skip
    env = {**os.environ, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "benchmark copy"]):
        subprocess.run([*git, *args], cwd=target, check=True, env=env, capture_output=True)


def _prose_edit(project: Path) -> Path:
    """Append a sentence to the first chapter with prose: an edit that must execute no cell."""
    path = project / load_config(project).entries[0].source
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n")
    return path


def _data_edit(project: Path) -> Path:
    """Touch the data (a line added to its README): every chapter that reads data runs again."""
    config = load_config(project)
    for name in config.watch:
        readme = project / name / "README.md"
        if readme.is_file():
            readme.write_text(readme.read_text(encoding="utf-8") + "\nEdited by the benchmark.\n")
            return readme
    raise SystemExit("benchmark: no README.md in a watched folder to edit")


def _cpu_seconds() -> float:
    """CPU time of this process and every child it waited for (kernels, pandoc)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(project: Path, formats: list[str] | None) -> tuple[float, object]:
    start, cpu = time.perf_counter(), _cpu_seconds()
    report = build(project, formats=formats, log=lambda _msg: None)
    report.timings["cpu"] = _cpu_seconds() - cpu
    return time.perf_counter() - start, report


def _reference_seconds() -> float:
    """A fixed pure-Python workload: virtual machines change speed by a third from one minute
    to the next, so each run reports its machine's speed beside its timings."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - start


def _pdf_pages(site: Path) -> int | None:
    from pypdf import PdfReader

    pdfs = sorted(site.glob("*.pdf"))
    return len(PdfReader(pdfs[0]).pages) if pdfs else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, default=Path("."))
    parser.add_argument("--to", default=None, help="formats, e.g. html,pdf (default: all)")
    args = parser.parse_args(argv)
    formats = args.to.split(",") if args.to else None

    speed_before = _reference_seconds()
    with tempfile.TemporaryDirectory(prefix="qmdbook-bench-") as tmp:
        project = Path(tmp) / "project"
        _copy_tracked(args.project.resolve(), project)
        rows = []
        seconds, report = _timed(project, formats)
        rows.append(("cold build (empty cache)", seconds, report))
        seconds, report = _timed(project, formats)
        rows.append(("rebuild, no change", seconds, report))
        _prose_edit(project)
        seconds, report = _timed(project, formats)
        rows.append(("rebuild after a one-line prose edit", seconds, report))
        _data_edit(project)
        seconds, report = _timed(project, formats)
        rows.append(("rebuild after a data edit", seconds, report))

        speed_after = _reference_seconds()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"{os.cpu_count()} CPU(s); load average {load:.1f} when done (other work slows "
              "the wall-clock figures)")
        print(f"machine speed: a fixed Python workload took {speed_before:.2f} s before and "
              f"{speed_after:.2f} s after (compare runs by it)")
        print(f"{'build':40} {'seconds':>8} {'CPU s':>7} {'chapters run':>13} {'cells run':>10}")
        for name, secs, rep in rows:
            ran = len(rep.executed_chapters)
            cpu = rep.timings.get("cpu", 0.0)
            print(f"{name:40} {secs:8.1f} {cpu:7.1f} {ran:13d} {rep.executed_cells:10d}")
        cold = rows[0][2].timings
        stages = [f"executing and assembling {cold.get('prepare', 0.0):.1f} s"]
        stages += [f"shared pass ({k[5:]}) {v:.1f} s" for k, v in cold.items()
                   if k.startswith("view ")]  # fmt: skip
        stages += [f"{fmt} {cold[fmt]:.1f} s" for fmt in ("html", "pdf", "docx") if fmt in cold]
        print("where the cold build's time went: " + ", ".join(stages)
              + " (the shared passes run side by side, then the formats)")
        site = report.output_dir
        pages = len(list(site.glob("*.html")))
        print(f"HTML pages: {pages}")
        pdf_pages = _pdf_pages(site)
        if pdf_pages is not None:
            print(f"PDF pages: {pdf_pages}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
