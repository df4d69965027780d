"""Draw the samples for the blinded second review and write the packet the second reviewer sees.

The packet holds each sampled record as it was found (title, authors, year, venue, DOI, address)
and nothing of the first reviewer's decisions or charting. Samples are drawn with a fixed seed, so
anyone can redraw them: a random 20% of title/abstract decisions; every full-text exclusion and a
random 20% of full-text inclusions (so that kappa has both kinds to compare); the key charting
fields of a random 20% of included sources.

An item is in a sample when a hash of the seed and its id falls in the lowest 20% of the range.
Unlike drawing n items at random, this keeps every earlier item's membership when records are
added, so a review updated with new searches extends its sample instead of redrawing it.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.csvio import csv_text, write_all
from analysis.load import Evidence, load_evidence
from analysis.schemas import SECOND_CHARTING_COLUMNS, SECOND_SCREENING_COLUMNS

SEED = 20261202
SHARE = 0.20
RECORD_FIELDS = ["record_id", "title", "authors", "year", "venue", "doi", "url"]


def _position(key: str) -> float:
    digest = hashlib.blake2b(f"{SEED}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def in_sample(key: str, share: float = SHARE) -> bool:
    return _position(key) < share


def _share(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Items whose hash falls below the share, topped up with the next-lowest hashes so that the
    sample is never smaller than the share of the items (rounded up)."""
    if frame.empty:
        return frame
    order = frame.assign(_at=frame[column].map(_position)).sort_values("_at")
    n = max(int((order["_at"] < SHARE).sum()), math.ceil(SHARE * len(frame)))
    return order.head(n).drop(columns="_at")


def samples(ev: Evidence) -> dict[str, list[str]]:
    """Record ids (screening) and source ids (charting) in each sample, in a stable order."""
    s = ev.screening
    title_abstract = s[s["stage"] == "title_abstract"].sort_values("record_id")
    full_text = s[s["stage"] == "full_text"].sort_values("record_id")
    excluded = full_text[full_text["decision"] == "exclude"]
    included = full_text[full_text["decision"] == "include"]
    charted = ev.charting.sort_values("source_id")
    return {
        "title_abstract": sorted(_share(title_abstract, "record_id")["record_id"]),
        "full_text": sorted([*excluded["record_id"], *_share(included, "record_id")["record_id"]]),
        "charting": sorted(_share(charted, "source_id")["source_id"]),
    }


def pending(ev: Evidence, drawn: dict[str, list[str]]) -> dict[str, list[str]]:
    """The sampled items that have no second decision or second charting yet."""
    done = set(zip(ev.second_screening["record_id"], ev.second_screening["stage"], strict=True))
    charted = set(ev.second_charting["source_id"])
    return {
        "title_abstract": [r for r in drawn["title_abstract"] if (r, "title_abstract") not in done],
        "full_text": [r for r in drawn["full_text"] if (r, "full_text") not in done],
        "charting": [k for k in drawn["charting"] if k not in charted],
    }


def write_packet(ev: Evidence, folder: Path, *, only_pending: bool = False) -> dict[str, int]:
    """The blinded packet: records to screen, sources to chart, and empty forms to fill."""
    drawn = samples(ev)
    if only_pending:
        drawn = pending(ev, drawn)
    records = ev.records.astype({"year": "string"}).fillna("")
    by_id = records.set_index("record_id")
    out: dict[Path, bytes] = {}
    for stage in ("title_abstract", "full_text"):
        frame = by_id.loc[drawn[stage]].reset_index()[RECORD_FIELDS]
        out[folder / f"{stage}_records.csv"] = csv_text(frame, RECORD_FIELDS).encode()
    charted = ev.charting.set_index("source_id").loc[drawn["charting"]].reset_index()
    frame = charted[["source_id", "record_id", "verified_from"]].merge(
        records[RECORD_FIELDS], on="record_id", how="left"
    )
    columns = ["source_id", "record_id", "verified_from", *RECORD_FIELDS[1:]]
    out[folder / "charting_sources.csv"] = csv_text(frame, columns).encode()
    out[folder / "second_screening_form.csv"] = (",".join(SECOND_SCREENING_COLUMNS) + "\n").encode()
    out[folder / "second_charting_form.csv"] = (",".join(SECOND_CHARTING_COLUMNS) + "\n").encode()
    folder.mkdir(parents=True, exist_ok=True)
    write_all(out)
    return {k: len(v) for k, v in drawn.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=paths.BUILD / "second-review")
    parser.add_argument(
        "--pending", action="store_true", help="only items the second reviewer has not yet done"
    )
    args = parser.parse_args(argv)
    counts = write_packet(load_evidence(), args.out, only_pending=args.pending)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()), f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
