"""Command line: `qmdbook build|html|pdf|docx|preview|clean`."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .build import FORMATS, BuildError, build
from .config import load_config
from .sources import SourceError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qmdbook", description="Render a Quarto book project.")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser, publishing: bool = True) -> None:
        sp.add_argument("--project", type=Path, default=Path("."), help="the book's directory")
        # Publishing builds fail on an unresolved citation or cross-reference, a duplicate id
        # or a missing image, so a broken book never replaces the last good site.
        sp.set_defaults(strict=publishing)
        sp.add_argument(
            "--strict", dest="strict", action="store_true",
            help="fail on any unresolved reference, duplicate id or missing image"
            + (" (the default)" if publishing else ""),
        )  # fmt: skip
        sp.add_argument(
            "--draft", dest="strict", action="store_false",
            help="only warn about those problems" + ("" if publishing else " (the default)"),
        )  # fmt: skip
        sp.add_argument("--engine", choices=("auto", "quarto", "builtin"), default="auto")
        sp.add_argument("--workers", type=int, default=2, help="chapters executed in parallel")

    b = sub.add_parser("build", help="build every configured format (or --to)")
    common(b)
    b.add_argument("--to", default=None, help="comma-separated: html,pdf,docx")
    for fmt in FORMATS:
        common(sub.add_parser(fmt, help=f"build the {fmt} output only"))
    pv = sub.add_parser("preview", help="serve the site and rebuild the HTML on save")
    common(pv, publishing=False)
    pv.add_argument("--port", type=int, default=4848)
    pv.add_argument("--no-watch", action="store_true")
    c = sub.add_parser("clean", help="remove the build dir, cache and output dir")
    c.add_argument("--project", type=Path, default=Path("."))
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "clean":
            config = load_config(args.project)
            for path in (config.build_dir, config.cache_dir, config.output_dir):
                if path.exists():
                    shutil.rmtree(path)
                    print(f"removed {path}")
            return 0
        if args.command == "preview":
            from .preview import preview

            return preview(
                args.project, port=args.port, watch=not args.no_watch, strict=args.strict,
                engine=args.engine, workers=args.workers,
            )  # fmt: skip
        formats = [args.command] if args.command in FORMATS else None
        if args.command == "build" and args.to:
            formats = [f.strip() for f in args.to.split(",") if f.strip()]
        build(args.project, formats, strict=args.strict, engine=args.engine, workers=args.workers)
        return 0
    except (BuildError, SourceError) as exc:
        print(f"qmdbook: build failed: {exc}", file=sys.stderr)
        print("qmdbook: the previous output was left as it was.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
