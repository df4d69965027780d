"""Fingerprints of the texts read, and the check that no free text in data/ copies them.

The text of each page read is never stored. What is stored (data/fingerprints.csv) is a hash of
every run of eight consecutive words in it (its 8-word shingles), enough to show that a charted
note or definition shares no such run with its source, and too little to rebuild the text.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import pandas as pd

from analysis import paths, schemas
from analysis.codebook import fields
from analysis.csvio import Table, csv_text, read_csv, write_all
from analysis.errors import EvidenceError, Problem, display

SHINGLE_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z0-9]+)*")


def words(text: str) -> list[str]:
    """Lower-case words, punctuation dropped, so a copied run matches however it is punctuated."""
    return _WORD.findall(text.lower().replace("’", "'"))


def shingle_hashes(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    w = words(text)
    runs = (" ".join(w[i : i + size]) for i in range(len(w) - size + 1))
    return {hashlib.blake2b(run.encode(), digest_size=6).hexdigest() for run in runs}


def read_fingerprints(path: Path = paths.FINGERPRINTS) -> Table:
    table = read_csv(path, display(path), schemas.FINGERPRINT_COLUMNS)
    if table.problems:
        raise EvidenceError(table.problems)
    return table


# Fields that cite a source's own section headings, which are quoted as they stand, like titles.
QUOTED_FIELDS = ("locations",)


def text_columns(codebook: dict) -> list[str]:
    """Free-text charting fields written in the reviewer's own words."""
    return [f.name for f in fields(codebook) if f.kind == "text" and f.name not in QUOTED_FIELDS]


def copied_runs(charting: Table, fingerprints: Table, codebook: dict) -> list[Problem]:
    """Every charting text cell that shares an 8-word run with any text read (its own source's
    or another's: copying from either is copying)."""
    seen: set[str] = set()
    owner: dict[str, str] = {}
    for row in fingerprints.frame.itertuples(index=False):
        for h in row.shingles.split():
            seen.add(h)
            owner.setdefault(h, row.source_id)
    problems = []
    for index, row in enumerate(charting.frame.itertuples(index=False)):
        cells = row._asdict()
        for column in text_columns(codebook):
            shared = shingle_hashes(cells[column]) & seen
            if shared:
                sources = sorted({owner[h] for h in shared})
                problems.append(
                    Problem(
                        charting.name,
                        charting.line(index),
                        column,
                        f"shares {len(shared)} run(s) of {SHINGLE_WORDS} words with the text read "
                        f"for {', '.join(sources)}; paraphrase it",
                    )
                )
    return problems


def fingerprint_row(source_id: str, record_id: str, url: str, text: str) -> dict[str, str]:
    hashes = sorted(shingle_hashes(text))
    return {
        "source_id": source_id,
        "record_id": record_id,
        "url": url,
        "words": str(len(words(text))),
        "shingles": " ".join(hashes),
    }


def add_fingerprint(source_id: str, record_id: str, url: str, text_file: Path,
                    target: Path = paths.FINGERPRINTS) -> dict[str, str]:  # fmt: skip
    """Add or replace one source's fingerprint from the text file read (the file is not kept)."""
    text = Path(text_file).read_text(encoding="utf-8")
    row = fingerprint_row(source_id, record_id, url, text)
    if target.exists():
        frame = read_fingerprints(target).frame
        frame = frame[frame["source_id"] != source_id]
    else:
        frame = pd.DataFrame(columns=schemas.FINGERPRINT_COLUMNS)
    frame = pd.concat([frame, pd.DataFrame([row])], ignore_index=True).sort_values("source_id")
    write_all({target: csv_text(frame, schemas.FINGERPRINT_COLUMNS).encode()})
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text_file", type=Path, help="the text read (not kept in the repository)")
    parser.add_argument("--source-id", required=True)
    parser.add_argument("--record-id", required=True)
    parser.add_argument("--url", required=True)
    args = parser.parse_args(argv)
    row = add_fingerprint(args.source_id, args.record_id, args.url, args.text_file)
    print(f"{args.source_id}: {row['words']} words, {len(row['shingles'].split())} shingles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
