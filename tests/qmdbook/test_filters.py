"""The Lua filters run by pandoc on small documents: numbering, links, citations, callouts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from qmdbook.tools import pandoc_path

FILTERS = Path(__file__).resolve().parents[2] / "qmdbook" / "filters"
BOOK = Path(__file__).parent.parent / "fixtures" / "book" / "references"
NBSP = "\u00a0"

META = """\
---
qmdbook:
  chapters:
    - {id: sec-pre, number: "", source: pre.qmd}
    - {id: sec-intro, number: "1", source: intro.qmd}
    - {id: sec-more, number: "2", source: more.qmd}
    - {id: sec-app, number: "A", source: app.qmd, appendix: true}
---
"""

DOC = (
    META
    + """
# Preface {#sec-pre .unnumbered}

See @sec-intro.

# Intro {#sec-intro}

Refs: @fig-a, @tbl-a, @sec-sub, @sec-app, [-@fig-a], @fig-b, @tbl-app and @sec-more-sub.

## Sub {#sec-sub}

### Deeper {#sec-deeper}

## Plain {.unnumbered}

::: {.callout-warning}
## Mind this
Body.
:::

![Cap A](a.png){#fig-a}

| x |
|---|
| 1 |

: Tab A {#tbl-a}

# More {#sec-more}

## More sub {#sec-more-sub}

![Cap B](b.png){#fig-b}

# App {#sec-app}

| y |
|---|
| 2 |

: Tab app {#tbl-app}
"""
)


def run(markdown: str, to: str = "json", extra: list[str] | None = None, tmp: Path | None = None):
    args = [pandoc_path(), "-f", "markdown", "-t", to, "--wrap=none"]
    for name in ("normalise", "crossref", "format"):
        args += ["--lua-filter", str(FILTERS / f"{name}.lua")]
    args += extra or []
    if tmp is not None:
        args += ["-M", f"qmdbook-diagnostics={tmp / 'diag.tsv'}"]
    args += ["--lua-filter", str(FILTERS / "post.lua")]
    proc = subprocess.run(args, input=markdown, capture_output=True, text=True, check=True)
    return (json.loads(proc.stdout) if to == "json" else proc.stdout), proc.stderr


def links(doc: dict) -> dict[str, str]:
    """Link target -> link text, for every link in the document."""
    found: dict[str, str] = {}

    def text(inlines) -> str:
        out = ""
        for i in inlines:
            if i["t"] == "Str":
                out += i["c"]
            elif i["t"] == "Space":
                out += " "
        return out

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Link":
                found.setdefault(node["c"][2][0], []).append(text(node["c"][1]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc["blocks"])
    return found


def test_cross_references_become_numbered_links():
    doc, _ = run(DOC)
    found = links(doc)
    assert found["#sec-intro"] == [f"Chapter{NBSP}1"]
    assert found["#fig-a"] == [f"Figure{NBSP}1.1", "1.1"]
    assert found["#tbl-a"] == [f"Table{NBSP}1.1"]
    assert found["#sec-sub"] == [f"Section{NBSP}1.1"]
    assert found["#sec-app"] == [f"Appendix{NBSP}A"]
    assert found["#fig-b"] == [f"Figure{NBSP}2.1"]
    assert found["#tbl-app"] == [f"Table{NBSP}A.1"]
    assert found["#sec-more-sub"] == [f"Section{NBSP}2.1"]


def test_headings_numbered_and_unnumbered():
    html, _ = run(DOC, to="html")
    assert '<span class="header-section-number">1.1.1</span> Deeper' in html
    assert '<span class="header-section-number">A</span> App' in html
    assert "Preface</h1>" in html and ">Plain</h2>" in html
    assert "Mind this" in html and "<h2" not in html.split("Mind this")[0].rsplit("\n", 1)[-1]


def test_captions_prefixed_and_ids_on_wrapping_divs():
    html, _ = run(DOC, to="html")
    assert '<div id="fig-a" class="quarto-float">' in html
    assert f"<figcaption>Figure{NBSP}1.1: Cap A</figcaption>" in html
    assert f"Table{NBSP}A.1: Tab app" in html


def test_callout_title_from_heading_is_not_a_heading():
    html, _ = run(DOC, to="html")
    start = html.index('class="callout callout-warning"')
    callout = html[start : html.index("Body.", start)]
    assert "Mind this" in callout and "<h" not in callout


def test_callout_typst_contract():
    out, _ = run("::: {.callout-tip}\n## Hint *here*\nText.\n:::\n", to="typst")
    assert '#callout(kind: "tip", title: [Hint #emph[here]])[' in out
    out, _ = run("::: {.callout-note}\nText.\n:::\n", to="typst")
    assert '#callout(kind: "note", title: [])[' in out


def test_mixed_citation_is_split_and_unresolved_reported(tmp_path):
    md = (
        META
        + "\n# Intro {#sec-intro}\n\n![C](a.png){#fig-x}\n\n"
        + "See @fig-x [@smith2020] and @fig-nope; [@nokey].\n"
    )
    extra = [
        "--citeproc",
        "--bibliography", str(BOOK / "references.bib"),
        "--csl", str(BOOK / "style.csl"),
        "-M", "link-citations=true",
    ]  # fmt: skip
    html, err = run(md, to="html", extra=extra, tmp=tmp_path)
    assert f'<a href="#fig-x">Figure{NBSP}1.1</a>' in html
    assert "Smith and Jones, 2020" in html
    assert "<strong>?@fig-nope</strong>" in html
    assert 'href="#ref-nokey"' not in html
    assert "intro.qmd: unresolved cross-reference @fig-nope" in err
    diag = (tmp_path / "diag.tsv").read_text().splitlines()
    assert "xref\tintro.qmd\tfig-nope\tunresolved cross-reference @fig-nope" in diag
    assert "cite\tintro.qmd\tnokey\tunresolved citation @nokey" in diag


def test_engine_figures_get_format_extension():
    md = "![c](figures/x){alt=a}\n\n![d](static/y.jpg)\n"
    html, _ = run(md, to="html")
    assert 'src="figures/x.png"' in html and 'src="static/y.jpg"' in html
    typ, _ = run(md, to="typst")
    assert '"figures/x.svg"' in typ


@pytest.mark.parametrize("to", ["html", "typst", "docx"])
def test_private_metadata_never_reaches_output(to, tmp_path):
    out = tmp_path / f"o.{to}"
    args = [pandoc_path(), "-f", "markdown", "-t", to, "-s", "-o", str(out)]
    for name in ("normalise", "crossref", "format", "post"):
        args += ["--lua-filter", str(FILTERS / f"{name}.lua")]
    subprocess.run(args, input=DOC, text=True, check=True, capture_output=True)
    data = out.read_bytes()
    assert b"qmdbook" not in data


def test_fig_pos_written_on_an_image_moves_with_its_id_to_the_wrapping_div():
    doc, _ = run('![Cap](a.png){#fig-a fig-pos="t" width=50%}\n')
    div = doc["blocks"][0]
    assert div["t"] == "Div"
    (ident, _classes, attrs) = div["c"][0]
    assert ident == "fig-a" and ["fig-pos", "t"] in attrs
    image_attrs = json.dumps(div["c"][1])
    assert "fig-pos" not in image_attrs and "width" in image_attrs
