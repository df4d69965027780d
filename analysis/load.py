"""Load the evidence base, check each file and each rule across files, report all faults at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pybtex.database import BibliographyData

from analysis import checks, paths, schemas
from analysis.bib import Bib, read_bibtex
from analysis.codebook import problems as codebook_problems
from analysis.csvio import Table, read_csv
from analysis.errors import EvidenceError, Problem, display
from analysis.fingerprints import copied_runs
from analysis.yamlio import read_mapping


@dataclass(frozen=True)
class Evidence:
    """The validated evidence base.

    Frames hold text ('' for an empty cell) except hits_found and hits_recorded (int) and year
    (nullable Int64). Multi-valued charting cells keep their '; '-joined text (see
    analysis.codebook.Field.split).
    """

    protocol: dict
    codebook: dict
    searches: pd.DataFrame
    records: pd.DataFrame
    screening: pd.DataFrame
    charting: pd.DataFrame
    bibliography: BibliographyData
    revisions: pd.DataFrame
    second_screening: pd.DataFrame
    second_charting: pd.DataFrame
    resolutions: pd.DataFrame
    fingerprints: pd.DataFrame
    # record_id -> abstract, kept from imports (data/abstracts.csv; optional file).
    abstracts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=schemas.ABSTRACT_COLUMNS, dtype=str)
    )


def data_path(root: Path, path: Path) -> Path:
    """Where a data file named in analysis.paths sits in an evidence base rooted at `root`."""
    return Path(root) / path.relative_to(paths.DATA)


def _attempt(problems: list[Problem], read, *args):
    """Run one reader, keeping its problems and going on, so one bad file hides no other fault."""
    try:
        return read(*args)
    except EvidenceError as err:
        problems.extend(err.problems)
        return None


def load_evidence(root: Path = paths.DATA, bib: Path = paths.BIBLIOGRAPHY) -> Evidence:
    """Read and validate the evidence base; raise one EvidenceError listing every problem."""
    root = Path(root)
    base = root.parent

    def name(path: Path) -> str:
        return display(path, base)

    problems: list[Problem] = []
    files = {p: data_path(root, p) for p in (paths.PROTOCOL, paths.CODEBOOK)}
    protocol = _attempt(problems, read_mapping, files[paths.PROTOCOL], name(files[paths.PROTOCOL]))
    codebook = _attempt(problems, read_mapping, files[paths.CODEBOOK], name(files[paths.CODEBOOK]))

    specs = {
        "searches": (paths.SEARCHES, schemas.SEARCH_COLUMNS, schemas.SEARCHES),
        "records": (paths.RECORDS, schemas.RECORD_COLUMNS, schemas.RECORDS),
        "screening": (paths.SCREENING, schemas.SCREENING_COLUMNS, schemas.SCREENING),
        "revisions": (
            paths.SCREENING_REVISIONS, schemas.REVISION_COLUMNS, schemas.REVISIONS
        ),
        "second_screening": (
            paths.SECOND_SCREENING, schemas.SECOND_SCREENING_COLUMNS, schemas.SECOND_SCREENING
        ),
        "resolutions": (paths.RESOLUTIONS, schemas.RESOLUTION_COLUMNS, schemas.RESOLUTIONS),
        "fingerprints": (paths.FINGERPRINTS, schemas.FINGERPRINT_COLUMNS, schemas.FINGERPRINTS),
    }
    if codebook is not None:
        problems.extend(codebook_problems(codebook, name(files[paths.CODEBOOK])))
        specs["charting"] = (
            paths.CHARTING,
            schemas.charting_columns(codebook),
            schemas.charting_schema(codebook),
        )
        specs["second_charting"] = (
            paths.SECOND_CHARTING,
            schemas.SECOND_CHARTING_COLUMNS,
            schemas.second_charting_schema(codebook),
        )
    if data_path(root, paths.ABSTRACTS).exists():
        specs["abstracts"] = (paths.ABSTRACTS, schemas.ABSTRACT_COLUMNS, schemas.ABSTRACTS)
    tables: dict[str, Table] = {}
    for key, (path, columns, schema) in specs.items():
        file = data_path(root, path)
        table = _attempt(problems, read_csv, file, name(file), columns)
        if table is not None:
            problems.extend(table.problems)
            problems.extend(schemas.validate(table, schema))
            tables[key] = table
    bibliography = _attempt(problems, read_bibtex, Path(bib), name(Path(bib)))
    if bibliography is not None:
        problems.extend(bibliography.problems)

    problems.extend(_cross_checks(tables, bibliography, protocol, codebook))
    if problems:
        raise EvidenceError(problems)
    return Evidence(
        protocol=protocol,
        codebook=codebook,
        searches=_typed_searches(tables["searches"].frame),
        records=_typed_records(tables["records"].frame),
        screening=tables["screening"].frame,
        charting=tables["charting"].frame,
        bibliography=bibliography.data,
        revisions=tables["revisions"].frame,
        second_screening=tables["second_screening"].frame,
        second_charting=tables["second_charting"].frame,
        resolutions=tables["resolutions"].frame,
        fingerprints=tables["fingerprints"].frame,
        **({"abstracts": tables["abstracts"].frame} if "abstracts" in tables else {}),
    )


def _cross_checks(
    tables: dict[str, Table], bib: Bib | None, protocol: dict | None, codebook: dict | None
) -> list[Problem]:
    """Run each cross-file rule whose inputs could be read (a missing file is already reported)."""
    found: list[Problem] = checks.header_only(tables)
    if found:  # every cross-file rule would fail row by row on the emptied file
        return found
    searches, records = tables.get("searches"), tables.get("records")
    screening, charting = tables.get("screening"), tables.get("charting")
    if searches and records:
        found += checks.searches_vs_records(searches, records)
    if records:
        found += checks.duplicates_as_computed(records)
    if records and tables.get("abstracts"):
        found += checks.known_records(tables["abstracts"], records)
    if records and screening and protocol is not None:
        found += checks.screening_flow(records, screening, protocol)
    if charting and screening:
        found += checks.charting_vs_screening(charting, screening)
    revisions = tables.get("revisions")
    if revisions and screening:
        found += checks.revisions_vs_screening(revisions, screening)
    second = tables.get("second_screening")
    if second and screening:
        found += checks.second_vs_first(second, screening, "record_id")
    fingerprints = tables.get("fingerprints")
    if fingerprints and charting and codebook is not None:
        found += copied_runs(charting, fingerprints, codebook)
    second_charting = tables.get("second_charting")
    if second_charting and charting:
        found += checks.second_vs_first(second_charting, charting, "source_id")
    if charting and codebook is not None:
        found += checks.charting_empties(charting, codebook)
    if charting and bib:
        found += checks.bibliography(charting, bib)
    return found


def _typed_searches(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("hits_found", "hits_recorded"):
        frame[column] = frame[column].astype(int)
    return frame


def _typed_records(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["year"] = pd.to_numeric(frame["year"].replace("", None)).astype("Int64")
    return frame
