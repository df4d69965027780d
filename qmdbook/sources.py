"""Reading the book's text files: a byte that is not UTF-8 is named by file, line and column."""

from __future__ import annotations

from pathlib import Path


class SourceError(ValueError):
    """A source file cannot be read as text; the message names the file and line."""


def read_text(path: Path, name: str) -> str:
    """The file decoded as UTF-8 (a leading byte order mark is dropped)."""
    data = Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - line_start + 1
        byte = data[err.start : err.start + 1].hex()
        raise SourceError(
            f"{name}:{line}:{column}: byte 0x{byte} is not UTF-8 (the file was probably saved "
            "as Latin-1 or Windows-1252; re-save it as UTF-8)"
        ) from None
