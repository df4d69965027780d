"""The whole engine on the fixture book: execute, cache, assemble, render all formats, publish."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from qmdbook.build import BuildError, build
from qmdbook.cli import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"
NBSP = "\u00a0"




def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def text_of(page: Path) -> str:
    body = page.read_text(encoding="utf-8")
    body = body[body.find("<main") : body.find("</main>")]
    # Only ASCII whitespace collapses: the non-breaking space in "Figure 2.1" is asserted on.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", "", body))).strip()


def quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="module")
def built(tmp_path_factory, git_commit_all):
    root = tmp_path_factory.mktemp("engine") / "book"
    shutil.copytree(FIXTURE, root)
    git_commit_all(root)
    report = build(root, engine="builtin", log=quiet)
    return root, report, snapshot(root / "_site")


def copy_of(built, tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(built[0], root, symlinks=True)
    return root


def test_cold_build_executes_code_chapters_and_writes_every_format(built):
    root, report, _ = built
    assert sorted(report.executed_chapters) == [
        "chapters/appendix.qmd", "chapters/methods.qmd", "chapters/results.qmd",
    ]  # fmt: skip
    assert report.executed_cells == 5
    assert report.diagnostics == []
    site = root / "_site"
    for name in ("index.html", "sec-methods.html", "sec-results.html", "sec-appendix.html"):
        assert (site / name).is_file()
    assert (site / "fixture-book.pdf").read_bytes().startswith(b"%PDF")
    assert (site / "fixture-book.docx").read_bytes().startswith(b"PK")
    assert list(site.rglob("*.png")), "the matplotlib figure is published"
    assert not list((root / "_build" / "qmdbook").glob("stage-*")), "stage dir cleaned up"


def test_cross_references_resolved_and_numbered(built):
    site = built[0] / "_site"
    methods = text_of(site / "sec-methods.html")
    assert f"summarised in Table{NBSP}1.1 and plotted in Figure{NBSP}2.1" in methods
    assert f"Section{NBSP}1.1 explains the search" in methods
    assert "1.1.1 Screening" in methods
    results = text_of(site / "sec-results.html")
    assert f"see Figure{NBSP}2.1 and 1.1" in results
    assert f"Figure{NBSP}2.1: Scores by source" in results
    assert f"discussed in Chapter{NBSP}3" in results
    discussion = text_of(site / "sec-discussion.html")
    assert f"See Section{NBSP}2.1, Table{NBSP}A.1 in Appendix{NBSP}A" in discussion
    appendix = text_of(site / "sec-appendix.html")
    assert f"Table{NBSP}A.1: An extra table" in appendix and "A.1 Notes on data" in appendix
    preface = text_of(site / "index.html")
    assert f"Chapter{NBSP}1 describes the method" in preface
    for page in site.glob("*.html"):
        assert "?@" not in text_of(page), page.name


def test_inline_expressions_tables_and_outputs(built):
    site = built[0] / "_site"
    methods = (site / "sec-methods.html").read_text(encoding="utf-8")
    assert "The search covered 4 sources." in text_of(site / "sec-methods.html")
    assert "<table" in methods and "not_evaluated" in methods
    assert "import pandas" not in methods  # echo: false from _quarto.yml
    results = text_of(site / "sec-results.html")
    assert "The largest score was 10" in results and "stdout from a cell" in results


def test_citations_and_reference_list(built):
    site = built[0] / "_site"
    assert "(Brown, 2019, p. 12)" in text_of(site / "sec-methods.html")
    assert "As Smith and Jones (2020) argue" in text_of(site / "sec-results.html")
    refs = text_of(site / "sec-references.html")
    assert "Brown, A. (2019) Leading across boundaries" in refs
    assert "Smith, J. and Jones, T. (2020)" in refs


def test_pdf_and_docx_carry_the_same_numbering(built):
    import docx
    import pypdf
    site = built[0] / "_site"
    reader = pypdf.PdfReader(site / "fixture-book.pdf")
    pdf_text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    doc = docx.Document(site / "fixture-book.docx")
    docx_text = " ".join(p.text for p in doc.paragraphs).replace(NBSP, " ")
    for text in (pdf_text, docx_text):
        assert "Figure 2.1" in text and "Table A.1" in text and "Screening rule" in text
        assert "(Brown, 2019, p. 12)" in text and "?@" not in text


def test_callouts_of_every_kind(built):
    page = (built[0] / "_site" / "sec-methods.html").read_text(encoding="utf-8")
    for kind in ("note", "tip", "important", "warning", "caution"):
        assert f"callout callout-{kind}" in page
    assert "Screening rule" in page and "Important point" in page


def test_second_build_executes_nothing_and_renders_identically(built, tmp_path):
    root = copy_of(built, tmp_path)
    # Forget the last publish so every format really renders again: determinism is under test.
    (root / "_build" / "qmdbook" / "published.json").unlink()
    report = build(root, engine="builtin", log=quiet)
    assert report.executed_cells == 0 and report.executed_chapters == []
    assert report.files, "the formats were rendered again"
    assert snapshot(root / "_site") == built[2]


def test_unchanged_build_skips_rendering_until_an_output_goes_missing(built, tmp_path):
    root = copy_of(built, tmp_path)
    said: list[str] = []
    report = build(root, engine="builtin", log=said.append)
    assert report.files == [] and any("output unchanged" in line for line in said)
    assert snapshot(root / "_site") == built[2]
    (root / "_site" / "fixture-book.pdf").unlink()
    report = build(root, engine="builtin", log=quiet)
    assert (root / "_site" / "fixture-book.pdf").is_file() and report.files


def test_prose_edit_executes_nothing_but_changes_html(built, tmp_path):
    root = copy_of(built, tmp_path)
    results = root / "chapters" / "results.qmd"
    results.write_text(results.read_text().replace("leadership matters", "leadership counts"))
    report = build(root, ["html"], engine="builtin", log=quiet)
    assert report.executed_cells == 0
    assert "leadership counts" in text_of(root / "_site" / "sec-results.html")
    # A site-only build keeps the previously published downloads.
    assert (root / "_site" / "fixture-book.pdf").is_file()


def test_analysis_change_reexecutes(built, tmp_path):
    root = copy_of(built, tmp_path)
    init = root / "analysis" / "__init__.py"
    init.write_text(init.read_text().replace("SCALE = 2", "SCALE = 3"))
    report = build(root, ["html"], engine="builtin", log=quiet)
    # Every code chapter depends on the watched analysis package.
    assert len(report.executed_chapters) == 3
    assert "The largest score was 15" in text_of(root / "_site" / "sec-results.html")


def test_failing_cell_keeps_previous_output_and_reports_line(built, tmp_path, capsys):
    root = copy_of(built, tmp_path)
    before = snapshot(root / "_site")
    results = root / "chapters" / "results.qmd"
    lines = results.read_text().splitlines()
    at = lines.index('print("stdout from a cell")')
    lines[at:at] = ["x = 1", "1 / 0"]
    results.write_text("\n".join(lines) + "\n")
    with pytest.raises(BuildError, match=rf"chapters/results.qmd:{at + 2}:") as err:
        build(root, engine="builtin", log=quiet)
    assert "ZeroDivisionError" in str(err.value)
    assert snapshot(root / "_site") == before
    assert main(["html", "--project", str(root), "--engine", "builtin"]) == 1
    assert "chapters/results.qmd" in capsys.readouterr().err
    assert snapshot(root / "_site") == before


def test_unresolved_references_warn_and_strict_fails(built, tmp_path):
    root = copy_of(built, tmp_path)
    before = snapshot(root / "_site")
    disc = root / "chapters" / "discussion.qmd"
    disc.write_text(disc.read_text() + "\nAlso @fig-missing and [@nokey2000].\n")
    line = len(disc.read_text().splitlines())
    with pytest.raises(BuildError, match="unresolved"):
        build(root, ["html"], strict=True, engine="builtin", log=quiet)
    assert snapshot(root / "_site") == before
    messages: list[str] = []
    report = build(root, ["html"], engine="builtin", log=messages.append)
    assert f"chapters/discussion.qmd:{line}: unresolved cross-reference @fig-missing" in (
        report.diagnostics
    )
    assert f"chapters/discussion.qmd:{line}: unresolved citation @nokey2000" in report.diagnostics
    assert any("@fig-missing" in m for m in messages)


def test_unknown_cell_option_fails_only_when_strict(built, tmp_path):
    root = copy_of(built, tmp_path)
    app = root / "chapters" / "appendix.qmd"
    app.write_text(
        app.read_text().replace("#| label: tbl-extra", "#| label: tbl-extra\n#| colour: red")
    )
    with pytest.raises(BuildError, match="chapters/appendix.qmd:5: unknown cell option 'colour'"):
        build(root, ["html"], strict=True, engine="builtin", log=quiet)
    report = build(root, ["html"], engine="builtin", log=quiet)
    assert "chapters/appendix.qmd:5: unknown cell option 'colour'" in report.diagnostics


def test_figures_carry_alt_text_and_downloads_exist(built):
    site = built[0] / "_site"
    page = (site / "sec-results.html").read_text(encoding="utf-8")
    images = re.findall(r"<img\b[^>]*>", page)
    assert images and all(re.search(r'\balt="[^"]{10,}"', tag) for tag in images), images
    for page in site.glob("*.html"):
        for href in re.findall(r'href="([^"#:]+\.(?:pdf|docx))"', page.read_text(encoding="utf-8")):
            assert (site / href).is_file(), f"{page.name} links to missing {href}"


def test_search_index_holds_every_chapter(built):
    import json

    site = built[0] / "_site"
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(
        list(site.glob("*.html"))
    )
