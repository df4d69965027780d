"""Synthetic search results for benchmarks and tests: realistic titles and the duplicates that
databases really produce (the same DOI written differently, a changed case or punctuation, a
one-letter typo, a missing year, the same page under another URL).

Nothing here is evidence: these records never enter data/.
"""

from __future__ import annotations

import itertools
import random

import pandas as pd

from analysis import schemas

_COMMON = (
    "the of and in a for on to with health care leadership system systems nhs england "
    "integrated review study evidence services primary community public local national "
    "management quality improvement collaborative partnership organisations across "
    "boundaries workforce patients practice policy analysis approach model framework"
).split()
_SYLLABLES = (
    "ka lo mi re ta su ne vo pi da ri fe gu ho ja ke li mu no pa qu sa te vi wo xa yo ze "
    "bri cla dre fro gla pre tri stu spo"
).split()


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set(_COMMON)
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    rest = sorted(words - set(_COMMON))
    rng.shuffle(rest)
    return list(_COMMON) + rest


def _typo(rng: random.Random, title: str) -> str:
    i = rng.randrange(len(title))
    kind = rng.choice(("drop", "swap", "double"))
    if kind == "drop":
        return title[:i] + title[i + 1 :]
    if kind == "double":
        return title[:i] + title[i] + title[i:]
    j = min(i + 1, len(title) - 1)
    chars = list(title)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def records(count: int, seed: int = 1, duplicate_share: float = 0.2) -> pd.DataFrame:
    """`count` records in the records.csv columns (duplicate_of left empty)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 20000)
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(vocab))))
    rows: list[dict[str, str]] = []
    for n in range(count):
        rid = f"R{n + 1:06d}"
        if rows and rng.random() < duplicate_share:
            row = dict(rng.choice(rows))
            how = rng.choice(("doi", "case", "typo", "year", "url", "subtitle"))
            if how == "doi" and row["doi"]:
                row["doi"] = "https://doi.org/" + row["doi"].upper()
                row["title"] = row["title"] + " [online first]"
            elif how == "case":
                row["title"] = row["title"].upper().replace(":", " -")
            elif how == "typo":
                row["title"] = _typo(rng, row["title"])
            elif how == "year":
                row["year"] = ""
            elif how == "url" and row["url"]:
                row["url"] = row["url"].replace("https://", "http://www.") + "/"
                row["title"] = "Web page: " + row["title"]
            else:
                row["title"] = row["title"].split(":")[0]
            row["doi"] = row["doi"] if how in ("doi", "case", "typo") else ""
        else:
            words = rng.choices(vocab, cum_weights=cumulative, k=rng.randint(5, 16))
            title = " ".join(words).capitalize()
            if rng.random() < 0.4:
                cut = rng.randint(2, len(words) - 2)
                title = " ".join(words[:cut]).capitalize() + ": " + " ".join(words[cut:])
            row = {
                "title": title,
                "authors": f"Author{rng.randint(1, 9999)}, A.",
                "year": str(rng.randint(1995, 2025)),
                "venue": f"Journal {rng.randint(1, 400)}",
                "doi": f"10.{rng.randint(1000, 9999)}/syn.{n}" if rng.random() < 0.6 else "",
                "url": f"https://example.org/item/{n}" if rng.random() < 0.3 else "",
            }
        rows.append({**row, "record_id": rid, "search_id": f"S{1 + n // 5000}"})
    frame = pd.DataFrame(rows, dtype=str)
    frame["duplicate_of"] = ""
    return frame[schemas.RECORD_COLUMNS]
