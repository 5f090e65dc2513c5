"""Each fast path (core/fastpaths) gives the framework's answer, and its switch puts the
framework's own path back: every test runs with the switch on and off and compares the
answer with the one Django or DRF gives on its own (the PostgreSQL health check's answers
are compared in tests/test_postgresql_backend.py, which needs PostgreSQL)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from accounts.auth import resolve_api_key
from core.fastpaths import FAST_PATHS, NAMES
from core.fastpaths.case_update import update_each
from core.fastpaths.prepared import PreparedQuery, columns
from posts.models import Delivery, Job, Post
from posts.serializers import ScheduleRequestSerializer
from posts.states import DeliveryStatus as S
from tests.posts.test_input_serializer import shape
from tests.test_pooler_settings import database_settings

pytestmark = pytest.mark.django_db

SWITCH = pytest.mark.parametrize("fast", [True, False], ids=["on", "off"])
WHEN = datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=UTC)


@pytest.fixture
def switch(settings) -> Callable[[str, bool], None]:
    """switch(name, on): that fast path on or off until the test ends."""

    def turn(name: str, on: bool) -> None:
        settings.CRIER_FAST_PATHS = {**settings.CRIER_FAST_PATHS, name: on}

    return turn


def test_every_fast_path_has_a_switch_on_by_default_and_its_module(settings):
    assert dict.fromkeys(NAMES, True) == settings.CRIER_FAST_PATHS
    for fast_path in FAST_PATHS:
        if fast_path.name != "pg_health_check":  # imports psycopg's Django backend
            importlib.import_module(fast_path.module)


# -- prepared_queries ------------------------------------------------------------------------


@SWITCH
def test_prepared_rows_are_the_orms_and_built_once_only_when_on(fast, switch, workspace, owner):
    switch("prepared_queries", fast)
    Job.objects.create(
        workspace=workspace,
        kind=Job.Kind.SCHEDULE,
        created_by=owner.member,
        payload={"failures": {"1": ["too long"]}, "nested": [1, 2.5, None, True, "é"]},
        completed_at=WHEN,
    )
    Job.objects.create(workspace=workspace, kind=Job.Kind.PUBLISH_NOW)
    builds: list[str] = []

    def build(workspace: str) -> QuerySet:
        builds.append(workspace)
        return Job.objects.filter(workspace=workspace).order_by("pk").values(*columns(Job))

    query = PreparedQuery(build, "workspace")
    first, second = query.rows(workspace=workspace.pk), query.rows(workspace=workspace.pk)
    orm = list(Job.objects.filter(workspace=workspace).order_by("pk").values(*columns(Job)))

    for rows in (first, second):
        assert [list(row.items()) for row in rows] == [list(row.items()) for row in orm]
        assert [[type(v) for v in row.values()] for row in rows] == [
            [type(v) for v in row.values()] for row in orm
        ]
    assert len(builds) == (1 if fast else 2)  # on: built once, with markers


@SWITCH
def test_api_key_authentication_finds_the_same_key(fast, switch, owner):
    switch("prepared_queries", fast)

    key = resolve_api_key(owner.secret)

    assert (key.pk, key.member_id, key.member.workspace_id) == (
        owner.member.api_keys.get().pk,
        owner.member.pk,
        owner.member.workspace_id,
    )


# -- pg_health_check -------------------------------------------------------------------------


@SWITCH
def test_the_postgresql_backend_is_ours_only_while_the_switch_is_on(fast):
    database = database_settings(CRIER_FAST_PG_HEALTH_CHECK="1" if fast else "0")

    expected = "core.fastpaths.postgresql" if fast else "django.db.backends.postgresql"
    assert database["engine"] == expected


# -- serializer_fields -----------------------------------------------------------------------


def _item(**extra: Any) -> dict:
    return {
        "networks": {"default": {"type": "status", "text": "Hello"}},
        "accounts": [{"id": "acc_1", "scheduled_at": "2099-01-01T09:00:00+01:00"}],
        **extra,
    }


BODIES = {
    "valid": {"bulk": {"state": "scheduled", "posts": [_item(), _item(labels=["a"])]}},
    "optional fields given": {
        "bulk": {"state": "scheduled", "posts": [_item(media=[], labels=[], evergreen=True)]}
    },
    "naive time and unknown network": {
        "bulk": {
            "state": "scheduled",
            "posts": [
                {
                    "networks": {"myspace": {"type": "status", "text": "Hi"}},
                    "accounts": [{"id": "acc_1", "scheduled_at": "2099-01-01T09:00:00"}],
                }
            ],
        }
    },
    "defaults left out": {
        "bulk": {
            "posts": [
                {
                    "networks": {"default": {"text": "Hi"}, "x": {"type": "photo"}},
                    "accounts": [{"id": "acc_1", "scheduled_at": "2099-01-01T09:00:00Z"}],
                    "media": [{"id": "med_1"}],
                }
            ]
        }
    },
    "wrong types": {"bulk": {"state": "scheduled", "posts": [_item(labels="a", media={})]}},
    "no posts": {"bulk": {"state": "scheduled", "posts": []}},
}


def _validated(body: dict) -> tuple[bool, Any, Any, bool]:
    serializer = ScheduleRequestSerializer(data=body, context={"mode": Job.Kind.SCHEDULE})
    valid = serializer.is_valid()
    listed = isinstance(serializer._writable_fields, list)  # the shortcut's, not DRF's
    return valid, shape(serializer.errors), shape(serializer.validated_data), listed


@SWITCH
@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_bulk_validation_gives_drfs_verdict_errors_and_data(fast, switch, body):
    switch("serializer_fields", fast)
    *ours, listed = _validated(body)
    switch("serializer_fields", False)
    *drfs, _ = _validated(body)

    assert ours == drfs
    assert listed is fast


# -- case_update -----------------------------------------------------------------------------


def _deliveries(workspace, account, tag: str) -> list[Delivery]:
    post = Post.objects.create(workspace=workspace, networks={"default": {}})
    return [
        Delivery.objects.create(
            workspace=workspace,
            post=post,
            account=account,
            status=S.PUBLISHING,
            scheduled_at=WHEN,
            attempts=1,
            external_id=f"kept-{index}",
            idempotency_key=f"{tag}-{index}",
        )
        for index in range(3)
    ]


def _changes(deliveries: list[Delivery]) -> dict[str, dict[str, Any]]:
    first, second, third = (delivery.pk for delivery in deliveries)
    return {  # differing values, one value for all (attempts), and fields some rows leave out
        first: {"status": S.PUBLISHED, "attempts": 2, "external_id": "x-1", "published_at": WHEN},
        second: {"status": S.FAILED, "attempts": 2, "error_message": "refused: 'quoted'"},
        third: {"status": S.RETRYING, "attempts": 2, "due_at": WHEN + timedelta(minutes=5)},
    }


FIELDS = ["status", "attempts", "external_id", "published_at", "error_message", "due_at"]


@SWITCH
def test_update_each_has_the_effect_of_djangos_case_in_one_statement(
    fast, switch, workspace, account
):
    ours, djangos = (_deliveries(workspace, account, tag) for tag in ("ours", "djangos"))
    switch("case_update", fast)
    with CaptureQueriesContext(connection) as statements:
        assert update_each(Delivery.objects.all(), _changes(ours)) == 3
    switch("case_update", False)
    assert update_each(Delivery.objects.all(), _changes(djangos)) == 3

    assert len(statements) == 1 and statements[0]["sql"].startswith("UPDATE")
    ours_now = [Delivery.objects.values(*FIELDS).get(pk=d.pk) for d in ours]
    djangos_now = [Delivery.objects.values(*FIELDS).get(pk=d.pk) for d in djangos]
    assert ours_now == djangos_now
    assert [row["external_id"] for row in ours_now] == ["x-1", "kept-1", "kept-2"]
    assert [row["due_at"] for row in ours_now] == [None, None, WHEN + timedelta(minutes=5)]
