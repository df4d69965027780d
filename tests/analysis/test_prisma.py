"""PRISMA counts from the fixture, and the identities that guard them."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.errors import EvidenceError
from analysis.prisma import prisma_counts


def test_counts_from_fixture(ev):
    c = prisma_counts(ev.load())
    assert (c.identified, c.duplicates, c.screened) == (8, 2, 6)
    assert (c.excluded_title_abstract, c.sought, c.not_retrieved) == (3, 3, 1)
    assert (c.assessed, c.excluded_full_text, c.included) == (2, 0, 2)
    assert c.identified_by_search == {"S1": 5, "S2": 3}
    assert c.identified_by_source == {"Fixture index A": 5, "Fixture index B": 3}
    assert c.excluded_title_abstract_by_reason["not_systems_leadership"] == 1
    assert c.excluded_title_abstract_by_reason["not_english"] == 0  # every reason is listed
    assert c.excluded_full_text_by_reason["insufficient_text"] == 0
    assert c.identified_by_method == {"database": 8, "website": 0, "citation": 0}
    assert c.arms["databases"].included == 2 and c.arms["other_methods"].identified == 0
    assert c.included_by_literature_type == {"peer_reviewed": 1, "grey": 1}


def test_identity_broken_raises(ev):
    evidence = ev.load()
    screening = evidence.screening
    lost = screening[~((screening["record_id"] == "R2") & (screening["stage"] == "full_text"))]
    broken = dataclasses.replace(evidence, screening=lost)
    with pytest.raises(EvidenceError) as caught:
        prisma_counts(broken)
    message = str(caught.value)
    assert (
        "data/screening.csv: PRISMA: assessed - excluded at full text = included fails" in message
    )


def test_unmarked_duplicate_breaks_first_identity(ev):
    evidence = ev.load()
    records = evidence.records.copy()
    records.loc[records["record_id"] == "R7", "duplicate_of"] = ""
    with pytest.raises(EvidenceError, match="identified - duplicates = screened fails: 7 != 6"):
        prisma_counts(dataclasses.replace(evidence, records=records))
