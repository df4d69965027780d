"""Every task a user runs. Sessions are listed in pipeline order: `nox -l` shows them.

Dependencies come from pyproject.toml, pinned in requirements.lock (`nox -s lock` regenerates it).
"""

from __future__ import annotations

import os
import platform
import shutil
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


@nox.session
def preview(session: nox.Session) -> None:
    """Serve the site on localhost and rebuild a chapter whenever it is saved."""
    install(session)
    print_versions(session)
    session.run("qmdbook", "preview", "--project", str(ROOT), *session.posargs)


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
    """Run the tests: data checks, analysis, the engine on a fixture book, the review itself."""
    install(session)
    ensure_libreoffice(session)
    print_versions(session)
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session
def lint(session: nox.Session) -> None:
    """Lint the Python code with ruff."""
    install(session)
    session.run("ruff", "--version")
    session.run("ruff", "check", "analysis", "qmdbook", "reviewtools", "tests", "noxfile.py")


@nox.session
def benchmark(session: nox.Session) -> None:
    """Time a cold, a no-change and a prose-edit build of the review and print the figures."""
    install(session)
    print_versions(session)
    session.run("python", "-m", "qmdbook.benchmark", "--project", str(ROOT), *session.posargs)


@nox.session(python=False)
def clean(session: nox.Session) -> None:
    """Remove every generated file: site, build folder and execution cache."""
    for name in ("_site", "_build", ".cache"):
        target = ROOT / name
        if target.exists():
            session.log(f"removing {target.relative_to(ROOT)}")
            shutil.rmtree(target)

