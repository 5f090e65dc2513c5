"""Two steps of the publish path as one SQL statement each (fast paths `claim_statement` and
`attempts_statement`), where the ORM spent more CPU building and compiling queries than the
database spent answering them (docs/performance.md).

`claim`, PostgreSQL only: the ORM's claim is a transaction of two statements (`SELECT …
FOR UPDATE` joining post, job and account, then an UPDATE), both querysets compiled for
every batch. Here one data-modifying `WITH` locks the queued rows in id order
(one locking order, as the ORM's claim), moves them to `publishing` and returns them joined
to what the publish path reads; the rows become model instances as `select_related` builds
them, the job without its bulk request and payload.

`start_attempts`, any database that returns inserted rows: the attempts of a batch in one
INSERT whose numbers are computed in it (each delivery's last number + 1), instead of a
grouped SELECT of the last numbers and then `bulk_create`.

Off, or where a statement cannot run, `posts.publishing` runs the ORM's way, the answer
each one is compared with (tests/test_fast_paths.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model

from accounts.models import SocialAccount
from posts.models import Attempt, Delivery, Job, Post, PostMedia
from posts.states import DeliveryStatus as S

Converter = Callable[[Any, Any, Any], Any]


class _Columns:
    """One model's columns in the statement, under `alias`, and how its values load."""

    def __init__(self, model: type[Model], alias: str, *, deferred: Sequence[str] = ()) -> None:
        self.model = model
        self.alias = alias
        self.fields: list[Field] = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, Field) and field.name not in deferred
        ]
        pairs = [field.get_attname_column() for field in self.fields]
        self.attnames = [attname for attname, _ in pairs]
        self.columns = [column for _, column in pairs if column is not None]
        assert len(self.columns) == len(self.fields)  # a concrete field has its column
        self.key = next(
            (c for f, c in zip(self.fields, self.columns, strict=True) if f.primary_key), ""
        )

    def select(self) -> list[str]:
        quote = connection.ops.quote_name
        return [f"{self.alias}.{quote(column)}" for column in self.columns]

    @cache  # noqa: B019 - four instances, kept for the process anyway
    def converters(self) -> tuple[tuple[int, tuple[Converter, ...], Any], ...]:
        """As the ORM's compiler applies them: the backend's, then the field's."""
        found = []
        for position, field in enumerate(self.fields):
            column = field.get_col(self.alias)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            if functions:
                found.append((position, tuple(functions), column))
        return tuple(found)

    def instance(self, values: list[Any]) -> Any:
        for position, functions, column in self.converters():
            for convert in functions:
                values[position] = convert(values[position], column, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


_DELIVERY = _Columns(Delivery, "claimed")
_POST = _Columns(Post, "post")
_JOB = _Columns(Job, "job", deferred=("request", "payload"))
_ACCOUNT = _Columns(SocialAccount, "account")
_PARTS = (_DELIVERY, _POST, _JOB, _ACCOUNT)
_NEW_ATTEMPT = _Columns(Attempt, "attempt", deferred=("id",))  # the id is the database's
# The relations select_related would follow, cached on the instances as it leaves them.
_POST_OF: Any = Delivery._meta.get_field("post")
_ACCOUNT_OF: Any = Delivery._meta.get_field("account")
_JOB_OF: Any = Post._meta.get_field("job")
_MEDIA_OF: Any = PostMedia._meta.get_field("post")
_RELATIONS = {"post": _POST_OF, "account": _ACCOUNT_OF, "job": _JOB_OF}


@cache
def _statement(count: int) -> str:
    """For `count` ids; parameters: the ids, then `queued`, `publishing`, the lease, now."""
    quote = connection.ops.quote_name
    table = quote(Delivery._meta.db_table)
    pk, status, attempts = quote(_DELIVERY.key), quote("status"), quote("attempts")
    lease, started, updated = map(quote, ("lease_expires_at", "call_started_at", "updated_at"))
    fk = {name: quote(field.column) for name, field in _RELATIONS.items()}
    media, media_post = quote(PostMedia._meta.db_table), quote(_MEDIA_OF.column)
    job_join = "LEFT OUTER JOIN" if _JOB_OF.null else "INNER JOIN"

    def table_of(part: _Columns) -> str:
        return f"{quote(part.model._meta.db_table)} {part.alias}"

    def key_of(part: _Columns) -> str:
        return f"{part.alias}.{quote(part.key)}"

    return (
        f"WITH locked AS (SELECT {pk} FROM {table} "  # noqa: S608
        f"WHERE {pk} IN ({', '.join(['%s'] * count)}) AND COALESCE({status}, '') = %s "
        f"ORDER BY {pk} FOR UPDATE), "
        f"claimed AS (UPDATE {table} SET {status} = %s, {attempts} = {table}.{attempts} + 1, "
        f"{lease} = %s, {started} = NULL, {updated} = %s "
        f"FROM locked WHERE {table}.{pk} = locked.{pk} RETURNING {table}.*) "
        f"SELECT {', '.join(column for part in _PARTS for column in part.select())}, "
        f"EXISTS (SELECT 1 FROM {media} WHERE {media}.{media_post} = claimed.{fk['post']}) "
        f"FROM claimed INNER JOIN {table_of(_POST)} ON {key_of(_POST)} = claimed.{fk['post']} "
        f"{job_join} {table_of(_JOB)} ON {key_of(_JOB)} = post.{fk['job']} "
        f"INNER JOIN {table_of(_ACCOUNT)} ON {key_of(_ACCOUNT)} = claimed.{fk['account']} "
        f"ORDER BY claimed.{pk}"
    )


def claim(delivery_ids: Sequence[str], *, lease: datetime, now: datetime) -> list[Delivery]:
    """`queued → publishing` for those of `delivery_ids` still queued, as the ORM's claim;
    each with its post (and the post's job) and account, and `post_has_media`."""
    if not delivery_ids:
        return []
    # One transaction with the instances built: if one cannot be (a credential that no key
    # decrypts), the claim is undone and the deliveries stay queued, as with the ORM's claim.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _statement(len(delivery_ids)), [*delivery_ids, S.QUEUED, S.PUBLISHING, lease, now]
        )
        return [_claimed(row) for row in cursor.fetchall()]


def _claimed(row: tuple[Any, ...]) -> Delivery:
    values = iter(row)
    delivery, post, job, account = ([next(values) for _ in part.fields] for part in _PARTS)
    built: Delivery = _DELIVERY.instance(delivery)
    built_post: Post = _POST.instance(post)
    _POST_OF.set_cached_value(built, built_post)
    _JOB_OF.set_cached_value(built_post, _JOB.instance(job) if built_post.job_id else None)
    _ACCOUNT_OF.set_cached_value(built, _ACCOUNT.instance(account))
    built.post_has_media = bool(next(values))
    return built


def start_attempts(attempts: list[Attempt]) -> None:
    """Insert these new attempts of distinct deliveries, each numbered after its delivery's
    last attempt (the numbers they carry are ignored), and give each its id and number."""
    table = connection.ops.quote_name(Attempt._meta.db_table)
    pk, number, delivery = map(connection.ops.quote_name, ("id", "number", "delivery_id"))
    fields = _NEW_ATTEMPT.fields
    next_number = f"(SELECT COALESCE(MAX({number}), 0) + 1 FROM {table} WHERE {delivery} = %s)"  # noqa: S608
    row = ", ".join(next_number if field.name == "number" else "%s" for field in fields)
    columns = ", ".join(map(connection.ops.quote_name, _NEW_ATTEMPT.columns))
    params = [
        attempt.delivery_id
        if field.name == "number"
        else field.get_db_prep_save(getattr(attempt, field.attname), connection)
        for attempt in attempts
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
            f"{', '.join([f'({row})'] * len(attempts))} RETURNING {delivery}, {pk}, {number}",
            params,
        )
        # By delivery: a database may return the rows in another order than they were given.
        stored = {delivery_id: (id_, n) for delivery_id, id_, n in cursor.fetchall()}
    for attempt in attempts:
        attempt.pk, attempt.number = stored[attempt.delivery_id]
        attempt._state.adding, attempt._state.db = False, connection.alias  # as bulk_create
