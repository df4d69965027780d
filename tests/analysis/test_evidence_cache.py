"""The validated-evidence cache: kept by content, validated once when kernels start together,
faults never kept."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from analysis import evidence_cache
from analysis.errors import EvidenceError


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """The cache in a fresh folder, with every real validation written down in a file."""
    monkeypatch.setattr(evidence_cache, "_CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(evidence_cache, "_MEMORY", {})
    tally = tmp_path / "validations.txt"
    validate = evidence_cache._load_and_validate

    def slow_validate(root, bib):
        with tally.open("a") as f:
            f.write("validated\n")
        time.sleep(0.5)  # long enough for the other process to arrive while it runs
        return validate(root, bib)

    monkeypatch.setattr(evidence_cache, "_load_and_validate", slow_validate)
    return tally


def _load_in_child(data, bib, results):
    evidence = evidence_cache.load_evidence(data, bib)
    results.put(len(evidence.charting))


def test_two_processes_starting_together_validate_once(ev, counted):
    fork = multiprocessing.get_context("fork")  # the children share the patched module
    results = fork.Queue()
    children = [fork.Process(target=_load_in_child, args=(ev.data, ev.bib, results))
                for _ in range(2)]  # fmt: skip
    for child in children:
        child.start()
    for child in children:
        child.join(30)
    assert [c.exitcode for c in children] == [0, 0]
    sizes = [results.get(timeout=5) for _ in children]
    assert sizes[0] == sizes[1] == len(ev.load().charting)
    assert counted.read_text().count("validated") == 1


def test_an_edit_is_validated_again_and_a_fault_every_time(ev, counted):
    evidence_cache.load_evidence(ev.data, ev.bib)
    evidence_cache.load_evidence(ev.data, ev.bib)
    assert counted.read_text().count("validated") == 1
    ev.edit("data/charting.csv", "\n", "\n\n", count=1)
    evidence_cache.load_evidence(ev.data, ev.bib)
    assert counted.read_text().count("validated") == 2
    (ev.data / "protocol.yml").write_text("version: [", encoding="utf-8")
    for expected in (3, 4):
        with pytest.raises(EvidenceError):
            evidence_cache.load_evidence(ev.data, ev.bib)
        assert counted.read_text().count("validated") == expected
