"""ORM queries compiled once per process, for the reads every request makes.

Building and compiling a queryset costs about a millisecond of CPU each time, more than the
database takes to answer a lookup by key (bench/api.py: API key authentication spent 72% of
a bare endpoint's CPU there). A `PreparedQuery` builds its `.values()` queryset once per
database with a marker in place of each parameter, keeps the SQL, where each marker landed
among the parameters and the columns' converters, and then only binds values and runs it.

Fast path `prepared_queries` (core/fastpaths): off, `rows` builds the queryset with the
values and lets the ORM evaluate it, as any `.values()` query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet

from core.fastpaths import enabled

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position among params, parameter name)
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]


class PreparedQuery:
    """`build(**markers)` returns the queryset, ending in `.values(...)`; each parameter must
    reach the SQL as a parameter of its own, unchanged (a string compared with `=`)."""

    def __init__(self, build: Callable[..., QuerySet], *parameters: str) -> None:
        self._build = build
        self._parameters = parameters
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def rows(self, using: str = "default", **values: Any) -> list[dict[str, Any]]:
        if not enabled("prepared_queries"):
            return list(self._build(**values).using(using))
        connection = connections[using]
        compiled = self._compiled.get((using, connection.vendor)) or self._compile(using)
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return [
            dict(zip(compiled.names, _converted(row, compiled, connection), strict=True))
            for row in rows
        ]

    def _compile(self, using: str) -> _Compiled:
        connection = connections[using]
        # `%` and `_`: a value Django escapes for LIKE (SQLite's iexact, contains) changes
        # the marker, so it fails the check below instead of being bound unescaped later.
        markers = {name: f"\x00%prepared_{name}\x00" for name in self._parameters}
        queryset = self._build(**markers)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = tuple(
            (position, name)
            for position, param in enumerate(params)
            for name, marker in markers.items()
            if param == marker
        )
        if sorted(name for _, name in slots) != sorted(markers):
            raise ValueError(f"each of {sorted(markers)} must reach the SQL once, unchanged")
        query = queryset.query
        expressions = [column[0] for column in compiler.select[: compiler.col_count]]
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            # Named as ValuesIterable names them.
            names=tuple(query.selected)
            if query.selected
            else (*query.extra_select, *query.values_select, *query.annotation_select),
            converters=tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in compiler.get_converters(
                    expressions
                ).items()
            ),
        )
        self._compiled[(using, connection.vendor)] = compiled
        return compiled


def _converted(row: tuple, compiled: _Compiled, connection: Any) -> list[Any]:
    values = list(row)
    for position, functions, expression in compiled.converters:
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    return values


def columns(model: type[Model], path: str = "", *, exclude: Iterable[str] = ()) -> list[str]:
    """`.values()` names of a model's concrete fields, reached through `path` if given."""
    skipped = set(exclude)
    prefix = f"{path}__" if path else ""
    return [
        f"{prefix}{field.name}"
        for field in model._meta.concrete_fields
        if field.name not in skipped
    ]


def instance(model: type[M], row: dict[str, Any], path: str = "", *, using: str = "default") -> M:
    """The `model` instance from a row holding `columns(model, path)`; fields left out of the
    row are deferred, loaded on first access as for `.only()`. Through a nullable relation
    that is NULL, every column is None: check the foreign key before building."""
    prefix = f"{path}__" if path else ""
    fields = [field for field in model._meta.concrete_fields if f"{prefix}{field.name}" in row]
    return model.from_db(
        using,
        [field.attname for field in fields],
        [row[f"{prefix}{field.name}"] for field in fields],
    )
