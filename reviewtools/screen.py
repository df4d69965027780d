"""`slr screen`: a page on 127.0.0.1 that walks the records awaiting a decision, by keyboard.

    slr screen --reviewer AB [--stage title_abstract|full_text] [--port 4850] [--file-order]

Keys: i include; 1-9 exclude with the protocol reason of that number; s skip for now. Each
decision is written to data/screening.csv before the next record is shown (reviewtools.screening).
The server listens on the loopback interface only and refuses requests naming another host, so
no other machine (and no web page's script) can write decisions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from analysis import paths
from analysis.errors import EvidenceError
from reviewtools.screening import (
    FILE_ORDER,
    SIMILARITY,
    STAGES,
    exclusion_reasons,
    new_session,
    queue,
    record_decision,
)

PAGE = (Path(__file__).parent / "screen.html").read_text(encoding="utf-8")
HOST = "127.0.0.1"
DEFAULT_PORT = 4850


class Screener:
    """State of one screening session: which stage, who, what was skipped, the tally written."""

    def __init__(self, data: Path, reviewer: str, stage: str, ordered: bool):
        self.data = Path(data)
        self.reviewer = reviewer
        self.ordered = ordered
        self.skipped: set[str] = set()
        self.sessions: dict[str, dict] = {}
        self.stage = stage

    def session(self, stage: str) -> dict:
        if stage not in self.sessions:
            ordering = SIMILARITY if self.ordered else FILE_ORDER
            self.sessions[stage] = new_session(stage, self.reviewer, ordering)
        return self.sessions[stage]

    def state(self, stage: str | None = None) -> dict:
        stage = stage or self.stage
        candidates, progress = queue(self.data, stage, order=self.ordered)
        current = next((c for c in candidates if c.record_id not in self.skipped), None)
        if current is None and candidates:  # everything left was skipped: go round again
            self.skipped.clear()
            current = candidates[0]
        reasons = exclusion_reasons(self.data)
        return {
            "stage": stage,
            "stages": list(STAGES),
            "reviewer": self.reviewer,
            "ordering": SIMILARITY if self.ordered else FILE_ORDER,
            "progress": {**progress, "waiting": len(candidates)},
            "reasons": [{"key": k, "text": v} for k, v in reasons.items()],
            "record": None if current is None else {**current.__dict__, "link": current.link},
        }

    def decide(self, body: dict) -> dict:
        stage = body.get("stage") or self.stage
        if body.get("decision") == "skip":
            self.skipped.add(str(body.get("record_id")))
            return self.state(stage)
        record_decision(
            str(body.get("record_id", "")),
            stage,
            str(body.get("decision", "")),
            str(body.get("reason", "")),
            reviewer=self.reviewer,
            session=self.session(stage),
            data=self.data,
        )
        return self.state(stage)


def make_server(screener: Screener, port: int = DEFAULT_PORT) -> HTTPServer:
    """One thread, so decisions are written one after another, never interleaved."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def _host_ok(self) -> bool:
            allowed = {f"{HOST}:{self.server.server_port}", f"localhost:{self.server.server_port}"}
            return self.headers.get("Host", "") in allowed

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: dict) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def do_GET(self):  # noqa: N802 - http.server's name
            if not self._host_ok():
                return self._json(HTTPStatus.FORBIDDEN, {"error": "unexpected Host header"})
            path, _, query = self.path.partition("?")
            if path == "/":
                return self._send(HTTPStatus.OK, PAGE.encode(), "text/html; charset=utf-8")
            if path == "/api/state":
                stage = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("stage")
                if stage and stage not in STAGES:
                    return self._json(HTTPStatus.BAD_REQUEST, {"error": f"unknown stage {stage}"})
                try:
                    return self._json(HTTPStatus.OK, screener.state(stage))
                except EvidenceError as err:
                    return self._json(HTTPStatus.CONFLICT, {"error": str(err)})
            return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def do_POST(self):  # noqa: N802
            # A JSON content type cannot be sent cross-origin without a preflight this server
            # never answers, so another site open in the browser cannot post decisions.
            if not self._host_ok() or self.headers.get("Content-Type") != "application/json":
                return self._json(HTTPStatus.FORBIDDEN, {"error": "refused"})
            if self.path != "/api/decide":
                return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            length = int(self.headers.get("Content-Length", "0"))
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                return self._json(HTTPStatus.OK, screener.decide(body))
            except EvidenceError as err:
                return self._json(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": str(err)})
            except (ValueError, AttributeError) as err:
                return self._json(HTTPStatus.BAD_REQUEST, {"error": str(err)})

    return HTTPServer((HOST, port), Handler)


def _git_user() -> str:
    try:
        out = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, cwd=paths.ROOT
        )
    except OSError:
        return ""
    return out.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slr screen", description=__doc__.split("\n")[0])
    parser.add_argument("--reviewer", default=None, help="your reviewer id (default: git user)")
    parser.add_argument("--stage", choices=STAGES, default="title_abstract")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--file-order", action="store_true", help="show records in file order, not likely first"
    )
    parser.add_argument("--data", type=Path, default=paths.DATA, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    reviewer = args.reviewer or _git_user()
    if not reviewer:
        parser.error("give --reviewer (no git user.name to default to)")
    screener = Screener(args.data, reviewer, args.stage, ordered=not args.file_order)
    try:
        state = screener.state()
    except EvidenceError as err:
        print(err, file=sys.stderr)
        return 1
    server = make_server(screener, args.port)
    p = state["progress"]
    print(
        f"Screening {args.stage} as {reviewer}: {p['waiting']} awaiting, {p['decided']} of "
        f"{p['total']} decided.\nOpen http://{HOST}:{server.server_port}/ (Ctrl-C to stop; "
        "every decision is already saved)."
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
