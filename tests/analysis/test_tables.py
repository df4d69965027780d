"""Tables from the fixture, and md_table's pipe-table rules."""

from __future__ import annotations

import pandas as pd
import pytest
from IPython.display import Markdown
from test_stats import add_source, analysis_files  # noqa: F401  (fixture)

from analysis.errors import EvidenceError
from analysis.recommendations import tbl_recommendations
from analysis.searches import n_duplicates, n_records, tbl_search_log
from analysis.summary_findings import tbl_summary_tests
from analysis.tables import (
    md_escape,
    md_table,
    tbl_characteristics,
    tbl_codebook,
    tbl_definitions,
    tbl_exclusions,
    tbl_included_sources,
    tbl_prisma_scr,
)


def test_md_table_escapes_and_aligns():
    df = pd.DataFrame({"Text": ["a | b", "line one\nline two"], "n": [1, 22]})
    md = md_table(df)
    assert isinstance(md, Markdown)
    lines = md.data.strip().split("\n")
    assert lines[0] == "| Text | n |"
    assert lines[1].startswith("| :-") and lines[1].endswith("-: |")  # text left, numbers right
    assert lines[2] == r"| a \| b | 1 |"
    assert lines[3] == "| line one line two | 22 |"
    assert len(lines) == 4


def test_md_table_leaves_citations_alone_but_md_escape_does_not():
    md = md_table(pd.DataFrame({"Source": ["[@knight2024]"]}))
    assert "[@knight2024]" in md.data
    assert md_escape("leader* [x] @y") == r"leader\* \[x\] \@y"


def test_included_sources_one_row_each_by_year(ev):
    table = tbl_included_sources(ev.load())
    assert list(table.columns) == [
        "Source", "Year", "Type", "Design", "Country", "System level", "EDI", "Technology",
        "ICS/ICB",
    ]  # fmt: skip
    assert table["Source"].tolist() == [
        "[]{#src-fixtureb2019}[@fixtureb2019]", "[]{#src-fixturea2021}[@fixturea2021]",
    ]  # fmt: skip
    assert table["Year"].tolist() == ["2019", "2021"]
    assert table["EDI"].tolist() == ["–", "mentioned"]
    assert table.loc[1, "System level"] == "ICS/ICB; Place"


def test_a_new_source_appears_in_the_tables(ev):
    add_source(ev, year="")
    e = ev.load()
    table = tbl_included_sources(e)
    assert len(table) == 3
    assert table.iloc[-1][["Source", "Year"]].tolist() == [
        "[]{#src-fixturec2022}[@fixturec2022]", "n.d.",
    ]  # fmt: skip
    chars = tbl_characteristics(e)
    journal = chars[chars["Category"] == "Article in a journal"].iloc[0]
    assert (journal["n"], journal["%"]) == (2, "67%")
    assert len(tbl_definitions(e)) == 2


def test_characteristics_hand_counts(ev):
    chars = tbl_characteristics(ev.load())
    first = chars.iloc[0]
    assert first.tolist() == ["Document type", "Article in a journal", 1, "50%"]
    assert (chars["Characteristic"] != "").sum() == 5  # one heading per characteristic
    assert chars[chars["Characteristic"] == "Country"].iloc[0]["Category"] == "England"
    assert 0 not in chars["n"].tolist()


def test_definitions_exclusions_codebook(ev):
    e = ev.load()
    assert tbl_definitions(e)["Source"].tolist() == ["[@fixturea2021]"]
    exclusions = tbl_exclusions(e)
    assert exclusions["n"].tolist() == [1, 1, 1]
    assert exclusions["Stage"].tolist().count("Full text") == 0  # R4 was not retrieved
    assert exclusions.iloc[-1]["Reason"] == "Published before 2010"
    assert len(tbl_codebook(e)) == len(e.codebook["fields"])


def test_search_log_and_counts(ev):
    e = ev.load()
    log = tbl_search_log(e)
    assert log["ID"].tolist() == ["S1", "S2"]
    assert log["Hits found"].tolist() == [5, 4]
    assert log["Recorded"].tolist() == [5, 3]
    assert (n_records(e), n_duplicates(e)) == (8, 2)


def test_prisma_scr_table(analysis_files):  # noqa: F811
    table = tbl_prisma_scr(analysis_files / "prisma_scr.csv")
    assert table["Reported in"].tolist() == ["@sec-summary", "@sec-summary", "@sec-methods"]
    assert r"\|" in md_table(table).data


def test_prisma_scr_links_an_unnumbered_chapter_by_its_file(analysis_files):  # noqa: F811
    path = analysis_files / "prisma_scr.csv"
    path.write_text(path.read_text().replace(",sec-methods", ",[Methods](methods.qmd)"))
    table = tbl_prisma_scr(path)
    assert table["Reported in"].tolist()[-1] == "[Methods](methods.qmd)"
    path.write_text(path.read_text().replace("(methods.qmd)", "(methods.html)"))
    with pytest.raises(EvidenceError, match="is not a section id"):
        tbl_prisma_scr(path)


def test_prisma_scr_faults_name_line_and_field(analysis_files):  # noqa: F811
    path = analysis_files / "prisma_scr.csv"
    path.write_text(path.read_text().replace("sec-methods", "Methods"), encoding="utf-8")
    with pytest.raises(EvidenceError) as caught:
        tbl_prisma_scr(path)
    assert "prisma_scr.csv:4: section: 'Methods' is not a section id" in str(caught.value)
    with pytest.raises(EvidenceError, match="missing.csv: file not found"):
        tbl_prisma_scr(analysis_files / "missing.csv")


def test_summary_and_recommendation_tables(ev, analysis_files):  # noqa: F811
    e = ev.load()
    summary = tbl_summary_tests(e, analysis_files / "summary_findings.yml")
    assert list(summary.columns) == [
        "Public summary finding", "How it is tested", "Count", "Verdict", "What would change it",
    ]  # fmt: skip
    assert len(summary) == 6
    assert all(" would make it " in s for s in summary["What would change it"])
    recs = tbl_recommendations(
        e, path=analysis_files / "recommendations.csv", gaps_path=analysis_files / "gaps.yml"
    )
    assert len(recs) == 3
    assert recs.loc[1, "Evidence"] == "[@fixtureb2019; @fixturea2021]"
    assert recs.loc[1, "Gap(s)"] == "Integrated care systems and boards; Development and training"
    icb = tbl_recommendations(
        e, "icb", analysis_files / "recommendations.csv", analysis_files / "gaps.yml"
    )
    assert icb["Audience"].tolist() == ["Integrated care boards"]
    with pytest.raises(ValueError):
        tbl_recommendations(e, "nobody", analysis_files / "recommendations.csv")


def test_md_table_cells_from_lists_and_missing_values():
    df = pd.DataFrame({"values": [["a", "b"], None], "n": [1.0, float("nan")]})
    lines = md_table(df).data.strip().split("\n")
    assert lines[2] == "| a; b | 1.0 |"
    assert lines[3] == "|  |  |"


def test_software_versions_name_what_is_installed():
    from importlib.metadata import version

    from analysis.provenance import tbl_software_versions

    table = tbl_software_versions()
    assert table.iloc[0]["Software"] == "Python"
    installed = dict(zip(table["Software"], table["Version"], strict=True))
    assert installed["pandas"] == version("pandas")
    assert installed["typst"] == version("typst")
