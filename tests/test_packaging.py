"""The lock pins every dependency pyproject.toml declares: `nox -s lock` was not forgotten."""

from __future__ import annotations

import re
import tomllib

from analysis import paths


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_declared_dependency_is_pinned_in_the_lock():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {_name(r) for r in extra}
    lock = (paths.ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {m.lower().replace("_", "-") for m in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    assert declared <= pinned, f"declared but not locked: {sorted(declared - pinned)}"
