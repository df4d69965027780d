"""Duplicate detection across search results: one rule, used by the importer and by every build.

Records are never deleted; each duplicate is marked with the first record of its group so that
screening sees one copy and PRISMA can count the rest.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import unquote, urlsplit, urlunsplit

import pandas as pd
from rapidfuzz import fuzz, process

TITLE_THRESHOLD = 95
_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.|www\.)?doi\.org/|^doi:\s*", re.IGNORECASE)


def bare_doi(doi: str) -> str:
    """'https://doi.org/10.1/ABC' and 'doi:10.1/ABC' become '10.1/ABC' (case kept for display)."""
    value = unquote((doi or "").strip())
    while True:
        stripped = _DOI_PREFIX.sub("", value).strip()
        if stripped == value:
            return value
        value = stripped


def normalise_doi(doi: str) -> str:
    """The bare DOI in lower case: DOIs are case-insensitive, so only this form is compared."""
    return bare_doi(doi).lower()


@functools.lru_cache(maxsize=1 << 16)  # benchmark matching compares every title many times
def normalise_title(title: str) -> str:
    """Casefolded, without diacritics or punctuation, single-spaced."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def normalise_url(url: str) -> str:
    """Scheme, 'www.', fragment and trailing slash do not change which page a URL names."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, parts.query, ""))


def duplicate_marks(records: pd.DataFrame) -> pd.Series:
    """Map record_id -> the record_id of the first record of its duplicate group ('' if first).

    Two records are duplicates if their normalised DOIs match, or their normalised URLs match, or
    (same year or a year missing) their titles score >= TITLE_THRESHOLD on token_sort_ratio.
    A title match never joins groups holding two different years or two different DOIs: distinct
    DOIs name distinct works (a reply or an erratum can carry the title of the paper it answers),
    and a record without a year must not bridge a 2019 and a 2021 report of the same name.
    The first of a group is the earliest record in file order.
    """
    n = len(records)
    ids = records["record_id"].astype(str).tolist()
    dois = [normalise_doi(v) for v in records["doi"].fillna("")]
    urls = [normalise_url(v) for v in records["url"].fillna("")]
    titles = [normalise_title(v) for v in records["title"].fillna("")]
    years = [str(v).strip() for v in records["year"].fillna("")]

    parent = list(range(n))
    # What a group already holds, kept on its root, so a title match can refuse a conflict.
    known_years = [{y} - {""} for y in years]
    known_dois = [{d} - {""} for d in dois]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int, *, by_title: bool = False) -> None:
        a, b = sorted((find(i), find(j)))
        if a == b:
            return
        years_ab, dois_ab = known_years[a] | known_years[b], known_dois[a] | known_dois[b]
        if by_title and (len(years_ab) > 1 or len(dois_ab) > 1):
            return
        parent[b] = a  # the root is always the earliest record
        known_years[a], known_dois[a] = years_ab, dois_ab

    for keys in (dois, urls):
        first: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key:
                union(first.setdefault(key, i), i)

    with_title = [i for i in range(n) if titles[i]]
    if len(with_title) > 1:
        scores = process.cdist(
            [titles[i] for i in with_title],
            [titles[i] for i in with_title],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=TITLE_THRESHOLD,
            dtype="uint8",
            workers=-1,  # all pairs are compared; spread them over the cores
        )
        rows, cols = (scores >= TITLE_THRESHOLD).nonzero()
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            i, j = with_title[r], with_title[c]
            if i < j:
                union(i, j, by_title=True)

    marks = ["" if find(i) == i else ids[find(i)] for i in range(n)]
    return pd.Series(marks, index=pd.Index(ids, name="record_id"), name="duplicate_of", dtype=str)
