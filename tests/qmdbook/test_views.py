"""The shared pass (views.py): formats share one numbered, cited AST only when they see the same
content; conditional content that differs gives a format its own pass."""

from __future__ import annotations

import json
from pathlib import Path

from qmdbook.build import FILTERS
from qmdbook.views import VIEW_FILTERS, plan, view_pass

ARGS = ["-f", "markdown"]
for _name in VIEW_FILTERS:
    ARGS += ["--lua-filter", str(FILTERS / f"{_name}.lua")]


def _text(ast: Path) -> str:
    return json.dumps(json.loads(ast.read_text(encoding="utf-8"))["blocks"])


def _book(tmp_path: Path, body: str) -> Path:
    book = tmp_path / "book.md"
    book.write_text("# Chapter {#sec-one}\n\nShared words.\n\n" + body, encoding="utf-8")
    return book


def test_html_has_its_own_view_and_print_formats_share_one():
    assert plan(["html", "pdf", "docx"]) == [["html"], ["pdf", "docx"]]
    assert plan(["docx"]) == [["docx"]]


def test_print_formats_share_an_ast_when_their_conditional_content_agrees(tmp_path):
    book = _book(tmp_path, '::: {.content-visible when-format="html"}\nWebonly.\n:::\n')
    views = view_pass(book, ARGS, ["pdf", "docx"], "print")
    assert [v.formats for v in views] == [["pdf", "docx"]]
    assert "Webonly" not in _text(views[0].ast) and "Shared" in _text(views[0].ast)


def test_a_format_whose_conditional_content_differs_gets_its_own_pass(tmp_path):
    book = _book(
        tmp_path,
        '::: {.content-visible when-format="pdf"}\nPdfonly.\n:::\n\n'
        '::: {.content-visible when-format="docx"}\nWordonly.\n:::\n',
    )
    views = view_pass(book, ARGS, ["pdf", "docx"], "print")
    assert [v.formats for v in views] == [["pdf"], ["docx"]]
    pdf, docx = (_text(v.ast) for v in views)
    assert "Pdfonly" in pdf and "Wordonly" not in pdf
    assert "Wordonly" in docx and "Pdfonly" not in docx


def test_docx_bookmarks_are_made_in_a_shared_print_pass_and_dropped_from_html(tmp_path):
    book = _book(tmp_path, '[]{qb-src="ch.qmd:3"}Marked words.\n')
    (shared,) = view_pass(book, ARGS, ["pdf", "docx"], "print")
    assert "w:bookmarkStart" in _text(shared.ast)
    (web,) = view_pass(book, ARGS, ["html"], "web")
    assert "bookmark" not in _text(web.ast) and "qb-src" not in _text(web.ast)


def test_a_build_runs_one_shared_pass_per_view_however_many_formats_it_serves(
    monkeypatch, tmp_path
):
    # Two formats of one view once started a pass each, both writing the view's AST file.
    import threading
    from types import SimpleNamespace

    from qmdbook import build as engine
    from qmdbook.views import View

    passes, lock = [], threading.Lock()

    def counted_pass(book_md, args, formats, name):
        with lock:
            passes.append(tuple(formats))
        return [View(list(formats), tmp_path / f"{name}.json")]

    rendered = {}
    monkeypatch.setattr(engine, "view_pass", counted_pass)
    monkeypatch.setattr(
        engine, "_render_one",
        lambda prepared, fmt, stage, ast: rendered.setdefault(fmt, ast) and [],
    )  # fmt: skip
    prepared = SimpleNamespace(
        book_md=tmp_path / "book.md", pandoc_args=[], report=SimpleNamespace(timings={})
    )
    engine._render_formats(prepared, ["html", "pdf", "docx"], tmp_path, lambda _m: None)
    assert sorted(passes) == [("html",), ("pdf", "docx")]
    assert rendered == {
        "html": tmp_path / "html.json",
        "pdf": tmp_path / "pdf-docx.json",
        "docx": tmp_path / "pdf-docx.json",
    }
