"""Strict reading and all-or-nothing writing of the evidence CSV files.

Files are parsed with the csv module rather than pandas so that each row keeps the line it starts
on (quoted cells may span lines), which every problem report needs.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import EvidenceError, Problem


@dataclass
class Table:
    """A CSV read as text cells, with the line number of each row (header is line 1)."""

    frame: pd.DataFrame
    lines: list[int]
    name: str
    problems: list[Problem] = field(default_factory=list)

    def line(self, index: int) -> int | None:
        return self.lines[index] if 0 <= index < len(self.lines) else None


def decode_utf8(data: bytes, name: str) -> str:
    """Decode strictly; a bad byte is reported with the line it sits on, never silently replaced."""
    # Spreadsheet programs add a byte order mark, which is harmless.
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        byte = data[err.start : err.start + 1].hex()
        raise EvidenceError(
            [Problem(name, line, None, f"not UTF-8 (byte 0x{byte}); save the file as UTF-8")]
        ) from None


def parse_csv(text: str, name: str, columns: list[str]) -> Table:
    """Parse CSV text; header problems stop parsing, row-shape problems are collected."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
    except StopIteration:
        raise EvidenceError([Problem(name, 1, None, "file is empty (no header row)")]) from None
    except csv.Error as err:
        raise EvidenceError([Problem(name, 1, None, f"malformed CSV: {err}")]) from None
    header_problem = check_header(header, columns)
    if header_problem:
        raise EvidenceError([Problem(name, 1, None, header_problem)])

    rows: list[list[str]] = []
    lines: list[int] = []
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append(Problem(name, previous_end + 1, None, f"malformed CSV: {err}"))
            break
        start, previous_end = previous_end + 1, reader.line_num
        if not row:
            continue  # blank lines carry no record; tolerated rather than reported
        if len(row) != len(columns):
            problems.append(
                Problem(name, start, None, f"{len(row)} cells, expected {len(columns)}")
            )
            continue
        rows.append(row)
        lines.append(start)
    frame = pd.DataFrame(rows, columns=columns, dtype=str)
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series([], dtype=str) for c in columns})
    return Table(frame, lines, name, problems)


def check_header(header: list[str], columns: list[str]) -> str | None:
    if header == columns:
        return None
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    parts = []
    if missing:
        parts.append("missing column(s) " + ", ".join(missing))
    if extra:
        parts.append("unexpected column(s) " + ", ".join(extra))
    if not parts:
        parts.append("columns out of order; expected " + ", ".join(columns))
    return "; ".join(parts)


def read_csv(path: Path, name: str, columns: list[str]) -> Table:
    if not path.exists():
        raise EvidenceError([Problem(name, None, None, "file not found")])
    return parse_csv(decode_utf8(path.read_bytes(), name), name, columns)


def csv_text(frame: pd.DataFrame, columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in frame[columns].itertuples(index=False):
        writer.writerow(["" if pd.isna(v) else str(v) for v in row])
    return out.getvalue()


def write_all(contents: dict[Path, bytes]) -> None:
    """Write several files so that a failure leaves every one of them as it was.

    Each file is first written in full to a temporary file beside it; only when all are written
    are they renamed into place (rename is atomic on one file system).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in contents.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                # On disk before the rename, so a crash leaves the old file or the new, never half.
                handle.flush()
                os.fsync(handle.fileno())
            # mkstemp makes private files; data files must stay readable like their neighbours.
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
            os.chmod(tmp, mode)
            staged.append((Path(tmp), target))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
