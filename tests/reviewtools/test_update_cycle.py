"""One update of the review, end to end, on a copy of the project, with the team's own tools.

A search export is imported (abstracts kept), its records screened on the local page (likely
include first), the new include charted from its stub, version 0.2.0 released (after refusals
for failing validation and a dirty tree), and the review built: "What's new", the summary's
line and the methods' sentence on ordering all follow from these steps. Expected values come
from the copy's data, never typed.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import threading
import tomllib
from pathlib import Path

import pytest
import yaml

from analysis.figures import fig_prisma_flow
from analysis.importer import import_export
from analysis.load import load_evidence
from analysis.releases import previous_release, read_releases
from qmdbook.build import build
from reviewtools.chart import chart_stub
from reviewtools.diff import changes_text, diff
from reviewtools.release import ReleaseRefused, release
from reviewtools.screen import Screener, make_server

SEARCH = "S901"
BASELINE = "0.1.1"  # released from the copy before the cycle starts
RELEVANT = "Systems leadership in integrated care systems: a realist evaluation of shared purpose"
EXPORT = f"""TY  - JOUR
TI  - Hospital car parking charges and visitor satisfaction
AU  - Parker, Pat
PY  - 2024
T2  - Journal of Estates
UR  - https://example.org/test-parking
AB  - A survey of visitors on the cost of parking at three hospitals.
ER  -

TY  - JOUR
TI  - Knee replacement outcomes in older adults
AU  - Bone, Bea
PY  - 2023
T2  - Journal of Joints
UR  - https://example.org/test-knees
AB  - Two-year outcomes of knee replacement surgery in a cohort of adults over 75.
ER  -

TY  - JOUR
TI  - {RELEVANT}
AU  - Tester, Ada
AU  - Checker, Cy
PY  - 2025
T2  - Journal of Test Studies
UR  - https://example.org/test-systems-leadership
AB  - How leaders of integrated care systems in England lead across organisational boundaries:
  systems leadership, shared purpose, relationships and trust among NHS, local government and
  voluntary sector partners.
ER  -
"""
GIT = ["git", "-c", "user.email=t@t", "-c", "user.name=Test", "-c", "commit.gpgsign=false"]


def _commit(root: Path, message: str) -> None:
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", message], cwd=root, check=True)


def _text(page: Path) -> str:
    body = page.read_text(encoding="utf-8")
    body = body[body.find("<main") : body.find("</main>")]
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


def _post(httpd, body: dict) -> dict:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", httpd.server_port, timeout=30)
    conn.request("POST", "/api/decide", json.dumps(body), {"Content-Type": "application/json"})
    data = json.loads(conn.getresponse().read())
    conn.close()
    return data


def _state(httpd, stage: str) -> dict:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", httpd.server_port, timeout=30)
    conn.request("GET", f"/api/state?stage={stage}")
    data = json.loads(conn.getresponse().read())
    conn.close()
    return data


def _screen(data: Path) -> dict:
    """Screen everything awaiting, by the page's API as the browser would; return what was seen."""
    httpd = make_server(Screener(data, "AB", "title_abstract", ordered=True), port=0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    seen = {}
    try:
        state = _state(httpd, "title_abstract")
        seen["first"] = state["record"]
        seen["waiting"] = state["progress"]["waiting"]
        while state["record"]:
            record = state["record"]
            if record["title"] == RELEVANT:
                state = _post(httpd, {"record_id": record["record_id"], "decision": "include"})
            else:
                state = _post(
                    httpd, {"record_id": record["record_id"], "decision": "exclude",
                            "reason": "not_systems_leadership"},
                )  # fmt: skip
        state = _state(httpd, "retrieval")  # the report of the include is sought, and found
        _post(httpd, {"record_id": state["record"]["record_id"], "stage": "retrieval",
                      "decision": "retrieved"})  # fmt: skip
        state = _state(httpd, "full_text")
        seen["full_text"] = state["record"]
        _post(httpd, {"record_id": state["record"]["record_id"], "stage": "full_text",
                      "decision": "include"})  # fmt: skip
    finally:
        httpd.shutdown()
        httpd.server_close()
    return seen


def _fill_stub(data: Path, record_id: str) -> str:
    """Code the stub as a reviewer would: here, like the first source, with EDI central."""
    path = data / "charting.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    stub = next(r for r in rows if r["record_id"] == record_id)
    for name in fields:
        if name not in ("source_id", "record_id"):
            stub[name] = rows[0][name]
    stub.update(edi="central", edi_how="Coded by the review's own tests.",
                verified_from="https://example.org/test-systems-leadership")  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return stub["source_id"]


@pytest.fixture(scope="module")
def cycle(tmp_path_factory, git_commit_all, project_copier):
    root = tmp_path_factory.mktemp("cycle") / "project"
    project_copier(root)
    git_commit_all(root, "2026-01-02T03:04:05+00:00")
    data, bib = root / "data", root / "references" / "references.bib"
    with pytest.MonkeyPatch.context() as mp:
        for var in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
            mp.setenv(var, "Test")
        for var in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
            mp.setenv(var, "t@t")
        # The copy as it stands is the previous release: the cycle's changes are measured from it.
        release(BASELINE, root)
    before = load_evidence(data, bib)
    out = {"root": root, "before": before}
    export = root.parent / "export.ris"
    export.write_text(EXPORT, encoding="utf-8")
    out["import"] = import_export(
        export, SEARCH, source="Test index", query="systems leadership integrated care",
        date="2026-12-01", data=data,
    )  # fmt: skip
    out["seen"] = _screen(data)
    new_id = out["seen"]["full_text"]["record_id"]
    out["record_id"] = new_id
    key, _ = chart_stub(new_id, data, bib)
    _commit(root, "import, screen and chart stub")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
            mp.setenv(var, "Test")
        for var in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
            mp.setenv(var, "t@t")
        with pytest.raises(ReleaseRefused) as invalid:
            release("0.2.0", root)
        out["refused_invalid"] = str(invalid.value)
        out["tags_after_refusal"] = subprocess.run(
            ["git", "tag"], cwd=root, capture_output=True, text=True, check=True
        ).stdout
        assert key == _fill_stub(data, new_id)
        with pytest.raises(ReleaseRefused) as dirty:
            release("0.2.0", root)
        out["refused_dirty"] = str(dirty.value)
        _commit(root, "chart the new include")
        out["head"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        out["snapshot"] = release("0.2.0", root)
        with pytest.raises(ReleaseRefused) as again:
            release("0.2.0", root)
        out["refused_again"] = str(again.value)
    out["key"] = key
    out["after"] = load_evidence(data, bib)
    out["diff"] = changes_text(diff(BASELINE, root))
    build(root, formats=["html"], strict=True, engine="builtin", log=lambda _m: None)
    return out


def test_import_keeps_the_abstracts(cycle):
    abstracts = (cycle["root"] / "data" / "abstracts.csv").read_text(encoding="utf-8")
    assert len(cycle["import"].new) == 3
    for record_id in cycle["import"].new:
        assert f"\n{record_id}," in abstracts
    assert "shared purpose, relationships and trust" in abstracts


def test_screening_showed_the_likely_include_first_and_recorded_the_reviewer(cycle):
    seen = cycle["seen"]
    assert seen["waiting"] == 3
    # Last in the export, first on the page: it is the one like the included sources.
    assert seen["first"]["title"] == RELEVANT
    assert seen["first"]["abstract"].startswith("How leaders of integrated care systems")
    assert seen["full_text"]["title"] == RELEVANT
    with (cycle["root"] / "data" / "screening.csv").open(encoding="utf-8", newline="") as f:
        mine = [r for r in csv.DictReader(f) if r["record_id"] in cycle["import"].new]
    # three title/abstract decisions, then the include's retrieval and full-text decisions
    assert len(mine) == 5 and {r["reviewer"] for r in mine} == {"AB"}


def test_release_refuses_failing_validation_and_a_dirty_tree(cycle):
    assert "validation fails" in cycle["refused_invalid"]
    assert "data/charting.csv:" in cycle["refused_invalid"]  # the stub's fields to fill
    assert cycle["tags_after_refusal"].split() == [f"v{BASELINE}"]  # no new tag
    assert "uncommitted changes (data/charting.csv)" in cycle["refused_dirty"]
    assert "0.2.0 is not newer than release 0.2.0" in cycle["refused_again"]


def test_release_records_the_snapshot_sets_the_version_and_tags(cycle):
    root = cycle["root"]
    snapshot = json.loads(cycle["snapshot"].read_text(encoding="utf-8"))
    assert snapshot["version"] == "0.2.0" and snapshot["commit"] == cycle["head"]
    assert cycle["key"] in snapshot["included"] and SEARCH in snapshot["searches"]
    assert snapshot["counts"]["included"] == len(cycle["after"].charting)
    assert len(snapshot["included"]) == len(cycle["before"].charting) + 1
    assert tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"] == "0.2.0"
    assert yaml.safe_load((root / "_quarto.yml").read_text())["version"] == "0.2.0"
    tags = subprocess.run(["git", "tag"], cwd=root, capture_output=True, text=True).stdout
    assert tags.split() == [f"v{BASELINE}", "v0.2.0"]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True)
    assert status.stdout == b""


def test_diff_prints_what_changed_since_the_previous_release(cycle):
    text, n = cycle["diff"], len(cycle["after"].charting)
    assert text.startswith(f"Changes since {BASELINE}")
    assert f"  + {cycle['key']}  {RELEVANT}" in text
    assert f"  + {SEARCH}  2026-12-01  systems leadership integrated care" in text
    assert f"  included: {n - 1} -> {n}" in text


def test_whats_new_and_the_summary_line_follow_the_release(cycle):
    site, n = cycle["root"] / "_site", len(cycle["after"].charting)
    new = _text(site / "sec-whats-new.html")
    assert f"Changes since version {BASELINE}" in new
    assert re.search(r"Sources added \(1\): \(\s*Tester & Checker, 2025\s*\)", new)
    assert "Sources removed (0): none." in new
    assert f"Searches added (1): {SEARCH} (Test index, 2026-12-01)" in new
    assert f"of {n - 1}" in new and f"of {n}" in new  # every count before and after
    summary = _text(site / "sec-summary.html")
    assert f"Since version {BASELINE} (" in summary
    assert "1 source added and 0 removed; 1 search added (listed under What’s new)." in summary


def test_methods_say_the_queue_was_ordered(cycle):
    ev = cycle["after"]
    made = ev.screening["stage"].value_counts()
    methods = _text(cycle["root"] / "_site" / "sec-methods.html")
    assert (
        f"For 3 of the {made['title_abstract']} title and abstract decisions and 1 of the "
        f"{made['retrieval']} retrieval decisions and 1 of the "
        f"{made['full_text']} full-text decisions, the screening tool showed the records most "
        "like the included sources first"
    ) in methods


def test_the_flow_diagram_is_the_updated_review_one(cycle):
    ev, releases = cycle["after"], cycle["root"] / "data" / "releases"
    previous = previous_release(ev, releases)
    assert previous["version"] == BASELINE and read_releases(releases)[0]["version"] == "0.1.0"
    fig = fig_prisma_flow(ev, previous)
    text = " ".join(" ".join(t.get_text() for t in fig.axes[0].texts).split())
    was, now = set(previous["included"]), set(ev.charting["source_id"])
    assert f"version {BASELINE} (n = {len(was)})" in text
    assert f"New studies included (n = {len(now - was)})" in text
    added = ev.searches[~ev.searches["search_id"].isin(set(previous["searches"]))]
    new_records = int(ev.records["search_id"].isin(set(added["search_id"])).sum())
    assert f"New records identified (n = {new_records})" in text
    assert "S901" in set(added["search_id"])  # the cycle's own search is among those added
    assert f"Sources included in the review (n = {len(now)})" in text
