"""The codebook as objects: which values a charting field allows and when it may be empty."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.errors import Problem

MULTI_SEPARATOR = "; "
KINDS = ("id", "single", "multi", "text", "url")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str
    values: tuple[str, ...] = ()
    empty: str = "never empty"
    # Empty is allowed only when one of these (field, value) holds; () with may_be_empty means
    # "always allowed".
    empty_when: tuple[tuple[str, str], ...] = field(default=())

    @property
    def may_be_empty(self) -> bool:
        return self.empty.strip().lower() != "never empty"

    def split(self, cell: str) -> list[str]:
        if not cell:
            return []
        return cell.split(MULTI_SEPARATOR) if self.kind == "multi" else [cell]


def fields(codebook: dict) -> list[Field]:
    """Fields in codebook order (which is the column order of charting.csv)."""
    raw = codebook.get("fields") or {}
    result = []
    for name, spec in raw.items():
        values = tuple((spec.get("values") or {}).keys())
        result.append(
            Field(
                name=name,
                label=spec.get("label", name),
                kind=spec.get("kind", "text"),
                values=values,
                empty=str(spec.get("empty", "never empty")),
            )
        )
    return [_with_conditions(f, result) for f in result]


def _with_conditions(f: Field, all_fields: list[Field]) -> Field:
    """Read conditions such as "outcomes is none" out of the prose meaning of an empty cell.

    The codebook states them for the coder; reading them here keeps one source of truth. Only
    phrases naming a real field and one of its values count, so ordinary prose is ignored.
    """
    if not f.may_be_empty:
        return f
    by_name = {g.name: g for g in all_fields}
    conditions = tuple(
        (name, value)
        for name, value in re.findall(r"\b(\w+) is (\w+)\b", f.empty)
        if name in by_name and value in by_name[name].values
    )
    return Field(f.name, f.label, f.kind, f.values, f.empty, conditions)


def problems(codebook: dict, name: str) -> list[Problem]:
    """Faults in the codebook itself, which would otherwise surface as puzzling charting errors."""
    found = []
    if not isinstance(codebook.get("fields"), dict) or not codebook["fields"]:
        return [Problem(name, None, "fields", "the codebook defines no fields")]
    for f in fields(codebook):
        if f.kind not in KINDS:
            found.append(Problem(name, None, f.name, f"kind {f.kind!r} is not one of {KINDS}"))
        if f.kind in ("single", "multi") and not f.values:
            found.append(Problem(name, None, f.name, f"a {f.kind} field needs values"))
    return found
