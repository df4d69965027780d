"""Inline values follow Quarto: plain values are escaped text, markdown objects stay markdown."""

from __future__ import annotations

import IPython.display

from qmdbook.execute import INLINE_ESCAPED, SETUP


def _inline_function(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    code = SETUP.format(root="/", figsize=(1, 1), pandas=False, escaped=INLINE_ESCAPED)
    namespace: dict = {}
    exec("def _qb_inline" + code.split("def _qb_inline", 1)[1], namespace)
    return namespace["_qb_inline"], shown


def test_plain_values_are_escaped_so_they_never_become_markup(monkeypatch):
    inline, shown = _inline_function(monkeypatch)
    inline("a *b* [@key] 5_6 $7 <x>")
    inline(42)
    text = shown[0]["text/markdown"]
    assert text == r"a \*b\* \[\@key\] 5\_6 \$7 \<x\>"
    assert shown[1]["text/markdown"] == "42"


def test_markdown_objects_pass_through(monkeypatch):
    from analysis.stats import cite

    inline, shown = _inline_function(monkeypatch)
    inline(IPython.display.Markdown("**bold**"))
    inline(cite(["a2020", "b2021"]))
    assert [s["text/markdown"] for s in shown] == ["**bold**", "[@a2020; @b2021]"]
