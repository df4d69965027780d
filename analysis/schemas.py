"""Column contracts of the evidence CSV files, as pandera schemas, and their failures as Problems.

Every cell is read as text (an empty cell is ""), so the checks are on text; numbers and dates are
checked for form here and converted by whoever needs them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from analysis.codebook import Field, fields
from analysis.csvio import Table
from analysis.errors import Problem

SEARCH_COLUMNS = [
    "search_id",
    "date",
    "method",
    "organisation",
    "seed",
    "source",
    "query",
    "limits",
    "hits_found",
    "hits_recorded",
    "notes",
]
RECORD_COLUMNS = [
    "record_id",
    "search_id",
    "title",
    "authors",
    "year",
    "venue",
    "doi",
    "url",
    "duplicate_of",
]
SCREENING_COLUMNS = ["record_id", "stage", "decision", "reason", "date", "reviewer", "note"]
REVISION_COLUMNS = [
    "record_id",
    "stage",
    "previous_decision",
    "previous_reason",
    "decision",
    "reason",
    "date",
    "reviewer",
    "note",
]

# PRISMA 2020: records screened on title/abstract, reports sought for retrieval, reports assessed.
STAGES = ("title_abstract", "retrieval", "full_text")
DECISIONS_BY_STAGE = {
    "title_abstract": ("include", "exclude"),
    "retrieval": ("retrieved", "not_retrieved"),
    "full_text": ("include", "exclude"),
}
DECISIONS = tuple(dict.fromkeys(d for ds in DECISIONS_BY_STAGE.values() for d in ds))
# How a search found its records: a topic query of a bibliographic index, a search of one
# organisation's publications, or the works cited by (or citing) a seed source.
METHODS = ("database", "website", "citation")

SEARCH_ID = r"S\d+"
RECORD_ID = r"R\d+"
BARE_DOI = r"10\.\d{4,9}/\S+"
URL = r"https?://\S+"
YEAR_RANGE = (1900, dt.date.today().year + 1)

# A check's `error` is a key into this table; the formatter turns the failing cell into the
# sentence a reviewer reads. Keys are registered as the schemas are built.
_MESSAGES: dict[str, Callable[[str], str]] = {}


def _check(key: str, test: Callable[[pd.Series], pd.Series], message: Callable[[str], str]):
    _MESSAGES[key] = message
    return pa.Check(test, error=key)


def _matches(pattern: str, *, optional: bool = False) -> Callable[[pd.Series], pd.Series]:
    compiled = re.compile(pattern)

    def test(s: pd.Series) -> pd.Series:
        ok = s.map(lambda v: bool(compiled.fullmatch(v)))
        return ok | (s == "") if optional else ok

    return test


def _is_iso_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _year_ok(value: str) -> bool:
    return value == "" or (
        re.fullmatch(r"\d{4}", value) is not None and YEAR_RANGE[0] <= int(value) <= YEAR_RANGE[1]
    )


NOT_EMPTY = _check("not_empty", lambda s: s.str.strip() != "", lambda v: "must not be empty")
ISO_DATE = _check(
    "iso_date", lambda s: s.map(_is_iso_date), lambda v: f"{v!r} is not an ISO date (YYYY-MM-DD)"
)
COUNT = _check(
    "count",
    _matches(r"\d+"),
    lambda v: f"{v!r} is not a whole number of hits",
)


def _id(pattern: str, kind: str, *, optional: bool = False):
    return _check(
        f"id:{pattern}:{optional}",
        _matches(pattern, optional=optional),
        lambda v: f"{v!r} is not a {kind} id ({pattern.replace(chr(92) + 'd+', 'n')})",
    )


def _text(**kw) -> pa.Column:
    return pa.Column(str, nullable=False, **kw)


SEARCHES = pa.DataFrameSchema(
    {
        "search_id": _text(checks=_id(SEARCH_ID, "search"), unique=True),
        "date": _text(checks=ISO_DATE),
        "method": _text(
            checks=_check(
                "method",
                lambda s: s.isin(METHODS),
                lambda v: f"{v!r} is not a search method ({', '.join(METHODS)})",
            )
        ),
        "organisation": _text(),
        "seed": _text(),
        "source": _text(checks=NOT_EMPTY),
        "query": _text(checks=NOT_EMPTY),
        "limits": _text(),
        "hits_found": _text(checks=COUNT),
        "hits_recorded": _text(checks=COUNT),
        "notes": _text(),
    },
    strict=True,
    ordered=True,
    name="searches",
)

RECORDS = pa.DataFrameSchema(
    {
        "record_id": _text(checks=_id(RECORD_ID, "record"), unique=True),
        "search_id": _text(checks=_id(SEARCH_ID, "search")),
        # A hit whose page showed no title keeps an empty title rather than an invented one.
        "title": _text(),
        "authors": _text(),
        "year": _text(
            checks=_check(
                "year",
                lambda s: s.map(_year_ok),
                lambda v: f"{v!r} is not a year ({YEAR_RANGE[0]}-{YEAR_RANGE[1]}, 4 digits)",
            )
        ),
        "venue": _text(),
        "doi": _text(
            checks=_check(
                "bare_doi",
                _matches(BARE_DOI, optional=True),
                lambda v: f"{v!r} is not a bare DOI (10.xxxx/...)",
            )
        ),
        "url": _text(
            checks=_check(
                "url", _matches(URL, optional=True), lambda v: f"{v!r} is not an http(s) URL"
            )
        ),
        "duplicate_of": _text(checks=_id(RECORD_ID, "record", optional=True)),
    },
    strict=True,
    ordered=True,
    name="records",
)

def _decisions_schema(name: str, stages: tuple[str, ...], decisions: tuple[str, ...]):
    """One decision per record and stage, by a named reviewer: the first reviewer's log and the
    blinded second reviewer's share this shape, with their own stages and decisions."""
    return pa.DataFrameSchema(
        {
            "record_id": _text(checks=_id(RECORD_ID, "record")),
            "stage": _text(
                checks=_check(
                    f"{name}_stage",
                    lambda s: s.isin(stages),
                    lambda v: f"{v!r} is not a stage ({', '.join(stages)})",
                )
            ),
            "decision": _text(
                checks=_check(
                    f"{name}_decision",
                    lambda s: s.isin(decisions),
                    lambda v: f"{v!r} is not a screening decision ({', '.join(decisions)})",
                )
            ),
            "reason": _text(),
            "date": _text(checks=ISO_DATE),
            "reviewer": _text(checks=NOT_EMPTY),
            "note": _text(),
        },
        strict=True,
        ordered=True,
        unique=["record_id", "stage"],
        name=name,
    )


SCREENING = _decisions_schema("screening", STAGES, DECISIONS)

REVISIONS = pa.DataFrameSchema(
    {
        "record_id": _text(checks=_id(RECORD_ID, "record")),
        "stage": _text(
            checks=_check(
                "stage",
                lambda s: s.isin(STAGES),
                lambda v: f"{v!r} is not a stage ({', '.join(STAGES)})",
            )
        ),
        "previous_decision": _text(),
        "previous_reason": _text(),
        "decision": _text(),
        "reason": _text(),
        "date": _text(checks=ISO_DATE),
        "reviewer": _text(checks=NOT_EMPTY),
        "note": _text(checks=NOT_EMPTY),
    },
    strict=True,
    ordered=True,
    name="screening_revisions",
)

ABSTRACT_COLUMNS = ["record_id", "abstract"]
ABSTRACTS = pa.DataFrameSchema(
    {"record_id": _text(checks=_id(RECORD_ID, "record"), unique=True), "abstract": _text()},
    strict=True,
    ordered=True,
    name="abstracts",
)


def _codes_check(f: Field):
    allowed = set(f.values)

    def unknown(cell: str) -> list[str]:
        return [v for v in f.split(cell) if v not in allowed]

    def test(s: pd.Series) -> pd.Series:
        return s.map(lambda cell: not unknown(cell))

    def message(cell: str) -> str:
        bad = ", ".join(repr(v) for v in unknown(cell))
        hint = " (join several with '; ')" if f.kind == "multi" else ""
        return f"{bad} not in the codebook for {f.name}{hint}; allowed: {', '.join(f.values)}"

    return _check(f"codes:{f.name}", test, message)


def _repeats_check(f: Field):
    def test(s: pd.Series) -> pd.Series:
        return s.map(lambda cell: len(set(f.split(cell))) == len(f.split(cell)))

    return _check(f"repeats:{f.name}", test, lambda v: f"{v!r} repeats a value")


def _field_column(f: Field) -> pa.Column:
    checks = [] if f.may_be_empty else [NOT_EMPTY]
    unique = False
    if f.kind == "id":
        unique = True
        if f.name == "record_id":
            checks.append(_id(RECORD_ID, "record"))
    elif f.kind in ("single", "multi") and f.values:
        checks.append(_codes_check(f))
        if f.kind == "multi":
            checks.append(_repeats_check(f))
    elif f.kind == "url":
        checks.append(
            _check(
                f"url:{f.name}",
                _matches(URL, optional=f.may_be_empty),
                lambda v: f"{v!r} is not an http(s) URL",
            )
        )
    return _text(checks=checks, unique=unique)


def charting_schema(codebook: dict) -> pa.DataFrameSchema:
    """charting.csv has the codebook's fields as columns, in codebook order."""
    columns = {f.name: _field_column(f) for f in fields(codebook)}
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name="charting")


def second_charting_schema(codebook: dict) -> pa.DataFrameSchema:
    """The second reviewer codes the key fields with the same codebook checks as charting.csv."""
    by_name = {f.name: f for f in fields(codebook)}
    columns = {"source_id": _field_column(by_name["source_id"])}
    columns |= {name: _field_column(by_name[name]) for name in SECOND_CHARTING_FIELDS}
    columns |= {"date": _text(checks=ISO_DATE), "reviewer": _text(checks=NOT_EMPTY)}
    columns |= {"note": _text()}
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name="second_charting")


def charting_columns(codebook: dict) -> list[str]:
    return [f.name for f in fields(codebook)]


def validate(table: Table, schema: pa.DataFrameSchema) -> list[Problem]:
    """Validate lazily and report each failing cell as FILE:LINE: FIELD: message."""
    try:
        schema.validate(table.frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = _problems(err.failure_cases, table, schema)
        return sorted(problems, key=lambda p: (p.line is None, p.line or 0))
    return []


def _problems(cases: pd.DataFrame, table: Table, schema: pa.DataFrameSchema) -> list[Problem]:
    problems = []
    for case in cases.itertuples(index=False):
        index = None if pd.isna(case.index) else int(case.index)
        line = table.line(index) if index is not None else None
        column = None if pd.isna(case.column) else str(case.column)
        value = "" if pd.isna(case.failure_case) else str(case.failure_case)
        check = str(case.check)
        if check in _MESSAGES:
            message = _MESSAGES[check](value)
        elif check == "field_uniqueness":
            message = _duplicate_message(table, [column], index, value)
        elif check == "multiple_fields_uniqueness":
            column = schema.unique[0]
            message = _duplicate_message(table, list(schema.unique), index, value)
        else:
            message = f"{value!r} fails {check}"
        problems.append(Problem(table.name, line, column, message))
    return _dedupe_problems(problems)


def _duplicate_message(table: Table, columns: list, index: int | None, value: str) -> str:
    frame = table.frame
    if index is None or any(c is None for c in columns):
        return f"duplicate {value!r}"
    key = tuple(frame.at[index, c] for c in columns)
    mask = pd.Series(True, index=frame.index)
    for column, value in zip(columns, key, strict=True):
        mask &= frame[column] == value
    same = frame.index[mask]
    where = ", ".join(str(table.line(i)) for i in same if i != index)
    shown = repr(key[0]) if len(key) == 1 else "(" + ", ".join(map(repr, key)) + ")"
    named = "" if len(columns) == 1 else f"{', '.join(columns)} "
    return f"duplicate {named}{shown} (also on line {where})"


def _dedupe_problems(problems: list[Problem]) -> list[Problem]:
    # Multi-column uniqueness is reported once per column; one line per row is enough.
    seen, result = set(), []
    for p in problems:
        key = (p.file, p.line, p.field, p.message)
        if key not in seen:
            seen.add(key)
            result.append(p)
    return result


# The blinded second reviewer's decisions (title/abstract and full text), charting of the key
# fields, and how each disagreement was resolved.
SECOND_SCREENING_COLUMNS = ["record_id", "stage", "decision", "reason", "date", "reviewer", "note"]
SECOND_SCREENING = _decisions_schema(
    "second_screening", ("title_abstract", "full_text"), ("include", "exclude")
)

# Charting fields the second reviewer codes independently (issue: the key fields).
SECOND_CHARTING_FIELDS = [
    "literature_type",
    "study_design",
    "definition",
    "dimensions",
    "edi",
    "technology",
    "ics_icb",
    "outcomes",
]
SECOND_CHARTING_COLUMNS = ["source_id", *SECOND_CHARTING_FIELDS, "date", "reviewer", "note"]

RESOLUTION_COLUMNS = ["item", "stage", "field", "first", "second", "resolved", "date", "note"]
RESOLUTIONS = pa.DataFrameSchema(
    {
        "item": _text(checks=NOT_EMPTY),
        "stage": _text(
            checks=_check(
                "resolution_stage",
                lambda s: s.isin(("title_abstract", "full_text", "charting")),
                lambda v: f"{v!r} is not a stage (title_abstract, full_text, charting)",
            )
        ),
        "field": _text(),
        "first": _text(),
        "second": _text(),
        "resolved": _text(checks=NOT_EMPTY),
        "date": _text(checks=ISO_DATE),
        "note": _text(),
    },
    strict=True,
    ordered=True,
    unique=["item", "stage", "field"],
    name="resolutions",
)

FINGERPRINT_COLUMNS = ["source_id", "record_id", "url", "words", "shingles"]
FINGERPRINTS = pa.DataFrameSchema(
    {
        "source_id": _text(checks=NOT_EMPTY, unique=True),
        "record_id": _text(checks=_id(RECORD_ID, "record")),
        "url": _text(
            checks=_check("fp_url", _matches(URL), lambda v: f"{v!r} is not an http(s) URL")
        ),
        "words": _text(checks=COUNT),
        "shingles": _text(
            checks=_check(
                "shingles",
                _matches(r"([0-9a-f]{12}( [0-9a-f]{12})*)?"),
                lambda v: "must be 12-hex-digit hashes separated by spaces",
            )
        ),
    },
    strict=True,
    ordered=True,
    name="fingerprints",
)
