"""`slr COMMAND ...`: the review team's update cycle, one command per step.

slr import EXPORT --search-id S501 ...   add a search export
slr screen --reviewer AB                 screen what awaits a decision (local page)
slr chart R1234                          start the charting row of a new include
slr release 0.2.0                        snapshot, set the version, tag
slr diff 0.1.0                           what changed since a release
slr comments reviewed.docx               Word comments and tracked changes, by source line
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "import": "reviewtools.importer",
    "screen": "reviewtools.screen",
    "chart": "reviewtools.chart",
    "release": "reviewtools.release",
    "diff": "reviewtools.diff",
    "comments": "reviewtools.comments",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    # Each command's module is imported only when run: the comments reader needs no pandas.
    return importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
