"""Reading the project's YAML files (protocol, codebook, gaps, summary findings) with errors that
name the file and line."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from analysis.csvio import decode_utf8
from analysis.errors import EvidenceError, Problem, display

# The C loader, where built, reads the codebook several times faster; same safe subset.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlFile:
    """A YAML mapping with the line each key path starts on, for problems that name lines."""

    content: dict
    lines: dict[tuple, int]
    name: str

    def line(self, *keys) -> int | None:
        while keys and keys not in self.lines:
            keys = keys[:-1]  # the nearest enclosing key that exists
        return self.lines.get(keys)


def _mapping_text(path: Path, name: str) -> tuple[str, dict]:
    """The file's text and its top-level mapping; every fault raised as an EvidenceError."""
    if not Path(path).exists():
        raise EvidenceError([Problem(name, None, None, "file not found")])
    text = decode_utf8(Path(path).read_bytes(), name)
    try:
        content = yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise EvidenceError([Problem(name, line, None, f"malformed YAML: {err}")]) from None
    if not isinstance(content, dict):
        raise EvidenceError([Problem(name, 1, None, "expected a mapping at the top level")])
    return text, content


def read_mapping(path: Path, name: str) -> dict:
    """The top-level mapping of a YAML file."""
    return _mapping_text(path, name)[1]


# Parsed files by path and content: composing the node tree for line numbers is slow in pure
# Python, and chapters ask for the same file many times (gaps.yml once per gap they test).
_PARSED: dict[tuple[str, bytes], YamlFile] = {}


def read_yaml(path: Path) -> YamlFile:
    """The mapping with the line of every key, for files whose faults are reported by line."""
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).digest()
    except OSError:
        return _read_yaml(path)
    key = (str(Path(path).resolve()), digest)
    if key not in _PARSED:
        _PARSED[key] = _read_yaml(path)
    parsed = _PARSED[key]
    # Each caller gets its own copy of the content, so no caller sees another's changes.
    return replace(parsed, content=copy.deepcopy(parsed.content))


def _read_yaml(path: Path) -> YamlFile:
    name = display(path)
    text, content = _mapping_text(path, name)
    lines: dict[tuple, int] = {}

    def walk(n, prefix: tuple) -> None:
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                where = (*prefix, key.value)
                lines[where] = key.start_mark.line + 1
                walk(value, where)

    walk(yaml.compose(text, Loader=yaml.SafeLoader), ())
    return YamlFile(content, lines, name)
