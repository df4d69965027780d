"""The emitter: notebook outputs to pandoc markdown (no kernel: outputs are written by hand)."""

from __future__ import annotations

import base64
import json
import subprocess

from qmdbook.emit import EmitContext, emit_chapter, html_table_to_markdown, prefix_footnotes
from qmdbook.execute import ChapterResult
from qmdbook.qmd import parse_qmd
from qmdbook.tools import pandoc_path

PANDAS_HTML = """<div><style scoped>.dataframe th {}</style>
<table border="1" class="dataframe">
  <thead><tr style="text-align: right;"><th></th><th>source</th><th>share</th></tr></thead>
  <tbody>
    <tr><th>0</th><td>A|B</td><td>1.50</td></tr>
    <tr><th>1</th><td>C</td><td>-2.25</td></tr>
  </tbody>
</table></div>"""

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()


def ctx(tmp_path, **defaults):
    return EmitContext(tmp_path / "figures", "figures", "ch", defaults)


def pandoc_json(markdown: str) -> dict:
    out = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "json"],
        input=markdown, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def test_html_table_becomes_pipe_table_with_headers_and_alignment():
    md = html_table_to_markdown(PANDAS_HTML)
    assert md.splitlines() == [
        "|  | source | share |",
        "|---:|:---|---:|",
        "| 0 | A\\|B | 1.50 |",
        "| 1 | C | -2.25 |",
    ]
    table = pandoc_json(md)["blocks"][0]
    assert table["t"] == "Table"


def test_html_without_table_is_none():
    assert html_table_to_markdown("<p>hello</p>") is None


def test_multiindex_header_rows_are_joined():
    html = (
        "<table><thead><tr><th></th><th colspan='2'>score</th></tr>"
        "<tr><th>id</th><th>a</th><th>b</th></tr></thead>"
        "<tbody><tr><th>1</th><td>x</td><td>3</td></tr></tbody></table>"
    )
    assert html_table_to_markdown(html).splitlines()[0] == "| id | score a | b |"


def test_labelled_table_cell_gets_div_id_and_caption(tmp_path):
    doc = parse_qmd('```{python}\n#| label: tbl-s\n#| tbl-cap: "Shares"\ndf\n```\n', "c.qmd")
    result = ChapterResult(
        cells={0: [{"output_type": "execute_result", "data": {"text/html": PANDAS_HTML}}]}
    )
    md = emit_chapter(doc, result, ctx(tmp_path, echo=False))
    blocks = pandoc_json(md)["blocks"]
    assert blocks[0]["t"] == "Div" and blocks[0]["c"][0][0] == "tbl-s"
    table = blocks[0]["c"][1][0]
    assert table["t"] == "Table"
    assert table["c"][1][1][0]["c"][0] == {"t": "Str", "c": "Shares"}


def test_labelled_markdown_table_gets_div_id_caption_and_keeps_citations(tmp_path):
    doc = parse_qmd('```{python}\n#| label: tbl-m\n#| tbl-cap: "Sources"\nmd\n```\n', "c.qmd")
    pipe = "| Source | n |\n|:--|--:|\n| [@smith2020] | 3 |"
    result = ChapterResult(
        cells={0: [{"output_type": "display_data", "data": {"text/markdown": pipe}}]}
    )
    md = emit_chapter(doc, result, ctx(tmp_path, echo=False))
    blocks = pandoc_json(md)["blocks"]
    assert blocks[0]["t"] == "Div" and blocks[0]["c"][0][0] == "tbl-m"
    table = blocks[0]["c"][1][0]
    assert table["t"] == "Table"
    assert table["c"][1][1][0]["c"][0] == {"t": "Str", "c": "Sources"}
    assert '"Cite"' in json.dumps(table), "markdown in cells is parsed, so citations work"


def test_unlabelled_markdown_output_passes_through(tmp_path):
    doc = parse_qmd("```{python}\nmd\n```\n", "c.qmd")
    output = {"output_type": "display_data", "data": {"text/markdown": "| a |\n|--|\n| 1 |"}}
    result = ChapterResult(cells={0: [output]})
    md = emit_chapter(doc, result, ctx(tmp_path, echo=False))
    assert pandoc_json(md)["blocks"][0]["t"] == "Table"


def test_figure_written_and_wrapped_with_alt(tmp_path):
    src = '```{python}\n#| label: fig-p\n#| fig-cap: "A plot"\n#| fig-alt: "Bars"\nplot()\n```\n'
    doc = parse_qmd(src, "c.qmd")
    result = ChapterResult(
        cells={0: [{"output_type": "display_data",
                    "data": {"image/png": PNG, "image/svg+xml": "<svg/>"}}]}
    )  # fmt: skip
    md = emit_chapter(doc, result, ctx(tmp_path))
    assert (tmp_path / "figures" / "ch-fig-p-1.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "figures" / "ch-fig-p-1.svg").read_text() == "<svg/>"
    assert '::: {#fig-p}\n![A plot](figures/ch-fig-p-1){alt="Bars"}\n:::' in md
    assert "``` {.python .cell-code}\nplot()\n```" in md  # echo defaults to true


def test_echo_include_warning_and_asis_options(tmp_path):
    src = (
        "```{python}\n#| include: false\nhidden()\n```\n\n"
        "```{python}\n#| echo: false\nshown()\n```\n\n"
        "```{python}\n#| output: asis\nprint('**bold**')\n```\n"
    )
    doc = parse_qmd(src, "c.qmd")
    stream = {"output_type": "stream", "name": "stdout", "text": "out\n"}
    warn = {"output_type": "stream", "name": "stderr", "text": "UserWarning: careful\n"}
    result = ChapterResult(
        cells={
            0: [stream],
            1: [stream, warn],
            2: [{"output_type": "stream", "name": "stdout", "text": "**bold**\n"}],
        }
    )
    md = emit_chapter(doc, result, ctx(tmp_path, warning=False))
    assert "hidden()" not in md
    assert "shown()" not in md
    assert "``` {.cell-output .cell-output-stdout}\nout\n```" in md
    assert "careful" not in md
    assert "\n**bold**\n" in md
    md_warn = emit_chapter(doc, result, ctx(tmp_path))
    assert "careful" in md_warn


def test_inline_values_substituted(tmp_path):
    doc = parse_qmd("We saw `{python} n` cases.\n", "c.qmd")
    md = emit_chapter(doc, ChapterResult(inline={0: "42"}), ctx(tmp_path))
    assert md == "We saw 42 cases.\n"


def test_footnotes_prefixed_outside_code():
    text = "A[^1] and `x[^1]`.\n\n[^1]: Note."
    assert prefix_footnotes(text, "ch") == "A[^ch-1] and `x[^1]`.\n\n[^ch-1]: Note."


def test_a_cells_fig_pos_goes_on_the_figures_div(tmp_path):
    src = '```{python}\n#| label: fig-p\n#| fig-cap: "A plot"\n#| fig-pos: "tbp"\nplot()\n```\n'
    doc = parse_qmd(src, "c.qmd")
    assert not doc.diagnostics  # a supported option, not an unknown or unimplemented one
    result = ChapterResult(
        cells={0: [{"output_type": "display_data", "data": {"image/png": PNG}}]}
    )  # fmt: skip
    md = emit_chapter(doc, result, ctx(tmp_path))
    assert '::: {#fig-p fig-pos="tbp"}\n![A plot](figures/ch-fig-p-1)' in md
