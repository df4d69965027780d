"""Quarto shortcodes, `{{< name args >}}`, in both places Quarto expands them.

`include` is textual and runs before parsing (an included file may hold cells and inline
expressions); every expanded line keeps the file and line it came from, so diagnostics name the
included file. The others are expanded in the chapter's markdown after execution: `meta`,
`var` (`_variables.yml`), `env`, `pagebreak`, `video`, `kbd` and `embed` (a labelled cell's
output). `{{{< x >}}}` writes `{{< x >}}` literally, as in Quarto. Anything else is reported
with file:line and shown as `?name`, never as the raw shortcode.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .qmd import Diagnostic, QmdDoc, QmdError, parse_qmd
from .sources import read_text

_INCLUDE_LINE = re.compile(r"^\s*\{\{<\s*include\s+(?P<arg>.+?)\s*>\}\}\s*$")
_SHORTCODE = re.compile(
    r"\{\{\{<(?P<escaped>.*?)>\}\}\}|\{\{<\s*(?P<body>.*?)\s*>\}\}", re.S
)
_ERROR_PREFIX = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.S)

# Quarto's other built-in shortcodes: reported as unsupported rather than as unknown names.
UNSUPPORTED = frozenset({"lipsum", "placeholder", "version", "brand", "contents", "lightbox"})
SUPPORTED = ("include", "meta", "var", "env", "pagebreak", "video", "kbd", "embed")

Origin = list[tuple[str, int]]  # for each line of the expanded text: (file, line) it came from


@dataclass(frozen=True)
class Shortcode:
    name: str
    args: tuple[str, ...]
    kwargs: dict[str, str]


def parse_shortcode(body: str) -> Shortcode:
    """`name arg key="value"` -> Shortcode; quotes as in a shell."""
    lexer = shlex.shlex(body, posix=True)
    lexer.whitespace_split = True
    lexer.escape = ""  # `\.` in a meta key is Quarto's literal dot, not a shell escape
    lexer.commenters = ""  # `#` starts an embed label, not a comment
    try:
        tokens = list(lexer)
    except ValueError:
        tokens = body.split()
    args, kwargs = [], {}
    for token in tokens[1:]:
        key, eq, value = token.partition("=")
        if eq and re.fullmatch(r"[A-Za-z][\w-]*", key):
            kwargs[key] = value
        else:
            args.append(token)
    return Shortcode(tokens[0] if tokens else "", tuple(args), kwargs)


# ----------------------------------------------------------------------------------- include


def expand_includes(
    text: str, path: str, root: Path, diagnostics: list[Diagnostic], _stack: tuple = ()
) -> tuple[str, Origin]:
    """`text` (the file `path`, relative to `root`) with every include line replaced by the file.

    Paths are relative to the including file, or to the project root when they start with `/`.
    An included file's own includes are expanded relative to it.
    """
    out: list[str] = []
    origin: Origin = []
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        m = _INCLUDE_LINE.match(line.rstrip("\n"))
        if not m:
            out.append(line if line.endswith("\n") else line + "\n")
            origin.append((path, n))
            continue
        arg = parse_shortcode("include " + m.group("arg")).args
        if not arg:
            raise QmdError(f"{path}:{n}: include needs a file name")
        name = arg[0]
        target = (root / name.lstrip("/")) if name.startswith("/") else (root / path).parent / name
        target = target.resolve()
        try:
            rel = target.relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = str(target)
        if rel in _stack or rel == path:
            chain = " -> ".join([*_stack, path, rel])
            raise QmdError(f"{path}:{n}: include cycle: {chain}")
        if not target.is_file():
            raise QmdError(f"{path}:{n}: included file not found: {name} (looked for {rel})")
        included = target.read_text(encoding="utf-8")
        fm = _FRONT_MATTER.match(included)
        first = 1
        if fm:
            diagnostics.append(
                Diagnostic(rel, 1, "front matter of an included file is ignored (as in Quarto)")
            )
            first = included.count("\n", 0, fm.end()) + 1
            included = included[fm.end() :]
        sub, sub_origin = expand_includes(included, rel, root, diagnostics, (*_stack, path))
        out.append(sub)
        origin.extend((p, ln + first - 1 if p == rel else ln) for p, ln in sub_origin)
    return "".join(out), origin


def read_chapter(root: Path, source: str) -> QmdDoc:
    """Parse the chapter `source` with its includes expanded; lines map to the files written."""
    text = read_text(root / source, source)
    found: list[Diagnostic] = []
    expanded, origin = expand_includes(text, source, root, found)
    if not any(p != source for p, _ in origin):
        doc = parse_qmd(text, source)
        doc.diagnostics[:0] = found
        return doc
    try:
        doc = parse_qmd(expanded, source)
    except QmdError as exc:
        raise QmdError(_relocate_message(str(exc), origin, source)) from None
    doc.origin = origin
    doc.diagnostics = found + [
        Diagnostic(*doc.where(d.line), d.message) for d in doc.diagnostics
    ]
    return doc


def _relocate_message(message: str, origin: Origin, source: str) -> str:
    m = _ERROR_PREFIX.match(message)
    if not m or m.group("path") != source:
        return message
    line = int(m.group("line"))
    path, where = origin[line - 1] if 0 < line <= len(origin) else (source, line)
    return f"{path}:{where}:" + message[m.end() :]


# ----------------------------------------------------------------------------- the others


def read_variables(root: Path) -> dict:
    """`_variables.yml` of the project (empty when there is none)."""
    path = root / "_variables.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise QmdError(f"_variables.yml:1: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise QmdError("_variables.yml:1: must be a mapping of names to values")
    return data


def lookup(data: dict, key: str):
    """A dotted key (`a.b`) in nested mappings; `\\.` is a literal dot. None when missing."""
    value = data
    for part in re.split(r"(?<!\\)\.", key):
        part = part.replace("\\.", ".")
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _as_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        if "name" in value:
            return _as_text(value["name"])
        return ", ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_MARKDOWN_SPECIAL = "\\`*_[]<>#@$|~^"


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)


def _attr(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


Embed = Callable[[str, str, dict[str, str], tuple[str, int]], str | None]


@dataclass
class ShortcodeContext:
    """What the prose shortcodes read, and where they report."""

    meta: dict  # the chapter's front matter over _quarto.yml's metadata
    variables: dict
    embed: Embed | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _video(sc: Shortcode) -> str:
    src = sc.args[0] if sc.args else sc.kwargs.get("src", "")
    attrs = [f"src={_attr(src)}"]
    for key in ("title", "width", "height", "start", "aspect-ratio"):
        if key in sc.kwargs:
            attrs.append(f"{key}={_attr(sc.kwargs[key])}")
    return "\n\n::: {.qmdbook-video " + " ".join(attrs) + "}\n:::\n\n"


def _unresolved(label: str) -> str:
    return f"**?{_escape(label)}**"


def expand_shortcodes(text: str, where: Callable[[int], tuple[str, int]],
                      ctx: ShortcodeContext) -> str:
    """`text` with every shortcode replaced; `where(offset)` gives the file:line of an offset."""

    def report(offset: int, message: str) -> None:
        path, line = where(offset)
        ctx.diagnostics.append(Diagnostic(path, line, message))

    def replace(m: re.Match) -> str:
        if m.group("escaped") is not None:
            return "{{<" + m.group("escaped") + ">}}"
        sc = parse_shortcode(m.group("body"))
        at = m.start()
        if sc.name == "meta" or sc.name == "var":
            key = sc.args[0] if sc.args else ""
            source = ctx.meta if sc.name == "meta" else ctx.variables
            value = lookup(source, key) if key else None
            if value is None:
                what = "metadata" if sc.name == "meta" else "_variables.yml"
                report(at, f"{sc.name} shortcode: no '{key}' in {what}")
                return _unresolved(f"{sc.name}:{key}")
            return _as_text(value)
        if sc.name == "env":
            key = sc.args[0] if sc.args else ""
            if key in ctx.env:
                return _escape(ctx.env[key])
            if len(sc.args) > 1:
                return _escape(sc.args[1])
            report(at, f"env shortcode: environment variable '{key}' is not set")
            return _unresolved(f"env:{key}")
        if sc.name == "pagebreak":
            return "\n\n::: {.qmdbook-pagebreak}\n:::\n\n"
        if sc.name == "video":
            if not (sc.args or sc.kwargs.get("src")):
                report(at, "video shortcode needs a file or URL")
                return _unresolved("video")
            return _video(sc)
        if sc.name == "kbd":
            keys = sc.args[0] if sc.args else next(iter(sc.kwargs.values()), "")
            return f"[{_escape(keys)}]{{.kbd}}"
        if sc.name == "embed":
            target = sc.args[0] if sc.args else ""
            file, _, label = target.partition("#")
            block = ctx.embed(file, label, sc.kwargs, where(at)) if ctx.embed else None
            if block is None:
                report(at, f"embed shortcode: no cell labelled '{label}' with outputs in {file}")
                return _unresolved(f"embed:{target}")
            return "\n\n" + block + "\n\n"
        if sc.name == "include":
            report(at, "include shortcode must stand on a line of its own")
            return _unresolved("include")
        if sc.name in UNSUPPORTED:
            report(at, f"shortcode '{sc.name}' is not supported by qmdbook")
        else:
            report(at, f"unknown shortcode '{sc.name}'")
        return _unresolved(sc.name)

    if "{{" not in text:
        return text
    return _SHORTCODE.sub(replace, text)
