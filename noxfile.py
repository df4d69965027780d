"""Every task a user runs. Sessions are listed in pipeline order: `nox -l` shows them.

Dependencies come from pyproject.toml, pinned in requirements.lock (`nox -s lock` regenerates it).
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
LOCK = ROOT / "requirements.lock"
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON = PYPROJECT["project"]["requires-python"].removeprefix(">=")

nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["validate", "build", "tests"]

# Trap 10 in ENGINE-NOTES: without compiled bytecode every kernel recompiles pandas (~1.3 s each).
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")


def install(session: nox.Session) -> None:
    """Install the locked dependencies, then the project itself without re-resolving."""
    session.install("-r", str(LOCK))
    session.install("--no-deps", "-e", str(ROOT))


def print_versions(session: nox.Session) -> None:
    session.log(f"python {platform.python_version()} ({platform.platform()})")
    session.run(
        "python",
        "-c",
        "from qmdbook.tools import pandoc_version, typst_version;"
        "print(f'pandoc {pandoc_version()}; typst {typst_version()}')",
        silent=False,
    )


def render(session: nox.Session, *formats: str) -> None:
    install(session)
    print_versions(session)
    session.run("python", "-m", "analysis.validate")
    to = ["--to", ",".join(formats)] if formats else []
    session.run("qmdbook", "build", "--project", str(ROOT), *to, *session.posargs)


@nox.session(venv_backend="uv")
def lock(session: nox.Session) -> None:
    """Re-resolve pyproject.toml's dependencies (all extras) into requirements.lock."""
    session.install("uv")
    session.run(
        "uv", "pip", "compile", str(ROOT / "pyproject.toml"), "--all-extras",
        "--python-version", PYTHON, "--universal", "--generate-hashes",
        "--output-file", str(LOCK),
    )


@nox.session(name="import")
def import_(session: nox.Session) -> None:
    """Import a RIS or BibTeX search export: `nox -s import -- FILE --search-id S501 ...`."""
    install(session)
    session.run("slr-import", *session.posargs)


@nox.session
def screen(session: nox.Session) -> None:
    """Screen records awaiting a decision on a local page: `nox -s screen -- --reviewer AB`."""
    install(session)
    session.run("slr", "screen", *session.posargs)


@nox.session
def chart(session: nox.Session) -> None:
    """Start the charting row of a newly included record: `nox -s chart -- R1234`."""
    install(session)
    session.run("slr", "chart", *session.posargs)


@nox.session
def validate(session: nox.Session) -> None:
    """Check the data, codebook and bibliography; report problems by file, row and field."""
    install(session)
    session.run("python", "-m", "analysis.validate")


@nox.session
def build(session: nox.Session) -> None:
    """Build the review as web site, PDF and DOCX (`-- --engine=quarto|builtin` forces one)."""
    render(session)


@nox.session
def html(session: nox.Session) -> None:
    """Build the web site only."""
    render(session, "html")


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the PDF only."""
    render(session, "pdf")


@nox.session
def docx(session: nox.Session) -> None:
    """Build the DOCX only."""
    render(session, "docx")


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


@nox.session
def preview(session: nox.Session) -> None:
    """Serve the site on localhost, rebuild on save and reload the page (problems only warn)."""
    install(session)
    print_versions(session)
    # nox stops its command cleanly on Ctrl-C but dies at once on SIGTERM, which orphaned the
    # server: a SIGTERM becomes a Ctrl-C, so nox terminates the preview before it exits.
    signal.signal(signal.SIGTERM, _interrupt)
    session.run("qmdbook", "preview", "--project", str(ROOT), *session.posargs)


def ensure_browser(session: nox.Session) -> None:
    """The browser tests drive Debian's chromium (Playwright's own download is unreachable) and
    fetch axe-core with npm: install whichever is missing from Debian when run as root."""
    tools = ("chromium", "npm")  # each command is also its Debian package's name
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        session.run("apt-get", "update", "-q", external=True)
        session.run("apt-get", "install", "-y", "-q", *missing, external=True)
    for tool in tools:
        if shutil.which(tool):
            session.run(tool, "--version", external=True)
        else:
            session.warn(f"no {tool} and no root to install it: the browser tests will skip")


@nox.session
def release(session: nox.Session) -> None:
    """Record a release: `nox -s release -- 0.2.0` (snapshot, version, commit and tag)."""
    install(session)
    session.run("slr", "release", *session.posargs)


@nox.session
def diff(session: nox.Session) -> None:
    """Print what changed since a release: `nox -s diff -- 0.1.0`."""
    install(session)
    session.run("slr", "diff", *session.posargs)


@nox.session
def comments(session: nox.Session) -> None:
    """List a reviewed DOCX's comments and changes by source line: `nox -s comments -- FILE`."""
    install(session)
    session.run("slr", "comments", *session.posargs)


def ensure_libreoffice(session: nox.Session) -> None:
    """The comments test round-trips a DOCX through LibreOffice; install it where apt can."""
    if shutil.which("soffice") or not shutil.which("apt-get") or os.geteuid() != 0:
        return
    session.log("installing libreoffice-writer-nogui for the DOCX round-trip test")
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                     "libreoffice-writer-nogui"]):  # fmt: skip
        try:
            session.run(
                *command, external=True, silent=True, env={"DEBIAN_FRONTEND": "noninteractive"}
            )
        except nox.command.CommandFailed:
            session.log("could not install LibreOffice: its round-trip test will be skipped")
            return


@nox.session
def tests(session: nox.Session) -> None:
    """Run the tests: data checks, analysis, the engine on a fixture book, the review itself,
    and the web site in a real browser (Chromium, installed from Debian when missing)."""
    install(session)
    ensure_libreoffice(session)
    print_versions(session)
    ensure_browser(session)
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session
def tabulate(session: nox.Session) -> None:
    """Write README's table of supported Quarto features from the conformance suite."""
    install(session)
    session.run("python", "tests/conformance/feature_table.py", "--write")


@nox.session
def lint(session: nox.Session) -> None:
    """Lint the Python code with ruff."""
    install(session)
    session.run("ruff", "--version")
    session.run("ruff", "check", "analysis", "qmdbook", "reviewtools", "tests", "noxfile.py")


@nox.session
def benchmark(session: nox.Session) -> None:
    """Time cold, no-change, prose-edit and data-edit builds and a 50,000-record import."""
    install(session)
    print_versions(session)
    session.run("python", "-m", "qmdbook.benchmark", "--project", str(ROOT), *session.posargs)
    session.run("python", "-m", "analysis.import_benchmark")


@nox.session(python=False)
def clean(session: nox.Session) -> None:
    """Remove _site, _build, _freeze, .cache, __pycache__, *.egg-info, .pytest_cache, .ruff_cache"""
    sys.path.insert(0, str(ROOT))
    from analysis.housekeeping import remove_generated

    remove_generated(ROOT, session.log)
