"""Inline values follow Quarto: plain values are escaped text, markdown objects stay markdown.

All of a chapter's inline expressions are evaluated by one helper in one cell; its values come
back as one JSON display, keyed by the expression's position in the document.
"""

from __future__ import annotations

import IPython.display

from qmdbook.execute import INLINE_ESCAPED, INLINE_FAILED, INLINE_VALUES, SETUP


def _inline_all(monkeypatch):
    shown: list[dict] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    code = SETUP.format(root="/", figsize=(1, 1), pandas=False, escaped=INLINE_ESCAPED,
                        values=INLINE_VALUES, failed=INLINE_FAILED)
    namespace: dict = {}
    exec("def _qb_inline_text" + code.split("def _qb_inline_text", 1)[1], namespace)
    return namespace["_qb_inline_all"], shown


def test_plain_values_are_escaped_so_they_never_become_markup(monkeypatch):
    inline_all, shown = _inline_all(monkeypatch)
    inline_all([(0, "'a *b* [@key] 5_6 $7 <x>'"), (1, "6 * 7")], {})
    values = shown[-1][INLINE_VALUES]
    assert values == {"0": r"a \*b\* \[\@key\] 5\_6 \$7 \<x\>", "1": "42"}


def test_markdown_objects_pass_through(monkeypatch):
    from analysis.stats import cite

    inline_all, shown = _inline_all(monkeypatch)
    namespace = {"Markdown": IPython.display.Markdown, "cite": cite}
    inline_all([(3, "Markdown('**bold**')"), (4, "cite(['a2020', 'b2021'])")], namespace)
    assert shown[-1][INLINE_VALUES] == {"3": "**bold**", "4": "[@a2020; @b2021]"}


def test_the_failing_expression_is_named_before_the_error(monkeypatch):
    inline_all, shown = _inline_all(monkeypatch)
    try:
        inline_all([(0, "1"), (1, "undefined_name")], {})
    except NameError:
        pass
    else:
        raise AssertionError("the error must propagate")
    assert shown == [{INLINE_FAILED: {"index": 1}}]
