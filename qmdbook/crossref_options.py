"""`crossref:` in _quarto.yml: the options crossref.lua honours, and a report of the rest.

Quarto documents these at quarto.org/docs/reference/metadata/crossref.html. Each honoured option
reaches the filter as `qmdbook-crossref` metadata; any other is named with its _quarto.yml line.
"""

from __future__ import annotations

import re
from pathlib import Path

from .qmd import Diagnostic

KINDS = (
    "fig", "tbl", "eq", "lst", "sec", "thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr",
    "sol", "rem", "alg", "nte", "tip", "wrn", "imp", "cau",
)  # fmt: skip
HONOURED = {
    *(f"{k}-title" for k in KINDS),
    *(f"{k}-prefix" for k in KINDS),
    *(f"{k}-labels" for k in KINDS),
    "title-delim", "labels", "subref-labels", "chapters", "ref-hyperlink", "ch-prefix",
    "appendix-prefix",
}  # fmt: skip
# A custom float type (quarto.org/docs/authoring/cross-references-custom.html): what each entry
# may say. The latex-* keys configure LaTeX's float environment; neither this engine nor
# Quarto's own HTML, Typst or DOCX output uses one, so they are accepted and have no effect.
CUSTOM_KEYS = {"kind", "key", "reference-prefix", "caption-prefix", "caption-location",
               "space-before-numbering"}  # fmt: skip
CUSTOM_LATEX_KEYS = {"latex-env", "latex-list-of-file-extension", "latex-list-of-description"}
CAPTION_PLACES = ("top", "bottom", "margin")
# Said, not silently done: what a margin caption becomes where there is no margin column.
MARGIN_IN_PRINT = ("{}: margin puts captions beside their float on the web site; the PDF and "
                   "DOCX have no margin column, so there each caption keeps its usual place")
# Quarto's placement options for captions, read from the document's top level.
CAPTION_LOCATIONS = ("fig-cap-location", "tbl-cap-location", "lst-cap-location", "cap-location")


def line_of(text: str, key: str) -> int:
    """1-based line of the first `key:` in a YAML file's text (0 when absent)."""
    m = re.search(rf"^\s*-?\s*{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def crossref_options(raw: dict, root: Path) -> tuple[dict, list[Diagnostic]]:
    """(options for crossref.lua, diagnostics for options that are not honoured)."""
    section = raw.get("crossref")
    text = (root / "_quarto.yml").read_text(encoding="utf-8")
    found: list[Diagnostic] = []
    options: dict = {}
    if section is False:
        found.append(Diagnostic("_quarto.yml", line_of(text, "crossref"),
                                "crossref: false is not supported by qmdbook (numbering stays on)"))
        section = {}
    if not isinstance(section, dict):
        section = {}
    for key, value in section.items():
        if key == "custom":
            found += _custom_kinds(value, text, options)
        elif key in HONOURED and not isinstance(value, dict | list):
            options[key] = value
        else:
            found.append(Diagnostic("_quarto.yml", line_of(text, key),
                                    f"crossref option '{key}' is not supported by qmdbook"))
    # Sections are numbered by the book's chapters in every format; turning that off for the
    # whole book (or one format) is not built, so it is said rather than ignored.
    formats = raw.get("format") if isinstance(raw.get("format"), dict) else {}
    for where in (raw, *(v for v in formats.values() if isinstance(v, dict))):
        if where.get("number-sections") is False:
            found.append(Diagnostic(
                "_quarto.yml", line_of(text, "number-sections"),
                "number-sections: false for the whole book is not supported by qmdbook; "
                "unnumber chapters in their front matter (number-sections: false) instead",
            ))
            break
    for key in CAPTION_LOCATIONS:
        value = raw.get(key)
        if value is None:
            continue
        if key == "cap-location":
            for kind in ("fig", "tbl", "lst"):
                options.setdefault(f"{kind}-cap-location", value)
        else:
            options[key] = value
        if value == "margin":
            found.append(Diagnostic("_quarto.yml", line_of(text, key), MARGIN_IN_PRINT.format(key)))
    for kind in filter(None, options.get("custom-kinds", "").split(",")):
        if options[f"{kind}-cap-location"] == "margin":
            found.append(Diagnostic("_quarto.yml", _line_of_value(text, "key", kind),
                                    MARGIN_IN_PRINT.format(f"caption-location of {kind!r}")))
    return options, found


def _custom_kinds(entries, text: str, options: dict) -> list[Diagnostic]:
    """Flatten `crossref: custom` into the filter's options (`custom-kinds`, `<key>-title`,
    `<key>-prefix`, ...); every entry that cannot be honoured is named with its line."""
    line = line_of(text, "custom")
    if not isinstance(entries, list):
        return [Diagnostic("_quarto.yml", line, "crossref custom must be a list of types")]
    found, keys = [], []
    for entry in entries:
        key = entry.get("key") if isinstance(entry, dict) else None
        if not isinstance(key, str):
            found.append(Diagnostic("_quarto.yml", line, "a crossref custom type needs a key"))
            continue
        where = _line_of_value(text, "key", key) or line
        problems = []
        if entry.get("kind") != "float":
            problems.append(f"kind must be float (the only custom kind Quarto has), not "
                            f"{entry.get('kind')!r}")
        if not re.fullmatch(r"[a-z]+", key) or key in KINDS or key in keys:
            problems.append("key must be letters not already used by another kind")
        if not isinstance(entry.get("reference-prefix"), str):
            problems.append("reference-prefix is required")
        location = entry.get("caption-location", "bottom")
        if location not in CAPTION_PLACES:
            problems.append(f"caption-location must be one of {', '.join(CAPTION_PLACES)}")
        problems += [f"option '{k}' is not supported by qmdbook"
                     for k in entry if k not in CUSTOM_KEYS | CUSTOM_LATEX_KEYS]
        if problems:
            found += [Diagnostic("_quarto.yml", where, f"crossref custom type {key!r}: {p}")
                      for p in problems]
            continue
        keys.append(key)
        options[f"{key}-prefix"] = entry["reference-prefix"]
        options[f"{key}-title"] = entry.get("caption-prefix", entry["reference-prefix"])
        options[f"{key}-cap-location"] = location
        options[f"{key}-space"] = entry.get("space-before-numbering", True) is not False
    if keys:
        options["custom-kinds"] = ",".join(keys)
    return found


def _line_of_value(text: str, key: str, value: str) -> int:
    m = re.search(rf"^\s*-?\s*{re.escape(key)}\s*:\s*[\"']?{re.escape(value)}\b", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 0


# Chapter front matter that qmdbook cannot honour per chapter (it renders the book as one
# document): reported, so an author never wonders why it did nothing.
BOOK_LEVEL_ONLY = (
    "crossref", "bibliography", "suppress-bibliography", "csl", "cap-location",
    "fig-cap-location", "tbl-cap-location", "lst-cap-location",
)  # fmt: skip


def front_matter_problems(path: str, text: str, front_matter: dict) -> list[Diagnostic]:
    """Chapter-level options that only take effect in _quarto.yml in this engine."""
    return [
        Diagnostic(path, line_of(text, key),
                   f"'{key}' in a chapter's front matter is not supported by qmdbook; "
                   "set it in _quarto.yml")
        for key in BOOK_LEVEL_ONLY
        if key in front_matter
    ]
