"""The reference list as the style prints it: no dateless 'Retrieved', proper nouns kept."""

from __future__ import annotations

import re
import subprocess

import pytest

from analysis import paths
from qmdbook.tools import pandoc_path

# Names that sentence case must not lower (each appears in a title in references.bib).
PROPER_NOUNS = (
    "England", "English", "Scotland", "Gloucestershire", "Leeds", "Australian", "Canadian",
    "New Zealand", "July", "March", "NHS Long Term Plan", "NHS Leadership Academy",
)  # fmt: skip


@pytest.fixture(scope="module")
def reference_list() -> str:
    document = "---\nnocite: '@*'\n---\n"
    return subprocess.run(
        [pandoc_path(), "--citeproc", "--bibliography", str(paths.BIBLIOGRAPHY),
         "--csl", str(paths.CSL_STYLE), "-M", "lang=en-GB", "-t", "plain", "--wrap=none"],
        input=document, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def test_every_reference_is_listed(reference_list):
    entries = [line for line in reference_list.splitlines() if line.strip()]
    bib = paths.BIBLIOGRAPHY.read_text(encoding="utf-8")
    assert len(entries) == len(re.findall(r"^@\w+\{", bib, re.M))


def test_retrieved_only_with_a_date(reference_list):
    for line in reference_list.splitlines():
        if "Retrieved" in line:
            assert re.search(r"Retrieved \w+ \d{1,2}, \d{4}, from https?://", line), line
    assert "Retrieved http" not in reference_list


@pytest.mark.parametrize("name", PROPER_NOUNS)
def test_proper_nouns_keep_their_capitals(reference_list, name):
    text = re.sub(r"https?://\S+", "", reference_list)  # URLs are lower case by nature
    assert name in text
    assert not re.search(rf"\b{re.escape(name.lower())}\b", text), name.lower()
