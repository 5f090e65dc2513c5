"""Checking a dialect's answer against a table of the shapes the imitated service answers
(tests/compat/postiz_shapes.py, tests/compat/repostra_shapes.py).

A shape is a JSON type name (`string`, `number`, `boolean`, `null`, `object`, `array`,
`any`; `a|b` for either; `time` is a string written as Publer's document writes times,
`YYYY-MM-DDThh:mm:ss±hh:mm`), a dict (an object with exactly those keys; a key ending in `?`
may be left out), or a one-item list (an array of that shape). Two markers say where Crier
differs on purpose:

- `Crier(shape, why)`: a field Crier adds, and why.
- `Absent(shape, why)`: a field of the service Crier does not send, and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rest_framework.response import Response

Shape = Any  # str | dict[str, Shape | Crier | Absent] | list[Shape]
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


@dataclass(frozen=True)
class Crier:
    shape: Shape
    why: str


@dataclass(frozen=True)
class Absent:
    shape: Shape
    why: str


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def problems(value: object, shape: Shape, where: str = "$") -> tuple[list[str], set[str]]:
    """What differs from `shape`, and the JSON paths of arrays that were empty (their item
    shape went unchecked)."""
    if isinstance(shape, str):
        kinds = shape.split("|")
        if "any" in kinds or json_type(value) in kinds:
            return [], set()
        if "time" in kinds and isinstance(value, str):
            if TIME.fullmatch(value):
                return [], set()
            return [f"{where}: {value!r} is not YYYY-MM-DDThh:mm:ss±hh:mm"], set()
        return [f"{where}: {json_type(value)}, the table has {shape}"], set()
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: {json_type(value)}, the table has an array"], set()
        if not value:
            return [], {where}
        found: list[str] = []
        empty: set[str] = set()
        for index, item in enumerate(value):
            item_problems, item_empty = problems(item, shape[0], f"{where}[{index}]")
            found += item_problems
            empty |= {path.replace(f"[{index}]", "[]") for path in item_empty}
        return found, empty
    if not isinstance(value, dict):
        return [f"{where}: {json_type(value)}, the table has an object"], set()
    found, empty = [], set()
    for key, declared in shape.items():
        name = key.removesuffix("?")
        if isinstance(declared, Absent):
            if name in value:
                found.append(f"{where}.{name}: sent, but the table says Crier leaves it out")
            continue
        if name not in value:
            if not key.endswith("?"):
                found.append(f"{where}.{name}: missing")
            continue
        inner = declared.shape if isinstance(declared, Crier) else declared
        field_problems, field_empty = problems(value[name], inner, f"{where}.{name}")
        found += field_problems
        empty |= field_empty
    known = {key.removesuffix("?") for key in shape}
    found += [
        f"{where}.{name}: not in the table, nor marked as Crier's" for name in value.keys() - known
    ]
    return found, empty


@dataclass(frozen=True)
class Route:
    """A documented route of a seed-document dialect (Repostra, Publer, Publora, PostPost)."""

    method: str
    path: str  # as the document writes it
    status: int
    body: Shape
    source: str  # the document's section
    empty: dict[str, str] = field(default_factory=dict)  # JSON path → why always [] here

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def check_answer(response: Response, route: Route, seed: str) -> None:
    """The status, field names and JSON types the table gives; every array's items checked
    (the test's world holds one of everything) unless the table says why one stays empty."""
    assert response.status_code == route.status, response.content
    found, empty = problems(response.json(), route.body)
    assert found == [], f"{route.name} differs from the document ({route.source}, {seed}): {found}"
    assert empty <= route.empty.keys(), f"{route.name}: empty arrays {empty - route.empty.keys()}"
