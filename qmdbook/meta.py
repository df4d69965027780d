"""The book's description shared by every stage: what the HTML, PDF and DOCX builders receive."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chapter:
    """One chapter of the book, in reading order."""

    source: str  # path of the .qmd relative to the project root, e.g. "report/methods.qmd"
    id: str  # id of the chapter's level-1 heading in the assembled document, e.g. "sec-methods"
    title: str  # plain-text title, without its number
    number: str | None  # "3" for chapters, "A" for appendices, None for unnumbered pages
    part: str | None = None  # title of the part the chapter belongs to, if any
    appendix: bool = False


@dataclass(frozen=True)
class BookMeta:
    """Front matter of the book, read from _quarto.yml."""

    title: str
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    organisation: str = ""
    date: str = ""  # ISO date: the commit's date, so two builds of one commit are identical
    version: str = ""
    lang: str = "en-GB"
    description: str = ""
    license: str = ""
    chapters: tuple[Chapter, ...] = ()
    # format -> file name of the download, relative to the site root, e.g. {"pdf": "review.pdf"}
    downloads: dict[str, str] = field(default_factory=dict)
    favicon: str = ""  # book.favicon: an image file relative to the project root
