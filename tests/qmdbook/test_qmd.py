"""The .qmd parser: front matter, cells and their options, inline expressions, line numbers."""

from __future__ import annotations

import pytest

from qmdbook.qmd import Cell, Prose, QmdError, parse_qmd, replace_inline

SOURCE = """\
---
title: Methods
execute:
  echo: true
---

# Methods {#sec-methods}

We had `{python} n` items, or `{python} f"{share:.0%}"` of them.

```{python}
#| label: fig-a
#| fig-cap: "A plot"
#| colour: red
x = 1
y = 2
```

```python
`{python} never` stays as text
```

````markdown
```{python}
not a cell: inside a longer fence
```
````

Last line `{python} n + 1`.
"""


def test_front_matter_and_cells():
    doc = parse_qmd(SOURCE, "m.qmd")
    assert doc.front_matter == {"title": "Methods", "execute": {"echo": True}}
    assert len(doc.cells) == 1
    cell = doc.cells[0]
    assert cell.code == "x = 1\ny = 2"
    assert cell.options == {"label": "fig-a", "fig-cap": "A plot", "colour": "red"}
    assert cell.label == "fig-a"
    assert (cell.line, cell.code_line) == (11, 15)


def test_inline_expressions_in_order_with_lines():
    doc = parse_qmd(SOURCE, "m.qmd")
    assert [(e.expr, e.line, e.index) for e in doc.inline] == [
        ("n", 9, 0),
        ('f"{share:.0%}"', 9, 1),
        ("n + 1", 29, 2),
    ]


def test_plain_code_blocks_pass_through_untouched():
    doc = parse_qmd(SOURCE, "m.qmd")
    verbatim = [s for s in doc.segments if isinstance(s, Prose) and s.verbatim]
    assert verbatim[0].text == "```python\n`{python} never` stays as text\n```\n"
    assert "not a cell: inside a longer fence" in verbatim[1].text
    assert sum(isinstance(s, Cell) for s in doc.segments) == 1


def test_unknown_option_reported_with_line():
    doc = parse_qmd(SOURCE, "m.qmd")
    assert [str(d) for d in doc.diagnostics] == ["m.qmd:14: unknown cell option 'colour'"]


def test_replace_inline_uses_values_by_index():
    doc = parse_qmd(SOURCE, "m.qmd")
    first = next(s for s in doc.segments if isinstance(s, Prose) and s.inline)
    text = replace_inline(first, {0: "12", 1: "40%"})
    assert "We had 12 items, or 40% of them." in text


def test_escaped_cell_is_shown_not_run():
    doc = parse_qmd("```{{python}}\nprint(1)\n```\n", "e.qmd")
    assert doc.cells == []
    assert doc.segments[0].text.startswith("```{python}\n")


@pytest.mark.parametrize(
    "text, message",
    [
        ("---\ntitle: [\n---\n", "e.qmd:1: invalid YAML"),
        ("text\n\n```{python}\nx = 1\n", "e.qmd:3: code block is not closed"),
        ("```{python}\n#| label: [\nx\n```\n", "e.qmd:2: invalid cell options"),
    ],
)
def test_errors_carry_file_and_line(text, message):
    with pytest.raises(QmdError, match=message):
        parse_qmd(text, "e.qmd")


def test_a_trailing_level_one_heading_is_a_section_not_the_title():
    from qmdbook.assemble import chapter_source, demote_level_one
    from qmdbook.config import ChapterEntry

    doc = parse_qmd("---\ntitle: Notes\n---\n\nSome prose first.\n\n# References\n\nA list.\n",
                    "notes.qmd")
    source = chapter_source(ChapterEntry("notes.qmd"), doc)
    assert source.title == "Notes" and source.id == "sec-notes"
    assert demote_level_one("Text.\n\n# References\n\n```\n# a comment\n```\n") == (
        "Text.\n\n## References\n\n```\n# a comment\n```\n"
    )
