"""`qmdbook preview`: serve the output dir on localhost, rebuild the HTML on save, reload the page.

Pages are served with a small script added on the fly (never written to the site) that polls
`/__qmdbook/status`: the browser reloads after each rebuild and shows, at the top of the page,
the problems the last build found or why it failed. SIGINT and SIGTERM, or the parent process
going away, stop the watcher and the server cleanly.
"""

from __future__ import annotations

import html
import http.server
import json
import os
import queue
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .build import BuildError, build
from .config import load_config
from .sources import SourceError

WATCHED = ("report", "analysis", "data", "references", "_quarto.yml")
STATUS_PATH = "/__qmdbook/status"
SCRIPT_PATH = "/__qmdbook/reload.js"

RELOAD_SCRIPT = """\
(function () {
  var seen = null;
  function show(status) {
    var box = document.getElementById("qmdbook-preview-problems");
    if (!status.problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "qmdbook-preview-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:sticky;top:0;z-index:1000;background:#fff4e5;" +
        "color:#3d2400;border-bottom:3px solid #b35900;padding:.6em 1em;font:14px/1.4 " +
        "monospace;white-space:pre-wrap;max-height:40vh;overflow:auto";
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.textContent = (status.failed ? "Build failed; showing the last good site.\\n" :
      "Preview build warnings (a publishing build stops on these):\\n") +
      status.problems.join("\\n");
  }
  function poll() {
    fetch("/__qmdbook/status", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (status) {
        if (seen !== null && status.generation !== seen) { location.reload(); return; }
        seen = status.generation;
        show(status);
        setTimeout(poll, 700);
      }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
"""


@dataclass
class PreviewState:
    """What the last build did, for the page script; `generation` counts finished builds."""

    generation: int = 0
    failed: bool = False
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, failed: bool, problems: list[str]) -> None:
        with self.lock:
            self.generation += 1
            self.failed, self.problems = failed, list(problems)

    def as_json(self) -> bytes:
        with self.lock:
            data = {"generation": self.generation, "failed": self.failed,
                    "problems": self.problems}  # fmt: skip
        return json.dumps(data).encode()


def _rebuild(project: Path, state: PreviewState, **kwargs) -> None:
    try:
        report = build(project, ["html"], **kwargs)
    except (BuildError, SourceError) as exc:
        print(f"qmdbook: build failed, still serving the previous site:\n{exc}", file=sys.stderr)
        state.record(True, str(exc).splitlines())
        return
    state.record(False, report.diagnostics)


def watch_paths(project: Path) -> list[Path]:
    config = load_config(project)
    names = set(WATCHED) | set(config.watch)
    names |= {Path(e.source).parts[0] for e in config.entries}
    return sorted(project / n for n in names if (project / n).exists())


def _stop_on_signals() -> None:
    """SIGTERM behaves like Ctrl-C: the `finally` below shuts the server down."""

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)


def _exit_with_parent() -> None:
    """If the process that started the preview (nox, a shell) dies, stop rather than linger."""
    parent = os.getppid()

    def watch() -> None:
        while not threading.Event().wait(0.5):
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, daemon=True, name="qmdbook-parent-watch").start()


def preview(
    project: Path, port: int = 4848, watch: bool = True, strict: bool = False,
    engine: str = "auto", workers: int = 2,
) -> int:  # fmt: skip
    """Build the HTML, serve it at http://127.0.0.1:port/ and rebuild on change until stopped."""
    project = project.resolve()
    _stop_on_signals()
    _exit_with_parent()
    kwargs = {"strict": strict, "engine": engine, "workers": workers}
    state = PreviewState()
    config = load_config(project)
    server = None
    stop = threading.Event()
    # Watching starts before the first build, so an edit saved while it runs is not missed.
    changes = _watch_in_background(project, config, stop) if watch else None
    try:
        _rebuild(project, state, **kwargs)
        # The handler resolves the directory by path on every request, so it follows the
        # build's rename-swap of the output dir.
        server = _serve_current(config.output_dir, port, state)
        print(f"qmdbook: serving {config.output_dir} at http://127.0.0.1:{port}/", file=sys.stderr)
        while True:
            try:
                batch = changes.get(timeout=0.5) if changes else stop.wait(0.5)
            except queue.Empty:
                continue
            if not changes:
                continue
            while not changes.empty():  # several saves in a row: one rebuild
                batch |= changes.get_nowait()
            names = ", ".join(sorted({Path(p).name for _, p in batch}))
            print(f"qmdbook: changed: {names}; rebuilding HTML", file=sys.stderr)
            _rebuild(project, state, **kwargs)
    except KeyboardInterrupt:
        print("qmdbook: preview stopped", file=sys.stderr)
    finally:
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()
    return 0


def _watch_in_background(project: Path, config, stop: threading.Event) -> queue.Queue:
    from watchfiles import watch as watch_changes

    build_dir, out = config.build_dir.resolve(), config.output_dir.resolve()

    def relevant(_change, path: str) -> bool:
        p = Path(path).resolve()
        generated = p.is_relative_to(build_dir) or p.is_relative_to(out)
        return not (generated or "__pycache__" in p.parts or ".cache" in p.parts)

    found: queue.Queue = queue.Queue()
    ready = threading.Event()

    def run() -> None:
        for polling in (None, True):  # polling when the system's file watches run out
            try:
                watcher = watch_changes(
                    *watch_paths(project), watch_filter=relevant, stop_event=stop,
                    raise_interrupt=False, yield_on_timeout=True, rust_timeout=500,
                    force_polling=polling,
                )  # fmt: skip
                for batch in watcher:
                    ready.set()  # the first (timeout) yield: the watcher is in place
                    if batch:
                        found.put(set(batch))
                return
            except (OSError, RuntimeError) as exc:
                print(f"qmdbook: file watching failed ({exc}); polling instead", file=sys.stderr)

    threading.Thread(target=run, daemon=True, name="qmdbook-watch").start()
    ready.wait(10)
    return found


def _error_page(state: PreviewState) -> bytes:
    listed = html.escape("\n".join(state.problems) or "the first build has not finished")
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Preview: no site yet</title></head><body><h1>No site to show yet</h1>"
        f"<pre>{listed}</pre><script src=\"{SCRIPT_PATH}\"></script></body></html>"
    ).encode()


def _serve_current(
    directory: Path, port: int, state: PreviewState
) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kw):
            super().__init__(*args, directory=str(directory), **kw)

        def log_message(self, format, *args):  # noqa: A002 - signature of the base class
            pass

        def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - name fixed by the base class
            route = self.path.split("?")[0]
            if route == STATUS_PATH:
                return self._send(state.as_json(), "application/json")
            if route == SCRIPT_PATH:
                return self._send(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
            if not directory.is_dir():
                return self._send(_error_page(state), "text/html; charset=utf-8", 503)
            target = Path(self.translate_path(route))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                page = target.read_bytes()
                tag = f'<script src="{SCRIPT_PATH}"></script>'.encode()
                at = page.rfind(b"</body>")
                page = page[:at] + tag + page[at:] if at >= 0 else page + tag
                return self._send(page, "text/html; charset=utf-8")
            return super().do_GET()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
