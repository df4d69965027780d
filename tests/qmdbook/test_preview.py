"""`qmdbook preview` as a user runs it: served pages reload after a rebuild and show the build's
problems; SIGTERM, SIGINT or the death of its parent stop the server with nothing left behind."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from qmdbook.build import build
from qmdbook.preview import SCRIPT_PATH, STATUS_PATH

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book"


def quiet(_message: str) -> None:
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode("utf-8")


def status(port: int) -> dict:
    return json.loads(get(port, STATUS_PATH))


def wait_for(condition, timeout: float = 120.0, what: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def built(tmp_path_factory, git_commit_all):
    root = tmp_path_factory.mktemp("preview") / "book"
    shutil.copytree(FIXTURE, root)
    git_commit_all(root)
    build(root, ["html"], engine="builtin", log=quiet)  # warms the execution cache
    return root


def start(root: Path, port: int, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "qmdbook", "preview", "--project", str(root),
               "--port", str(port), "--engine", "builtin", *extra]  # fmt: skip
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True)


def stopped(proc: subprocess.Popen, port: int) -> str:
    proc.wait(timeout=20)
    assert not port_open(port), "the server is gone with its process"
    return proc.stderr.read()


def test_reload_script_only_in_served_pages_and_problems_shown(built, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(built, root, symlinks=True)
    port = free_port()
    proc = start(root, port)
    try:
        wait_for(lambda: status(port)["generation"] >= 1, what="the first build")
        page = get(port, "/sec-discussion.html")
        assert f'<script src="{SCRIPT_PATH}"></script></body>' in page
        assert SCRIPT_PATH not in (root / "_site" / "sec-discussion.html").read_text()
        assert "location.reload()" in get(port, SCRIPT_PATH)
        assert status(port) == {"generation": 1, "failed": False, "problems": []}

        chapter = root / "chapters" / "discussion.qmd"
        chapter.write_text(chapter.read_text() + "\nPreview sees @fig-nope.\n")
        line = len(chapter.read_text().splitlines())
        now = wait_for(lambda: (s := status(port))["generation"] >= 2 and s, what="a rebuild")
        assert now["failed"] is False, "preview publishes despite the warning"
        assert now["problems"] == [
            f"chapters/discussion.qmd:{line}: unresolved cross-reference @fig-nope"
        ]
        assert "Preview sees" in get(port, "/sec-discussion.html")

        cfg = root / "_quarto.yml"
        cfg.write_text(cfg.read_text().replace("  chapters:", "  chapter:", 1))
        now = wait_for(lambda: (s := status(port))["generation"] >= 3 and s, what="a failure")
        assert now["failed"] is True
        assert any("book.chapter: unknown key" in p for p in now["problems"])
        assert "Preview sees" in get(port, "/sec-discussion.html"), "last good site served"

        proc.send_signal(signal.SIGTERM)
        assert "preview stopped" in stopped(proc, port)
        assert proc.returncode == 0
    finally:
        proc.kill()


def test_sigint_stops_the_server(built, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(built, root, symlinks=True)
    port = free_port()
    proc = start(root, port, "--no-watch")
    try:
        wait_for(lambda: status(port)["generation"] >= 1, what="the first build")
        proc.send_signal(signal.SIGINT)
        assert "preview stopped" in stopped(proc, port)
    finally:
        proc.kill()


def test_preview_exits_when_its_parent_dies(built, tmp_path):
    # nox killed outright used to leave the server running on its port.
    root = tmp_path / "book"
    shutil.copytree(built, root, symlinks=True)
    port = free_port()
    parent = subprocess.Popen([
        sys.executable, "-c",
        "import subprocess, sys, time; subprocess.Popen(sys.argv[1:]); time.sleep(600)",
        sys.executable, "-m", "qmdbook", "preview", "--project", str(root), "--port", str(port),
        "--engine", "builtin", "--no-watch",
    ])  # fmt: skip
    try:
        wait_for(lambda: status(port)["generation"] >= 1, what="the first build")
        parent.kill()
        parent.wait()
        wait_for(lambda: not port_open(port), timeout=20, what="the orphan to stop")
    finally:
        parent.kill()
