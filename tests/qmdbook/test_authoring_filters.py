"""The authoring filters one at a time, on small documents, without a kernel."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from qmdbook.build import FILTER_ORDER
from qmdbook.tools import pandoc_path

FILTERS = Path(__file__).resolve().parents[2] / "qmdbook" / "filters"
NBSP = "\u00a0"
META = """\
---
qmdbook:
  chapters:
    - {id: sec-one, number: "1", source: one.qmd}
qmdbook-crossref: {eq-prefix: "Eq.", thm-title: "Thm"}
---

# One {#sec-one}

"""


def run(markdown: str, to: str, filters=None, tmp: Path | None = None) -> str:
    args = [pandoc_path(), "-f", "markdown", "-t", to, "--wrap=none"]
    for name in filters or FILTER_ORDER:
        args += ["--lua-filter", str(FILTERS / f"{name}.lua")]
    if tmp is not None:
        args += ["-M", f"qmdbook-diagnostics={tmp / 'diag.tsv'}"]
    return subprocess.run(args, input=markdown, capture_output=True, text=True, check=True).stdout


def test_filter_order_lists_every_filter_once():
    on_disk = {p.stem for p in FILTERS.glob("*.lua")} - {"diag", "targets", "post"}
    assert sorted(FILTER_ORDER) == sorted(on_disk)


def test_equation_numbered_on_its_own_div_and_referenced_with_the_configured_prefix():
    out = run(META + "Text $$ a = b $$ {#eq-ab} more.\n\nSee @eq-ab.\n", "native")
    assert '( "eq-ab" , [ "quarto-equation" ] , [] )' in out
    assert "a = b  \\\\qquad(1.1)" in out and "{#eq-ab}" not in out
    assert 'Str "Eq.\\160\\&1.1"' in out
    assert out.index('Str "Text"') < out.index("eq-ab") < out.index('Str "more."')


def test_theorem_title_option_and_unnumbered_proof():
    html = run(META + "::: {#thm-a}\n## Name\nBody.\n:::\n\n::: {.proof}\nDone.\n:::\n\n@thm-a\n",
               "html")
    assert f"<strong>Thm{NBSP}1.1 (Name)</strong>" in html
    assert "<em>Proof.</em></span> Done." in html
    assert f'<a href="#thm-a">Theorem{NBSP}1.1</a>' in html


def test_subfigures_lettered_and_referenced_under_the_parent():
    md = META + ("::: {#fig-p layout-ncol=2}\n![A](a.png){#fig-a}\n\n![B](b.png){#fig-b}\n\n"
                 "Both\n:::\n\n@fig-b\n")
    html = run(md, "html")
    assert "<figcaption>(a) A</figcaption>" in html and "<figcaption>(b) B</figcaption>" in html
    assert f"Figure{NBSP}1.1: Both" in html
    assert f'<a href="#fig-b">Figure{NBSP}1.1{NBSP}(b)</a>' in html
    assert html.count('class="quarto-layout-cell"') == 2


@pytest.mark.parametrize("to,expected", [
    ("html", "display: flex"), ("typst", "#grid(columns: (1fr, 2fr,)"), ("docx", None),
])
def test_layout_in_each_format(to, expected, tmp_path):
    md = '::: {layout="[[1,2]]"}\nLeft.\n\nRight.\n:::\n'
    if to == "docx":
        out = tmp_path / "o.docx"
        subprocess.run([pandoc_path(), "-f", "markdown", "-o", str(out), "--lua-filter",
                        str(FILTERS / "layout.lua")], input=md, text=True, check=True)
        import docx

        table = docx.Document(out).tables[0]
        assert [c.text for c in table.rows[0].cells] == ["Left.", "Right."]
    else:
        assert expected in run(md, to, ["layout"])


@pytest.mark.parametrize("to,shown", [("html", "web"), ("typst", "print"), ("docx", "print")])
def test_conditional_content(to, shown, tmp_path):
    md = ('::: {.content-visible when-format="html"}\nweb\n:::\n\n'
          '::: {.content-hidden when-format="html"}\nprint\n:::\n\n'
          '::: {.content-visible when-profile="x"}\nprofiled\n:::\n')
    args = [pandoc_path(), "-f", "markdown", "-t", to, "--lua-filter",
            str(FILTERS / "conditional.lua"), "-M", f"qmdbook-diagnostics={tmp_path / 'd.tsv'}"]
    if to == "docx":
        args += ["-o", str(tmp_path / "o.docx")]
    out = subprocess.run(args, input=md, capture_output=True, text=True, check=True).stdout
    if to == "docx":
        import docx

        out = " ".join(p.text for p in docx.Document(tmp_path / "o.docx").paragraphs)
    other = "print" if shown == "web" else "web"
    assert shown in out and other not in out.replace("profiled", "")
    assert "option\t\twhen-profile\t" in (tmp_path / "d.tsv").read_text()


def test_tabset_accessible_in_html_and_sequential_in_print():
    md = "::: {.panel-tabset}\n## One\nFirst.\n\n## Two\nSecond.\n:::\n"
    html = run(md, "html", ["tabset"])
    assert '<div role="tablist" aria-label="Tabs">' in html
    assert 'role="tab" id="tabset-1-2-tab" aria-controls="tabset-1-2" aria-selected="false"' in html
    assert "<h2" not in html
    typ = run(md, "typst", ["tabset"])
    assert "#strong[One]" in typ and typ.index("First.") < typ.index("#strong[Two]")
    assert "= One" not in typ


def test_margin_content_floats_in_html_and_becomes_a_note_in_print():
    md = "Text[aside]{.aside}.\n\n::: {.column-margin}\nBlock.\n:::\n"
    assert '<aside class="column-margin"' in run(md, "html", ["margin"])
    assert run(md, "typst", ["margin"]).count("#footnote[") == 2


def test_pagebreak_video_and_kbd_per_format():
    md = ('::: {.qmdbook-pagebreak}\n:::\n\n::: {.qmdbook-video src="clip.mp4" title="Clip"}\n:::'
          "\n\n[Ctrl-C]{.kbd}\n")
    html = run(md, "html", ["pagebreak", "video", "kbd"])
    assert 'page-break-after: always' in html and '<video controls' in html
    assert "<kbd>Ctrl-C</kbd>" in html
    typ = run(md, "typst", ["pagebreak", "video", "kbd"])
    assert "#pagebreak(weak: true)" in typ and '#link("clip.mp4")[Clip]' in typ
    assert "`Ctrl-C`" in typ


def test_callout_collapse_and_appearance():
    md = '::: {.callout-note collapse="true" appearance="simple"}\n## T\nB.\n:::\n'
    html = run(md, "html")
    assert '<details><summary class="callout-title">T</summary>' in html
    assert "callout-appearance-simple" in html
    assert 'appearance: "simple"' in run(md, "typst")


def test_links_to_chapter_files_become_internal_links(tmp_path):
    md = """\
---
qmdbook:
  chapters:
    - {id: sec-sum, number: "", source: report/summary.qmd}
    - {id: sec-two, number: "1", source: report/two.qmd}
---

# Summary {#sec-sum .unnumbered}

# Two {#sec-two}

See [the summary](summary.qmd), [its part](summary.qmd#sec-part) and [elsewhere](nope.qmd).
"""
    html = run(md, "html", ["chapterlinks"], tmp_path)
    assert '<a href="#sec-sum">the summary</a>' in html
    assert '<a href="#sec-part">its part</a>' in html
    assert "elsewhere" in html and "nope.qmd" not in html
    assert "option\treport/two.qmd\tnope.qmd\t" in (tmp_path / "diag.tsv").read_text()


def test_missing_image_is_reported_and_shown_as_its_description(tmp_path):
    (tmp_path / "here.png").write_bytes(b"\x89PNG")
    md = f"![Present]({tmp_path / 'here.png'})\n\n![Absent chart](nowhere/gone.png)\n"
    html = run(md, "html", ["missingimages"], tmp_path)
    assert "here.png" in html and "gone.png" not in html
    assert '<span class="missing-image">[Absent chart]</span>' in html
    assert "option\t\tnowhere/gone.png\timage not found: nowhere/gone.png" in (
        tmp_path / "diag.tsv"
    ).read_text()


def test_crossref_label_styles_delimiter_and_plain_references():
    meta = META.replace('qmdbook-crossref: {eq-prefix: "Eq.", thm-title: "Thm"}',
                        'qmdbook-crossref: {labels: "roman", subref-labels: "alpha A", '
                        'title-delim: "—", ref-hyperlink: false, fig-prefix: "Fig."}')
    md = meta + ("![One](a.png){#fig-one}\n\n::: {#fig-p}\n![A](a.png){#fig-a}\n\n"
                 "![B](b.png){#fig-b}\n\nPair\n:::\n\n@fig-one, @fig-b\n")
    html = run(md, "html")
    assert f"Figure{NBSP}1.i— One" in html
    assert "(B) B" in html and f"Figure{NBSP}1.ii— Pair" in html
    assert f"Fig.{NBSP}1.i, Fig.{NBSP}1.ii{NBSP}(B)" in html and 'href="#fig-one"' not in html


def test_chapters_false_numbers_floats_through_the_book():
    meta = META.replace('qmdbook-crossref: {eq-prefix: "Eq.", thm-title: "Thm"}',
                        "qmdbook-crossref: {chapters: false}")
    html = run(meta + "![One](a.png){#fig-one}\n\n![Two](b.png){#fig-two}\n\n@fig-two\n", "html")
    assert f"Figure{NBSP}2: Two" in html and f">Figure{NBSP}2</a>" in html


def test_a_margin_caption_sits_beside_its_float_on_the_site_and_below_it_in_print():
    md = META.replace('thm-title: "Thm"', 'thm-title: "Thm", fig-cap-location: margin') + (
        "::: {#fig-m}\n![](m.png){alt=\"A square\"}\n\nA caption for the margin\n:::\n"
    )
    beside = run(md, "html").split('<div class="column-margin"', 1)
    assert len(beside) == 2 and f"Figure{NBSP}1.1: A caption for the margin" in beside[1]
    # Every format but HTML drops the margin class (native stands in for DOCX, a zip).
    assert "column-margin" not in run(md, "native")
    typst = run(md, "typst")  # (the missing image is replaced by its alt text, in brackets)
    assert "column-margin" not in typst
    assert typst.index("A square") < typst.index("Figure~1.1: A caption for the margin")
