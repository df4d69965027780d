"""_quarto.yml checked against the keys Quarto documents for books, with file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qmdbook.config import ConfigError, load_config
from qmdbook.config_schema import BOOK_KEYS, check, key_lines

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"


@pytest.fixture
def book(tmp_path) -> Path:
    dest = tmp_path / "book"
    shutil.copytree(FIXTURE, dest)
    return dest


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_review_and_the_fixture_pass_the_schema():
    for config in (ROOT / "_quarto.yml", FIXTURE / "_quarto.yml"):
        import yaml

        text = config.read_text(encoding="utf-8")
        assert check(yaml.safe_load(text), text) == []


def test_misspelt_chapters_is_an_error_with_line_and_suggestion(book):
    # The gutted-book case: `chapter:` for `chapters:` used to build only the appendices.
    cfg = book / "_quarto.yml"
    text = cfg.read_text().replace("  chapters:\n    - index.qmd", "  chapter:\n    - index.qmd")
    cfg.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(book)
    message = str(err.value)
    line = _line_of(text, "  chapter:")
    assert f"_quarto.yml:{line}: book.chapter: unknown key" in message
    assert "did you mean 'chapters'?" in message
    assert "book.chapters: is missing" in message


def test_empty_chapter_list_is_an_error(book):
    cfg = book / "_quarto.yml"
    text = cfg.read_text()
    start = text.index("  chapters:\n")
    end = text.index("  appendices:")
    text = text[:start] + "  chapters: []\n" + text[end:]
    cfg.write_text(text)
    with pytest.raises(
        ConfigError,
        match=rf"_quarto.yml:{_line_of(text, 'chapters: []')}: "
        r"book.chapters: is empty",
    ):
        load_config(book)


@pytest.mark.parametrize(
    ("old", "new", "where", "suggestion"),
    [
        ("output-dir: _site", "output-dri: _site", "project.output-dri", "output-dir"),
        ("  echo: false", "  ecko: false", "execute.ecko", "echo"),
        ("bibliography:", "bibliograpy:", "bibliograpy", "bibliography"),
        ("  html: {}", "  htm: {}", "format.htm", "html"),
        (
            '- part: "Evidence"\n      chapters:',
            '- part: "Evidence"\n      chapter:',
            "book.chapters[2].chapter",
            "chapters",
        ),
    ],
)
def test_unknown_keys_name_line_and_the_likely_key(book, old, new, where, suggestion):
    cfg = book / "_quarto.yml"
    text = cfg.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    cfg.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(book)
    line = _line_of(text, new.splitlines()[-1].strip())
    assert f"_quarto.yml:{line}: {where}: " in str(err.value)
    assert f"did you mean '{suggestion}'?" in str(err.value)


def test_free_top_level_metadata_is_still_allowed(book):
    cfg = book / "_quarto.yml"
    cfg.write_text(cfg.read_text() + "organisation: Test Unit\nfunder: Nobody\n")
    assert load_config(book).meta.title == "Fixture Book"


def test_documented_book_keys_are_accepted():
    for key in (
        "chapters",
        "appendices",
        "references",
        "output-file",
        "downloads",
        "sidebar",
        "cover-image",
        "repo-actions",
        "page-navigation",
        "search",
    ):
        assert key in BOOK_KEYS


def test_key_lines_follow_nesting():
    text = "book:\n  title: x\n  chapters:\n    - a.qmd\n    - part: P\n      chapters: [b.qmd]\n"
    lines = key_lines(text)
    assert lines[("book",)] == 1 and lines[("book", "chapters")] == 3
    assert lines[("book", "chapters", 1, "part")] == 5


def test_non_utf8_quarto_yml_names_file_and_line(book):
    cfg = book / "_quarto.yml"
    data = cfg.read_bytes().replace(b'"Fixture Book"', b'"Fixture B\xf6ok"')
    cfg.write_bytes(data)
    line = data[: data.index(b"\xf6")].count(b"\n") + 1
    with pytest.raises(ConfigError, match=rf"_quarto.yml:{line}:\d+: byte 0xf6 is not UTF-8"):
        load_config(book)
