"""What each chapter's shortcodes read: its metadata, the book's variables, the other chapters."""

from __future__ import annotations

from pathlib import Path

from .assemble import ChapterSource
from .config import ProjectConfig
from .embed import Embedder
from .execute import ChapterResult
from .shortcodes import ShortcodeContext, read_variables

# _quarto.yml sections that configure the engine rather than describe the document.
_NOT_METADATA = ("project", "format", "execute")


def chapter_meta(config: ProjectConfig, source: ChapterSource) -> dict:
    """Quarto's view of a chapter's metadata: _quarto.yml's, then the chapter's front matter."""
    meta = {k: v for k, v in config.raw.items() if k not in _NOT_METADATA}
    meta.update(source.doc.front_matter)
    meta.setdefault("title", source.title)
    return meta


def chapter_shortcodes(
    config: ProjectConfig,
    sources: list[ChapterSource],
    results: list[ChapterResult | None],
    fig_dir: Path,
) -> list[ShortcodeContext]:
    from .build import chapter_defaults

    variables = read_variables(config.root)
    chapters = {
        s.entry.source: (s.doc, r, chapter_defaults(config, s.doc.front_matter))
        for s, r in zip(sources, results, strict=True)
    }
    embed = Embedder(config.root, chapters, fig_dir, "figures")
    return [ShortcodeContext(chapter_meta(config, s), variables, embed) for s in sources]
