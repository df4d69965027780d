"""External programs the engine drives: pandoc (from pypandoc-binary) and Typst (python package)."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path


class ToolError(RuntimeError):
    """An external tool failed; the message carries its command and stderr."""


@cache
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


@cache
def pandoc_version() -> str:
    out = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[0].split()[-1]


def typst_version() -> str:
    from importlib.metadata import version

    return version("typst")


# pandoc's runtime collects garbage every 1 MB allocated by default (the binary asks for a
# 64 MB heap); a book's Lua filters allocate several GB per run, so a third of pandoc's time went
# to collection. A 256 MB allocation area cut it from 2.5 s to 0.6 s a run on the review.
PANDOC_RTS = "-A256m"


def pandoc_env() -> dict[str, str]:
    """The environment pandoc runs in: the caller's, with GHC runtime options unless set."""
    env = dict(os.environ)
    env.setdefault("GHCRTS", PANDOC_RTS)
    return env


def run_pandoc(args: list[str], cwd: Path | None = None, stdin: str | None = None) -> str:
    """Run pandoc with `args` and return stdout; a failure raises ToolError carrying stderr."""
    proc = subprocess.run(
        [pandoc_path(), *args], cwd=cwd, input=stdin, capture_output=True, text=True,
        env=pandoc_env(),
    )  # fmt: skip
    if proc.returncode != 0:
        raise ToolError(f"pandoc {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout
