"""One UPDATE giving each row (by pk) its own values.

A field with one value for every row is set as it is; the others by one CASE on the pk.
Django's way (the `Case`/`When` expressions `bulk_update` builds) costs ~0.5 ms of CPU per
row and field to build and compile, more than the rest of a batch's recording
(docs/performance.md); here the CASE is written as SQL with every value a parameter.

Fast path `case_update` (core/fastpaths): off, the CASE is Django's `Case`/`When`.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import Case, F, Field, Model, QuerySet, Value, When
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Cast

from core.fastpaths import enabled

_KEEP = object()  # a row that leaves the field as it is


def update_each(queryset: QuerySet, rows: dict[Any, dict[str, Any]]) -> int:
    """Give each row of `queryset` whose pk is a key of `rows` the values of its dict; a row
    without a name keeps its value of it. Values that differ between rows must be plain
    values, not expressions. Returns the number of rows updated."""
    if not rows:
        return 0
    case = _case_on_pk if enabled("case_update") else _django_case
    names = {name for values in rows.values() for name in values}
    assignments: dict[str, Any] = {}
    for name in names:
        values = [values.get(name, _KEEP) for values in rows.values()]
        if all(value is not _KEEP and value == values[0] for value in values):
            assignments[name] = values[0]
        else:
            assignments[name] = case(queryset, name, rows)
    return queryset.filter(pk__in=list(rows)).update(**assignments)


def _case_on_pk(queryset: QuerySet, name: str, rows: dict[Any, dict[str, Any]]) -> Expression:
    """CASE pk WHEN %s THEN %s ... ELSE column END: the rows without `name` keep theirs."""
    connection = connections[queryset.db]
    model_field = queryset.model._meta.get_field(name)
    quote = connection.ops.quote_name
    whens, params = [], []
    for pk, values in rows.items():
        if name in values:
            whens.append("WHEN %s THEN %s")
            params += [pk, model_field.get_db_prep_save(values[name], connection)]
    pk_column, column = quote(queryset.model._meta.pk.column), quote(model_field.column)
    # Every value is a parameter; the names come from the model.
    case = RawSQL(f"CASE {pk_column} {' '.join(whens)} ELSE {column} END", params)  # noqa: S611
    return _typed(case, model_field, connection)


def _django_case(queryset: QuerySet, name: str, rows: dict[Any, dict[str, Any]]) -> Expression:
    model: type[Model] = queryset.model
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, Field)  # one of the model's columns, which rows set by name
    case = Case(
        *(
            When(pk=pk, then=Value(values[name], output_field=model_field))
            for pk, values in rows.items()
            if name in values
        ),
        default=F(name),
        output_field=model_field,
    )
    return _typed(case, model_field, connections[queryset.db])


def _typed(case: Expression, model_field: Any, connection: Any) -> Expression:
    if connection.features.requires_casted_case_in_updates:
        # As bulk_update does on PostgreSQL: a CASE of untyped literals would be text.
        return Cast(case, output_field=model_field)
    return case
