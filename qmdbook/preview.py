"""`qmdbook preview`: serve the output dir on localhost and rebuild the HTML on save."""

from __future__ import annotations

import http.server
import sys
import threading
from pathlib import Path

from .build import BuildError, build
from .config import load_config

WATCHED = ("report", "analysis", "data", "references", "_quarto.yml")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def _rebuild(project: Path, **kwargs) -> None:
    try:
        build(project, ["html"], **kwargs)
    except BuildError as exc:
        print(f"qmdbook: build failed, still serving the previous site:\n{exc}", file=sys.stderr)


def watch_paths(project: Path) -> list[Path]:
    config = load_config(project)
    names = set(WATCHED) | set(config.watch)
    names |= {Path(e.source).parts[0] for e in config.entries}
    return sorted(project / n for n in names if (project / n).exists())


def preview(
    project: Path, port: int = 4848, watch: bool = True, strict: bool = False,
    engine: str = "auto", workers: int = 2,
) -> int:  # fmt: skip
    """Build the HTML, serve it at http://127.0.0.1:port/ and rebuild on change until Ctrl-C."""
    project = project.resolve()
    kwargs = {"strict": strict, "engine": engine, "workers": workers}
    _rebuild(project, **kwargs)
    config = load_config(project)
    # The handler resolves the directory by path on every request, so it follows the build's
    # rename-swap of the output dir.
    server = _serve_current(config.output_dir, port)
    print(f"qmdbook: serving {config.output_dir} at http://127.0.0.1:{port}/", file=sys.stderr)
    try:
        if not watch:
            threading.Event().wait()
        from watchfiles import watch as watch_changes

        build_dir, out = config.build_dir.resolve(), config.output_dir.resolve()

        def relevant(_change, path: str) -> bool:
            p = Path(path).resolve()
            generated = p.is_relative_to(build_dir) or p.is_relative_to(out)
            return not (generated or "__pycache__" in p.parts or ".cache" in p.parts)

        for changes in watch_changes(*watch_paths(project), watch_filter=relevant):
            names = ", ".join(sorted({Path(p).name for _, p in changes}))
            print(f"qmdbook: changed: {names}; rebuilding HTML", file=sys.stderr)
            _rebuild(project, **kwargs)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def _serve_current(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    class Handler(_QuietHandler):
        def __init__(self, *args, **kw):
            super().__init__(*args, directory=str(directory), **kw)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
