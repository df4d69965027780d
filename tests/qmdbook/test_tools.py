"""The external tools' invocation: pandoc runs with the engine's GC settings, or the caller's."""

from __future__ import annotations

import subprocess

from qmdbook.tools import PANDOC_RTS, pandoc_env, pandoc_path, run_pandoc


def test_pandoc_gets_the_larger_allocation_area_and_accepts_it(monkeypatch):
    monkeypatch.delenv("GHCRTS", raising=False)
    env = pandoc_env()
    assert env["GHCRTS"] == PANDOC_RTS
    proc = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "html"], input="*hi*", env=env,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    # A pandoc built without runtime options would say it ignores GHCRTS, and run slower.
    assert "GHCRTS" not in proc.stderr
    assert "<em>hi</em>" in proc.stdout


def test_a_callers_own_runtime_options_reach_pandoc(monkeypatch, tmp_path):
    stats = tmp_path / "gc.txt"
    monkeypatch.setenv("GHCRTS", f"-A8m -S{stats}")
    assert "<strong>" in run_pandoc(["-f", "markdown", "-t", "html"], stdin="**x**")
    # -S writes the runtime's collection statistics: proof the caller's options were used.
    assert "allocated in the heap" in stats.read_text()
