"""The one import a chapter needs: `from analysis.chapter import *`.

Chapters never read files or build paths; everything they show comes through these names.
"""

from __future__ import annotations

# Modules under private names: `summary_findings` is also a function re-exported below.
from analysis import agreement as _agreement
from analysis import appraisal as _appraisal
from analysis import assumptions as _assumptions
from analysis import discussion as _discussion
from analysis import figures as _figures
from analysis import framework as _framework
from analysis import gaps as _gaps
from analysis import provenance as _provenance
from analysis import recommendations as _recommendations
from analysis import releases as _releases
from analysis import screening_log as _screening_log
from analysis import searches as _searches
from analysis import site_data as _site_data
from analysis import stats as _stats
from analysis import summary_findings as _summary_findings
from analysis import tables as _tables
from analysis.agreement import *  # noqa: F403
from analysis.appraisal import *  # noqa: F403
from analysis.assumptions import *  # noqa: F403
from analysis.benchmarks import benchmark_hits, load_benchmarks
from analysis.discussion import *  # noqa: F403
from analysis.figures import *  # noqa: F403
from analysis.framework import *  # noqa: F403
from analysis.gaps import *  # noqa: F403
from analysis.provenance import *  # noqa: F403
from analysis.recommendations import *  # noqa: F403
from analysis.releases import *  # noqa: F403
from analysis.screening_log import *  # noqa: F403
from analysis.searches import *  # noqa: F403
from analysis.site_data import *  # noqa: F403
from analysis.stats import *  # noqa: F403
from analysis.summary_findings import *  # noqa: F403
from analysis.tables import *  # noqa: F403

__all__ = [
    *_stats.__all__,
    *_searches.__all__,
    *_tables.__all__,
    *_gaps.__all__,
    *_summary_findings.__all__,
    *_recommendations.__all__,
    *_figures.__all__,
    *_framework.__all__,
    *_provenance.__all__,
    *_assumptions.__all__,
    *_discussion.__all__,
    *_agreement.__all__,
    *_appraisal.__all__,
    *_site_data.__all__,
    *_releases.__all__,
    *_screening_log.__all__,
    "benchmark_hits",
    "load_benchmarks",
]
