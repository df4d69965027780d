"""Search exports (RIS or BibTeX) read into record rows, refusing malformed files with their line.

rispy is lenient (it skips text outside records and drops a record with no end tag), so the RIS
structure is checked line by line first: a silently lost hit would falsify the PRISMA counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import rispy

from analysis.bib import parse_bibtex, plain
from analysis.csvio import decode_utf8
from analysis.dedupe import bare_doi
from analysis.errors import EvidenceError, Problem
from analysis.schemas import BARE_DOI, URL, YEAR_RANGE

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_NEAR_TAG = re.compile(r"^[A-Z][A-Z0-9]\s*-")


@dataclass(frozen=True)
class ExportRecord:
    line: int  # where the entry starts in the export
    title: str
    authors: str
    year: str
    venue: str
    doi: str
    url: str
    abstract: str = ""


def read_export(path: Path, name: str) -> tuple[list[ExportRecord], list[str]]:
    """Records of a RIS (.ris, .txt) or BibTeX (.bib) export, and warnings on dropped values."""
    if not path.exists():
        raise EvidenceError([Problem(name, None, None, "file not found")])
    data = path.read_bytes()
    kind = sniff(data)
    if kind:
        raise EvidenceError(
            [
                Problem(
                    name, None, None,
                    f"this is {kind}, not a RIS or BibTeX export; export the search results "
                    "from the database or reference manager as RIS (.ris) or BibTeX (.bib)",
                )
            ]
        )  # fmt: skip
    text = decode_utf8(data, name)
    suffix = path.suffix.lower()
    warnings: list[str] = []
    if suffix in (".ris", ".txt"):
        raw = parse_ris(text, name, warnings)
    elif suffix in (".bib", ".bibtex"):
        raw = parse_bibtex_export(text, name)
    else:
        raise EvidenceError([Problem(name, None, None, "not a .ris or .bib export")])
    records = [_clean(fields, line, name, warnings) for line, fields in raw]
    missing = [Problem(name, r.line, "title", "entry has no title") for r in records if not r.title]
    if missing:
        raise EvidenceError(missing)
    if not records:
        raise EvidenceError([Problem(name, None, None, "no records found in the export")])
    return records, warnings


# File signatures of what people save by mistake instead of an export.
_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel file)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Microsoft Office file"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def sniff(data: bytes) -> str | None:
    """What a file is, when its first bytes show it is no text export at all."""
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    lowered = head[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML), perhaps the database's results page saved from the browser"
    if lowered.startswith(b"<?xml"):
        return "an XML file (perhaps EndNote XML)"
    return None


def ris_structure(
    text: str, name: str, warnings: list[str] | None = None
) -> tuple[list[int], list[Problem]]:
    """Line each record starts on, and every structural fault.

    Lines of plain text before the first record (a database's header such as 'Provider:' and
    'Content: text/plain') are a preamble: skipped, with a warning, rather than refused.
    """
    problems: list[Problem] = []
    starts: list[int] = []
    open_at: int | None = None
    preamble: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _TAG.match(line.rstrip())
        if match is None:
            if _NEAR_TAG.match(line):
                problems.append(
                    Problem(name, number, None, f"malformed tag line {line!r} (expected 'XX  - ')")
                )
            elif not starts:
                preamble.append(number)
            elif open_at is None:
                problems.append(
                    Problem(name, number, None, "text outside a record (records open 'TY  - ')")
                )
            continue  # inside a record: continuation of the previous tag's value
        tag = match.group(1)
        if tag == "TY":
            if open_at is not None:
                problems.append(
                    Problem(name, open_at, "ER", "record has no end tag 'ER  - ' before the next")
                )
            open_at = number
            starts.append(number)
        elif open_at is None:
            problems.append(Problem(name, number, tag, "tag outside a record (no 'TY  - ' before)"))
        elif tag == "ER":
            open_at = None
    if open_at is not None:
        problems.append(Problem(name, open_at, "ER", "record has no end tag 'ER  - '"))
    if preamble and not starts:
        problems.append(
            Problem(
                name, preamble[0], None,
                "no RIS record in the file (records open with a line 'TY  - '): this does not "
                "look like a RIS export",
            )
        )  # fmt: skip
    elif preamble and warnings is not None:
        span = f"{preamble[0]}" if len(preamble) == 1 else f"{preamble[0]}-{preamble[-1]}"
        warnings.append(
            f"{name}:{span}: {len(preamble)} line(s) of text before the first record "
            "(a database header) skipped"
        )
    return starts, problems


def parse_ris(text: str, name: str, warnings: list[str] | None = None) -> list[tuple[int, dict]]:
    starts, problems = ris_structure(text, name, warnings)
    if problems:
        raise EvidenceError(problems)
    if starts:  # rispy reads from the first record on; the preamble's lines stay counted
        lines = text.splitlines()
        text = "\n" * (starts[0] - 1) + "\n".join(lines[starts[0] - 1 :])
    entries = rispy.loads(text)
    if len(entries) != len(starts):  # cannot happen after the structure check; guard the count
        raise EvidenceError([Problem(name, None, None, "could not read every record")])
    rows = []
    for line, entry in zip(starts, entries, strict=True):
        authors = entry.get("authors") or entry.get("first_authors") or []
        urls = entry.get("urls") or []
        rows.append(
            (
                line,
                {
                    "title": entry.get("title") or entry.get("primary_title") or "",
                    "authors": "; ".join(a.strip() for a in authors if a.strip()),
                    "year": entry.get("year") or entry.get("publication_year") or "",
                    "venue": _first(entry, "secondary_title", "journal_name", "alternate_title3")
                    or entry.get("publisher", ""),
                    "doi": entry.get("doi") or "",
                    "url": urls[0] if urls else "",
                    "abstract": entry.get("abstract") or entry.get("notes_abstract") or "",
                },
            )
        )
    return rows


def parse_bibtex_export(text: str, name: str) -> list[tuple[int, dict]]:
    bib = parse_bibtex(text, name)
    if bib.problems:
        raise EvidenceError(bib.problems)
    rows = []
    for key, entry in bib.data.entries.items():
        f = entry.fields
        authors = [_person(p) for p in entry.persons.get("author", [])]
        rows.append(
            (
                bib.line(key) or 0,
                {
                    "title": plain(f.get("title", "")),
                    "authors": "; ".join(a for a in authors if a),
                    "year": f.get("year", ""),
                    "venue": plain(
                        _first(f, "journal", "booktitle", "institution", "organization", "school")
                        or f.get("publisher", "")
                    ),
                    "doi": f.get("doi", ""),
                    "url": f.get("url", ""),
                    "abstract": plain(f.get("abstract", "")),
                },
            )
        )
    return rows


def _first(mapping, *keys: str) -> str:
    for key in keys:
        if mapping.get(key):
            return mapping[key]
    return ""


def _person(person) -> str:
    last = plain(" ".join(person.prelast_names + person.last_names))
    given = plain(" ".join(person.first_names + person.middle_names))
    return f"{last}, {given}" if given else last  # organisations have no given names


def _clean(fields: dict, line: int, name: str, warnings: list[str]) -> ExportRecord:
    """Keep a value only if it meets the records.csv contract; say what was dropped and why."""
    title = " ".join(str(fields["title"]).split())
    doi = bare_doi(fields["doi"])
    if doi and not re.fullmatch(BARE_DOI, doi):
        warnings.append(f"{name}:{line}: doi {fields['doi']!r} dropped (not a DOI)")
        doi = ""
    match = re.search(r"\d{4}", str(fields["year"]))
    year = match.group(0) if match else ""
    if year and not YEAR_RANGE[0] <= int(year) <= YEAR_RANGE[1]:
        warnings.append(f"{name}:{line}: year {fields['year']!r} dropped (out of range)")
        year = ""
    url = str(fields["url"]).strip()
    if url and not re.fullmatch(URL, url):
        warnings.append(f"{name}:{line}: url {url!r} dropped (not an http(s) URL)")
        url = ""
    return ExportRecord(
        line=line,
        title=title,
        authors=" ".join(str(fields["authors"]).split()),
        year=year,
        venue=" ".join(str(fields["venue"]).split()),
        doi=doi,
        url=url,
        abstract=" ".join(str(fields.get("abstract", "")).split()),
    )
