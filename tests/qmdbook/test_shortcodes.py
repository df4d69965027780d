"""Shortcodes without a kernel: includes with their own line numbers, prose shortcodes, strict."""

from __future__ import annotations

import pytest

from qmdbook.build import BuildError, prepare
from qmdbook.qmd import QmdError
from qmdbook.shortcodes import ShortcodeContext, expand_shortcodes, parse_shortcode, read_chapter

BOOK_YML = """\
project: {type: book}
book:
  title: Tiny
  date: "2026-01-01"
  chapters: [index.qmd]
"""


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_arguments_are_split_like_quarto():
    sc = parse_shortcode('video "a b.mp4" title="A title" start=10')
    assert (sc.name, sc.args) == ("video", ("a b.mp4",))
    assert sc.kwargs == {"title": "A title", "start": "10"}


def test_nested_includes_are_relative_and_keep_their_own_lines(tmp_path):
    write(tmp_path, "ch.qmd", "# Ch\n\n{{< include parts/a.qmd >}}\n\nEnd.\n")
    write(tmp_path, "parts/a.qmd", "A line.\n{{< include deeper/b.qmd >}}\n")
    write(tmp_path, "parts/deeper/b.qmd", "B line.\n\n```{python}\n#| bogus-option: 1\n1\n```\n")
    doc = read_chapter(tmp_path, "ch.qmd")
    text = "".join(s.text for s in doc.segments if hasattr(s, "text"))
    assert "A line." in text and "B line." in text and "End." in text
    assert [str(d) for d in doc.diagnostics] == [
        "parts/deeper/b.qmd:4: unknown cell option 'bogus-option'"
    ]
    assert doc.where(doc.cells[0].line) == ("parts/deeper/b.qmd", 3)


def test_missing_and_cyclic_includes_name_the_including_line(tmp_path):
    write(tmp_path, "ch.qmd", "# Ch\n\n{{< include nope.qmd >}}\n")
    with pytest.raises(QmdError, match=r"^ch.qmd:3: included file not found: nope.qmd"):
        read_chapter(tmp_path, "ch.qmd")
    write(tmp_path, "a.qmd", "{{< include b.qmd >}}\n")
    write(tmp_path, "b.qmd", "x\n{{< include a.qmd >}}\n")
    with pytest.raises(QmdError, match=r"b.qmd:2: include cycle"):
        read_chapter(tmp_path, "a.qmd")


def test_unknown_and_unsupported_shortcodes_are_reported_never_raw():
    ctx = ShortcodeContext(meta={"title": "T"}, variables={}, env={})
    text = "Line one.\nA {{< nosuch thing >}} and {{< lipsum 2 >}} and {{< var missing >}}.\n"
    out = expand_shortcodes(text, lambda offset: ("ch.qmd", 10 + text.count("\n", 0, offset)), ctx)
    assert "{{<" not in out and "**?nosuch**" in out
    assert [str(d) for d in ctx.diagnostics] == [
        "ch.qmd:11: unknown shortcode 'nosuch'",
        "ch.qmd:11: shortcode 'lipsum' is not supported by qmdbook",
        "ch.qmd:11: var shortcode: no 'missing' in _variables.yml",
    ]


def test_meta_lists_and_nested_keys():
    ctx = ShortcodeContext(meta={"author": [{"name": "A"}, {"name": "B"}], "a": {"b.c": 1}},
                           variables={}, env={})
    out = expand_shortcodes("{{< meta author >}}; {{< meta a.b\\.c >}}", lambda _o: ("x", 1), ctx)
    assert out == "A, B; 1" and not ctx.diagnostics


def test_unknown_shortcode_warns_and_fails_with_strict(tmp_path):
    write(tmp_path, "_quarto.yml", BOOK_YML)
    write(tmp_path, "index.qmd", "# Home\n\nText.\n\n{{< frobnicate >}}\n")
    said: list[str] = []
    prepared = prepare(tmp_path, log=said.append)
    assert said == ["warning: index.qmd:5: unknown shortcode 'frobnicate'"]
    assert "**?frobnicate**" in prepared.book_md.read_text()
    with pytest.raises(BuildError, match="--strict"):
        prepare(tmp_path, strict=True, log=lambda _m: None)


def test_book_level_options_in_a_chapter_are_reported(tmp_path):
    write(tmp_path, "_quarto.yml", BOOK_YML)
    write(tmp_path, "index.qmd", "---\ntitle: Home\nsuppress-bibliography: true\n---\n\nText.\n")
    said: list[str] = []
    prepare(tmp_path, log=said.append)
    assert said == [
        "warning: index.qmd:3: 'suppress-bibliography' in a chapter's front matter is not "
        "supported by qmdbook; set it in _quarto.yml"
    ]


def test_book_wide_number_sections_false_is_reported(tmp_path):
    write(tmp_path, "_quarto.yml", BOOK_YML + "format:\n  html:\n    number-sections: false\n")
    write(tmp_path, "index.qmd", "# Home\n\nText.\n")
    said: list[str] = []
    prepare(tmp_path, log=said.append)
    assert said == [
        "warning: _quarto.yml:8: number-sections: false for the whole book is not supported by "
        "qmdbook; unnumber chapters in their front matter (number-sections: false) instead"
    ]
