"""DOCX writer for reviewers who comment in Word: pandoc's docx writer with the house reference."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
from pathlib import Path

from .meta import BookMeta
from .pdf import display_date
from .tools import run_pandoc

DOCX_DIR = Path(__file__).resolve().parent / "templates" / "docx"
REFERENCE_DOCX = DOCX_DIR / "reference.docx"
TITLE_FILTER = DOCX_DIR / "titleblock.lua"


def title_block_args(meta: BookMeta) -> list[str]:
    """-M options for the title page; the filter moves them onto title, author, date."""
    # pandoc's title block has no slot for the organisation or version: they join the date line.
    details = [meta.organisation, display_date(meta.date) if meta.date else "", meta.version]
    if meta.version:
        details[-1] = f"Version {meta.version}"
    args = ["-M", f"qb-title={meta.title}", "-M", f"qb-lang={meta.lang}"]
    if meta.subtitle:
        args += ["-M", f"qb-subtitle={meta.subtitle}"]
    for author in meta.authors:
        args += ["-M", f"qb-author={author}"]
    date_line = " · ".join(d for d in details if d)
    if date_line:
        args += ["-M", f"qb-date={date_line}"]
    return args


def pandoc_docx_args(meta: BookMeta, pandoc_args: list[str], out: Path) -> list[str]:
    return [
        *pandoc_args,
        *title_block_args(meta),
        "--lua-filter",
        str(TITLE_FILTER),
        "-t",
        "docx",
        "--reference-doc",
        str(REFERENCE_DOCX),
        # Word fills the contents field when the reader accepts the update prompt on opening.
        "--toc",
        "--toc-depth=2",
        "-M",
        "toc-title=Contents",
        "-o",
        str(out),
    ]


def _fix_dates(docx_path: Path, meta: BookMeta) -> None:
    """Stamp the book's date on the package, so two builds of one commit are byte-identical.

    pandoc writes the build time into docProps/core.xml and every zip entry.
    """
    try:
        day = dt.date.fromisoformat(meta.date[:10])
    except ValueError:
        return
    stamp = f"{day.isoformat()}T00:00:00Z"
    zip_time = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(docx_path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    fixed_path = docx_path.with_suffix(".fixed")
    with zipfile.ZipFile(fixed_path, "w") as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>" + stamp.encode(),
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=zip_time)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    os.replace(fixed_path, docx_path)


def build_docx(book_md: Path, out_path: Path, meta: BookMeta, pandoc_args: list[str]) -> None:
    """Render `book_md` to `out_path` (.docx), replacing it only once pandoc has succeeded."""
    book_md = Path(book_md).resolve()
    out_path = Path(out_path).resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".qmdbook-docx-", dir=out_path.parent) as tmp:
        tmp_docx = Path(tmp) / out_path.name
        run_pandoc(
            [*pandoc_docx_args(meta, pandoc_args, tmp_docx), str(book_md)], cwd=book_md.parent
        )
        if meta.date:
            _fix_dates(tmp_docx, meta)
        os.replace(tmp_docx, out_path)
