"""Which software computed the review: reported in the data and code availability appendix."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

__all__ = ["tbl_software_versions"]

# The packages whose behaviour shapes the numbers, tables, figures and rendered text.
PACKAGES = {
    "pandas": "data handling and counts",
    "pandera": "validation of the data files",
    "pybtex": "reading the bibliography",
    "rapidfuzz": "duplicate detection",
    "matplotlib": "figures",
    "nbclient": "executing the chapters",
    "pypandoc-binary": "pandoc, which converts and cites",
    "typst": "the PDF",
}


def tbl_software_versions() -> pd.DataFrame:
    """Software | Version | Used for, as installed in the environment that ran the analysis."""
    rows = [{"Software": "Python", "Version": platform.python_version(), "Used for": "everything"}]
    for name, purpose in PACKAGES.items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "not installed"
        rows.append({"Software": name, "Version": installed, "Used for": purpose})
    return pd.DataFrame(rows, columns=["Software", "Version", "Used for"])
