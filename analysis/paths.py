"""Every path the project uses.

Nothing else builds path strings or relies on the current directory.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DATA = ROOT / "data"
PROTOCOL = DATA / "protocol.yml"
CODEBOOK = DATA / "codebook.yml"
SEARCHES = DATA / "searches.csv"
RECORDS = DATA / "records.csv"
SCREENING = DATA / "screening.csv"
CHARTING = DATA / "charting.csv"
RECOMMENDATIONS = DATA / "recommendations.csv"
GAPS = DATA / "gaps.yml"
SUMMARY_FINDINGS = DATA / "summary_findings.yml"
PRISMA_SCR = DATA / "prisma_scr.csv"
IMPORTS = DATA / "imports"
ABSTRACTS = DATA / "abstracts.csv"  # kept from imports, for screening
SCREENING_SESSIONS = DATA / "screening_sessions.csv"  # how the screening tool ordered its queue
RELEASES = DATA / "releases"  # one snapshot per released version

REFERENCES = ROOT / "references"
BIBLIOGRAPHY = REFERENCES / "references.bib"
CSL_STYLE = REFERENCES / "style.csl"

REPORT = ROOT / "report"
QUARTO_CONFIG = ROOT / "_quarto.yml"
PYPROJECT = ROOT / "pyproject.toml"

BUILD = ROOT / "_build"
SITE = ROOT / "_site"
CACHE = ROOT / ".cache"

TESTS = ROOT / "tests"
FIXTURE_EVIDENCE = TESTS / "fixtures" / "evidence"  # a small fictional evidence base for tests
BENCHMARKS = DATA / "benchmarks.csv"
