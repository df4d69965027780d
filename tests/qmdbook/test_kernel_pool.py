"""Chapters on a shared warm kernel: a fresh namespace and fresh state each, errors located."""

from __future__ import annotations

import pytest

from qmdbook.execute import ExecutionError, execute_many
from qmdbook.qmd import parse_qmd

FIRST = """\
```{python}
import matplotlib as mpl
import warnings
leaked = "from the first chapter"
mpl.rcParams["lines.linewidth"] = 9
warnings.warn("shown in every chapter")
```

```{python}
"an output the next chapter must not see"
```
"""
SECOND = """\
```{python}
import matplotlib as mpl
import warnings
print("leaked" in globals(), mpl.rcParams["lines.linewidth"], repr(_), len(Out))
warnings.warn("shown in every chapter")
```

Value: `{python} 6 * 7`.
"""


def stdout(result) -> str:
    return "".join(o.get("text", "") for o in result.cells[0] if o.get("name") == "stdout")


def stderr(result) -> str:
    return "".join(o.get("text", "") for o in result.cells[0] if o.get("name") == "stderr")


def test_each_chapter_sees_a_fresh_namespace_and_state(tmp_path):
    docs = [parse_qmd(FIRST, "a.qmd"), parse_qmd(SECOND, "b.qmd"), parse_qmd(SECOND, "c.qmd")]
    results = execute_many([(d, {}) for d in docs], tmp_path, workers=1)
    for result in results[1:]:
        # Nothing leaked, not even the last output (`_`, `Out`); rcParams restored.
        assert stdout(result).split() == ["False", "1.5", "''", "0"]
        assert result.inline == {0: "42"}
    for result in results:
        assert "shown in every chapter" in stderr(result)  # "once" registries are per chapter


def test_a_failing_inline_expression_is_named_by_its_line(tmp_path):
    doc = parse_qmd("Fine: `{python} 1`.\n\nBroken: `{python} no_such_name`.\n", "x.qmd")
    with pytest.raises(ExecutionError, match=r"^x.qmd:3: error while executing inline expression"):
        execute_many([(doc, {})], tmp_path, workers=1)
