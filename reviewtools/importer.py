"""`slr import`: add a search export (RIS or BibTeX) to the evidence base, keeping abstracts.

The importer lives in analysis.importer (the `slr-import` script, which the build's own checks
use); the review team reaches it here beside the other update-cycle commands.
"""

from analysis.importer import import_export, main, recompute_duplicates

__all__ = ["import_export", "main", "recompute_duplicates"]
