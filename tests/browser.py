"""A real browser for the site tests: Debian's Chromium driven by Playwright, axe-core from npm.

The browser is the system's (`chromium` on PATH; `nox -s tests` installs Debian's package when it
is missing and it can), because Playwright's own download is not reachable from CI. axe-core is
the pinned npm package, fetched once with `npm pack` into the project's cache. Where either
cannot be had the tests skip saying why; with CI=true they fail instead, as CI must run them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from analysis import paths

AXE_VERSION = "4.14.1"  # axe-core on npm; bump deliberately, results can change between versions
AXE_CACHE = paths.CACHE / "browser-tests" / f"axe-core-{AXE_VERSION}"
WIDTHS = (1280, 375)
# axe's tags for the WCAG 2.x A/AA rules and best practices; results are judged by impact.
SERIOUS = ("serious", "critical")


def unavailable(reason: str):
    """Skip, saying why, except in CI, where a missing browser is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    unavailable(
        "no chromium on PATH (`nox -s tests` installs Debian's chromium when run as root; "
        "otherwise `apt-get install chromium`)"
    )


def axe_script() -> str:
    target = AXE_CACHE / "axe.min.js"
    if not target.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable(f"npm is needed once to fetch axe-core@{AXE_VERSION}")
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(AXE_CACHE)],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        tarball = AXE_CACHE / f"axe-core-{AXE_VERSION}.tgz"
        if done.returncode != 0 or not tarball.is_file():
            unavailable(f"npm pack axe-core@{AXE_VERSION} failed: {done.stderr.strip()[-300:]}")
        with tarfile.open(tarball) as tar:
            member = tar.getmember("package/axe.min.js")
            data = tar.extractfile(member).read()
        target.write_bytes(data)
    return target.read_text(encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # The standard library's server with its own MIME types, as `nox -s preview` serves the site.
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on a free localhost port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def launch() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (it is a locked test dependency)")
    executable = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


class PageWatch:
    """A browser page that records console errors, failed requests and any request off site."""

    def __init__(self, browser, base: str, width: int):
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", self._response)
        # Every request leaving localhost is refused and recorded: the site must need none.
        self.context.route("**/*", self._route)

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} ({response.status})")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def open(self, name: str):
        self.page.goto(self.base + name, wait_until="load")
        return self.page

    def axe(self, script: str) -> list[dict]:
        """axe-core's serious and critical violations on the page as it stands."""
        self.page.add_script_tag(content=script)
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in SERIOUS
        ]

    def close(self) -> None:
        self.context.close()


def audit(browser, site: Path, base: str, script: str) -> dict[tuple[str, int], dict]:
    """Every page at every width: axe's serious/critical violations, console errors, failed and
    external requests. Keyed by (page, width)."""
    results = {}
    for width in WIDTHS:
        watch = PageWatch(browser, base, width)
        try:
            for page in sorted(p.name for p in site.glob("*.html")):
                before = (len(watch.errors), len(watch.failed), len(watch.external))
                watch.open(page)
                violations = watch.axe(script)
                results[(page, width)] = {
                    "axe": violations,
                    "errors": watch.errors[before[0] :],
                    "failed": watch.failed[before[1] :],
                    "external": watch.external[before[2] :],
                }
        finally:
            watch.close()
    return results


def audit_summary(results: dict[tuple[str, int], dict]) -> str:
    lines = []
    for (page, width), found in sorted(results.items()):
        ids = ", ".join(v["id"] for v in found["axe"]) or "none"
        lines.append(f"{page} @ {width}px: serious/critical {len(found['axe'])} ({ids})")
    return "\n".join(lines)


def problems(results: dict[tuple[str, int], dict]) -> list[str]:
    out = []
    for (page, width), found in sorted(results.items()):
        for kind in ("axe", "errors", "failed", "external"):
            for item in found[kind]:
                out.append(f"{page} @ {width}px {kind}: {item}")
    return out


def search(page, query: str) -> list[dict]:
    """Type `query` into the site's search box; return the results shown (title, chapter, url)."""
    page.evaluate("() => { document.getElementById('search-status').textContent = ''; }")
    page.fill("#search-input", query)
    page.wait_for_function(
        "() => { const s = document.getElementById('search-status').textContent;"
        " return /result|No results|unavailable|served/.test(s); }",
        timeout=15000,
    )
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#search-results li a')).map(a => ({
            title: a.querySelector('.result-title').textContent,
            chapter: (a.querySelector('.result-chapter') || {textContent: ''}).textContent,
            url: a.getAttribute('href')}))"""
    )


def check_lightbox(page) -> None:
    """The first figure opens enlarged from the keyboard; Escape closes it, focus returns."""
    zoom = page.locator("button.figure-zoom").first
    zoom.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.lightbox")
    assert dialog.evaluate("d => d.open"), "the lightbox did not open"
    assert dialog.locator("img").get_attribute("src")
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open"), "Escape did not close the lightbox"
    assert zoom.evaluate("b => b === document.activeElement"), "focus did not return to the figure"
