"""Crier's fast paths: the shortcuts that lean on Django's or DRF's internals, all here.

Each was measured (docs/performance.md) and each has a switch, `settings.CRIER_FAST_PATHS`
(env `CRIER_FAST_<NAME>`, on by default): off, the framework's own path runs instead, the
one each shortcut's test compares it with (tests/test_fast_paths.py, run with the switch
on and off). pyproject.toml bounds Django and DRF below their next feature release, so a
new release cannot change what these lean on unseen: before raising a bound, run those
tests; if one of them fails in production after an upgrade, turn its switch off.

This package imports no Crier app and nothing heavy: settings read `FAST_PATHS` from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class FastPath:
    name: str  # its key in CRIER_FAST_PATHS; env CRIER_FAST_<NAME in upper case>
    module: str
    leans_on: str  # the framework internals a release could change
    when_off: str  # the framework's own path
    gain: str  # as measured (docs/performance.md)


FAST_PATHS = (
    FastPath(
        name="prepared_queries",
        module="core.fastpaths.prepared",
        leans_on="Query.get_compiler, SQLCompiler.as_sql / select / get_converters, "
        "Query.selected / values_select, Model.from_db",
        when_off="the queryset built and compiled for every call, evaluated by `.values()`",
        gain="API key authentication 2.8 -> 0.45 ms of CPU per request, job status 0.92 -> 0.35 ms",
    ),
    FastPath(
        name="pg_health_check",
        module="core.fastpaths.postgresql",
        leans_on="DatabaseWrapper.is_usable and the psycopg connection's socket",
        when_off="django.db.backends.postgresql: a `SELECT 1` before every request's first "
        "query (CONN_HEALTH_CHECKS)",
        gain="one round trip to PostgreSQL per API request; bare endpoint 585-632 -> 714/s",
    ),
    FastPath(
        name="serializer_fields",
        module="core.fastpaths.serializer_fields",
        leans_on="DRF Serializer._writable_fields, _read_only_defaults, "
        "to_internal_value's SkipField for absent optional fields",
        when_off="DRF's: fields filtered again for every item, each absent optional field "
        "run only to be skipped",
        gain="validating a 100-post request 13.1 -> 5.8 ms of CPU",
    ),
    FastPath(
        name="case_update",
        module="core.fastpaths.case_update",
        leans_on="RawSQL in UPDATE, connection.features.requires_casted_case_in_updates, "
        "Field.get_db_prep_save",
        when_off="Case(When(pk=..., then=Value(...)), default=F(field)) as bulk_update builds it",
        gain="~0.5 ms of CPU per row and field saved when recording a batch's outcomes",
    ),
    FastPath(
        name="claim_statement",
        module="posts.statements",
        leans_on="Model.from_db, Field.get_col / get_db_converters / set_cached_value, "
        "connection.ops.get_db_converters (PostgreSQL only: a data-modifying WITH)",
        when_off="the ORM's claim: SELECT ... FOR UPDATE with select_related, then an UPDATE, "
        "in a transaction, both querysets compiled for every batch",
        gain="see docs/performance.md, 'The claim in one statement'",
    ),
    FastPath(
        name="attempts_statement",
        module="posts.statements",
        leans_on="Field.get_db_prep_save, Model._state (set as bulk_create sets it), "
        "connection.features.can_return_rows_from_bulk_insert",
        when_off="a grouped SELECT of each delivery's last attempt number, then bulk_create",
        gain="see docs/performance.md, 'The attempts in one statement'",
    ),
    FastPath(
        name="quota_pipeline",
        module="posts.quotas",
        leans_on="limits' RedisStorage: lua_acquire_moving_window, prefixed_key and the "
        "script's arguments, as RedisStorage.acquire_entry passes them",
        when_off="MovingWindowRateLimiter.hit for each delivery: one Redis round trip each",
        gain="see docs/performance.md, 'The quotas of a batch in one round trip'",
    ),
)

NAMES = tuple(fast_path.name for fast_path in FAST_PATHS)


def enabled(name: str) -> bool:
    """Whether this fast path runs (read at call time, so `override_settings` turns it)."""
    return settings.CRIER_FAST_PATHS[name]
