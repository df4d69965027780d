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
SCREENING_REVISIONS = DATA / "screening_revisions.csv"
SECOND_SCREENING = DATA / "second_screening.csv"
SECOND_CHARTING = DATA / "second_charting.csv"
RESOLUTIONS = DATA / "resolutions.csv"
FINGERPRINTS = DATA / "fingerprints.csv"
RECOMMENDATIONS = DATA / "recommendations.csv"
GAPS = DATA / "gaps.yml"
SUMMARY_FINDINGS = DATA / "summary_findings.yml"
APPRAISAL = DATA / "appraisal.yml"
EARLIER_REVIEWS = DATA / "earlier_reviews.csv"
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
FIGURE_DATA = BUILD / "figure-data"  # each figure's plotted data, written when shown
SITE = ROOT / "_site"
CACHE = ROOT / ".cache"
DEDUPE_CACHE = CACHE / "dedupe"  # duplicate marks by content hash of the records compared

# What `nox -s clean` removes: the outputs and caches above, and these names wherever they
# occur (outside the tool environments .nox and .venv, which clean leaves alone).
GENERATED = (BUILD, SITE, CACHE, ROOT / "_freeze")
GENERATED_ANYWHERE = ("__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache")
ENVIRONMENTS = (".nox", ".venv", ".git")

TESTS = ROOT / "tests"
FIXTURE_EVIDENCE = TESTS / "fixtures" / "evidence"  # a small fictional evidence base for tests
BENCHMARKS = DATA / "benchmarks.csv"
