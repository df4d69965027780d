"""`slr comments REVIEWED.docx`: every Word comment and tracked change, with its source line.

    slr comments reviewed.docx [--csv out.csv]

The DOCX built by qmdbook carries a bookmark at the start of each prose paragraph naming the
chapter file and line it came from (qmdbook.sourcepos); Word and LibreOffice keep bookmarks
through editing. Each comment and change is placed in the paragraph it sits in, then on the line
of that paragraph where its text is found (inline values computed by code are not in the source,
so such text is placed on the paragraph's first line). Prints a list and writes a CSV.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from analysis import paths
from qmdbook.sourcepos import parse_bookmark

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
COLUMNS = ["kind", "author", "date", "file", "line", "placed_by", "anchor", "text"]
_SKIP_DIRS = {"_build", "_site", ".nox", ".cache", ".git", "_freeze", "node_modules"}


@dataclass
class Remark:
    kind: str  # comment, insertion, deletion
    author: str
    date: str
    file: str  # the chapter source, relative to the project; '' when the DOCX has no positions
    line: int | None
    placed_by: str  # 'text' (found on that line), 'paragraph' (its first line), '' (unknown)
    anchor: str  # the document text the comment is anchored to, or the changed text
    text: str  # the comment itself ('' for a change)


def _text(element) -> str:
    parts = []
    for node in element.iter():
        if node.tag in (W + "t", W + "delText") and node.text:
            parts.append(node.text)
        elif node.tag == W + "tab":
            parts.append("\t")
    return "".join(parts)


def _comments(package: zipfile.ZipFile) -> dict[str, tuple[str, str, str]]:
    if "word/comments.xml" not in package.namelist():
        return {}
    root = ET.fromstring(package.read("word/comments.xml"))
    found = {}
    for c in root.iter(W + "comment"):
        paragraphs = ["".join(_text(p)) for p in c.iter(W + "p")]
        found[c.get(W + "id")] = (
            c.get(W + "author", ""),
            c.get(W + "date", ""),
            "\n".join(paragraphs),
        )
    return found


def source_files(root: Path) -> dict[str, str]:
    """Normalised stem (as in the bookmarks) -> source path relative to the project."""
    found = {}
    for path in sorted(Path(root).rglob("*.qmd")):
        relative = path.relative_to(root)
        if _SKIP_DIRS & set(relative.parts[:-1]) or relative.parts[0] == "tests":
            continue
        found.setdefault(re.sub(r"[^A-Za-z0-9]", "_", path.stem), relative.as_posix())
    return found


def _resolve(stem: str, files: dict[str, str]) -> str:
    if stem in files:
        return files[stem]
    longer = [f for s, f in files.items() if s.startswith(stem)]  # a stem cut to fit 40 chars
    return longer[0] if len(longer) == 1 else f"{stem}.qmd"


_MARKUP = re.compile(r"[*_`\\]|\[|\]|\{[^}]*\}|\([^)]*\)")


def _plain(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split()).lower()


def place(root: Path, file: str, first_line: int, anchor: str) -> tuple[int, str]:
    """The line of the paragraph starting at `first_line` on which `anchor` begins."""
    try:
        lines = (Path(root) / file).read_text(encoding="utf-8").splitlines()
    except OSError:
        return first_line, "paragraph"
    needle = _plain(anchor)[:40]
    if not needle:
        return first_line, "paragraph"
    joined, starts = "", []
    for number in range(first_line, len(lines) + 1):
        line = lines[number - 1]
        if number > first_line and not line.strip():
            break
        starts.append((len(joined), number))
        joined += _plain(line) + " "
    at = joined.find(needle)
    if at < 0:
        return first_line, "paragraph"
    return max(n for offset, n in starts if offset <= at), "text"


def read_remarks(docx: Path, root: Path = paths.ROOT) -> list[Remark]:
    """Comments (by where their range starts) and tracked changes, in document order."""
    with zipfile.ZipFile(docx) as package:
        body = ET.fromstring(package.read("word/document.xml"))
        comments = _comments(package)
    files = source_files(root)
    remarks: list[Remark] = []
    open_ranges: dict[str, dict] = {}
    current: tuple[str, int] | None = None
    for paragraph in body.iter(W + "p"):
        # The paragraph's own bookmark, wherever in it Word or LibreOffice put it.
        own = [
            parse_bookmark(b.get(W + "name", ""))
            for b in paragraph.iter(W + "bookmarkStart")
            if parse_bookmark(b.get(W + "name", ""))
        ]
        if own:
            current = own[0]
        for node in paragraph.iter():
            tag = node.tag
            if tag == W + "commentRangeStart":
                open_ranges[node.get(W + "id")] = {"source": current, "text": []}
            elif tag == W + "commentRangeEnd":
                cid = node.get(W + "id")
                if cid in open_ranges:
                    open_ranges[cid]["closed"] = True
            elif tag == W + "commentReference":
                cid = node.get(W + "id")
                span = open_ranges.pop(cid, {"source": current, "text": []})
                remarks.append(_comment(comments, cid, span, files, root))
            elif tag in (W + "ins", W + "del"):
                changed = _text(node)
                if changed.strip():
                    kind = "insertion" if tag == W + "ins" else "deletion"
                    remarks.append(
                        _remark(kind, node.get(W + "author", ""), node.get(W + "date", ""),
                                current, changed, "", files, root)
                    )  # fmt: skip
            elif tag in (W + "t", W + "delText") and node.text:
                for span in open_ranges.values():
                    if not span.get("closed"):
                        span["text"].append(node.text)
    for cid, span in open_ranges.items():  # a range whose reference mark was lost
        remarks.append(_comment(comments, cid, span, files, root))
    return remarks


def _comment(comments, cid, span, files, root) -> Remark:
    author, date, text = comments.get(cid, ("", "", ""))
    anchor = "".join(span["text"])
    return _remark("comment", author, date, span["source"], anchor, text, files, root)


def _remark(kind, author, date, source, anchor, text, files, root) -> Remark:
    if source is None:
        return Remark(kind, author, date, "", None, "", anchor, text)
    file = _resolve(source[0], files)
    line, how = place(root, file, source[1], anchor)
    return Remark(kind, author, date, file, line, how, anchor, text)


def as_text(remarks: list[Remark]) -> str:
    if not remarks:
        return "No comments or tracked changes."
    out = []
    for r in remarks:
        where = f"{r.file}:{r.line}" if r.file else "(no source position in this DOCX)"
        near = "" if r.placed_by != "paragraph" else " (paragraph)"
        out.append(f"{where}{near}  {r.kind} by {r.author or 'unknown'}, {r.date or 'undated'}")
        out.append(f"    on: {r.anchor.strip()!r}")
        if r.text:
            out.append(f"    says: {r.text.strip()}")
    counts = {k: sum(r.kind == k for r in remarks) for k in ("comment", "insertion", "deletion")}
    out.append(", ".join(f"{n} {k}(s)" for k, n in counts.items()))
    return "\n".join(out)


def write_csv(remarks: list[Remark], target: Path) -> None:
    with Path(target).open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {k: ("" if v is None else v) for k, v in asdict(r).items()} for r in remarks
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slr comments", description=__doc__.split("\n")[0])
    parser.add_argument("docx", type=Path, help="the DOCX as returned by a reviewer")
    parser.add_argument("--csv", type=Path, help="CSV to write (default: beside the DOCX)")
    parser.add_argument("--root", type=Path, default=paths.ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        remarks = read_remarks(args.docx, args.root)
    except (OSError, zipfile.BadZipFile, KeyError, ET.ParseError) as err:
        print(f"{args.docx}: not a readable DOCX ({err})", file=sys.stderr)
        return 1
    target = args.csv or args.docx.with_name(args.docx.stem + "-comments.csv")
    write_csv(remarks, target)
    print(as_text(remarks))
    print(f"CSV: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
