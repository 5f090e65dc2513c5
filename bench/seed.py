"""Fast seeding: millions of rows with one `INSERT ... SELECT FROM generate_series` each.

Columns come from the model, so a field added later still gets its Python default;
the caller gives SQL expressions (over the series number `g`) for the columns that vary.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection, models
from psycopg.errors import InsufficientPrivilege


def insert_series(
    model: type[models.Model], count: int, expressions: dict[str, str], start: int = 1
) -> None:
    """Insert `count` rows; `expressions` maps column names to SQL over `g` (start..)."""
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            values.append(expressions[field.column].replace("%", "%%"))  # not a placeholder
        else:
            values.append("%s")
            params.append(_default(field))
    table = connection.ops.quote_name(model._meta.db_table)
    series = f"generate_series({int(start)}, {int(start + count - 1)}) AS g"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {series}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _default(field: models.Field) -> Any:
    if isinstance(field, (models.DateTimeField, models.DateField)) and (
        field.auto_now or field.auto_now_add
    ):
        from django.utils import timezone

        return timezone.now()
    return field.get_db_prep_save(field.get_default(), connection)


def text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def public_id(prefix: str, offset: int = 0) -> str:
    """SQL for an opaque id like the app's (`dlv_` + 28 hex digits), unique per `g`."""
    return f"'{prefix}_' || lpad(to_hex(g + {int(offset)}), 28, '0')"


def analyze(*tables: str) -> None:
    """Statistics for the planner, then a checkpoint: otherwise PostgreSQL writes the seeded
    pages out over the next minutes (checkpoint_completion_target), in the measured window,
    and its closing fsyncs can stall the measured commits."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError as error:  # superuser or pg_checkpoint only: measure without
            if not isinstance(error.__cause__, InsufficientPrivilege):
                raise
