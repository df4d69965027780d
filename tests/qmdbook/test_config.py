"""_quarto.yml to ProjectConfig/BookMeta, and the cache key's sensitivity."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from qmdbook.cache import chapter_key, tree_hash
from qmdbook.config import ConfigError, load_config
from qmdbook.qmd import parse_qmd

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"


@pytest.fixture
def book(tmp_path) -> Path:
    dest = tmp_path / "book"
    shutil.copytree(FIXTURE, dest)
    return dest


def test_fixture_config(book):
    cfg = load_config(book)
    meta = cfg.meta
    assert meta.title == "Fixture Book" and meta.authors == ("Ada Example",)
    assert meta.organisation == "Test Unit" and meta.lang == "en-GB"
    assert meta.downloads == {"pdf": "fixture-book.pdf", "docx": "fixture-book.docx"}
    assert [(e.source, e.part, e.appendix) for e in cfg.entries] == [
        ("index.qmd", None, False),
        ("chapters/methods.qmd", "Evidence", False),
        ("chapters/results.qmd", "Evidence", False),
        ("chapters/discussion.qmd", None, False),
        ("references.qmd", None, False),
        ("chapters/appendix.qmd", None, True),
    ]
    assert cfg.output_dir == book.resolve() / "_site"
    assert cfg.execute == {"echo": False, "warning": False}
    assert set(cfg.formats) == {"html", "typst", "docx"}
    assert cfg.warnings == []


def test_last_modified_date_is_commit_date(book):
    env = {**os.environ, "GIT_COMMITTER_DATE": "2024-05-06T10:00:00+00:00"}
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=book, check=True)
    subprocess.run(["git", "add", "-A"], cwd=book, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=book, check=True, env=env)
    assert load_config(book).meta.date == "2024-05-06"


def test_nonsense_keys_fail_and_missing_chapter_fails(book):
    cfg = book / "_quarto.yml"
    original = cfg.read_text()
    cfg.write_text(original.replace("book:\n", "book:\n  chapterz: []\n"))
    with pytest.raises(ConfigError, match=r"_quarto.yml:6: book.chapterz: .*'chapters'"):
        load_config(book)
    cfg.write_text(original.replace("chapters/discussion.qmd", "chapters/nope.qmd"))
    with pytest.raises(ConfigError, match="chapters/nope.qmd"):
        load_config(book)


def test_cache_key_ignores_prose_but_not_code_or_watched_files(book):
    src = (book / "chapters" / "methods.qmd").read_text()
    watched = tree_hash(book, ("analysis", "data", "references"))
    key = chapter_key(parse_qmd(src, "m"), watched, {})
    prose = src.replace("We followed", "We carefully followed")
    assert chapter_key(parse_qmd(prose, "m"), watched, {}) == key
    code = src.replace("n_sources = len(values)", "n_sources = len(values) + 0")
    assert chapter_key(parse_qmd(code, "m"), watched, {}) != key
    (book / "analysis" / "__init__.py").write_text("SCALE = 3\n", encoding="utf-8")
    assert tree_hash(book, ("analysis", "data", "references")) != watched


def test_a_part_file_gives_the_title_and_its_body_needs_no_warning(book):
    # Its text is shown in every format now (a page of its own on the site).
    (book / "part.qmd").write_text("# Evidence part\n\nAn introduction to the part.\n")
    cfg = book / "_quarto.yml"
    cfg.write_text(cfg.read_text().replace('- part: "Evidence"', "- part: part.qmd"))
    config = load_config(book)
    assert {e.part for e in config.entries} >= {"Evidence part"}
    assert not any("part.qmd" in w.message for w in config.warnings)
    assert {e.part_file for e in config.entries} >= {"part.qmd"}
