"""Helpers shared by the engine and review build tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def commit_all(root: Path, date: str = "2025-01-02T03:04:05+00:00") -> None:
    """Make `root` a one-commit repository: the build dates a book from its HEAD commit."""
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-c", "commit.gpgsign=false"]
    env = {**os.environ, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "fixture"], cwd=root, check=True, env=env)


@pytest.fixture(scope="session")
def git_commit_all():
    return commit_all


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright (tests/browser.py); skips, or in CI fails, without it."""
    from browser import launch

    with launch() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def axe_js() -> str:
    from browser import axe_script

    return axe_script()


def copy_project(target: Path) -> None:
    """The work tree as git sees it (tracked and new files), without ignored outputs and caches."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.split(b"\0")  # fmt: skip
    for name in filter(None, names):
        src = ROOT / name.decode()
        if src.is_file():  # a file deleted in the work tree but not yet in git
            dst = target / name.decode()
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


@pytest.fixture(scope="session")
def project_copier():
    return copy_project
