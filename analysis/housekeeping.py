"""Removing generated files (`nox -s clean`): outputs, caches and tool droppings, never sources.

Imports nothing beyond the standard library, so nox can run it without the project installed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from analysis import paths


def generated(root: Path = paths.ROOT) -> list[Path]:
    """Every generated file or folder under `root`, outermost first."""
    root = Path(root)
    found = [root / p.relative_to(paths.ROOT) for p in paths.GENERATED]
    found = [p for p in found if p.exists()]

    def walk(folder: Path) -> None:
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or child.is_symlink():
                continue
            if folder == root and child.name in paths.ENVIRONMENTS:
                continue
            if child in found:
                continue
            if any(child.match(pattern) for pattern in paths.GENERATED_ANYWHERE):
                found.append(child)
            else:
                walk(child)

    walk(root)
    return found


def remove_generated(root: Path = paths.ROOT, log: Callable[[str], None] = print) -> list[Path]:
    removed = generated(root)
    for target in removed:
        log(f"removing {target.relative_to(root)}")
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return removed
