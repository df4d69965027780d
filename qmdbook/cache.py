"""Per-chapter cache of notebook outputs, keyed on what execution depends on (never on prose)."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from .execute import ChapterResult
from .qmd import QmdDoc

_ENGINE_FILES = ("execute.py", "kernels.py", "cache.py")
_SKIP_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}


def engine_version() -> str:
    """Changes whenever the code that produces outputs changes (not the emitter's)."""
    h = hashlib.sha256(sys.version.encode())
    here = Path(__file__).parent
    for name in _ENGINE_FILES:
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def tree_hash(root: Path, watched: tuple[str, ...]) -> str:
    """Hash of every file under the watched directories (or files), by relative path."""
    h = hashlib.sha256()
    for name in sorted(watched):
        base = root / name
        if base.is_file():
            files = [base]
        elif base.is_dir():
            files = []
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
                files += [Path(dirpath) / f for f in sorted(filenames) if not f.endswith(".pyc")]
        else:
            continue
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def chapter_key(doc: QmdDoc, watched_hash: str, defaults: dict) -> str:
    """Code cells, their options, inline expressions, watched files, engine; not the prose."""
    payload = {
        "cells": [[c.code, c.options] for c in doc.cells],
        "inline": [e.expr for e in doc.inline],
        "defaults": defaults,
        "watched": watched_hash,
        "engine": engine_version(),
    }
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def _entry(cache_dir: Path, source: str) -> Path:
    return cache_dir / (source.replace("/", "__") + ".json")


def load(cache_dir: Path, source: str, key: str | None) -> ChapterResult | None:
    """Cached outputs of `source` when stored under `key` (any key when `key` is None: freeze)."""
    path = _entry(cache_dir, source)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if key is not None and data.get("key") != key:
        return None
    try:
        return ChapterResult.from_json(data["result"])
    except (KeyError, TypeError, ValueError):
        return None


def store(cache_dir: Path, source: str, key: str, result: ChapterResult) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = _entry(cache_dir, source)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "result": result.to_json()}), encoding="utf-8")
    tmp.replace(path)
