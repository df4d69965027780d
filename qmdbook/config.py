"""Reads a Quarto book's `_quarto.yml` into the engine's configuration and the shared BookMeta."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from . import config_schema
from .meta import BookMeta
from .qmd import Diagnostic
from .sources import SourceError, read_text

DEFAULT_WATCH = ("analysis", "data", "references")

_FORMATS = {"html", "typst", "pdf", "docx"}


class ConfigError(SourceError):
    """_quarto.yml cannot describe a book this engine can build."""


@dataclass(frozen=True)
class ChapterEntry:
    """A chapter as listed in _quarto.yml, before its file is read."""

    source: str
    part: str | None = None
    appendix: bool = False
    part_file: str | None = None  # the part's own .qmd, when _quarto.yml names one


@dataclass
class ProjectConfig:
    root: Path
    raw: dict
    meta: BookMeta
    entries: list[ChapterEntry]
    output_dir: Path
    bibliography: list[str] = field(default_factory=list)
    csl: str | None = None
    execute: dict = field(default_factory=dict)
    formats: dict[str, dict] = field(default_factory=dict)  # "html"/"typst"/"docx" -> options
    watch: tuple[str, ...] = DEFAULT_WATCH
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache" / "qmdbook"


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _author_names(value) -> tuple[tuple[str, ...], str]:
    names, orgs = [], []
    for a in _as_list(value):
        if isinstance(a, dict):
            if a.get("name"):
                name = a["name"]
                names.append(
                    name if isinstance(name, str) else " ".join(str(v) for v in name.values())
                )
            for aff in _as_list(a.get("affiliation") or a.get("affiliations")):
                org = aff.get("name") if isinstance(aff, dict) else aff
                if org and str(org) not in orgs:
                    orgs.append(str(org))
        elif a:
            names.append(str(a))
    return tuple(names), "; ".join(orgs)


def commit_date(root: Path) -> str:
    """ISO date of HEAD, so two builds of one commit carry the same date."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cI"], cwd=root, capture_output=True, text=True
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()[:10]
    except OSError:
        pass
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.date().isoformat()


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "book"


def _chapter_entries(book: dict, root: Path, warn) -> list[ChapterEntry]:
    entries: list[ChapterEntry] = []

    def add(items, appendix: bool, where: str) -> None:
        part = None
        for item in _as_list(items):
            if isinstance(item, str):
                entries.append(ChapterEntry(item, part, appendix))
            elif isinstance(item, dict) and "part" in item:
                part, part_file = str(item["part"]), None
                if part.endswith(".qmd"):
                    part, part_file = _part_title(root / part, warn), part
                for sub in _as_list(item.get("chapters")):
                    if not isinstance(sub, str):
                        raise ConfigError(f"_quarto.yml: {where}: nested parts are not supported")
                    entries.append(ChapterEntry(sub, part, appendix, part_file))
                part = None
            elif isinstance(item, dict) and "href" in item:
                entries.append(ChapterEntry(str(item["href"]), None, appendix))
            else:
                raise ConfigError(f"_quarto.yml: {where}: cannot read chapter entry {item!r}")

    add(book.get("chapters"), False, "book.chapters")
    add(book.get("appendices"), True, "book.appendices")
    if book.get("references"):
        entries.append(ChapterEntry(str(book["references"])))
    if not entries:
        raise ConfigError("_quarto.yml: book.chapters lists no chapter")
    missing = [e.source for e in entries if not (root / e.source).is_file()]
    if missing:
        raise ConfigError(f"_quarto.yml: chapter file(s) not found: {', '.join(missing)}")
    seen = set()
    for e in entries:
        if e.source in seen:
            warn(f"chapter {e.source} is listed twice")
        seen.add(e.source)
    return entries


def part_page_id(part: str) -> str:
    """The id of the web page that holds a part file's text."""
    return f"part-{slugify(part)}"


def part_body(path: Path) -> str:
    """A part file's text without its front matter, title heading and code cells."""
    from .qmd import Prose, parse_qmd

    doc = parse_qmd(path.read_text(encoding="utf-8"), path.name)
    text = "".join(seg.text for seg in doc.segments if isinstance(seg, Prose))
    return re.sub(r"^#\s+.*$", "", text, count=1, flags=re.M).strip()


def _part_title(path: Path, warn) -> str:
    from .qmd import parse_qmd

    if not path.is_file():
        raise ConfigError(f"_quarto.yml: part file not found: {path.name}")
    doc = parse_qmd(read_text(path, path.name), path.name)
    heading = re.compile(r"^#\s+(.+?)(?:\s+\{.*\})?\s*$", re.M)
    body = "".join(getattr(seg, "text", "") for seg in doc.segments)
    if doc.cells:
        warn(f"part file {path.name}: its code cells are not executed (only its text is shown)")
    if doc.front_matter.get("title"):
        return str(doc.front_matter["title"])
    m = heading.search(body)
    return m.group(1) if m else path.stem


def _formats(raw: dict, warn) -> dict[str, dict]:
    formats: dict[str, dict] = {}
    for name, opts in (raw.get("format") or {}).items():
        base = str(name).split("+")[0].split("-")[0]
        if base not in _FORMATS:
            warn(f"format '{name}' is not built by this engine (html, typst, docx are)")
            continue
        formats["typst" if base == "pdf" else base] = opts if isinstance(opts, dict) else {}
    return formats or {"html": {}}


def load_config(root: Path) -> ProjectConfig:
    """Read `root/_quarto.yml`. Raises ConfigError when it does not describe a buildable book."""
    root = root.resolve()
    path = root / "_quarto.yml"
    if not path.is_file():
        raise ConfigError(f"{path}: not found (is --project the book's directory?)")
    try:
        text = read_text(path, "_quarto.yml")
    except SourceError as exc:
        raise ConfigError(str(exc)) from None
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must be a mapping")
    warnings: list[Diagnostic] = []

    def warn(message: str) -> None:
        warnings.append(Diagnostic("_quarto.yml", 0, message))

    project = raw.get("project") or {}
    book = raw.get("book") or {}
    if not isinstance(project, dict) or not isinstance(book, dict):
        raise ConfigError("_quarto.yml: project and book must be mappings")
    if project.get("type") != "book":
        raise ConfigError("_quarto.yml: project.type must be 'book'")
    problems = config_schema.check(raw, text)
    if problems:
        raise ConfigError("\n".join(p.text() for p in problems))
    execute = dict(raw.get("execute") or {})

    entries = _chapter_entries(book, root, warn)
    formats = _formats(raw, warn)
    title = book.get("title") or raw.get("title")
    if not title:
        raise ConfigError("_quarto.yml: book.title is required")
    authors, orgs = _author_names(book.get("author") or raw.get("author"))
    date = book.get("date") or raw.get("date")
    if not date or str(date) in ("last-modified", "today", "now"):
        date = commit_date(root)
    stem = str(book.get("output-file") or slugify(str(title)))
    wanted = _as_list(book.get("downloads")) or [
        {"typst": "pdf", "docx": "docx"}[f] for f in formats if f in ("typst", "docx")
    ]
    downloads = {d: f"{stem}.{d}" for d in wanted if d in ("pdf", "docx")}
    for d in wanted:
        if d not in ("pdf", "docx"):
            warn(f"download format '{d}' is not built by this engine")

    meta = BookMeta(
        title=str(title),
        subtitle=str(book.get("subtitle") or raw.get("subtitle") or ""),
        authors=authors,
        organisation=str(raw.get("organisation") or raw.get("organization") or orgs),
        date=str(date),
        version=str(raw.get("version") or ""),
        lang=str(raw.get("lang") or "en-GB"),
        description=str(book.get("description") or raw.get("description") or ""),
        license=str(book.get("license") or raw.get("license") or ""),
        chapters=(),  # filled in by the assembler, which reads each chapter's title and id
        downloads=downloads,
        favicon=str(book.get("favicon") or ""),
    )
    watch = execute.pop("watch", None)
    return ProjectConfig(
        root=root,
        raw=raw,
        meta=meta,
        entries=entries,
        output_dir=root / str(project.get("output-dir") or "_site"),
        bibliography=[str(b) for b in _as_list(raw.get("bibliography"))],
        csl=str(raw["csl"]) if raw.get("csl") else None,
        execute=execute,
        formats=formats,
        watch=tuple(_as_list(watch)) if watch else DEFAULT_WATCH,
        warnings=warnings,
    )
