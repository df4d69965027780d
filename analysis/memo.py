"""`per_evidence`: compute a measure once per Evidence object, not once per call.

A chapter asks the same questions of one Evidence many times (every gap verdict asks for the
included sources, every count for the codebook's fields and the sources' years), and each answer
was recomputed from the frames. Evidence is frozen and each chapter gets its own copy, so an
answer stays true for the object it was computed from. Answers are kept beside the object (by
identity, dropped with it) and handed out as copies, so a caller that changes one changes nothing
for the next. A file argument is part of the key with its size and modification time: editing
the file changes the answer.
"""

from __future__ import annotations

import copy
import functools
import weakref
from pathlib import Path

import pandas as pd

# id(evidence) -> (weak reference to it, {(function, arguments): answer})
_ANSWERS: dict[int, tuple[weakref.ref, dict]] = {}


def _answers_for(ev) -> dict:
    held = _ANSWERS.get(id(ev))
    if held is not None and held[0]() is ev:
        return held[1]
    key = id(ev)
    answers: dict = {}
    _ANSWERS[key] = (weakref.ref(ev, lambda _ref: _ANSWERS.pop(key, None)), answers)
    return answers


def _key_part(value):
    if isinstance(value, Path):
        try:
            stat = value.stat()
            return (str(value), stat.st_mtime_ns, stat.st_size)
        except OSError:
            return (str(value), None, None)
    if isinstance(value, list):
        return ("list", tuple(_key_part(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted(map(str, value))))
    return value


def _handed_out(answer):
    if isinstance(answer, pd.DataFrame | pd.Series | pd.Index):
        return answer.copy()
    if isinstance(answer, list | dict | set):
        return copy.deepcopy(answer)
    return answer


def per_evidence(compute):
    """Decorate `compute(ev, *args, **kwargs)` whose answer depends only on ev and the args."""

    @functools.wraps(compute)
    def answer(ev, *args, **kwargs):
        try:
            key = (compute.__qualname__, tuple(map(_key_part, args)),
                   tuple(sorted((k, _key_part(v)) for k, v in kwargs.items())))  # fmt: skip
            hash(key)
        except TypeError:  # an unhashable argument: nothing to key the answer on
            return compute(ev, *args, **kwargs)
        answers = _answers_for(ev)
        if key not in answers:
            answers[key] = compute(ev, *args, **kwargs)
        return _handed_out(answers[key])

    answer.uncached = compute
    return answer
