"""The one import a chapter needs: `from analysis.chapter import *`.

Chapters never read files or build paths; everything they show comes through these names.
"""

from __future__ import annotations

from analysis import searches, stats, tables
from analysis.benchmarks import benchmark_hits, load_benchmarks
from analysis.searches import *  # noqa: F403
from analysis.stats import *  # noqa: F403
from analysis.tables import *  # noqa: F403

__all__ = [
    *stats.__all__,
    *searches.__all__,
    *tables.__all__,
    "benchmark_hits",
    "load_benchmarks",
]
