"""Helpers shared by the engine and review build tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest


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
