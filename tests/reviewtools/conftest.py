"""A copy of the fictional fixture evidence base for each test that writes to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import paths


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """The copy's root: data/, references/ and exports/ as in tests/fixtures/evidence."""
    shutil.copytree(paths.FIXTURE_EVIDENCE, tmp_path / "evidence")
    return tmp_path / "evidence"
