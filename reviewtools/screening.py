"""The screening queue and its one writer: records awaiting a decision, likely includes first.

Every decision is checked against the protocol and the flow rules, then written at once: the whole
of data/screening.csv is rewritten to a temporary file beside it and renamed into place, so a
crash leaves the file as it was before or after the decision, never half-written. The file's own
header decides the columns written, so columns added later (a note, say) are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths, schemas
from analysis.csvio import decode_utf8, parse_csv, read_csv, write_all
from analysis.errors import EvidenceError, Problem, display
from analysis.importer import read_table
from analysis.load import data_path
from analysis.screening_log import SESSION_COLUMNS
from analysis.yamlio import read_mapping

STAGES = schemas.STAGES
# Decisions that send a record on to the next stage ('retrieved' if a retrieval stage is added).
PASSING = frozenset({"include", "retrieved"})
# How the queue was ordered is logged per session: the methods chapter reports it.
SIMILARITY = "similarity"
FILE_ORDER = "file"

_WORD = re.compile(r"[a-z][a-z0-9]+")
_STOP = frozenset(
    "the and for with from that this into their its are was were has have had not but all can "
    "our your his her they them been being also than then such how what who why when which "
    "about across between within over under among".split()
)


@dataclass(frozen=True)
class Candidate:
    record_id: str
    title: str
    authors: str
    year: str
    venue: str
    doi: str
    url: str
    abstract: str
    score: float  # cosine similarity to the nearest included source (0 when none yet)

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url


@dataclass
class ScreeningFile:
    """data/screening.csv as written: its header (whatever columns it has) and its rows."""

    path: Path
    header: list[str]
    rows: list[dict[str, str]]

    def decided(self, stage: str) -> dict[str, str]:
        return {r["record_id"]: r["decision"] for r in self.rows if r["stage"] == stage}

    def text(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, self.header, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def read_screening(data: Path) -> ScreeningFile:
    """Read the file with its own header; the columns the flow needs must be among them."""
    path = data_path(data, paths.SCREENING)
    name = display(path, data.parent)
    text = decode_utf8(path.read_bytes(), name)
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    missing = [c for c in ("record_id", "stage", "decision", "reason", "date") if c not in header]
    if missing:
        raise EvidenceError([Problem(name, 1, None, f"missing column(s) {', '.join(missing)}")])
    table = parse_csv(text, name, header)
    if table.problems:
        raise EvidenceError(table.problems)
    return ScreeningFile(path, header, table.frame.to_dict("records"))


def exclusion_reasons(data: Path) -> dict[str, str]:
    file = data_path(data, paths.PROTOCOL)
    protocol = read_mapping(file, display(file, data.parent))
    return dict((protocol.get("screening") or {}).get("exclusion_reasons") or {})


def _abstracts(data: Path) -> dict[str, str]:
    file = data_path(data, paths.ABSTRACTS)
    if not file.exists():
        return {}
    table = read_csv(file, display(file, data.parent), schemas.ABSTRACT_COLUMNS)
    return dict(zip(table.frame["record_id"], table.frame["abstract"], strict=True))


# ------------------------------------------------------------------------------ ranking


def _tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2]


def _tfidf(docs: dict[str, str]) -> dict[str, dict[str, float]]:
    """Unit-length TF-IDF vectors (smoothed idf), one per document."""
    counted = {key: Counter(_tokens(text)) for key, text in docs.items()}
    df = Counter(word for counts in counted.values() for word in counts)
    n = len(docs)
    vectors = {}
    for key, counts in counted.items():
        weights = {w: c * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        vectors[key] = {w: v / norm for w, v in weights.items()}
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def similarity_to_included(
    texts: dict[str, str], included: list[str], candidates: list[str]
) -> dict[str, float]:
    """Each candidate's cosine similarity to its nearest included source (titles + abstracts)."""
    vectors = _tfidf(texts)
    targets = [vectors[i] for i in included if i in vectors]
    return {c: max((_cosine(vectors[c], t) for t in targets), default=0.0) for c in candidates}


# -------------------------------------------------------------------------------- queue


def awaiting(records: pd.DataFrame, screening: ScreeningFile, stage: str) -> list[str]:
    """Records that need a decision at `stage`, in file order: those that passed the one before."""
    if stage not in STAGES:
        raise ValueError(f"{stage!r} is not a stage ({', '.join(STAGES)})")
    done = screening.decided(stage)
    position = STAGES.index(stage)
    if position == 0:
        firsts = records.loc[records["duplicate_of"] == "", "record_id"]
        return [r for r in firsts if r not in done]
    passed = screening.decided(STAGES[position - 1])
    return [r for r, d in passed.items() if d in PASSING and r not in done]


def queue(data: Path = paths.DATA, stage: str = "title_abstract", order: bool = True):
    """Candidates awaiting `stage`, likely includes first (or in file order), and progress."""
    data = Path(data)
    records = read_table(data, paths.RECORDS, schemas.RECORD_COLUMNS, schemas.RECORDS).frame
    screening = read_screening(data)
    waiting = awaiting(records, screening, stage)
    abstracts = _abstracts(data)
    by_id = records.set_index("record_id")
    texts = {rid: f"{row.title} {abstracts.get(rid, '')}" for rid, row in by_id.iterrows()}
    included = [r for r, d in screening.decided("full_text").items() if d == "include"]
    scores = similarity_to_included(texts, included, waiting) if order else {}
    if order:
        # Stable: equal scores keep file order, so the queue is the same on every run.
        waiting = sorted(waiting, key=lambda r: -scores[r])
    candidates = [
        Candidate(
            record_id=r,
            title=by_id.at[r, "title"],
            authors=by_id.at[r, "authors"],
            year=by_id.at[r, "year"],
            venue=by_id.at[r, "venue"],
            doi=by_id.at[r, "doi"],
            url=by_id.at[r, "url"],
            abstract=abstracts.get(r, ""),
            score=round(scores.get(r, 0.0), 4),
        )
        for r in waiting
    ]
    position = STAGES.index(stage)
    if position == 0:
        total = int((records["duplicate_of"] == "").sum())
    else:
        total = sum(d in PASSING for d in screening.decided(STAGES[position - 1]).values())
    return candidates, {"stage": stage, "decided": total - len(waiting), "total": total}


# ------------------------------------------------------------------------------- writer


def _check_decision(
    data: Path, screening: ScreeningFile, record_id: str, stage: str, decision: str, reason: str,
    reviewer: str,
) -> list[str]:  # fmt: skip
    records = read_table(data, paths.RECORDS, schemas.RECORD_COLUMNS, schemas.RECORDS).frame
    faults = []
    if not reviewer.strip():
        faults.append("a reviewer id is needed (--reviewer)")
    if stage not in STAGES:
        faults.append(f"{stage!r} is not a stage ({', '.join(STAGES)})")
    elif record_id not in awaiting(records, screening, stage):
        if record_id not in set(records["record_id"]):
            faults.append(f"{record_id} is not in {paths.RECORDS.name}")
        elif record_id in screening.decided(stage):
            faults.append(f"{record_id} already has a {stage} decision")
        else:
            faults.append(f"{record_id} is not awaiting a {stage} decision")
    reasons = exclusion_reasons(data)
    allowed = schemas.DECISIONS_BY_STAGE.get(stage, schemas.DECISIONS)
    if decision not in allowed:
        faults.append(f"{decision!r} is not a {stage} decision ({', '.join(allowed)})")
    elif decision == "exclude" and reason not in reasons:
        faults.append(f"{reason!r} is not one of the protocol's reasons ({', '.join(reasons)})")
    elif decision != "exclude" and reason:
        faults.append(f"an {decision} takes no reason" if decision == "include"
                      else f"a {decision!r} decision takes no reason")  # fmt: skip
    return faults


def record_decision(
    record_id: str,
    stage: str,
    decision: str,
    reason: str = "",
    *,
    reviewer: str,
    session: dict | None = None,
    data: Path = paths.DATA,
    today: dt.date | None = None,
) -> dict[str, str]:
    """Check one decision and write it (with the session's tally) before returning."""
    data = Path(data)
    screening = read_screening(data)
    faults = _check_decision(data, screening, record_id, stage, decision, reason, reviewer)
    if faults:
        name = display(screening.path, data.parent)
        raise EvidenceError([Problem(name, None, None, f) for f in faults])
    row = {
        "record_id": record_id,
        "stage": stage,
        "decision": decision,
        "reason": reason if decision == "exclude" else "",
        "date": (today or dt.date.today()).isoformat(),
    }
    if "reviewer" in screening.header:
        row["reviewer"] = reviewer
    screening.rows.append(row)
    files = {screening.path: screening.text().encode()}
    if session is not None:
        session["decisions"] = int(session.get("decisions", 0)) + 1
        files[data_path(data, paths.SCREENING_SESSIONS)] = _sessions_text(data, session)
    write_all(files)
    return row


def new_session(stage: str, reviewer: str, ordering: str) -> dict:
    return {
        "session": uuid.uuid4().hex[:12],
        "stage": stage,
        "reviewer": reviewer,
        "ordering": ordering,
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "decisions": 0,
    }


def _sessions_text(data: Path, session: dict) -> bytes:
    file = data_path(data, paths.SCREENING_SESSIONS)
    rows = []
    if file.exists():
        rows = read_csv(file, display(file, data.parent), SESSION_COLUMNS).frame.to_dict("records")
    rows = [r for r in rows if r["session"] != session["session"]] + [session]
    out = io.StringIO()
    writer = csv.DictWriter(out, SESSION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: str(r[k]) for k in SESSION_COLUMNS} for r in rows)
    return out.getvalue().encode()
