"""The blinded second review's samples and packet."""

from __future__ import annotations

import csv
import dataclasses
import math

from analysis.second_review import in_sample, samples, write_packet


def test_membership_is_stable_and_near_the_share():
    keys = [f"R{n}" for n in range(1, 5001)]
    chosen = [k for k in keys if in_sample(k)]
    assert 0.18 < len(chosen) / len(keys) < 0.22
    # Adding items never changes whether an earlier item is in the sample.
    assert chosen == [k for k in keys[:5000] if in_sample(k)]


def test_a_sample_is_never_below_its_share(ev):
    e = ev.load()
    drawn = samples(e)
    charted = len(e.charting)
    assert len(drawn["charting"]) >= math.ceil(0.2 * charted)


def test_every_full_text_exclusion_is_sampled_and_the_packet_is_blind(ev, tmp_path):
    e = ev.load()
    screening = e.screening.copy()
    full_text = screening["stage"] == "full_text"
    screening.loc[full_text, "decision"] = "exclude"  # in memory: every report excluded
    drawn = samples(dataclasses.replace(e, screening=screening))
    assert set(drawn["full_text"]) == set(screening.loc[full_text, "record_id"])
    write_packet(e, tmp_path)
    for name in ("title_abstract_records.csv", "full_text_records.csv", "charting_sources.csv"):
        with (tmp_path / name).open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert not {"decision", "reason", "definition", "edi", "notes"} & set(header), name
