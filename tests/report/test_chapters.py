"""The chapters' sources read as one review: one measure per concept, one gap rule, no build talk
in the chapters leaders read, and cross-references that resolve in both engines."""

from __future__ import annotations

import math
import re

import pytest
import yaml

from analysis import paths
from analysis.gaps import gap_verdict, load_gaps, research_sources
from analysis.load import load_evidence
from analysis.stats import sources_with

REPORT = paths.ROOT / "report"
CHAPTERS = sorted(REPORT.glob("*.qmd")) + [paths.ROOT / "index.qmd"]
LEADERS = ["summary", "introduction", "findings", "gaps", "recommendations", "discussion"]

# Evidence on integrated care systems is counted one way (analysis.gaps.ics_sources / n_ics):
# these are the other ways it could be counted, or the same way spelled out past the named measure.
OTHER_ICS_MEASURES = [
    r"""["']system_level["']\s*,\s*["']ics_icb["']""",
    r"""system_level\s*=\s*\(?["']ics_icb["']""",
    r"""["']ics_icb["']\s*,\s*["']central["']""",
    r"""ics_icb\s*=\s*["']central["']""",
    r"""\.loc\[[^\]]*,\s*["']ics_icb["']\]""",
]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_ics_evidence_is_counted_by_its_one_named_measure(chapter):
    text = chapter.read_text(encoding="utf-8")
    for pattern in OTHER_ICS_MEASURES:
        found = re.search(pattern, text)
        assert not found, f"{chapter.name}: {found.group(0)!r}; count ICS evidence with n_ics()"


@pytest.mark.parametrize("name", LEADERS)
def test_leaders_chapters_do_not_speak_of_the_build(name):
    text = (REPORT / f"{name}.qmd").read_text(encoding="utf-8")
    prose = re.sub(r"```\{python\}.*?```", "", text, flags=re.S)  # cells may name anything
    prose = re.sub(r"`\{python\}[^`]*`", "", prose)
    for phrase in ("data/", ".csv", ".yml", "computed, not chosen", "typed by hand",
                   "project's data", "data files", "We rate"):  # fmt: skip
        assert phrase not in prose, f"{name}.qmd says {phrase!r}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_no_cross_reference_to_the_unnumbered_summary(chapter):
    # An unnumbered chapter has no number to cite: link to its file instead.
    assert not re.search(r"@sec-summary(?![-\w])", chapter.read_text(encoding="utf-8"))


def test_the_discussion_is_in_the_book_before_the_limitations():
    book = yaml.safe_load((paths.ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    flat = []
    for entry in book["chapters"]:
        flat += entry["chapters"] if isinstance(entry, dict) else [entry]
    assert "report/discussion.qmd" in flat
    assert flat.index("report/discussion.qmd") < flat.index("report/limitations.qmd")


def test_every_gap_verdict_follows_the_one_rule():
    """Recomputed here from the counts and the file's two bars, the same way for every area."""
    ev = load_evidence()
    content = load_gaps(ev)
    bar, research_bar = content["threshold"]["gap_below"], content["threshold"]["research_below"]
    total = len(ev.charting)
    for gap_id, spec in content["gaps"].items():
        found = sources_with(ev, spec["measure"]["field"], *spec["measure"]["values"])
        research = research_sources(ev, found)
        if len(found) < math.ceil(bar * total - 1e-9):
            expected = "absolute gap"
        elif len(research) < math.ceil(research_bar * len(found) - 1e-9):
            expected = "evidence gap"
        else:
            expected = "not a gap"
        assert gap_verdict(ev, gap_id).kind == expected, gap_id
