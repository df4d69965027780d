"""Reading BibTeX strictly: every syntax fault with its line, and the line each entry starts on.

pybtex is run with its errors captured (not raised) so that one run reports all faults in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.database import BibliographyData
from pybtex.database.input.bibtex import Parser
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

from analysis.csvio import decode_utf8
from analysis.errors import EvidenceError, Problem

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]+)[ \t]*,", re.MULTILINE)
_ANY_ENTRY = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(]([^,\n]*)", re.MULTILINE)
_NOT_ENTRIES = {"comment", "preamble", "string"}


@dataclass
class Bib:
    data: BibliographyData
    lines: dict[str, int]  # entry key (lowercase) -> line the entry starts on
    name: str
    text: str = ""
    problems: list[Problem] = field(default_factory=list)

    def line(self, key: str) -> int | None:
        return self.lines.get(key.lower())

    def field_line(self, key: str, field_name: str) -> int | None:
        """Line of `field_name = ...` inside the entry `key`, else the entry's own line."""
        start = self.line(key)
        if start is None:
            return None
        later = [n for n in self.lines.values() if n > start]
        end = min(later) if later else None
        pattern = re.compile(rf"^\s*{re.escape(field_name)}\s*=", re.IGNORECASE)
        for number, text in enumerate(self.text.splitlines()[start - 1 :], start=start):
            if end is not None and number >= end:
                break
            if pattern.match(text):
                return number
        return start


def _entry_openings(text: str) -> list[tuple[int, int, str, str]]:
    """(offset of the opening brace, line, entry type, key as written) of every entry."""
    found = []
    for match in _ANY_ENTRY.finditer(text):
        kind = match.group(1).lower()
        line = text.count("\n", 0, match.start()) + 1
        found.append((match.start(2) - 1, line, kind, match.group(2).strip()))
    return found


def _structure_problems(text: str, name: str) -> tuple[list[Problem], set[int]]:
    """Entries whose key is not a BibTeX key, and entries never closed before the next one.

    pybtex notices a missing closing brace only at the next entry, and blames that one; the
    entry that lacks it is found here by counting braces. Returns the problems and the lines
    of the entries wrongly blamed, whose pybtex errors are dropped.
    """
    problems: list[Problem] = []
    blamed: set[int] = set()
    openings = _entry_openings(text)
    for n, (brace, line, kind, key) in enumerate(openings):
        if kind in _NOT_ENTRIES:
            continue
        if re.search(r"[{}()\s\"#%'~\\]", key):
            problems.append(
                Problem(
                    name, line, key,
                    f"entry key {key!r} has a brace, space or quote in it: BibTeX keys are "
                    "letters, digits and - _ : . / only; rename it (and its citations)",
                )
            )  # fmt: skip
        end = openings[n + 1][0] if n + 1 < len(openings) else len(text)
        depth, closed = 0, False
        for ch in text[brace:end]:
            depth += (ch in "{(") - (ch in "})")
            if depth == 0:
                closed = True
                break
        if not closed:
            entry_end = text.rfind("\n", 0, end) if n + 1 < len(openings) else len(text)
            field_line = text.count("\n", 0, len(text[:entry_end].rstrip())) + 1
            if n + 1 < len(openings):
                nxt = f"before the next entry on line {openings[n + 1][1]}"
            else:
                nxt = "before the end of the file"
            problems.append(
                Problem(
                    name, line, key,
                    f"malformed BibTeX: entry is not closed: a '}}' is missing {nxt} (look at the "
                    f"end of the entry, line {field_line}, or a field whose braces do not balance)",
                )
            )  # fmt: skip
            if n + 1 < len(openings):
                blamed.add(openings[n + 1][1])
    return problems, blamed


def parse_bibtex(text: str, name: str) -> Bib:
    starts: dict[str, int] = {}
    problems, blamed = _structure_problems(text, name)
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() in _NOT_ENTRIES:
            continue
        key, line = match.group(2), text.count("\n", 0, match.start()) + 1
        if key.lower() in starts:
            problems.append(
                Problem(
                    name, line, key, f"duplicate entry key (first on line {starts[key.lower()]})"
                )
            )
        else:
            starts[key.lower()] = line

    with pybtex.errors.capture() as errors:
        try:
            data = Parser().parse_string(text)
        except PybtexError as err:  # some faults are raised even while capturing
            errors.append(err)
            data = BibliographyData()
    for err in errors:
        lineno = getattr(err, "lineno", None)
        if lineno is None and "repeated bibliography entry" in str(err):
            continue  # already reported above, with its line
        if lineno in blamed:
            continue  # the unclosed entry before it is reported instead
        problems.append(Problem(name, lineno, None, _describe(err, lineno, starts)))
    return Bib(data, starts, name, text, problems)


def _describe(err: Exception, lineno: int | None, starts: dict[str, int]) -> str:
    message = re.sub(r"^syntax error in line \d+: ", "", str(err))
    if lineno is None:
        return f"malformed BibTeX: {message}"
    before = [(line, key) for key, line in starts.items() if line <= lineno]
    where = (
        f" (in the entry '{max(before)[1]}' starting on line {max(before)[0]})" if before else ""
    )
    return f"malformed BibTeX: {message}{where}"


def read_bibtex(path: Path, name: str) -> Bib:
    if not path.exists():
        raise EvidenceError([Problem(name, None, None, "file not found")])
    return parse_bibtex(decode_utf8(path.read_bytes(), name), name)


def plain(value: str) -> str:
    """BibTeX field text without braces or LaTeX escapes ('{NHS} \\& care' -> 'NHS & care')."""
    try:
        return Text.from_latex(value).render_as("text").strip()
    except PybtexError:
        return value.replace("{", "").replace("}", "").strip()
