"""Freeze that follows data for `quarto render`.

Quarto's `freeze: auto` re-executes a chapter only when its `.qmd` changes, so an edit to the
data, the analysis package or the bibliography would publish stale numbers. Before Quarto runs,
the `_freeze/` entry of every chapter whose execution key (qmdbook's cache rules: its code,
options and inline expressions, and the watched `analysis/`, `data/`, `references/`) differs
from the key it was frozen under is removed, so Quarto executes exactly those chapters again.
The keys are recorded only after Quarto succeeds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import cache
from .config import ProjectConfig
from .execute import needs_execution
from .qmd import QmdError
from .shortcodes import read_chapter

_RECORD = "quarto-freeze.json"


def freeze_dir(root: Path, source: str) -> Path:
    """Where Quarto freezes `source`'s results: `_freeze/<path without extension>`."""
    return root / "_freeze" / Path(source).with_suffix("")


@dataclass
class FreezePlan:
    record_path: Path
    keys: dict[str, str]
    removed: list[str] = field(default_factory=list)

    def commit(self) -> None:
        """Record the keys the chapters are now frozen under (after a successful render)."""
        self.record_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.record_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.keys, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.record_path)


def invalidate_stale(
    config: ProjectConfig, defaults_of: Callable[[dict], dict], log: Callable[[str], None]
) -> FreezePlan:
    """Remove the `_freeze/` entries frozen under another key than the chapter's current one."""
    record_path = config.cache_dir / _RECORD
    try:
        recorded = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    watched = cache.tree_hash(config.root, config.watch)
    plan = FreezePlan(record_path, {})
    for entry in config.entries:
        frozen = freeze_dir(config.root, entry.source)
        try:
            doc = read_chapter(config.root, entry.source)
        except QmdError:
            # Quarto will report the broken source; its old results must not stand in for it.
            if frozen.is_dir():
                shutil.rmtree(frozen)
                plan.removed.append(entry.source)
            continue
        defaults = defaults_of(doc.front_matter)
        if not needs_execution(doc, defaults):
            continue
        key = cache.chapter_key(doc, watched, defaults)
        plan.keys[entry.source] = key
        # A freeze without a record was made without these rules: it cannot be trusted either.
        if frozen.is_dir() and recorded.get(entry.source) != key:
            shutil.rmtree(frozen)
            plan.removed.append(entry.source)
    if plan.removed:
        log(f"freeze: re-executing {len(plan.removed)} chapter(s) whose code, analysis, data or "
            f"bibliography changed: {', '.join(plan.removed)}")
    return plan
