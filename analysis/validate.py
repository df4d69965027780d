"""`python -m analysis.validate`: check the whole evidence base; exit 1 listing every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import paths
from analysis.errors import EvidenceError
from analysis.load import load_evidence
from analysis.prisma import prisma_counts


def summary(data: Path = paths.DATA, bib: Path = paths.BIBLIOGRAPHY) -> str:
    """The counts a reviewer checks at a glance; raises EvidenceError on any problem."""
    ev = load_evidence(data, bib)
    c = prisma_counts(ev)
    reasons_ta = ", ".join(f"{k} {v}" for k, v in c.excluded_title_abstract_by_reason.items() if v)
    reasons_ft = ", ".join(f"{k} {v}" for k, v in c.excluded_full_text_by_reason.items() if v)
    lines = [
        "Evidence base is valid.",
        f"  searches: {len(ev.searches)} ("
        + ", ".join(f"{m} {n}" for m, n in ev.searches["method"].value_counts().items())
        + ")",
        f"  records identified: {c.identified} ({c.duplicates} duplicates); by method: "
        + ", ".join(f"{m} {n}" for m, n in c.identified_by_method.items()),
        f"  screened (title/abstract): {c.screened}, excluded {c.excluded_title_abstract}"
        + (f" ({reasons_ta})" if reasons_ta else ""),
        f"  reports sought: {c.sought}, not retrieved {c.not_retrieved}",
        f"  assessed (full text): {c.assessed}, excluded {c.excluded_full_text}"
        + (f" ({reasons_ft})" if reasons_ft else ""),
        f"  included and charted: {c.included} ("
        + ", ".join(f"{arm} {a.included}" for arm, a in c.arms.items())
        + ")",
        f"  bibliography entries: {len(ev.bibliography.entries)}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=paths.DATA, help="evidence folder")
    parser.add_argument("--bib", type=Path, default=paths.BIBLIOGRAPHY, help="BibTeX file")
    args = parser.parse_args(argv)
    try:
        print(summary(args.data, args.bib))
    except EvidenceError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
