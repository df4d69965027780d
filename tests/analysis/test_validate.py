"""`python -m analysis.validate`: a summary and exit 0, or the problems and exit 1."""

from __future__ import annotations

from analysis.validate import main


def test_valid_evidence_prints_summary(ev, capsys):
    assert main(["--data", str(ev.data), "--bib", str(ev.bib)]) == 0
    out = capsys.readouterr().out
    assert "records identified: 8 (2 duplicates)" in out
    assert "included and charted: 2" in out


def test_problems_exit_1_and_list_them(ev, capsys):
    ev.edit("data/charting.csv", "qualitative,england,", "qualitative,englnd,")
    assert main(["--data", str(ev.data), "--bib", str(ev.bib)]) == 1
    err = capsys.readouterr().err
    assert "data/charting.csv:2: country:" in err
