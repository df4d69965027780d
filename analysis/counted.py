"""Counts that remember which sources they count, so a reader of the site can check them.

A `Count` is an int and a `CountText` a str: arithmetic, comparisons, f-strings and tables treat
them as the plain values they are. Only where a chapter shows one inline does the difference
appear: its markdown is a Quarto bracketed span, `[2 of 86 (2%)]{.slr-count data-keys="a,b"}`,
which the site turns into a button listing the sources (see site/slr.js); PDF and DOCX print the
text alone. Both engines read that span the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

# The characters the inline-value escaper treats as markup (as in qmdbook.execute and Quarto):
# the number's text stays literal text inside its span.
_MARKUP = "\\`*_[]<>#@$|~^"
SPAN_CLASS = "slr-count"


def _escaped(text: str) -> str:
    return "".join("\\" + c if c in _MARKUP else c for c in text)


def count_span(text: str, keys: Iterable[str]) -> str:
    """The markdown of `text` as a count of the sources `keys`."""
    keys = ",".join(keys)
    return f'[{_escaped(text)}]{{.{SPAN_CLASS} data-keys="{keys}"}}'


class Count(int):
    """A number of sources, with their keys (source_ids) in `sources`.

    (Not named `keys`: pandas takes anything with `keys` and `__getitem__` for a mapping.)
    """

    sources: tuple[str, ...]

    def __new__(cls, keys: Iterable[str]):
        keys = tuple(keys)
        obj = super().__new__(cls, len(keys))
        obj.sources = keys
        return obj

    def __reduce__(self):
        # copy and pickle rebuild a Count from its keys (int's own protocol passes the number).
        return (type(self), (self.sources,))

    def _repr_markdown_(self) -> str:
        return count_span(str(int(self)), self.sources)


class CountText(str):
    """Text stating a count ("2 of 86 (2%)"), with the keys of the sources it counts."""

    sources: tuple[str, ...]

    def __new__(cls, text: str, keys: Iterable[str]):
        obj = super().__new__(cls, text)
        obj.sources = tuple(keys)
        return obj

    def __reduce__(self):
        return (type(self), (str(self), self.sources))

    def _repr_markdown_(self) -> str:
        return count_span(str(self), self.sources)


def sources_of(value) -> tuple[str, ...] | None:
    """The keys a value counts, or None for a plain number."""
    return value.sources if isinstance(value, Count | CountText) else None
