"""`slr-import`: add a search export to the evidence base, or recompute duplicate marks.

    slr-import EXPORT.ris|.bib --search-id S001 [--source ... --query ... --date ... --hits N]
    slr-import EXPORT.ris --search-id S001 --append   # add to a search already logged
    slr-import ... --dry-run                          # show the changes, write nothing
    slr-import --dedupe

Everything is checked before anything is written, and the files are then replaced together, so a
failed import leaves the evidence base exactly as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths, schemas
from analysis.csvio import Table, csv_text, read_csv, write_all
from analysis.dedupe import duplicate_marks
from analysis.errors import EvidenceError, Problem, display
from analysis.exports import ExportRecord, read_export
from analysis.load import data_path

DEFAULT_ID_DIGITS = 4


@dataclass
class ImportReport:
    export: str
    search_id: str
    added: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    duplicates: dict[str, str] = field(default_factory=dict)  # new id -> first of its group
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (was, now)
    awaiting_screening: int = 0
    copied_to: str = ""
    warnings: list[str] = field(default_factory=list)
    search_change: str = ""  # what the import does to data/searches.csv, in words
    dry_run: bool = False

    @property
    def new(self) -> list[str]:
        return [r for r in self.added if r not in self.duplicates]

    def text(self) -> str:
        out = []
        if self.export and self.dry_run:
            out.append(
                f"Dry run, nothing was written. Would import {len(self.added)} record(s) from "
                f"{self.export} into search {self.search_id} and copy the export to "
                f"{self.copied_to}."
            )
        elif self.export:
            out.append(
                f"Imported {len(self.added)} record(s) from {self.export} into search "
                f"{self.search_id}; export copied to {self.copied_to}."
            )
        if self.search_change:
            out.append(self.search_change)
        if self.export:
            out.append(f"New ({len(self.new)}):")
            out += [f"  {r}  {self.titles[r]}" for r in self.new] or ["  none"]
            out.append(f"Duplicates of records already held ({len(self.duplicates)}):")
            out += [
                f"  {r} duplicates {first}  {self.titles[r]}"
                for r, first in self.duplicates.items()
            ] or ["  none"]
        if self.changed:
            out.append(f"Duplicate marks changed on earlier records ({len(self.changed)}):")
            out += [
                f"  {r}: {was or 'empty'} -> {now or 'empty'}"
                for r, (was, now) in self.changed.items()
            ]
        elif not self.export:
            out.append("Duplicate marks already up to date.")
        out += [f"warning: {w}" for w in self.warnings]
        out.append(f"Records awaiting title/abstract screening: {self.awaiting_screening}")
        return "\n".join(out)


def _name(path: Path, data: Path) -> str:
    return display(path, data.parent)


def _table(data: Path, path: Path, columns: list[str], schema) -> Table:
    """An existing evidence file, checked against its schema (empty if it does not exist yet)."""
    file = data_path(data, path)
    if not file.exists():
        empty = pd.DataFrame({c: pd.Series([], dtype=str) for c in columns})
        return Table(empty, [], _name(file, data))
    table = read_csv(file, _name(file, data), columns)
    problems = table.problems + schemas.validate(table, schema)
    if problems:
        raise EvidenceError(problems)
    return table


read_table = _table  # the update-cycle tools (reviewtools) read files the same way


def _existing(data: Path) -> tuple[Table, pd.DataFrame]:
    searches = _table(data, paths.SEARCHES, schemas.SEARCH_COLUMNS, schemas.SEARCHES)
    records = _table(data, paths.RECORDS, schemas.RECORD_COLUMNS, schemas.RECORDS).frame
    return searches, records


def awaiting_screening(records: pd.DataFrame, data: Path) -> int:
    """First-of-group records with no title/abstract decision yet."""
    screening = _table(data, paths.SCREENING, schemas.SCREENING_COLUMNS, schemas.SCREENING).frame
    screened = set(screening.loc[screening["stage"] == "title_abstract", "record_id"])
    firsts = records.loc[records["duplicate_of"] == "", "record_id"]
    return int((~firsts.isin(screened)).sum())


def _next_ids(existing: pd.Series, count: int) -> list[str]:
    numbers = [int(v[1:]) for v in existing]
    digits = max((len(v) - 1 for v in existing), default=DEFAULT_ID_DIGITS)
    start = max(numbers, default=0) + 1
    return [f"R{n:0{digits}d}" for n in range(start, start + count)]


def _mark(records: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    marks = duplicate_marks(records).tolist()
    changed = {
        rid: (was, now)
        for rid, was, now in zip(records["record_id"], records["duplicate_of"], marks, strict=True)
        if was != now
    }
    records = records.copy()
    records["duplicate_of"] = marks
    return records, changed


def _search_row(
    searches: Table,
    search_id: str,
    recorded: int,
    exported: int,
    options: dict[str, str | None],
    export_name: str,
    append: bool,
) -> tuple[pd.DataFrame, str]:
    """The searches with this import logged, and the change in words.

    An existing search is only added to when `append` is given, and then keeps what it logged
    (source, query, date): a different search needs its own id, so no import rewrites one.
    """
    given = {k: v for k, v in options.items() if v is not None}
    frame = searches.frame.copy()
    hit = frame.index[frame["search_id"] == search_id]
    if len(hit) and not append:
        row = frame.loc[hit[0]]
        raise EvidenceError(
            [
                Problem(
                    searches.name, searches.line(int(hit[0])), "search_id",
                    f"{search_id} is already logged ({row['source']}, {row['hits_recorded']} "
                    f"record(s)); give --append to add this export to it, or a new id for a "
                    f"new search (the next free one is {_next_search_id(frame)})",
                )
            ]
        )  # fmt: skip
    if len(hit):
        row = frame.loc[hit[0]]
        differ = [
            f"--{k} {given[k]!r} differs from the logged {row[k]!r}"
            for k in ("source", "query", "date")
            if given.get(k) and given[k] != row[k]
        ]
        if differ:
            raise EvidenceError(
                [
                    Problem(
                        searches.name, searches.line(int(hit[0])), "search_id",
                        f"--append adds to the search as logged, but {'; '.join(differ)}; "
                        f"log another search under a new id ({_next_search_id(frame)})",
                    )
                ]
            )  # fmt: skip
        was = row["hits_recorded"]
        frame.loc[hit[0], "hits_recorded"] = str(recorded)
        if given.get("hits_found"):
            frame.loc[hit[0], "hits_found"] = given["hits_found"]
        return frame, (
            f"{searches.name}: {search_id} ({row['source']}) hits_recorded {was} -> {recorded}"
        )
    if append:
        raise EvidenceError(
            [
                Problem(
                    export_name, None, "search_id",
                    f"--append: {search_id} is not logged in {searches.name}; leave out "
                    "--append to log a new search (with --source and --query)",
                )
            ]
        )  # fmt: skip
    missing = [f"--{k}" for k in ("source", "query") if not given.get(k)]
    if missing:
        raise EvidenceError(
            [
                Problem(
                    export_name, None, None, f"new search {search_id} needs {' and '.join(missing)}"
                )
            ]
        )
    row = {
        "search_id": search_id,
        "date": given.get("date") or dt.date.today().isoformat(),
        "method": given.get("method") or "database",
        "organisation": given.get("organisation", ""),
        "seed": given.get("seed", ""),
        "source": given["source"],
        "query": given["query"],
        "limits": given.get("limits", ""),
        "hits_found": given.get("hits_found") or str(exported),
        "hits_recorded": str(recorded),
        "notes": given.get("notes", ""),
    }
    change = (
        f"{searches.name}: new search {search_id} ({row['date']}, {row['source']}, "
        f"query {row['query']!r}, {row['hits_found']} hits)"
    )
    return pd.concat([frame, pd.DataFrame([row], dtype=str)], ignore_index=True), change


def _next_search_id(searches: pd.DataFrame) -> str:
    numbers = [int(v[1:]) for v in searches["search_id"] if re.fullmatch(r"S\d+", v)]
    return f"S{max(numbers, default=0) + 1}"


def _check_options(search_id: str, date: str | None, hits: int | None, name: str) -> None:
    problems = []
    if not re.fullmatch(schemas.SEARCH_ID, search_id):
        problems.append(Problem(name, None, "search_id", f"{search_id!r} is not a search id (Sn)"))
    if date is not None and not schemas._is_iso_date(date):
        problems.append(Problem(name, None, "date", f"{date!r} is not an ISO date (YYYY-MM-DD)"))
    if hits is not None and hits < 0:
        problems.append(Problem(name, None, "hits_found", f"{hits} is negative"))
    if problems:
        raise EvidenceError(problems)


def _copy_target(export: Path, data: Path, search_id: str) -> Path:
    """Where the export is archived; refuses an export whose exact bytes were imported before."""
    folder = data_path(data, paths.IMPORTS)
    content = export.read_bytes()
    if folder.exists():
        for earlier in sorted(folder.iterdir()):
            if earlier.is_file() and earlier.read_bytes() == content:
                raise EvidenceError(
                    [
                        Problem(
                            display(export),
                            None,
                            None,
                            f"already imported as {_name(earlier, data)}; nothing was added",
                        )
                    ]
                )
    target = folder / f"{search_id}_{export.name}"
    n = 2
    while target.exists():
        target = folder / f"{search_id}_{export.stem}-{n}{export.suffix}"
        n += 1
    return target


def import_export(
    export: Path,
    search_id: str,
    *,
    source: str | None = None,
    query: str | None = None,
    date: str | None = None,
    hits: int | None = None,
    limits: str | None = None,
    notes: str | None = None,
    method: str | None = None,
    organisation: str | None = None,
    append: bool = False,
    dry_run: bool = False,
    data: Path = paths.DATA,
) -> ImportReport:
    """Add an export's records under `search_id`, log the search, archive the export.

    A search already logged is only added to with `append`; `dry_run` reports every change
    and writes nothing.
    """
    export, data = Path(export), Path(data)
    name = display(export)
    _check_options(search_id, date, hits, name)
    exported, warnings = read_export(export, name)
    searches, records = _existing(data)
    target = _copy_target(export, data, search_id)

    ids = _next_ids(records["record_id"], len(exported))
    added = pd.DataFrame([_row(rid, search_id, r) for rid, r in zip(ids, exported, strict=True)])
    combined, changed = _mark(pd.concat([records, added.astype(str)], ignore_index=True))
    recorded = int((combined["search_id"] == search_id).sum())
    options = {
        "source": source,
        "query": query,
        "date": date,
        "hits_found": None if hits is None else str(hits),
        "limits": limits,
        "notes": notes,
        "method": method,
        "organisation": organisation,
    }
    searches, search_change = _search_row(
        searches, search_id, recorded, len(exported), options, name, append
    )
    row = searches[searches["search_id"] == search_id].iloc[0]
    if int(row["hits_recorded"]) > int(row["hits_found"]):
        warnings.append(
            f"{search_id} now records {row['hits_recorded']} hits but hits_found says "
            f"{row['hits_found']}; give --hits with the number the source reported"
        )

    if not dry_run:
        write_all(
            {
                data_path(data, paths.RECORDS): csv_text(
                    combined, schemas.RECORD_COLUMNS
                ).encode(),
                data_path(data, paths.SEARCHES): csv_text(
                    searches, schemas.SEARCH_COLUMNS
                ).encode(),
                target: export.read_bytes(),
                **_abstracts_file(data, ids, exported),
            }
        )
    marks = dict(zip(combined["record_id"], combined["duplicate_of"], strict=True))
    added_ids = set(ids)
    return ImportReport(
        export=name,
        search_id=search_id,
        added=ids,
        titles=dict(zip(ids, (r.title for r in exported), strict=True)),
        duplicates={rid: marks[rid] for rid in ids if marks[rid]},
        changed={rid: c for rid, c in changed.items() if rid not in added_ids},
        awaiting_screening=awaiting_screening(combined, data),
        copied_to=_name(target, data),
        warnings=warnings,
        search_change=search_change,
        dry_run=dry_run,
    )


def _abstracts_file(data: Path, ids: list[str], exported: list[ExportRecord]) -> dict:
    """data/abstracts.csv with the new records' abstracts added (screeners read them)."""
    new = pd.DataFrame(
        [{"record_id": i, "abstract": r.abstract} for i, r in zip(ids, exported, strict=True)
         if r.abstract],
        columns=schemas.ABSTRACT_COLUMNS,
    )  # fmt: skip
    if new.empty:
        return {}
    kept = _table(data, paths.ABSTRACTS, schemas.ABSTRACT_COLUMNS, schemas.ABSTRACTS).frame
    both = pd.concat([kept, new.astype(str)], ignore_index=True)
    return {data_path(data, paths.ABSTRACTS): csv_text(both, schemas.ABSTRACT_COLUMNS).encode()}


def _row(record_id: str, search_id: str, r: ExportRecord) -> dict[str, str]:
    return {
        "record_id": record_id,
        "search_id": search_id,
        "title": r.title,
        "authors": r.authors,
        "year": r.year,
        "venue": r.venue,
        "doi": r.doi,
        "url": r.url,
        "duplicate_of": "",
    }


def recompute_duplicates(data: Path = paths.DATA) -> ImportReport:
    """Rewrite duplicate_of from the dedupe rule (records.csv only, and only if it changes)."""
    data = Path(data)
    _, records = _existing(data)
    marked, changed = _mark(records)
    if changed:
        write_all(
            {data_path(data, paths.RECORDS): csv_text(marked, schemas.RECORD_COLUMNS).encode()}
        )
    return ImportReport(
        export="",
        search_id="",
        changed=changed,
        awaiting_screening=awaiting_screening(marked, data),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slr-import", description=__doc__.split("\n")[0])
    parser.add_argument("export", nargs="?", type=Path, help="RIS (.ris) or BibTeX (.bib) export")
    parser.add_argument("--search-id", help="search id in data/searches.csv, e.g. S012")
    parser.add_argument("--source", help="where the search was run (new searches)")
    parser.add_argument("--query", help="the query as run (new searches)")
    parser.add_argument("--date", help="date the search was run, YYYY-MM-DD (default today)")
    parser.add_argument("--hits", type=int, help="hits the source reported (default: exported)")
    parser.add_argument("--limits", help="limits applied (language, dates, types)")
    parser.add_argument("--notes", help="notes on the search")
    parser.add_argument(
        "--method", choices=schemas.METHODS, help="how the search was run (default database)"
    )
    parser.add_argument("--organisation", help="the body whose website was searched")
    parser.add_argument(
        "--append", action="store_true", help="add to a search already in data/searches.csv"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change and write nothing"
    )
    parser.add_argument("--dedupe", action="store_true", help="only recompute duplicate marks")
    parser.add_argument("--data", type=Path, default=paths.DATA, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dedupe == bool(args.export):
        parser.error("give an export to import, or --dedupe alone")
    if args.export and not args.search_id:
        parser.error("an import needs --search-id")
    try:
        if args.dedupe:
            report = recompute_duplicates(args.data)
        else:
            report = import_export(
                args.export,
                args.search_id,
                source=args.source,
                query=args.query,
                date=args.date,
                hits=args.hits,
                limits=args.limits,
                notes=args.notes,
                method=args.method,
                organisation=args.organisation,
                append=args.append,
                dry_run=args.dry_run,
                data=args.data,
            )
    except EvidenceError as err:
        print(f"{err}\nNothing was written.", file=sys.stderr)
        return 1
    print(report.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
