"""`slr chart RECORD_ID`: start the charting row of a newly included record.

Writes a row to data/charting.csv with the record's id, a proposed bibliography key and every
other codebook field empty, adds a BibTeX entry built from the record when the key is new, and
lists the fields to fill. `nox -s validate` then names each field still to fill by file and line.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from analysis import paths, schemas
from analysis.bib import read_bibtex
from analysis.checks import included_ids
from analysis.codebook import fields
from analysis.csvio import csv_text, read_csv, write_all
from analysis.errors import EvidenceError, Problem, display
from analysis.importer import read_table
from analysis.load import data_path
from analysis.yamlio import read_mapping
from reviewtools.screening import read_screening


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def proposed_key(authors: str, year: str, taken: set[str]) -> str:
    """The project's key form: first author's surname + year ('nd' undated) + a letter if taken."""
    first = authors.split(";")[0].split(",")[0] if authors.strip() else "anon"
    stem = re.sub(r"[^a-z]", "", _ascii(first).lower()) or "anon"
    base = f"{stem}{year or 'nd'}"
    key, letter = base, ord("a")
    while key.lower() in taken:
        key, letter = f"{base}{chr(letter)}", letter + 1
    return key


def bibtex_entry(key: str, record: dict) -> str:
    """An entry from the record's own fields (to verify against the source before release)."""
    people = " and ".join(a.strip() for a in record["authors"].split(";") if a.strip())
    kind = "article" if record["venue"] else "misc"
    pairs = [
        ("title", record["title"]),
        ("author", people),
        ("year", record["year"]),
        ("journal" if kind == "article" else "howpublished", record["venue"]),
        ("doi", record["doi"]),
        ("url", record["url"]),
        ("note", f"Entry written from record {record['record_id']} by slr chart; verify."),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in pairs if value)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def chart_stub(
    record_id: str, data: Path = paths.DATA, bib: Path = paths.BIBLIOGRAPHY
) -> tuple[str, list]:
    """Write the stub row (and bibliography entry); return its key and the fields to fill."""
    data, bib = Path(data), Path(bib)
    codebook_file = data_path(data, paths.CODEBOOK)
    codebook = read_mapping(codebook_file, display(codebook_file, data.parent))
    columns = schemas.charting_columns(codebook)
    charting_file = data_path(data, paths.CHARTING)
    name = display(charting_file, data.parent)
    charting = read_csv(charting_file, name, columns)
    screening = read_screening(data)
    records = read_table(data, paths.RECORDS, schemas.RECORD_COLUMNS, schemas.RECORDS).frame
    if record_id in set(charting.frame["record_id"]):
        line = charting.line(charting.frame.index[charting.frame["record_id"] == record_id][0])
        raise EvidenceError([Problem(name, line, "record_id", f"{record_id} is already charted")])
    if record_id not in included_ids(pd.DataFrame(screening.rows, columns=screening.header)):
        raise EvidenceError(
            [
                Problem(
                    display(screening.path, data.parent), None, "record_id",
                    f"{record_id} is not included at full_text; screen it first (nox -s screen)",
                )
            ]
        )  # fmt: skip
    record = records.set_index("record_id").loc[record_id].to_dict() | {"record_id": record_id}
    library = read_bibtex(bib, display(bib, data.parent))
    taken = {k.lower() for k in library.data.entries} | {
        k.lower() for k in charting.frame["source_id"]
    }
    key = proposed_key(record["authors"], record["year"], taken)
    row = {c: "" for c in columns} | {"source_id": key, "record_id": record_id}
    frame = pd.concat([charting.frame, pd.DataFrame([row], dtype=str)], ignore_index=True)
    text = bib.read_text(encoding="utf-8")
    files = {
        charting_file: csv_text(frame, columns).encode(),
        bib: (text.rstrip("\n") + "\n\n" + bibtex_entry(key, record)).encode(),
    }
    write_all(files)
    to_fill = [f for f in fields(codebook) if f.name not in ("source_id", "record_id")]
    return key, to_fill


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slr chart", description=__doc__.split("\n")[0])
    parser.add_argument("record_id", help="an included record, e.g. R1234")
    parser.add_argument("--data", type=Path, default=paths.DATA, help=argparse.SUPPRESS)
    parser.add_argument("--bib", type=Path, default=paths.BIBLIOGRAPHY, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        key, to_fill = chart_stub(args.record_id, args.data, args.bib)
    except EvidenceError as err:
        print(f"{err}\nNothing was written.", file=sys.stderr)
        return 1
    charting = display(data_path(args.data, paths.CHARTING), args.data.parent)
    print(f"Added {args.record_id} to {charting} as {key} (last row); a BibTeX entry {key} was")
    print(f"added to {display(args.bib, args.data.parent)} from the record: verify it.")
    print("Fields to fill (the codebook, data/codebook.yml, defines each):")
    for f in to_fill:
        allowed = f" one of: {', '.join(f.values)}" if f.kind == "single" else ""
        if f.kind == "multi":
            allowed = f" any of (join with '; '): {', '.join(f.values)}"
        print(f"  {f.name} ({f.kind}){allowed}")
    print("Then run: nox -s validate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
