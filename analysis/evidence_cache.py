"""`load_evidence` for chapters: validated once per content, not once per chapter.

Every chapter starts with `ev = load_evidence()`, and reading and validating the evidence base
is the same work each time while the files are unchanged. The validated Evidence is kept by a
hash of what it is made from (every file under the data root, the bibliography, the analysis
package's own code): in memory for the chapters that share a kernel, and pickled under the
ignored `.cache/` for the next build. Each call returns a fresh copy, so a chapter that changes
its Evidence changes nothing for the next one. Faults are never cached: bad data raise each time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from analysis import paths
from analysis.load import Evidence
from analysis.load import load_evidence as _load_and_validate

_CACHE_DIR = paths.CACHE / "evidence"
_MEMORY: dict[str, bytes] = {}
_KEEP = 8
_PACKAGE = Path(__file__).resolve().parent


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        found += [Path(dirpath) / f for f in sorted(filenames) if not f.endswith(".pyc")]
    return found


def content_key(root: Path, bib: Path) -> str:
    digest = hashlib.sha256()
    for base in (Path(root), Path(bib), _PACKAGE):
        for path in _files(base) if base.exists() else []:
            digest.update(str(path.resolve()).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read_stored(stored: Path) -> bytes | None:
    try:
        blob = stored.read_bytes()
        pickle.loads(blob)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return blob


@contextlib.contextmanager
def _only_one_validates(stored: Path):
    """Kernels starting together (a build runs two) would each validate the same files: the
    first to take the lock validates, the others wait for its pickle."""
    try:
        import fcntl
    except ImportError:  # no advisory locks (Windows): each process validates for itself
        yield
        return
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        lock = open(stored.with_suffix(".lock"), "a+b")  # noqa: SIM115 - held for the block
    except OSError:  # a read-only checkout: nothing to share
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def load_evidence(root: Path = paths.DATA, bib: Path = paths.BIBLIOGRAPHY) -> Evidence:
    """Read and validate the evidence base (as analysis.load.load_evidence), reusing the last
    validation of the same files."""
    key = content_key(root, bib)
    blob = _MEMORY.get(key)
    stored = _CACHE_DIR / f"{key}.pickle"
    if blob is None:
        blob = _read_stored(stored)
    if blob is None:
        with _only_one_validates(stored):
            blob = _read_stored(stored)  # another process may have stored it while we waited
            if blob is None:
                evidence = _load_and_validate(root, bib)
                blob = pickle.dumps(evidence, protocol=pickle.HIGHEST_PROTOCOL)
                _store(stored, blob)
    _MEMORY[key] = blob
    return pickle.loads(blob)


def _store(path: Path, blob: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(blob)
        os.replace(tmp.name, path)
        # Older contents are kept a little (switching branches), not for ever.
        stale = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)[:-_KEEP]
        for old in stale:
            old.unlink(missing_ok=True)
            old.with_suffix(".lock").unlink(missing_ok=True)
    except OSError:
        pass  # a read-only checkout still builds, only without the saving
