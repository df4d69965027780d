"""Duplicate detection across search results: one rule, used by the importer and by every build.

Records are never deleted; each duplicate is marked with the first record of its group so that
screening sees one copy and PRISMA can count the rest.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from analysis import paths

TITLE_THRESHOLD = 95
_CHUNK_CELLS = 20_000_000  # scores held at once (bytes): bounds memory whatever the input
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
    text = title or ""
    if not text.isascii():  # most titles are ASCII, for which both steps change nothing
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
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

    Candidate title pairs come from blocking (see similar_title_pairs), which gives the same
    marks as comparing every pair of titles, in time and memory that grow with the size of
    the blocks rather than with the square of the record count.
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

    # Pairs in row-major order, as an all-pairs comparison would meet them: the union refuses
    # conflicts, so the order decides which of two incompatible matches wins.
    for i, j in similar_title_pairs(titles, years, dois):
        union(i, j, by_title=True)

    marks = ["" if find(i) == i else ids[find(i)] for i in range(n)]
    return pd.Series(marks, index=pd.Index(ids, name="record_id"), name="duplicate_of", dtype=str)


def _max_distance(lengths: np.ndarray) -> np.ndarray:
    """Largest indel distance a string can have to any string it scores >= 95 with.

    The score is 100 * (1 - d / (len_a + len_b)) and d >= |len_a - len_b|, so
    20 d <= len_a + len_b <= 2 len_a + d, that is d <= 2 len_a / 19.
    """
    return (2 * lengths) // 19


def similar_title_pairs(titles: list[str], years: list[str], dois: list[str]):
    """Every pair (i < j, in row-major order) whose titles score >= TITLE_THRESHOLD on
    token_sort_ratio and that a title match could join.

    Blocking loses no pair the rule would accept. A title match between two different years
    or two different DOIs is always refused (a group holds its members' years and DOIs), so
    only records of one year, or with a year missing, are compared, and two records that both
    carry a DOI are never scored. Within a block the sorted-token titles are ordered by
    length and each is scored only against titles whose length allows a score of 95.
    """
    if TITLE_THRESHOLD != 95:
        raise ValueError("_max_distance assumes a threshold of 95")
    n = len(titles)
    keys = [" ".join(sorted(t.split())) for t in titles]  # what token_sort_ratio compares
    lengths = np.array([len(k) for k in keys], dtype=np.int64)
    by_year: dict[str, list[int]] = {}
    for i in range(n):
        if keys[i]:
            by_year.setdefault(years[i], []).append(i)
    yearless = by_year.pop("", [])

    def without_doi(members: list[int]) -> list[int]:
        return [i for i in members if not dois[i]]

    def with_doi(members: list[int]) -> list[int]:
        return [i for i in members if dois[i]]

    # Two records with DOIs never join by title: equal DOIs are already one group, and
    # different DOIs are refused. So every compared pair has a record without a DOI in it.
    found: list[np.ndarray] = [_scored(keys, lengths, without_doi(yearless), yearless)]
    for members in by_year.values():
        found.append(_scored(keys, lengths, without_doi(members), members + yearless))
        found.append(_scored(keys, lengths, with_doi(members), without_doi(yearless)))
    pairs = np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)
    if not len(pairs):
        return []
    pairs = np.sort(pairs, axis=1)  # (smaller, larger) index
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    out = []
    for a, b in zip((codes // n).tolist(), (codes % n).tolist(), strict=True):
        if a != b and not (dois[a] and dois[b] and dois[a] != dois[b]):
            out.append((a, b))
    return out


def _scored(keys: list[str], lengths: np.ndarray, rows: list[int], cols: list[int]) -> np.ndarray:
    """(row, col) index pairs among `rows` x `cols` scoring >= the threshold."""
    if not rows or not cols:
        return np.empty((0, 2), dtype=np.int64)
    rows_a = np.array(rows, dtype=np.int64)
    cols_a = np.array(cols, dtype=np.int64)
    rows_a = rows_a[np.argsort(lengths[rows_a], kind="stable")]
    cols_a = cols_a[np.argsort(lengths[cols_a], kind="stable")]
    col_lengths = lengths[cols_a]
    col_keys = [keys[c] for c in cols_a.tolist()]
    reach = lengths + _max_distance(lengths)  # the longest title each one can match
    out = []
    start = 0
    while start < len(rows_a):
        # Rows of similar length share one window of columns, sized to bound the memory used.
        low = int(lengths[rows_a[start]])
        lo = int(np.searchsorted(col_lengths, low - int(_max_distance(np.int64(low))), "left"))
        stop = start + 1
        while stop < len(rows_a) and int(lengths[rows_a[stop]]) <= low + 8:
            hi = int(np.searchsorted(col_lengths, int(reach[rows_a[stop]]), "right"))
            if (stop - start + 1) * max(hi - lo, 1) > _CHUNK_CELLS:
                break
            stop += 1
        hi = int(np.searchsorted(col_lengths, int(reach[rows_a[stop - 1]]), "right"))
        if hi > lo:
            scores = process.cdist(
                [keys[r] for r in rows_a[start:stop].tolist()],
                col_keys[lo:hi],
                scorer=fuzz.ratio,
                score_cutoff=TITLE_THRESHOLD,
                dtype="uint8",
                workers=-1,
            )
            r, c = np.nonzero(scores >= TITLE_THRESHOLD)
            out.append(np.stack([rows_a[start:stop][r], cols_a[lo:hi][c]], axis=1))
        start = stop
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


_COMPARED = ["record_id", "title", "year", "doi", "url"]


def _content_key(records: pd.DataFrame) -> str:
    """Hash of what the rule reads (and of the rule itself), so any change recomputes."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for column in _COMPARED:
        digest.update(b"\x1e" + "\x1f".join(records[column].fillna("").astype(str)).encode())
    return digest.hexdigest()


def cached_duplicate_marks(records: pd.DataFrame, cache: Path | None = None) -> pd.Series:
    """duplicate_marks, computed once per content of the compared columns.

    `validate` and every chapter's load_evidence() check the same records: the marks are
    stored under .cache/dedupe/ keyed on the content hash and read back, never trusted
    across a change to the records or to this module.
    """
    folder = Path(cache) if cache is not None else paths.DEDUPE_CACHE
    target = folder / f"{_content_key(records)}.txt"
    ids = records["record_id"].astype(str).tolist()
    try:
        marks = target.read_text(encoding="utf-8").split("\n")
        if len(marks) == len(ids):
            index = pd.Index(ids, name="record_id")
            return pd.Series(marks, index=index, name="duplicate_of", dtype=str)
    except OSError:
        pass
    computed = duplicate_marks(records)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".marks-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(computed.tolist()))
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only checkout still validates; it only recomputes every time
    return computed
