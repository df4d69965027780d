"""What's new, computed from release snapshots: each kind of change, and the plain empty states."""

from __future__ import annotations

import copy
import json

import pytest

from analysis.errors import EvidenceError
from analysis.load import load_evidence
from analysis.releases import (
    compare,
    previous_release,
    read_releases,
    snapshot,
    whats_new_line,
    whats_new_markdown,
)


@pytest.fixture(scope="module")
def ev():
    return load_evidence()


@pytest.fixture(scope="module")
def now(ev):
    return {"version": "9.9.9", "date": "2026-12-02", "commit": "0" * 40, **snapshot(ev)}


def _write(folder, *snapshots):
    folder.mkdir(exist_ok=True)
    for s in snapshots:
        (folder / f"{s['version']}.json").write_text(json.dumps(s), encoding="utf-8")
    return folder


def _older(now, version="0.0.1"):
    """The current state with changes undone: what an earlier release would have recorded."""
    old = copy.deepcopy(now) | {"version": version, "date": "2026-01-01"}
    added = sorted(old["included"])[0]
    del old["included"][added]  # so it counts as added since
    old["included"]["gonesource1999"] = {"record_id": "R0001", "title": "A withdrawn report",
                                         "year": "1999"}  # fmt: skip
    search = sorted(old["searches"])[-1]
    del old["searches"][search]
    finding = next(iter(old["findings"]))
    said = old["findings"][finding]["verdict"]
    other = "partly supported" if said != "partly supported" else "supported"
    old["findings"][finding] = old["findings"][finding] | {"verdict": other, "count": 1}
    gap = next(iter(old["gaps"]))
    old["gaps"][gap] = old["gaps"][gap] | {"gap": not old["gaps"][gap]["gap"]}
    rec_new, rec_changed = sorted(old["recommendations"])[:2]
    del old["recommendations"][rec_new]
    old["recommendations"][rec_changed] = old["recommendations"][rec_changed] | {"headline": "x"}
    return old, {"added": added, "search": search, "finding": finding, "was": other, "gap": gap,
                 "rec_new": rec_new, "rec_changed": rec_changed}  # fmt: skip


def test_compare_names_every_kind_of_change(now):
    old, made = _older(now)
    ch = compare(old, now)
    assert ch.sources_added == [made["added"]]
    assert ch.sources_removed == ["gonesource1999"]
    assert ch.searches_added == [made["search"]]
    assert ch.verdicts_changed == [made["finding"]]
    assert ch.gaps_changed == [made["gap"]]
    assert ch.recommendations_added == [made["rec_new"]]
    assert ch.recommendations_changed == [made["rec_changed"]]
    assert ch.findings[made["finding"]]["before"]["count"] == 1
    assert not ch.nothing
    assert compare(now, copy.deepcopy(now)).nothing


def test_whats_new_lists_the_changes_since_the_newest_differing_release(ev, now, tmp_path):
    old, made = _older(now)
    folder = _write(tmp_path / "releases", old, now)  # the newest equals now: compare the older
    assert previous_release(ev, folder)["version"] == "0.0.1"
    text = whats_new_markdown(ev, folder).data
    assert "Changes since version 0.0.1 (2026-01-01)." in text
    assert f"**Sources added (1):** [@{made['added']}]" in text
    assert "**Sources removed (1):** A withdrawn report (1999)" in text  # no longer in the bib
    assert f"**Searches added (1):** {made['search']} (" in text
    assert f"(was {made['was']}, now " in text
    assert f"{made['rec_new']} (new); {made['rec_changed']} (changed)" in text
    # The changed finding's old count, of its own base (a claim about agreement among
    # definitions is counted among the defining sources, not all included ones).
    assert f"| 1 of {now['findings'][made['finding']]['total']} |" in text
    line = str(whats_new_line(ev, folder))
    assert line.startswith("Since version 0.0.1 (2026-01-01): 1 source added and 1 removed;")
    assert line.endswith("(listed under What's new).")


def test_plain_empty_states(ev, now, tmp_path):
    assert "first version" in whats_new_markdown(ev, tmp_path / "none").data
    only_now = _write(tmp_path / "same", now)
    assert previous_release(ev, only_now) is None
    assert str(whats_new_line(ev, only_now)).startswith("This is the first version")


def test_a_malformed_snapshot_is_reported_with_its_file(tmp_path):
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "0.3.0.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(EvidenceError, match=r"0\.3\.0\.json: not valid JSON"):
        read_releases(folder)
