"""`python -m analysis.import_benchmark`: time a 50,000-record search import and its peak memory.

The records are synthetic (analysis.synthetic: realistic titles with the duplicates databases
produce), written as one RIS export and imported into a copy of the test evidence base, so the
figures include reading the export, deduplicating against what is held and writing the files.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from analysis import paths, synthetic
from analysis.importer import import_export


def ris_text(count: int, seed: int) -> str:
    out = []
    for row in synthetic.records(count, seed=seed).itertuples():
        out += ["TY  - JOUR", f"TI  - {row.title}", f"AU  - {row.authors}"]
        out += [f"PY  - {row.year}"] if row.year else []
        out += [f"JO  - {row.venue}"]
        out += [f"DO  - {row.doi}"] if row.doi else []
        out += [f"UR  - {row.url}"] if row.url else []
        out += ["ER  - ", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="slr-import-bench-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(paths.FIXTURE_EVIDENCE / "data", data)
        export = Path(tmp) / "synthetic.ris"
        export.write_text(ris_text(args.records, args.seed), encoding="utf-8")
        start = time.perf_counter()
        report = import_export(
            export, "S900", source="Synthetic benchmark index", query="benchmark",
            hits=args.records, data=data,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"import of {args.records:,} synthetic RIS records: {seconds:.1f} s, "
        f"peak memory {peak_mb:.0f} MB (whole process), "
        f"{len(report.duplicates):,} marked as duplicates"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
