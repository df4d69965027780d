"""The README's examples run as written and say what the data give."""

from __future__ import annotations

import ast
import re
import shlex
import shutil

import pytest
from matplotlib.figure import Figure

from analysis import paths
from analysis.importer import main as slr_import

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")
INDENTED = re.compile(r"(?:^(?:    .*)?\n)+", re.M)


def code_blocks() -> list[str]:
    blocks = []
    for match in INDENTED.finditer(README):
        lines = [line[4:] for line in match.group(0).splitlines()]
        if any(line.strip() for line in lines):
            blocks.append("\n".join(lines).strip("\n"))
    return blocks


def sessions() -> set[str]:
    tree = ast.parse((paths.ROOT / "noxfile.py").read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if "nox.session" in ast.unparse(deco):
                call = deco if isinstance(deco, ast.Call) else None
                named = [k.value.value for k in (call.keywords if call else []) if k.arg == "name"]
                names.add(named[0] if named else node.name)
    return names


@pytest.fixture(scope="module")
def chapter_namespace() -> dict:
    namespace: dict = {}
    exec("from analysis.chapter import *\nev = load_evidence()", namespace)
    return namespace


def test_every_nox_command_names_a_session():
    named = set(re.findall(r"python3 -m nox -s ([\w-]+)", README))
    assert {"build", "tests", "preview", "import", "clean"} <= named
    assert named <= sessions()


def test_inline_example_gives_the_count_it_states(chapter_namespace):
    example = re.search(r"`` `\{python\} (.+?)` `` gives \"(.+?)\"", README)
    assert example, "the README's inline example"
    expression, stated = example.groups()
    assert str(eval(expression, chapter_namespace)) == stated


def test_citation_example_gives_citations(chapter_namespace):
    expression = re.search(r"`\{python\} (cite\(.+?\))`", README).group(1)
    value = eval(expression, chapter_namespace)
    assert re.fullmatch(r"\[@[\w:-]+(; @[\w:-]+)*\]", value)


def test_figure_example_runs_and_returns_a_figure(chapter_namespace):
    block = next(b for b in code_blocks() if b.startswith("```{python}"))
    lines = block.splitlines()[1:-1]
    options = [line for line in lines if line.startswith("#|")]
    assert any("label: fig-" in o for o in options) and any("fig-alt" in o for o in options)
    code = [line for line in lines if not line.startswith("#|")]
    assert isinstance(eval("\n".join(code), dict(chapter_namespace)), Figure)


def test_import_example_runs_as_written(tmp_path, monkeypatch, capsys):
    command = next(b for b in code_blocks() if "nox -s import" in b)
    args = shlex.split(command.split(" -- ", 1)[1])
    search_id = args[args.index("--search-id") + 1]
    logged = (paths.SEARCHES).read_text(encoding="utf-8")
    assert f"\n{search_id}," not in logged, "the example must use a fresh search id"
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    shutil.copy(paths.FIXTURE_EVIDENCE / "exports" / "fixture_search.ris", tmp_path / args[0])
    monkeypatch.chdir(tmp_path)
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    assert slr_import([*args, "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "Would import 3 record(s)" in out
    if "--dry-run" in args:
        assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before
