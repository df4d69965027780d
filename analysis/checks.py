"""Checks across files: each file may be valid on its own and still disagree with the others."""

from __future__ import annotations

import re

import pandas as pd

from analysis.bib import Bib
from analysis.codebook import fields
from analysis.csvio import Table
from analysis.dedupe import cached_duplicate_marks
from analysis.errors import Problem
from analysis.schemas import BARE_DOI, DECISIONS_BY_STAGE, STAGES


def _rows(table: Table):
    """(line, row) pairs, so every problem can name the line it comes from."""
    for index, row in enumerate(table.frame.itertuples(index=False)):
        yield table.line(index), row


# Which file's rows each file's rows refer to: an empty one makes every referring row fail.
_REFERRED_BY = {"searches": ("records",), "records": ("searches", "screening")}


def header_only(tables: dict[str, Table]) -> list[Problem]:
    """One root cause for a file left with its header only while other files refer to it.

    Without this, every row that refers to the emptied file is reported (hundreds of
    problems for one truncated file), and the cause is lost among them.
    """
    found = []
    for name, referring in _REFERRED_BY.items():
        table = tables.get(name)
        if table is None or not table.frame.empty or table.problems:
            continue
        users = [
            f"{tables[r].name} ({len(tables[r].frame)} rows)"
            for r in referring
            if r in tables and not tables[r].frame.empty
        ]
        if users:
            found.append(
                Problem(
                    table.name, 1, None,
                    f"has its header but no rows, while {' and '.join(users)} refer to it: the "
                    "file was probably truncated or overwritten; restore it (git checkout -- "
                    f"{table.name}) before fixing anything else",
                )
            )  # fmt: skip
    return found


def searches_vs_records(searches: Table, records: Table) -> list[Problem]:
    problems = []
    known = set(searches.frame["search_id"])
    for line, row in _rows(records):
        if row.search_id not in known:
            problems.append(
                Problem(
                    records.name, line, "search_id", f"{row.search_id!r} is not in {searches.name}"
                )
            )
    counts = records.frame["search_id"].value_counts()
    for line, row in _rows(searches):
        recorded = int(counts.get(row.search_id, 0))
        if row.hits_found.isdigit() and recorded > int(row.hits_found):
            problems.append(
                Problem(
                    searches.name,
                    line,
                    "hits_found",
                    f"{row.hits_found} is fewer than the {recorded} record(s) kept from "
                    f"{row.search_id}",
                )
            )
        if row.hits_recorded.isdigit() and int(row.hits_recorded) != recorded:
            problems.append(
                Problem(
                    searches.name,
                    line,
                    "hits_recorded",
                    f"says {row.hits_recorded} but {records.name} has {recorded} record(s) "
                    f"from {row.search_id}",
                )
            )
    return problems


def known_records(table: Table, records: Table) -> list[Problem]:
    """Rows of a side file (abstracts) must name a record that exists."""
    known = set(records.frame["record_id"])
    return [
        Problem(table.name, line, "record_id", f"{row.record_id!r} is not in {records.name}")
        for line, row in _rows(table)
        if row.record_id not in known
    ]


def duplicates_as_computed(records: Table) -> list[Problem]:
    computed = cached_duplicate_marks(records.frame)
    problems = []
    for (line, row), expected in zip(_rows(records), computed.tolist(), strict=True):
        if row.duplicate_of != expected:
            said = repr(row.duplicate_of) if row.duplicate_of else "empty"
            should = repr(expected) if expected else "empty"
            problems.append(
                Problem(
                    records.name,
                    line,
                    "duplicate_of",
                    f"is {said} but deduplication gives {should} (run: slr-import --dedupe)",
                )
            )
    return problems


def screening_flow(records: Table, screening: Table, protocol: dict) -> list[Problem]:
    """Each first-of-group record gets one title/abstract decision; only its includes go on.

    PRISMA 2020 order: a title/abstract include is sought for retrieval; only a retrieved report
    is assessed at full text.
    """
    problems = []
    dup_of = dict(zip(records.frame["record_id"], records.frame["duplicate_of"], strict=True))
    reasons = list((protocol.get("screening") or {}).get("exclusion_reasons") or {})
    decided: dict[str, dict[str, tuple[str, int | None]]] = {stage: {} for stage in STAGES}

    for line, row in _rows(screening):
        where = (screening.name, line)
        if row.record_id not in dup_of:
            problems.append(
                Problem(*where, "record_id", f"{row.record_id!r} is not in {records.name}")
            )
            continue
        if row.stage in decided:
            decided[row.stage].setdefault(row.record_id, (row.decision, line))
        allowed = DECISIONS_BY_STAGE.get(row.stage, ())
        if allowed and row.decision not in allowed:
            problems.append(
                Problem(
                    *where,
                    "decision",
                    f"{row.decision!r} is not a {row.stage} decision ({', '.join(allowed)})",
                )
            )
        if row.stage == "title_abstract" and dup_of[row.record_id]:
            problems.append(
                Problem(
                    *where,
                    "record_id",
                    f"{row.record_id} is a duplicate of {dup_of[row.record_id]}; only the first "
                    "record of a duplicate group is screened",
                )
            )
        if row.decision == "exclude" and row.reason not in reasons:
            said = repr(row.reason) if row.reason else "empty"
            problems.append(
                Problem(
                    *where,
                    "reason",
                    f"{said} is not one of the protocol's exclusion_reasons ({', '.join(reasons)})",
                )
            )
        if row.decision != "exclude" and row.reason:
            problems.append(
                Problem(*where, "reason", f"{row.reason!r} given for a {row.decision!r} decision")
            )

    title_abstract = decided["title_abstract"]
    for line, row in _rows(records):
        if not row.duplicate_of and row.record_id not in title_abstract:
            problems.append(
                Problem(
                    records.name,
                    line,
                    "record_id",
                    f"{row.record_id} has no title_abstract decision in {screening.name} "
                    "(next: nox -s screen)",
                )
            )
    # Each stage follows from one decision at the stage before it.
    chain = [
        ("title_abstract", "include", "retrieval"),
        ("retrieval", "retrieved", "full_text"),
    ]
    for before, passed, after in chain:
        for record_id, (_, line) in decided[after].items():
            if decided[before].get(record_id, ("",))[0] != passed:
                problems.append(
                    Problem(
                        screening.name,
                        line,
                        "stage",
                        f"{record_id} has a {after} decision but was not {passed!r} at {before}",
                    )
                )
        for record_id, (decision, line) in decided[before].items():
            if decision == passed and record_id not in decided[after]:
                problems.append(
                    Problem(
                        screening.name,
                        line,
                        "record_id",
                        f"{record_id} was {passed!r} at {before} but has no {after} decision",
                    )
                )
    return problems


def revisions_vs_screening(revisions: Table, screening: Table) -> list[Problem]:
    """A revised decision is the one in force: the last revision of a record's stage must match
    screening.csv, so the log of changed decisions and the decisions used never disagree."""
    problems = []
    current = {
        (r.record_id, r.stage): (r.decision, r.reason)
        for r in screening.frame.itertuples(index=False)
    }
    last: dict[tuple[str, str], tuple[int | None, object]] = {}
    for line, row in _rows(revisions):
        last[(row.record_id, row.stage)] = (line, row)
    for (record_id, stage), (line, row) in last.items():
        if row.decision == "":
            # A withdrawn decision (the stage no longer applies, e.g. a report not retrieved).
            if (record_id, stage) in current:
                problems.append(
                    Problem(
                        revisions.name, line, "decision",
                        f"withdraws {record_id}'s {stage} decision but {screening.name} "
                        "still has one",
                    )
                )
            continue
        if (record_id, stage) not in current:
            problems.append(
                Problem(
                    revisions.name, line, "record_id",
                    f"{record_id} has no {stage} decision in {screening.name} to revise",
                )
            )
        elif current[(record_id, stage)] != (row.decision, row.reason):
            decision, reason = current[(record_id, stage)]
            problems.append(
                Problem(
                    revisions.name, line, "decision",
                    f"revises {record_id} {stage} to {row.decision} {row.reason}".rstrip()
                    + f" but {screening.name} says {decision} {reason}".rstrip(),
                )
            )
    return problems


def second_vs_first(second: Table, first: Table, key: str) -> list[Problem]:
    """The second reviewer's items must be items the first reviewer decided or charted."""
    known = set(first.frame[key])
    return [
        Problem(second.name, line, key, f"{getattr(row, key)!r} is not in {first.name}")
        for line, row in _rows(second)
        if getattr(row, key) not in known
    ]


def included_ids(screening: pd.DataFrame) -> list[str]:
    ft = screening[(screening["stage"] == "full_text") & (screening["decision"] == "include")]
    return ft["record_id"].tolist()


def charting_vs_screening(charting: Table, screening: Table) -> list[Problem]:
    problems = []
    included = included_ids(screening.frame)
    charted = set(charting.frame["record_id"])
    for line, row in _rows(charting):
        if row.record_id not in included:
            problems.append(
                Problem(
                    charting.name,
                    line,
                    "record_id",
                    f"{row.record_id!r} is charted but not included at full_text "
                    f"in {screening.name}",
                )
            )
    for line, row in _rows(screening):
        if row.stage == "full_text" and row.decision == "include" and row.record_id not in charted:
            problems.append(
                Problem(
                    screening.name,
                    line,
                    "record_id",
                    f"{row.record_id} is included at full_text but not charted in "
                    f"{charting.name}; next: nox -s chart -- {row.record_id} writes its row "
                    "with the codebook's fields to fill",
                )
            )
    return problems


def charting_empties(charting: Table, codebook: dict) -> list[Problem]:
    """Conditional empties: 'edi_how' may be empty only where edi is none, and so on."""
    problems = []
    conditional = [f for f in fields(codebook) if f.may_be_empty and f.empty_when]
    for line, row in _rows(charting):
        cells = row._asdict()
        for f in conditional:
            if cells.get(f.name) == "" and not any(cells.get(n) == v for n, v in f.empty_when):
                when = " or ".join(f"{n} is {v}" for n, v in f.empty_when)
                problems.append(
                    Problem(charting.name, line, f.name, f"may be empty only where {when}")
                )
    return problems


def bibliography(charting: Table, bib: Bib) -> list[Problem]:
    problems = []
    keys = {k.lower() for k in bib.data.entries.keys()}
    for line, row in _rows(charting):
        if row.source_id and row.source_id.lower() not in keys:
            problems.append(
                Problem(
                    charting.name,
                    line,
                    "source_id",
                    f"{row.source_id!r} has no entry in {bib.name}",
                )
            )
    for key, entry in bib.data.entries.items():
        doi = entry.fields.get("doi", "").strip()
        url = entry.fields.get("url", "").strip()
        if not doi and not url:
            problems.append(
                Problem(bib.name, bib.line(key), "doi", f"entry {key!r} has neither doi nor url")
            )
        if doi and not re.fullmatch(BARE_DOI, doi):
            problems.append(
                Problem(
                    bib.name,
                    bib.field_line(key, "doi"),
                    "doi",
                    f"{doi!r} in entry {key!r} is not a bare DOI (10.xxxx/...)",
                )
            )
    return problems
