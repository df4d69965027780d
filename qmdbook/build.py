"""Orchestrates a book build: parse, execute (cached), emit, assemble, render, publish safely."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import yaml

from . import book_checks, cache
from .assemble import ChapterSource, assemble, book_chapters, chapter_source, locate
from .book_shortcodes import chapter_shortcodes
from .config import ProjectConfig, load_config
from .crossref_options import crossref_options, front_matter_problems
from .emit import EmitContext, emit_chapter
from .execute import ChapterResult, ExecutionError, execute_many, needs_execution
from .freeze import invalidate_stale
from .meta import BookMeta
from .qmd import QmdError
from .shortcodes import read_chapter
from .sources import SourceError
from .tools import ToolError, pandoc_path, pandoc_version, typst_version
from .views import FORMAT_FILTERS, VIEW_FILTERS, View, plan, view_pass

FILTERS = Path(__file__).parent / "filters"
FORMATS = ("html", "pdf", "docx")
# The filters in the order they run: VIEW_FILTERS, then citeproc, then FORMAT_FILTERS and
# post.lua (filters/README.md gives each one's contract; views.py why the passes split there).
FILTER_ORDER = (*VIEW_FILTERS, *FORMAT_FILTERS)
_FORMAT_OF_CONFIG = {"html": "html", "typst": "pdf", "docx": "docx"}

Log = Callable[[str], None]


class BuildError(RuntimeError):
    """The build failed; the previous output is untouched. The message says why and where."""


@dataclass
class BuildReport:
    engine: str
    formats: list[str]
    output_dir: Path
    book_md: Path | None = None
    executed_chapters: list[str] = field(default_factory=list)
    executed_cells: int = 0
    cached_chapters: list[str] = field(default_factory=list)
    diagnostics: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Prepared:
    """Everything up to book.md: what every format is rendered from."""

    config: ProjectConfig
    meta: BookMeta
    book_md: Path
    pandoc_args: list[str]  # the shared pass: book.md to a numbered, cited AST (views.py)
    diagnostics_file: Path
    report: BuildReport
    format_args: list[str] = field(default_factory=list)  # each format's pass, from that AST


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def versions(quarto: str | None = None) -> str:
    parts = [
        f"pandoc {pandoc_version()}",
        f"Typst {typst_version()}",
        f"Python {platform.python_version()}",
    ]
    if quarto:
        parts.append(f"Quarto {quarto}")
    return ", ".join(parts)


def chapter_defaults(config: ProjectConfig, front_matter: dict) -> dict:
    """Execute options: _quarto.yml's, overridden by the chapter's front matter."""
    merged = {k: v for k, v in config.execute.items() if k not in ("cache", "freeze", "enabled")}
    fm_exec = front_matter.get("execute") or {}
    if isinstance(fm_exec, dict):
        merged.update({k: v for k, v in fm_exec.items() if k not in ("cache", "freeze")})
    # Document-level code folding: the HTML format's option, then the chapter's front matter.
    for key in ("code-fold", "code-summary"):
        if key in config.formats.get("html", {}):
            merged[key] = config.formats["html"][key]
    for key in ("echo", "warning", "error", "output", "include", "fig-width", "fig-height",
                "code-fold", "code-summary"):
        if key in front_matter:
            merged[key] = front_matter[key]
    return merged


def _resource_path(config: ProjectConfig, work: Path) -> str:
    root = config.root
    dirs = [work, root, *sorted({(root / e.source).parent for e in config.entries})]
    return f"--resource-path={os.pathsep.join(str(d) for d in dict.fromkeys(dirs))}"


def _pandoc_args(config: ProjectConfig, work: Path, diagnostics: Path) -> list[str]:
    """The shared pass's arguments: read book.md, number, link and cite it."""
    root = config.root
    args = ["-f", "markdown"]
    for name in VIEW_FILTERS:
        args += ["--lua-filter", str(FILTERS / f"{name}.lua")]
    args.append("--citeproc")
    for bib in config.bibliography:
        args += ["--bibliography", str((root / bib).resolve())]
    if config.csl:
        args += ["--csl", str((root / config.csl).resolve())]
    args += [
        _resource_path(config, work),
        "--metadata",
        f"lang={config.meta.lang}",
        "-M",
        "link-citations=true",
        "-M",
        f"qmdbook-diagnostics={diagnostics}",
    ]
    return args


def _format_args(config: ProjectConfig, work: Path) -> list[str]:
    """Each format's pass: read the shared AST, apply the format filters, then post.lua."""
    args = ["-f", "json"]
    for name in FORMAT_FILTERS:
        args += ["--lua-filter", str(FILTERS / f"{name}.lua")]
    return [*args, _resource_path(config, work), "--lua-filter", str(FILTERS / "post.lua")]


def prepare(
    project: Path,
    strict: bool = False,
    workers: int = 2,
    log: Log = _stderr,
    config: ProjectConfig | None = None,
) -> Prepared:
    """Parse, execute (through the cache), emit and assemble the book into `_build/.../book.md`."""
    t0 = time.perf_counter()
    config = config or load_config(project)
    report = BuildReport("builtin", [], config.output_dir)
    for w in config.warnings:
        log(f"warning: {w.path}: {w.message}")

    sources: list[ChapterSource] = []
    for entry in config.entries:
        try:
            doc = read_chapter(config.root, entry.source)
        except (QmdError, SourceError) as exc:
            raise BuildError(str(exc)) from None
        text = (config.root / entry.source).read_text(encoding="utf-8")
        for d in [*doc.diagnostics, *front_matter_problems(entry.source, text, doc.front_matter)]:
            report.diagnostics.append(str(d))
            log(f"{'error' if strict else 'warning'}: {d}")
        sources.append(chapter_source(entry, doc))
    missing = [str(d) for d in book_checks.missing_images(sources, config.root)]
    if missing:  # every renderer stops on these, so they are errors even in a draft
        raise BuildError(_refusal(missing, "missing image(s)", draft_too=True))
    for d in book_checks.duplicate_ids(sources, config.root):
        report.diagnostics.append(str(d))
        log(f"{'error' if strict else 'warning'}: {d}")
    if strict and report.diagnostics:
        raise BuildError(_refusal(report.diagnostics, "problem(s) in the sources"))

    results = _execute(config, sources, workers, report, log)
    report.timings["execute"] = time.perf_counter() - t0

    work = config.build_dir / "qmdbook" / "work"
    if work.exists():
        shutil.rmtree(work)
    fig_dir = work / "figures"
    work.mkdir(parents=True)
    bodies = []
    try:
        shortcode_contexts = chapter_shortcodes(config, sources, results, fig_dir)
    except QmdError as exc:
        raise BuildError(str(exc)) from None
    for s, result, codes in zip(sources, results, shortcode_contexts, strict=True):
        stem = Path(s.entry.source).with_suffix("").as_posix().replace("/", "-")
        defaults = chapter_defaults(config, s.doc.front_matter)
        ctx = EmitContext(
            fig_dir, "figures", stem, defaults, shortcodes=codes, source_positions=True
        )
        bodies.append(emit_chapter(s.doc, result, ctx))
        for d in codes.diagnostics:
            report.diagnostics.append(str(d))
            log(f"{'error' if strict else 'warning'}: {d}")
    if strict and report.diagnostics:
        raise BuildError(f"--strict: {len(report.diagnostics)} problem(s) in the sources")
    meta = replace(config.meta, chapters=book_chapters(sources))
    book_md = work / "book.md"
    book_md.write_text(assemble(meta, sources, bodies, config.root), encoding="utf-8")
    diagnostics = work / "diagnostics.tsv"
    report.book_md = book_md
    pandoc_args = _pandoc_args(config, work, diagnostics)
    crossref, problems = crossref_options(config.raw, config.root)
    for d in problems:
        report.diagnostics.append(str(d))
        log(f"{'error' if strict else 'warning'}: {d}")
    if strict and problems:
        raise BuildError(f"--strict: {len(problems)} problem(s) in _quarto.yml")
    # The filters' view of _quarto.yml: crossref options, and flags for when-meta conditions.
    flags = {k: v for k, v in config.raw.items() if isinstance(v, bool)}
    (work / "filter-meta.yml").write_text(
        yaml.safe_dump({"qmdbook-crossref": crossref, "qmdbook-flags": flags}, sort_keys=True),
        encoding="utf-8",
    )
    pandoc_args[2:2] = ["--metadata-file", str(work / "filter-meta.yml")]
    report.timings["prepare"] = time.perf_counter() - t0
    return Prepared(
        config, meta, book_md, pandoc_args, diagnostics, report, _format_args(config, work)
    )


def _execute(
    config: ProjectConfig,
    sources: list[ChapterSource],
    workers: int,
    report: BuildReport,
    log: Log,
) -> list[ChapterResult | None]:
    enabled = config.execute.get("enabled", True) is not False
    use_cache = config.execute.get("cache", True) is not False
    freeze = config.execute.get("freeze", False)
    watched = cache.tree_hash(config.root, config.watch)
    results: list[ChapterResult | None] = [None] * len(sources)
    jobs, job_index, keys = [], [], {}
    for i, s in enumerate(sources):
        defaults = chapter_defaults(config, s.doc.front_matter)
        if not enabled or not needs_execution(s.doc, defaults):
            continue
        key = cache.chapter_key(s.doc, watched, defaults)
        keys[i] = key
        hit = None
        if use_cache or freeze is True:
            hit = cache.load(config.cache_dir, s.entry.source, None if freeze is True else key)
        if hit is not None:
            results[i] = hit
            report.cached_chapters.append(s.entry.source)
            continue
        jobs.append((s.doc, defaults))
        job_index.append(i)
    if jobs:
        names = ", ".join(sources[i].entry.source for i in job_index)
        log(f"executing {len(jobs)} chapter(s): {names}")
        try:
            done = execute_many(jobs, config.root, workers=workers)
        except ExecutionError as exc:
            raise BuildError(str(exc)) from None
        for i, result in zip(job_index, done, strict=True):
            results[i] = result
            report.executed_chapters.append(sources[i].entry.source)
            report.executed_cells += result.executed_cells
            if use_cache:
                cache.store(config.cache_dir, sources[i].entry.source, keys[i], result)
    return results


_PUBLISHED = "published.json"


PACKAGE = Path(__file__).parent  # templates, filters, assets and the engine's own code
_IMAGE = re.compile(r"!\[[^\]]*\]\(<?([^)\s>]+)")


def _render_inputs(prepared: Prepared) -> list[Path]:
    """Project files a render reads besides book.md: _quarto.yml, every file named in the
    pandoc arguments (bibliography, CSL) and the images the chapters link to."""
    root = prepared.config.root
    found = [root / "_quarto.yml"]
    named = [Path(a) for a in prepared.pandoc_args if os.path.isabs(a) and Path(a).is_file()]
    # The filters are hashed with the rest of the engine, by their place in the package.
    found += [p for p in named if not p.is_relative_to(Path(__file__).parent)]
    book = prepared.book_md.read_text(encoding="utf-8")
    chapter_dirs = {(root / e.source).parent for e in prepared.config.entries}
    dirs = [prepared.book_md.parent, root, *sorted(chapter_dirs)]
    for target in dict.fromkeys(_IMAGE.findall(book)):
        if "://" in target:
            continue
        hit = next((d / target for d in dirs if (d / target).is_file()), None)
        if hit is not None:
            found.append(hit)
    return sorted(set(found))


def _render_fingerprint(prepared: Prepared, formats: list[str]) -> str:
    """Everything a render reads: the assembled book, its figures, the bibliography and style,
    _quarto.yml, linked images, the arguments, the engine's files and the tools' versions.

    Equal fingerprints mean the renderers would write the same files again (builds are
    byte-reproducible), so a no-change rebuild can skip pandoc and Typst altogether.
    """
    digest = hashlib.sha256()
    # Paths enter relative to the project, so a moved or copied project keeps its fingerprint.
    root = str(prepared.config.root)
    settings = "\0".join(
        [*formats, *prepared.pandoc_args, *prepared.format_args, repr(prepared.meta), versions()]
    )
    digest.update(settings.replace(root, "<project>").encode())
    work = prepared.book_md.parent
    files = [(work, p) for p in sorted(work.rglob("*"))]
    files += [(PACKAGE, p) for p in sorted(PACKAGE.rglob("*"))]
    files += [(prepared.config.root, p) for p in _render_inputs(prepared)]
    for base, path in files:
        if path.is_file() and "__pycache__" not in path.parts and path.is_relative_to(base):
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(path.read_bytes().replace(root.encode(), b"<project>"))
        elif path.is_file():  # a bibliography outside the project: its absolute path is its name
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _unchanged_since_publish(stage_root: Path, fingerprint: str, output_dir: Path) -> bool:
    try:
        record = json.loads((stage_root / _PUBLISHED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("fingerprint") == fingerprint and all(
        (output_dir / name).is_file() for name in record.get("files", [])
    )


def _record_publish(
    stage_root: Path, fingerprint: str, files: list[Path], stage: Path, diagnostics: list[str]
) -> None:
    record = {
        "fingerprint": fingerprint,
        "files": sorted(f.relative_to(stage).as_posix() for f in files),
        "diagnostics": diagnostics,
    }
    (stage_root / _PUBLISHED).write_text(json.dumps(record, indent=1), encoding="utf-8")


def _refusal(found: list[str], what: str, draft_too: bool = False) -> str:
    """Why a build stops: every problem, by file and line."""
    listed = "\n".join(f"  {d}" for d in found)
    why = "" if draft_too else (
        "; a publishing build stops on these (`qmdbook preview` or --draft only warns)"
    )
    return f"{len(found)} {what}{why}:\n{listed}"


def _replay_diagnostics(stage_root: Path, strict: bool, log: Log) -> list[str]:
    """A skipped render still reports what the last one found, so warnings never go quiet."""
    record = json.loads((stage_root / _PUBLISHED).read_text(encoding="utf-8"))
    found = record.get("diagnostics", [])
    for d in found:
        log(f"{'error' if strict else 'warning'}: {d}")
    if strict and found:
        raise BuildError(_refusal(found, "unresolved reference(s)"))
    return found


def read_diagnostics(prepared: Prepared) -> list[str]:
    """The filters' findings as `file:line: message`, each once, in a stable order."""
    try:
        lines = prepared.diagnostics_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in dict.fromkeys(lines):
        kind, source, key, message = (line.split("\t") + ["", "", "", ""])[:4]
        where = source or "<book>"
        if kind == "option":
            # A filter's report of an attribute it does not support: `message` says which.
            if source:
                where = f"{source}:{locate(prepared.config.root / source, key, prefix='')}"
            out.append(f"{where}: {message}")
            continue
        if source:
            where = f"{source}:{locate(prepared.config.root / source, key)}"
        what = "cross-reference" if kind == "xref" else "citation"
        out.append(f"{where}: unresolved {what} @{key}")
    return sorted(out)


def _source_date_epoch(iso_date: str) -> str | None:
    try:
        when = datetime.fromisoformat(iso_date[:10]).replace(tzinfo=UTC)
    except ValueError:
        return None
    return str(int(when.timestamp()))


def _render(prepared: Prepared, formats: list[str], stage: Path, log: Log) -> list[Path]:
    """Render each format into `stage`; return the files written."""
    # pandoc stamps DOCX (and other zips) with the time unless SOURCE_DATE_EPOCH is set: the
    # book's date makes two builds of one commit byte-identical.
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or _source_date_epoch(prepared.meta.date)
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        return _render_formats(prepared, formats, stage, log)
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _render_one(prepared: Prepared, fmt: str, stage: Path, ast: Path) -> list[Path]:
    """Render one format from its view's AST."""
    meta, args = prepared.meta, prepared.format_args
    if fmt == "html":
        from .html import build_html

        return build_html(
            ast, stage, meta, args, prepared.config.formats.get("html"), prepared.config.root
        )
    if fmt == "pdf":
        from .pdf import build_pdf

        out = stage / meta.downloads.get("pdf", "book.pdf")
        build_pdf(ast, out, meta, args)
        return [out]
    from .docx import build_docx

    out = stage / meta.downloads.get("docx", "book.docx")
    build_docx(ast, out, meta, args)
    return [out]


def _render_formats(prepared: Prepared, formats: list[str], stage: Path, log: Log) -> list[Path]:
    """Render the formats side by side: one shared pass per view, then each format from its
    view's AST (each writes only its own files into `stage`); the first failure, in format
    order, is raised."""
    timings = prepared.report.timings

    def shared(group: list[str]) -> list[View]:
        t = time.perf_counter()
        try:
            return view_pass(prepared.book_md, prepared.pandoc_args, group, "-".join(group))
        finally:
            timings["view " + "+".join(group)] = time.perf_counter() - t

    groups = plan(formats)
    with ThreadPoolExecutor(max_workers=len(groups) + len(formats)) as pool:
        passes = [pool.submit(shared, g) for g in groups]  # one shared pass per view
        made = {f: done for g, done in zip(groups, passes, strict=True) for f in g}

        def timed(fmt: str) -> list[Path]:
            views = made[fmt].result()
            ast = next(v.ast for v in views if fmt in v.formats)
            t = time.perf_counter()
            try:
                return _render_one(prepared, fmt, stage, ast)
            finally:
                timings[fmt] = time.perf_counter() - t

        futures = {fmt: pool.submit(timed, fmt) for fmt in formats}
    files: list[Path] = []
    for fmt, future in futures.items():
        try:
            files += future.result()
        except (ToolError, RuntimeError, OSError, ValueError) as exc:
            raise BuildError(f"{fmt}: {exc}") from None
        log(f"{fmt}: done in {timings[fmt]:.1f} s")
    return files


def publish(stage: Path, output_dir: Path) -> None:
    """Swap `stage` into `output_dir` with renames only, so readers never see a half site."""
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if output_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=".old-", dir=stage.parent))
        old.rmdir()
        output_dir.rename(old)
    try:
        stage.rename(output_dir)
    except OSError:
        if old is not None:
            old.rename(output_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _carry_downloads(meta: BookMeta, formats: list[str], output_dir: Path, stage: Path) -> dict:
    """Downloads not rebuilt this time stay published if the previous site had them."""
    downloads = {}
    for fmt, name in meta.downloads.items():
        if fmt in formats:
            downloads[fmt] = name
        elif (output_dir / name).is_file():
            shutil.copy2(output_dir / name, stage / name)
            downloads[fmt] = name
    return downloads


def _quarto_version() -> str | None:
    exe = shutil.which("quarto")
    if not exe:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def _build_with_quarto(
    config: ProjectConfig, formats: list[str], log: Log, qversion: str
) -> BuildReport:
    report = BuildReport("quarto", formats, config.output_dir)
    log(f"engine: quarto ({versions(qversion)})")
    stage_root = config.build_dir / "qmdbook"
    stage_root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=stage_root))
    plan = None
    if config.execute.get("freeze") == "auto":
        plan = invalidate_stale(config, lambda fm: chapter_defaults(config, fm), log)
    command = ["quarto", "render", str(config.root), "--output-dir", str(stage)]
    configured = {_FORMAT_OF_CONFIG[f] for f in config.formats}
    if set(formats) != configured:  # all configured formats is Quarto's own default
        command += ["--to", ",".join("typst" if f == "pdf" else f for f in formats)]
    proc = subprocess.run(command, cwd=config.root)
    if proc.returncode != 0:
        shutil.rmtree(stage, ignore_errors=True)
        raise BuildError(f"quarto render failed ({proc.returncode}); previous output kept")
    publish(stage, config.output_dir)
    if plan is not None:
        plan.commit()
    return report


def build(
    project: Path | str = ".",
    formats: Iterable[str] | None = None,
    strict: bool = False,
    engine: str = "auto",
    workers: int = 2,
    log: Log = _stderr,
) -> BuildReport:
    """Build the book at `project` into its output-dir; raise BuildError (output untouched)."""
    t0 = time.perf_counter()
    config = load_config(Path(project))
    configured = [_FORMAT_OF_CONFIG[f] for f in config.formats]
    wanted = list(formats) if formats else configured
    for f in wanted:
        if f not in FORMATS:
            raise BuildError(f"unknown format '{f}' (choose from {', '.join(FORMATS)})")
    wanted = [f for f in FORMATS if f in wanted]  # html first: the site is the output dir

    qversion = _quarto_version() if engine in ("auto", "quarto") else None
    if engine == "quarto" and not qversion:
        raise BuildError("--engine quarto: quarto is not on PATH")
    if qversion:
        return _build_with_quarto(config, wanted, log, qversion)
    if engine not in ("auto", "builtin"):
        raise BuildError(f"unknown engine '{engine}' (auto, quarto or builtin)")

    log(f"engine: builtin qmdbook ({versions()}, pandoc at {pandoc_path()})")
    prepared = prepare(config.root, strict=strict, workers=workers, log=log, config=config)
    report = prepared.report
    report.formats = wanted

    stage_root = config.build_dir / "qmdbook"
    fingerprint = _render_fingerprint(prepared, wanted)
    if _unchanged_since_publish(stage_root, fingerprint, config.output_dir):
        report.diagnostics += _replay_diagnostics(stage_root, strict, log)
        report.timings["total"] = time.perf_counter() - t0
        log(f"output unchanged since the last build: {config.output_dir} left as it is")
        return report
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=stage_root))
    try:
        meta = replace(
            prepared.meta,
            downloads=_carry_downloads(prepared.meta, wanted, config.output_dir, stage),
        )
        prepared.meta = meta
        report.files = _render(prepared, wanted, stage, log)
        found = read_diagnostics(prepared)
        for d in found:
            log(f"{'error' if strict else 'warning'}: {d}")
        report.diagnostics += found
        if strict and found:
            raise BuildError(_refusal(found, "unresolved reference(s) or unsupported feature(s)"))
        if "html" not in wanted and config.output_dir.is_dir():
            # Without a new site, the previous one stays and only the downloads are replaced.
            for name in os.listdir(config.output_dir):
                if not (stage / name).exists():
                    src = config.output_dir / name
                    copy = shutil.copytree if src.is_dir() else shutil.copy2
                    copy(src, stage / name)
        publish(stage, config.output_dir)
        _record_publish(stage_root, fingerprint, report.files, stage, found)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    report.files = [config.output_dir / f.relative_to(stage) for f in report.files]
    report.timings["total"] = time.perf_counter() - t0
    log(
        f"built {', '.join(wanted)} into {config.output_dir} in {report.timings['total']:.1f} s "
        f"({len(report.executed_chapters)} chapter(s), {report.executed_cells} cell(s) executed)"
    )
    return report
