"""PDF writer: the assembled book markdown -> pandoc's typst writer -> Typst -> tagged PDF/UA-1."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

from .meta import BookMeta
from .tools import ToolError, run_pandoc

PACKAGE_DIR = Path(__file__).resolve().parent
TYPST_DIR = PACKAGE_DIR / "templates" / "typst"
TEMPLATE = TYPST_DIR / "book.typst"
STYLE = TYPST_DIR / "style.typ"
TYPST_FILTER = TYPST_DIR / "typst.lua"
FONTS_DIR = PACKAGE_DIR / "assets" / "fonts"

# Lines of Typst source quoted around an error, enough to recognise the markdown it came from.
_CONTEXT_LINES = 2
_HEADER_TITLE_MAX = 60


class PdfBuildError(ToolError):
    """Typst could not compile the book; the message names the diagnostic and the source line."""


def typst_string(value: str) -> str:
    """`value` as a Typst string literal (metadata goes into code, where markup must not leak)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\r\n\t]+", " ", escaped)
    return f'"{escaped}"'


def _typst_array(values: list[str]) -> str:
    # A trailing comma keeps a one-element array from reading as a parenthesised string.
    return "(" + "".join(typst_string(v) + ", " for v in values) + ")"


def display_date(iso: str) -> str:
    """ISO date as British reports write it ("2025-01-31" -> "31 January 2025")."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def split_lang(lang: str) -> tuple[str, str | None]:
    """BCP 47 tag -> Typst's (lang, region): "en-GB" -> ("en", "GB")."""
    parts = re.split(r"[-_]", lang or "en")
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return parts[0].lower(), region


def meta_literal(meta: BookMeta) -> str:
    """The book's metadata as one Typst dictionary literal for the template."""
    lang, region = split_lang(meta.lang)
    fields = {
        "title": typst_string(meta.title),
        # The running header pairs the chapter with the book's title; a long title would
        # crowd the chapter out, so it is left out there.
        "short-title": typst_string(meta.title if len(meta.title) <= _HEADER_TITLE_MAX else ""),
        "subtitle": typst_string(meta.subtitle),
        "authors": _typst_array(list(meta.authors)),
        "organisation": typst_string(meta.organisation),
        "date-text": typst_string(display_date(meta.date) if meta.date else ""),
        "version": typst_string(meta.version),
        "license": typst_string(meta.license),
        "description": typst_string(meta.description) if meta.description else "none",
        "keywords": "()",
        "lang": typst_string(lang),
        "region": typst_string(region) if region else "none",
    }
    return "(" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + ")"


def _timestamp(meta: BookMeta) -> dt.datetime | None:
    # A fixed creation date (the commit's) keeps two builds of one commit byte-identical.
    if meta.date:
        try:
            day = dt.date.fromisoformat(meta.date[:10])
        except ValueError:
            return None
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return None


def pandoc_typst_args(meta: BookMeta, pandoc_args: list[str], typ_path: Path) -> list[str]:
    return [
        *pandoc_args,
        # Citations are already rendered by --citeproc; Typst's own engine must not see them.
        "-t",
        "typst-citations",
        "--standalone",
        "--template",
        str(TEMPLATE),
        "--lua-filter",
        str(TYPST_FILTER),
        "-V",
        f"qb-style={STYLE.as_posix()}",
        "-V",
        f"qb-meta={meta_literal(meta)}",
        "-o",
        str(typ_path),
    ]


def _source_excerpt(typ_path: Path, message: str) -> str:
    """The Typst lines named in a diagnostic ("file.typ:12:5"), if the diagnostic names any."""
    try:
        lines = typ_path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    name = re.escape(typ_path.name)
    found = re.search(rf"{name}:(\d+)(?::(\d+))?", message)
    if not found:
        return ""
    line_no = int(found.group(1))
    lo, hi = max(1, line_no - _CONTEXT_LINES), min(len(lines), line_no + _CONTEXT_LINES)
    return "\n".join(
        f"{'>' if n == line_no else ' '} {n:5d} | {lines[n - 1]}" for n in range(lo, hi + 1)
    )


def _describe_typst_error(err: Exception, typ_path: Path) -> str:
    parts = [str(getattr(err, "message", "") or err)]
    # Typst repeats one diagnostic per offending element; once is enough to act on.
    blocks = re.split(r"\n(?=error: |warning: )", (getattr(err, "diagnostic", "") or "").strip())
    parts.extend(dict.fromkeys(b.strip() for b in blocks if b.strip()))
    for frame in getattr(err, "trace", None) or []:
        parts.append(f"trace: {frame}")
    text = "\n".join(p for p in parts if p)
    excerpt = _source_excerpt(typ_path, text)
    if excerpt:
        text += f"\nTypst source:\n{excerpt}"
    if "missing alt text" in text:
        text += (
            "\nPDF/UA needs a text alternative for every image: give the figure a caption or "
            "fig-alt, and an inline image a description (![description](file))."
        )
    if "label" in text and "does not exist" in text:
        text += (
            "\nA link or reference points at a label that is not in the book: a cross-reference "
            "to a missing figure/table/section, or a citation key absent from the bibliography."
        )
    return text


def compile_typst(typ_path: Path, pdf_path: Path, meta: BookMeta) -> list[str]:
    """Compile `typ_path` to `pdf_path` as PDF/UA-1; return Typst's warnings as text."""
    import typst

    try:
        _, warnings = typst.compile_with_warnings(
            str(typ_path),
            output=str(pdf_path),
            # Root "/" because images.lua makes image paths absolute and the style file lives
            # in the installed package, both outside the build directory.
            root="/",
            font_paths=[str(FONTS_DIR)],
            # System fonts differ between machines; only shipped and embedded fonts are used.
            ignore_system_fonts=True,
            pdf_standards=["ua-1"],
            timestamp=_timestamp(meta),
        )
    except typst.TypstError as err:
        raise PdfBuildError(
            f"Typst failed to compile the book:\n{_describe_typst_error(err, typ_path)}"
        ) from err
    return [
        " ".join(filter(None, [getattr(w, "message", str(w)), getattr(w, "diagnostic", "")]))
        for w in warnings or []
    ]


def build_pdf(book_md: Path, out_path: Path, meta: BookMeta, pandoc_args: list[str]) -> list[str]:
    """Render `book_md` to a tagged PDF at `out_path`; return Typst's warnings.

    `out_path` is replaced only once the PDF is complete. On a Typst error the generated Typst
    source is kept beside it as `<name>.typ` so the quoted line numbers can be followed.
    """
    book_md = Path(book_md).resolve()
    out_path = Path(out_path).resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".qmdbook-pdf-", dir=out_path.parent) as tmp:
        typ_path = Path(tmp) / (out_path.stem + ".typ")
        run_pandoc(
            [*pandoc_typst_args(meta, pandoc_args, typ_path), str(book_md)], cwd=book_md.parent
        )
        tmp_pdf = Path(tmp) / out_path.name
        try:
            warnings = compile_typst(typ_path, tmp_pdf, meta)
        except PdfBuildError as err:
            kept = out_path.with_suffix(".typ")
            typ_path.replace(kept)
            # Point the diagnostic's file:line at the kept copy, not the vanished temp dir.
            message = re.sub(rf"\S*{re.escape(Path(tmp).name)}/", f"{kept.parent}/", str(err))
            raise PdfBuildError(f"{message}\n(Typst source kept at {kept})") from err.__cause__
        os.replace(tmp_pdf, out_path)
    return warnings
