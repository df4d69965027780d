"""The conformance book's outputs as text to assert on (conftest.py's fixture builds it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

BOOK = Path(__file__).parent / "book"
NBSP = "\u00a0"
ENV_VALUE = "env-value-ok"


@dataclass
class Outputs:
    root: Path
    report: object
    log: list[str]

    @property
    def site(self) -> Path:
        return self.root / "_site"

    def html(self, page: str) -> str:
        return (self.site / page).read_text(encoding="utf-8")

    def html_text(self, page: str) -> str:
        """The page's main text, tags removed and whitespace squashed."""
        body = self.html(page)
        main = re.search(r"<main\b.*?</main>", body, re.S)
        text = re.sub(r"<[^>]+>", " ", main.group(0) if main else body)
        return " ".join(unescape(text).replace(NBSP, " ").split())

    def pdf_text(self) -> str:
        import pypdf

        reader = pypdf.PdfReader(next(self.site.glob("*.pdf")))
        text = " ".join(p.extract_text() or "" for p in reader.pages)
        return " ".join(text.replace(NBSP, " ").split())

    def pdf_pages(self) -> list[str]:
        import pypdf

        reader = pypdf.PdfReader(next(self.site.glob("*.pdf")))
        return [" ".join((p.extract_text() or "").replace(NBSP, " ").split()) for p in reader.pages]

    def docx_text(self) -> str:
        """Every paragraph's text in document order, maths (OMML) and table cells included."""
        xml = self.docx_xml()
        paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
        texts = [
            "".join(re.findall(r"<(?:w|m):t(?: [^>]*)?>([^<]*)</(?:w|m):t>", p)) for p in paragraphs
        ]
        return " ".join(unescape(" ".join(texts)).replace(NBSP, " ").split())

    def docx_xml(self) -> str:
        import zipfile

        with zipfile.ZipFile(next(self.site.glob("*.docx"))) as z:
            return z.read("word/document.xml").decode("utf-8")

    def diagnostics(self) -> list[str]:
        return list(self.report.diagnostics)


def page_of(out: Outputs, chapter_id: str) -> str:
    """The HTML file holding the chapter whose heading id is `chapter_id`."""
    for page in out.site.glob("*.html"):
        if f'id="{chapter_id}"' in page.read_text(encoding="utf-8"):
            return page.name
    raise AssertionError(f"no page holds #{chapter_id}")
