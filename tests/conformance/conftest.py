"""The conformance book, built once in every format for the whole suite.

Each chapter of `book/` exercises one group of Quarto features, written from Quarto's guide;
its front matter's `conformance:` block names the feature for the README's table
(`python tests/conformance/feature_table.py --write`, or `nox -s tabulate`).
"""

from __future__ import annotations

import shutil

import pytest
from conformance_outputs import BOOK, ENV_VALUE, Outputs

from qmdbook.build import build


@pytest.fixture(scope="session")
def conformance(tmp_path_factory, git_commit_all) -> Outputs:
    root = tmp_path_factory.mktemp("conformance") / "book"
    shutil.copytree(BOOK, root)
    git_commit_all(root)
    mp = pytest.MonkeyPatch()
    mp.setenv("QMDBOOK_CONFORMANCE_ENV", ENV_VALUE)
    mp.delenv("QMDBOOK_UNSET_VAR", raising=False)
    log: list[str] = []
    try:
        report = build(root, log=log.append)
    finally:
        mp.undo()
    return Outputs(root, report, log)
