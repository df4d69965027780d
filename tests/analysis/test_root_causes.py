"""Bad evidence files get one message that names the file, line and likely cause."""

from __future__ import annotations


def test_header_only_records_gives_one_root_cause(ev):
    records = ev.data / "records.csv"
    records.write_text(records.read_text().splitlines()[0] + "\n", encoding="utf-8")
    message = ev.problems()
    assert message.startswith("1 problem found:")
    assert "data/records.csv:1: has its header but no rows, while data/searches.csv" in message
    assert "truncated or overwritten" in message


def test_a_non_utf8_byte_names_file_and_line(ev):
    path = ev.data / "records.csv"
    data = path.read_bytes()
    at = data.index(b"Fixture study")
    path.write_bytes(data[:at] + b"\xe9" + data[at + 1 :])
    line = data[:at].count(b"\n") + 1
    assert f"data/records.csv:{line}: not UTF-8 (byte 0xe9)" in ev.problems()


def test_unclosed_bibliography_entry_is_the_one_blamed(ev):
    bib = ev.bib
    text = bib.read_text(encoding="utf-8")
    first_end = text.index("\n}\n")
    bib.write_text(text[:first_end] + "\n" + text[first_end + 3 :], encoding="utf-8")
    first_key = text[text.index("{") + 1 : text.index(",")]
    message = ev.problems()
    where = f"references/references.bib:2: {first_key}"
    assert f"{where}: malformed BibTeX: entry is not closed" in message
    assert message.startswith("1 problem found:"), "the next entry is not blamed"
