"""Gaps (data/gaps.yml) measured on the charted sources, and the evidence gap map.

One rule, written in the file before the results are read, judges every area the same way:

- an *absolute gap*: fewer than `gap_below` of all included sources address the area;
- an *evidence gap*: enough sources address it, but fewer than `research_below` of them are
  research (peer-reviewed primary studies or reviews), so what is said rests mostly on opinion,
  guidance and reports;
- otherwise *not a gap*.

Each verdict comes with its sensitivity: how many sources would have to be added to, or taken
from, the area for the verdict to change. What 'addressing' means is written per gap in the file,
so the judgement can be read and argued with.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.counted import Count
from analysis.errors import EvidenceError, Problem, display
from analysis.load import Evidence
from analysis.memo import per_evidence
from analysis.stats import (
    coded_field,
    n_included,
    n_of,
    n_with,
    short_label,
    sources_where,
    sources_with,
)
from analysis.yamlio import YamlFile, read_yaml

__all__ = [
    "load_gaps",
    "gap_table",
    "gap_count",
    "gap_sources",
    "is_gap",
    "gaps_found",
    "gap_bar",
    "gap_map",
    "tbl_gap_map",
    "GapVerdict",
    "gap_verdict",
    "research_sources",
    "gaps_of_kind",
    "ics_sources",
    "n_ics",
    "gap_kind",
    "research_to_close",
    "searches_aimed",
    "verdicts_sentence",
]

ABSOLUTE, EVIDENCE, NOT_A_GAP = "absolute gap", "evidence gap", "not a gap"
KINDS = (ABSOLUTE, EVIDENCE, NOT_A_GAP)

GAP_KEYS = ("label", "question", "description", "measure", "threshold_note")


def measure_problems(f: YamlFile, where: tuple, measure, ev: Evidence) -> list[Problem]:
    """Faults in a {field, values} measure: the field must be coded and the values its own."""
    field_name = ".".join(map(str, where))
    if not isinstance(measure, dict) or "field" not in measure:
        return [Problem(f.name, f.line(*where), field_name, "needs {field, values}")]
    try:
        coded = coded_field(ev, measure["field"])
    except ValueError as err:
        return [Problem(f.name, f.line(*where, "field"), f"{field_name}.field", str(err))]
    values = measure.get("values")
    if not isinstance(values, list) or not values:
        return [Problem(f.name, f.line(*where, "values"), f"{field_name}.values", "names no value")]
    return [
        Problem(
            f.name,
            f.line(*where, "values"),
            f"{field_name}.values",
            f"{v!r} is not a value of {coded.name} ({', '.join(coded.values)})",
        )
        for v in values
        if v not in coded.values
    ]


def _row_problems(f: YamlFile, row, ev: Evidence) -> list[Problem]:
    """A gap-map row is a whole coded field (one row per value) or chosen values with a label."""
    where = ("gap_map", "rows")
    if not isinstance(row, dict) or "field" not in row:
        return [Problem(f.name, f.line(*where), "gap_map.rows", "each row needs a field")]
    if "values" not in row:
        try:
            coded_field(ev, row["field"])
        except ValueError as err:
            return [Problem(f.name, f.line(*where), "gap_map.rows.field", str(err))]
        return []
    found = measure_problems(f, where, row, ev)
    if not row.get("label"):
        found.append(
            Problem(f.name, f.line(*where), "gap_map.rows", "a row with values needs a label")
        )
    return found


@per_evidence
def load_gaps(ev: Evidence, path: Path = paths.GAPS) -> dict:
    """The validated gaps file: every fault in it at once, each with its line."""
    f = read_yaml(path)
    problems: list[Problem] = []
    share = (f.content.get("threshold") or {}).get("gap_below")
    if not isinstance(share, int | float) or not 0 < share <= 1:
        problems.append(
            Problem(f.name, f.line("threshold"), "threshold.gap_below", "needs a share in (0, 1]")
        )
    research = (f.content.get("threshold") or {}).get("research_below")
    if not isinstance(research, int | float) or not 0 < research <= 1:
        problems.append(
            Problem(
                f.name, f.line("threshold"), "threshold.research_below", "needs a share in (0, 1]"
            )
        )
    designs = (f.content.get("threshold") or {}).get("research_designs")
    if designs is not None:
        problems += measure_problems(
            f, ("threshold",), {"field": "study_design", "values": designs}, ev
        )
    questions = (ev.protocol or {}).get("review_questions") or {}
    gaps = f.content.get("gaps")
    if not isinstance(gaps, dict) or not gaps:
        problems.append(Problem(f.name, f.line("gaps"), "gaps", "defines no gaps"))
        gaps = {}
    for gap_id, spec in gaps.items():
        if not isinstance(spec, dict):
            problems.append(Problem(f.name, f.line("gaps", gap_id), gap_id, "needs a mapping"))
            continue
        for key in GAP_KEYS:
            if not spec.get(key):
                problems.append(
                    Problem(f.name, f.line("gaps", gap_id), f"gaps.{gap_id}.{key}", "is missing")
                )
        if spec.get("question") and spec["question"] not in questions:
            problems.append(
                Problem(
                    f.name,
                    f.line("gaps", gap_id, "question"),
                    f"gaps.{gap_id}.question",
                    f"{spec['question']!r} is not a review question of the protocol",
                )
            )
        if "measure" in spec:
            problems += measure_problems(f, ("gaps", gap_id, "measure"), spec["measure"], ev)
    for row in (f.content.get("gap_map") or {}).get("rows") or []:
        problems += _row_problems(f, row, ev)
    for column in (f.content.get("gap_map") or {}).get("columns") or []:
        try:
            coded_field(ev, column)
        except ValueError as err:
            problems.append(
                Problem(f.name, f.line("gap_map", "columns"), "gap_map.columns", str(err))
            )
    if problems:
        raise EvidenceError(problems)
    return f.content


def _gap(ev: Evidence, gap_id: str, path: Path) -> tuple[dict, dict]:
    content = load_gaps(ev, path)
    if gap_id not in content["gaps"]:
        raise ValueError(
            f"{gap_id!r} is not a gap in {display(path)} ({', '.join(content['gaps'])})"
        )
    return content, content["gaps"][gap_id]


def gap_sources(ev: Evidence, gap_id: str, path: Path = paths.GAPS) -> list[str]:
    """Sources that address the area, by year then key."""
    _, spec = _gap(ev, gap_id, path)
    return sources_with(ev, spec["measure"]["field"], *spec["measure"]["values"])


def gap_count(ev: Evidence, gap_id: str, path: Path = paths.GAPS) -> int:
    _, spec = _gap(ev, gap_id, path)
    return n_with(ev, spec["measure"]["field"], *spec["measure"]["values"])


def is_gap(ev: Evidence, gap_id: str, path: Path = paths.GAPS) -> bool:
    """An absolute gap: too few sources address the area at all."""
    return n_included(ev) == 0 or gap_verdict(ev, gap_id, path).kind == ABSOLUTE


def gaps_found(ev: Evidence, path: Path = paths.GAPS) -> list[str]:
    """Labels (for a sentence) of the areas that are a gap of either kind, in the file's order."""
    return gaps_of_kind(ev, ABSOLUTE, EVIDENCE, path=path)


def gap_bar(ev: Evidence, path: Path = paths.GAPS) -> str:
    """The one bar every area is measured against, as a percentage: '20%'."""
    return f"{load_gaps(ev, path)['threshold']['gap_below']:.0%}"


def research_sources(ev: Evidence, keys, path: Path = paths.GAPS) -> list[str]:
    """Of `keys`, the research sources: peer reviewed, with a primary or systematic design."""
    designs = load_gaps(ev, path)["threshold"]["research_designs"]
    research = set(sources_where(ev, literature_type="peer_reviewed", study_design=tuple(designs)))
    return [k for k in keys if k in research]


@dataclass(frozen=True)
class GapVerdict:
    gap_id: str
    label: str
    kind: str  # ABSOLUTE, EVIDENCE or NOT_A_GAP
    sources: tuple[str, ...]
    research: tuple[str, ...]
    total: int
    to_change: int  # sources to add to (or, for 'not a gap', take from) the area to change it
    change: str  # what that change would do, in words

    @property
    def n(self) -> Count:
        """The sources addressing the area, as a count that knows which they are."""
        return Count(self.sources)

    @property
    def n_research(self) -> Count:
        """The research among them, likewise."""
        return Count(self.research)

    @property
    def kind_phrase(self) -> str:
        """'an absolute gap', 'an evidence gap' or 'not a gap', to follow 'is'."""
        return self.kind if self.kind == NOT_A_GAP else f"an {self.kind}"

    @property
    def sentence(self) -> str:
        """'absolute gap (3 more sources would close it)', for prose and tables."""
        return f"{self.kind} ({self.to_change} {self.change})"


def _at_least(share: float, total: int) -> int:
    """The smallest count whose share of `total` reaches `share`."""
    return math.ceil(share * total - 1e-9)


@per_evidence
def gap_verdict(ev: Evidence, gap_id: str, path: Path = paths.GAPS) -> GapVerdict:
    """The one rule (module docstring) applied to one area, with its sensitivity."""
    content, spec = _gap(ev, gap_id, path)
    bar, research_bar = content["threshold"]["gap_below"], content["threshold"]["research_below"]
    total = n_included(ev)
    found = gap_sources(ev, gap_id, path)
    research = research_sources(ev, found, path)
    enough = _at_least(bar, total)
    if len(found) < enough:
        kind, to_change, change = ABSOLUTE, enough - len(found), "more sources would close it"
    elif len(research) < _at_least(research_bar, len(found)):
        kind = EVIDENCE
        # Research sources that, added, would reach the bar (the area grows with them).
        to_change = next(
            k for k in range(1, len(found) + 1)
            if len(research) + k >= _at_least(research_bar, len(found) + k)
        )
        change = "more research sources would close it"
    else:
        kind = NOT_A_GAP
        to_change = len(found) - enough + 1
        change = "fewer sources would make it an absolute gap"
    plural = "s" if to_change != 1 else ""
    change = change.replace("sources", f"source{plural}", 1) if to_change == 1 else change
    return GapVerdict(
        gap_id=gap_id,
        label=spec["label"],
        kind=kind,
        sources=tuple(found),
        research=tuple(research),
        total=total,
        to_change=to_change,
        change=change,
    )


def research_to_close(ev: Evidence, gap_id: str, path: Path = paths.GAPS) -> int:
    """Research sources on the area that, added, would make it 'not a gap' (0 if it is not one).

    Each added source is both on the area and research, so it moves both tests of the rule.
    """
    content = load_gaps(ev, path)
    v = gap_verdict(ev, gap_id, path)
    if v.kind == NOT_A_GAP:
        return 0
    bar, research_bar = content["threshold"]["gap_below"], content["threshold"]["research_below"]
    n, r, total = len(v.sources), len(v.research), v.total
    k = 1
    while not (
        n + k >= _at_least(bar, total) and r + k >= _at_least(research_bar, n + k)
    ):
        k += 1
    return k


def gaps_of_kind(ev: Evidence, *kinds: str, path: Path = paths.GAPS) -> list[str]:
    """Labels (for a sentence) of the areas with a verdict of any of `kinds`, in file order."""
    content = load_gaps(ev, path)
    return [
        spec["label"].lower()
        for g, spec in content["gaps"].items()
        if gap_verdict(ev, g, path).kind in kinds
    ]


def searches_aimed(ev: Evidence, gap_id: str, path: Path = paths.GAPS) -> int:
    """Searches whose query names the area (any of its search_terms, as whole words)."""
    _, spec = _gap(ev, gap_id, path)
    terms = spec.get("search_terms") or []
    if not terms:
        return 0
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\b", re.IGNORECASE)
    return int(ev.searches["query"].map(lambda q: bool(pattern.search(str(q)))).sum())


def _share(n: int, total: int) -> str:
    """'12 (7%)': a count and its share, for a narrow column whose header names the total."""
    return f"{n} ({n / total:.0%})" if total else "0"


def gap_kind(ev: Evidence, gap_id: str, path: Path = paths.GAPS) -> str:
    """The verdict alone: 'absolute gap', 'evidence gap' or 'not a gap'."""
    return gap_verdict(ev, gap_id, path).kind


# Evidence on integrated care systems is measured one way throughout the review: the sources for
# which ICSs, ICBs or their forerunners are a main subject (the measure of the 'icb' gap). The
# system levels a source describes are a different question (where leadership is described) and
# appear only as the columns of the gap map and the level chart, never as a count of ICS evidence.
ICS_GAP = "icb"


def ics_sources(ev: Evidence, path: Path = paths.GAPS, **where) -> list[str]:
    """ICS evidence (the one measure), optionally narrowed by field=value conditions."""
    keys = gap_sources(ev, ICS_GAP, path)
    if where:
        narrowed = set(sources_where(ev, **where))
        keys = [k for k in keys if k in narrowed]
    return keys


def n_ics(ev: Evidence, path: Path = paths.GAPS, **where) -> Count:
    """How many sources are ICS evidence (see ics_sources); a Count, so it knows which."""
    return Count(ics_sources(ev, path, **where))


def verdicts_sentence(ev: Evidence, path: Path = paths.GAPS) -> str:
    """Every area under its verdict, as one sentence: 'Seven areas are absolute gaps (...)'."""
    words = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven",
             8: "Eight"}  # fmt: skip
    parts = []
    for kind, one, many in (
        (ABSOLUTE, "is an absolute gap", "are absolute gaps"),
        (EVIDENCE, "is an evidence gap", "are evidence gaps"),
        (NOT_A_GAP, "is not a gap", "are not gaps"),
    ):
        labels = gaps_of_kind(ev, kind, path=path)
        if labels:
            n = len(labels)
            noun = "area" if n == 1 else "areas"
            number = str(words.get(n, n))
            number = number if not parts else number.lower()
            parts.append(f"{number} {noun} {one if n == 1 else many} ({'; '.join(labels)})")
    if not parts:
        return "No areas are defined."
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] + "."


def gap_table(ev: Evidence, path: Path = paths.GAPS) -> pd.DataFrame:
    """Gap | Sources | Research among them | Verdict and sensitivity | Confidence | Searches."""
    from analysis.appraisal import confidence  # appraisal reads gaps: import when used

    content = load_gaps(ev, path)
    rows = []
    for gap_id, spec in content["gaps"].items():
        v = gap_verdict(ev, gap_id, path)
        rows.append(
            {
                "Gap": spec["label"],
                "Sources addressing it": n_of(len(v.sources), v.total),
                "Research among them": (
                    n_of(len(v.research), len(v.sources)) if v.sources else "none"
                ),
                "Verdict": v.sentence[:1].upper() + v.sentence[1:],
                "Confidence in those sources": confidence(ev, v.sources).brief.capitalize(),
                "Searches aimed at it": _share(searches_aimed(ev, gap_id, path), len(ev.searches)),
            }
        )
    return pd.DataFrame(rows)


def gap_map_rows(ev: Evidence, content: dict) -> list[tuple[str, set[str]]]:
    """(label, sources) for each row of the gap map."""
    rows = []
    for row in content["gap_map"]["rows"]:
        field = row["field"]
        if row.get("values"):
            rows.append((row["label"], set(sources_with(ev, field, *row["values"]))))
        else:
            for value in coded_field(ev, field).values:
                label = short_label(field, value, ev.codebook)
                rows.append((label, set(sources_with(ev, field, value))))
    return rows


def gap_map(ev: Evidence, by: str = "system_level", path: Path = paths.GAPS) -> pd.DataFrame:
    """Sources in each cell: rows from gaps.yml, one column per value of `by` (codebook order)."""
    content = load_gaps(ev, path)
    column_field = coded_field(ev, by)
    columns = {
        short_label(by, v, ev.codebook): set(sources_with(ev, by, v)) for v in column_field.values
    }
    rows = gap_map_rows(ev, content)
    table = pd.DataFrame(
        [[len(s & c) for c in columns.values()] for _, s in rows],
        index=pd.Index([name for name, _ in rows], name="Evidence on"),
        columns=list(columns),
        dtype=int,
    )
    return table


def tbl_gap_map(ev: Evidence, path: Path = paths.GAPS) -> pd.DataFrame:
    """The gap map by system level as a table; 0 marks an empty cell."""
    return gap_map(ev, "system_level", path).reset_index()
