"""The screening queue, its one writer and the local page, on a copy of the fixture evidence."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import threading

import pytest

import analysis.csvio
from analysis.errors import EvidenceError
from analysis.load import load_evidence
from analysis.screening_log import screening_order
from reviewtools.screen import Screener, make_server
from reviewtools.screening import queue, record_decision, similarity_to_included

DAY = dt.date(2026, 2, 3)


def _reopen(base, *record_ids):
    """Take the title/abstract decisions of `record_ids` back out: they await screening again."""
    path = base / "data" / "screening.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [
        ln for ln in lines if not any(ln.startswith(f"{r},title_abstract,") for r in record_ids)
    ]
    path.write_text("".join(keep), encoding="utf-8")


def _abstracts(base, rows):
    text = "record_id,abstract\n" + "".join(f"{r},{a}\n" for r, a in rows)
    (base / "data" / "abstracts.csv").write_text(text, encoding="utf-8")


def test_similarity_ranks_the_record_sharing_the_included_words_first():
    texts = {
        "inc": "systems leadership across integrated care systems",
        "far": "hospital car parking charges for visitors",
        "near": "leadership of integrated care systems in England",
    }
    scores = similarity_to_included(texts, ["inc"], ["far", "near"])
    assert scores["near"] > scores["far"] == 0.0


def test_queue_uses_abstracts_to_put_likely_includes_first(base):
    _reopen(base, "R3", "R5", "R8")
    # R5's title is an event page; only its abstract says it is about what R1 and R2 study.
    _abstracts(base, [("R5", "systems leadership across a care system: developing system leaders")])
    in_file_order, progress = queue(base / "data", "title_abstract", order=False)
    assert [c.record_id for c in in_file_order] == ["R3", "R5", "R8"]
    assert progress == {"stage": "title_abstract", "decided": 3, "total": 6}
    ordered, _ = queue(base / "data", "title_abstract")
    assert ordered[0].record_id == "R5"
    assert ordered[0].score > ordered[1].score
    assert ordered[0].abstract.startswith("systems leadership")


def test_a_decision_is_written_at_once_keeping_every_column(base):
    path = base / "data" / "screening.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # A column added later must survive the writer, and so must its cells.
    path.write_text(
        "\n".join([lines[0] + ",extra"] + [ln + ",kept" for ln in lines[1:]]) + "\n"
    )
    before = path.read_text(encoding="utf-8")
    _reopen(base, "R3")
    record_decision(
        "R3", "title_abstract", "exclude", "not_systems_leadership",
        reviewer="AB", data=base / "data", today=DAY,
    )  # fmt: skip
    after = path.read_text(encoding="utf-8").splitlines()
    assert after[0] == "record_id,stage,decision,reason,date,reviewer,note,extra"
    assert after[-1] == "R3,title_abstract,exclude,not_systems_leadership,2026-02-03,AB,,"
    kept = [ln for ln in before.splitlines() if not ln.startswith("R3,title_abstract")]
    assert after[:-1] == kept


@pytest.mark.parametrize(
    ("record_id", "stage", "decision", "reason", "reviewer", "says"),
    [
        ("R3", "title_abstract", "exclude", "off_topic", "AB", "'off_topic' is not one of"),
        ("R3", "title_abstract", "include", "not_a_document", "AB", "an include takes no reason"),
        ("R1", "title_abstract", "include", "", "AB", "R1 already has a title_abstract decision"),
        ("R99", "title_abstract", "include", "", "AB", "R99 is not in records.csv"),
        ("R6", "title_abstract", "include", "", "AB", "R6 is not awaiting"),  # a duplicate
        ("R3", "full_text", "include", "", "AB", "R3 is not awaiting a full_text decision"),
        ("R3", "title_abstract", "include", "", " ", "a reviewer id is needed"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_written(
    base, record_id, stage, decision, reason, reviewer, says
):
    _reopen(base, "R3")
    before = (base / "data" / "screening.csv").read_bytes()
    with pytest.raises(EvidenceError) as caught:
        record_decision(record_id, stage, decision, reason, reviewer=reviewer, data=base / "data")
    assert says in str(caught.value)
    assert (base / "data" / "screening.csv").read_bytes() == before


def test_a_crash_while_writing_leaves_the_file_as_it_was(base, monkeypatch):
    _reopen(base, "R3")
    before = (base / "data" / "screening.csv").read_bytes()

    def crash(*_args):
        raise OSError("disk pulled out")

    monkeypatch.setattr(analysis.csvio.os, "replace", crash)
    with pytest.raises(OSError):
        record_decision("R3", "title_abstract", "include", reviewer="AB", data=base / "data")
    assert (base / "data" / "screening.csv").read_bytes() == before


@pytest.fixture
def server(base):
    _reopen(base, "R3", "R5")
    _abstracts(base, [("R5", "systems leadership across a care system")])
    httpd = make_server(Screener(base / "data", "AB", "title_abstract", ordered=True), port=0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _call(httpd, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", httpd.server_port, timeout=10)
    data = None if body is None else json.dumps(body)
    sent = {"Content-Type": "application/json", **(headers or {})}
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, payload


def test_the_page_walks_the_queue_and_writes_each_decision(base, server):
    assert server.server_address[0] == "127.0.0.1"
    status, page = _call(server, "GET", "/")
    assert status == 200 and b"<kbd>i</kbd> include" in page
    state = json.loads(_call(server, "GET", "/api/state")[1])
    assert state["record"]["record_id"] == "R5"  # likely include first
    assert state["progress"] == {"stage": "title_abstract", "decided": 4, "total": 6, "waiting": 2}
    assert [r["key"] for r in state["reasons"]][0] == "not_a_document"

    status, body = _call(server, "POST", "/api/decide", {"record_id": "R5", "decision": "include"})
    state = json.loads(body)
    assert status == 200 and state["record"]["record_id"] == "R3"
    assert state["progress"]["decided"] == 5
    last = (base / "data" / "screening.csv").read_text(encoding="utf-8").splitlines()[-1]
    assert last.startswith("R5,title_abstract,include,,") and last.endswith(",AB,")

    status, body = _call(
        server, "POST", "/api/decide", {"record_id": "R3", "decision": "exclude", "reason": "nope"}
    )
    assert status == 422 and "not one of the protocol's reasons" in json.loads(body)["error"]
    status, body = _call(
        server, "POST", "/api/decide",
        {"record_id": "R3", "decision": "exclude", "reason": "not_systems_leadership"},
    )  # fmt: skip
    assert json.loads(body)["record"] is None  # nothing left at this stage

    retrieval = json.loads(_call(server, "GET", "/api/state?stage=retrieval")[1])
    assert retrieval["record"]["record_id"] == "R5"  # the include's report is sought first
    status, body = _call(
        server, "POST", "/api/decide",
        {"record_id": "R5", "stage": "retrieval", "decision": "include"},
    )  # fmt: skip
    assert status == 422 and "not a retrieval decision" in json.loads(body)["error"]
    status, body = _call(
        server, "POST", "/api/decide",
        {"record_id": "R5", "stage": "retrieval", "decision": "retrieved"},
    )  # fmt: skip
    assert status == 200
    full_text = json.loads(_call(server, "GET", "/api/state?stage=full_text")[1])
    assert full_text["record"]["record_id"] == "R5"

    status, body = _call(
        server, "POST", "/api/decide",
        {"record_id": "R5", "stage": "full_text", "decision": "exclude",
         "reason": "insufficient_text"},
    )  # fmt: skip
    assert status == 200 and json.loads(body)["progress"]["waiting"] == 0

    # Valid again; the session log says the queue was ordered, and the methods sentence says so.
    ev = load_evidence(base / "data", base / "references" / "references.bib")
    sentence = screening_order(ev, base / "data" / "screening_sessions.csv")
    assert sentence.startswith(
        "For 2 of the 6 title and abstract decisions and 1 of the 4 retrieval decisions and 1 "
        "of the 3 full-text decisions, "
        "the screening tool showed the records most like the included sources first"
    )
    assert screening_order(ev, base / "data" / "no-such-log.csv") == ""


def test_requests_naming_another_host_or_not_json_are_refused(base, server):
    before = (base / "data" / "screening.csv").read_bytes()
    status, _ = _call(server, "GET", "/api/state", headers={"Host": "evil.example:80"})
    assert status == 403
    status, _ = _call(
        server, "POST", "/api/decide", {"record_id": "R5", "decision": "include"},
        headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    assert status == 403
    assert (base / "data" / "screening.csv").read_bytes() == before
