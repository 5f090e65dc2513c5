"""Each fast path (core/fastpaths) gives the framework's answer, and its switch puts the
framework's own path back: every test runs with the switch on and off and compares the
answer with the one Django or DRF gives on its own (the PostgreSQL health check's answers
are compared in tests/test_postgresql_backend.py, which needs PostgreSQL)."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from accounts import platforms
from accounts.auth import resolve_api_key
from connectors.base import RateLimit
from core.fastpaths import FAST_PATHS, NAMES
from core.fastpaths.case_update import update_each
from core.fastpaths.prepared import PreparedQuery, columns
from posts import publishing, quotas
from posts.models import Attempt, Delivery, Job, Post, PostMedia
from posts.publishing import claim_for_publishing
from posts.serializers import ScheduleRequestSerializer
from posts.states import DeliveryStatus as S
from tests.posts.test_input_serializer import shape
from tests.posts.test_thread_media import picture
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


# -- claim_statement -------------------------------------------------------------------------


def _claim_world(workspace, account, tag: str) -> list[str]:
    """Ids to claim: three queued deliveries (a post with a job and a picture, one with a
    job and no media, one without a job), a scheduled one and an id that is no delivery."""
    job = Job.objects.create(
        workspace=workspace, kind=Job.Kind.SCHEDULE, request={"posts": [tag]}, payload={"x": 1}
    )
    asset = picture(workspace, tag)
    posts = [
        Post.objects.create(workspace=workspace, job=job, networks={"default": {"text": "a"}}),
        Post.objects.create(workspace=workspace, job=job, labels=["b"]),
        Post.objects.create(workspace=workspace, networks={"default": {"text": "c"}}),
    ]
    PostMedia.objects.create(post=posts[0], asset=asset, position=0, alt="alt")
    deliveries = [
        Delivery.objects.create(
            workspace=workspace,
            post=post,
            account=account,
            status=status,
            scheduled_at=WHEN,
            due_at=WHEN,
            attempts=2,
            idempotency_key=f"{tag}-{index}",
            error_message="earlier",
        )
        for index, (post, status) in enumerate(
            zip([*posts, posts[0]], [S.QUEUED] * 3 + [S.SCHEDULED], strict=True)
        )
    ]
    return [f"dlv_{tag}_none", *(delivery.pk for delivery in reversed(deliveries))]


def _as_loaded(instance) -> dict[str, Any]:
    """The instance's loaded fields, without those that name this world's own rows."""
    own = {"id", "post_id", "job_id", "idempotency_key", "storage_key", "request"}
    deferred = instance.get_deferred_fields()
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
        if field.attname not in deferred and field.attname not in own
    } | {"deferred": deferred}


def _claimed_as_read(deliveries: list[Delivery]) -> list[dict[str, Any]]:
    return [
        {
            "delivery": _as_loaded(delivery),
            "post": _as_loaded(delivery.post),
            "job": delivery.post.job and _as_loaded(delivery.post.job),
            "account": _as_loaded(delivery.account),
            "has_media": delivery.post_has_media,
            "media": [link.alt for link in getattr(delivery.post, "media_loaded", [])],
            "key": delivery.idempotency_key.split("-")[1],
        }
        for delivery in deliveries
    ]


@SWITCH
def test_the_claim_statement_claims_and_loads_what_the_orms_claim_does(
    fast, switch, workspace, account
):
    with time_machine.travel(WHEN, tick=False):
        ours, djangos = (_claim_world(workspace, account, tag) for tag in ("ours", "djangos"))
        switch("claim_statement", fast)
        with CaptureQueriesContext(connection) as statements:
            claimed = claim_for_publishing(ours)
        switch("claim_statement", False)
        reference = claim_for_publishing(djangos)

    with CaptureQueriesContext(connection) as reads:
        seen, expected = _claimed_as_read(claimed), _claimed_as_read(reference)
    # In id order, the claim's one locking order.
    assert [delivery.pk for delivery in claimed] == sorted(ours[2:])
    seen, expected = (sorted(rows, key=lambda row: row["key"]) for rows in (seen, expected))
    assert seen == expected
    assert len(reads) == 0  # every relation and the media were loaded by the claim
    assert [row["key"] for row in seen] == ["0", "1", "2"]  # the queued ones
    assert [row["has_media"] for row in seen] == [True, False, False]
    assert seen[0]["job"]["deferred"] == {"request", "payload"} and seen[2]["job"] is None
    assert seen[0]["delivery"]["status"] == S.PUBLISHING and seen[0]["delivery"]["attempts"] == 3
    stored = [
        [_as_loaded(Delivery.objects.get(pk=pk)) for pk in ids[1:]] for ids in (ours, djangos)
    ]
    assert stored[0] == stored[1]
    assert [row["status"] for row in stored[0]] == [S.SCHEDULED, *[S.PUBLISHING] * 3]
    if fast and connection.vendor == "postgresql":
        # One statement claims (in its transaction); the second reads the batch's media.
        verbs = [query["sql"].split()[0] for query in statements]
        assert [verb for verb in verbs if verb not in ("SAVEPOINT", "RELEASE")] == [
            "WITH",
            "SELECT",
        ]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_claimed_delivery_is_not_claimed_again(workspace, account):
    ids = _claim_world(workspace, account, "twice")
    with time_machine.travel(WHEN, tick=False):
        first = claim_for_publishing(ids)
        again = claim_for_publishing(ids)
    assert len(first) == 3 and again == []


# -- quota_pipeline --------------------------------------------------------------------------


def _needs(tag: str) -> list[quotas.Need]:
    """Three calls of one account allowed two a minute, one of another account, and two of
    a platform with an account window and a platform window (taken one call at a time)."""
    per_account = replace(
        platforms.connector_class("sandbox").limits,
        per_account_rate=RateLimit(requests=2, per_seconds=60),
        per_platform_rate=None,
    )
    two_windows = replace(per_account, per_platform_rate=RateLimit(requests=1, per_seconds=60))
    return [
        *[quotas.Need(f"one-{tag}", "acc_a", per_account)] * 3,
        quotas.Need(f"one-{tag}", "acc_b", per_account),
        *[quotas.Need(f"two-{tag}", "acc_c", two_windows)] * 2,
    ]


@SWITCH
def test_a_batchs_quotas_are_taken_as_limits_takes_them_one_by_one(fast, switch):
    run = uuid.uuid4().hex  # the windows live on in Redis: a run of its own
    switch("quota_pipeline", fast)
    ours = quotas.waits_for_capacity(_needs(f"ours-{run}"))
    switch("quota_pipeline", False)
    limits_own = quotas.waits_for_capacity(_needs(f"limits-{run}"))

    assert [wait > 0 for wait in ours] == [False, False, True, False, False, True]
    assert [round(wait) for wait in ours] == [round(wait) for wait in limits_own]
    assert all(50 < wait <= 60 for wait in ours if wait)
    left = [
        [
            quotas._limiter(settings.REDIS_URL).get_window_stats(item, *key).remaining
            for need in needs
            for item, key in need.buckets()
        ]
        for needs in (_needs(f"ours-{run}"), _needs(f"limits-{run}"))
    ]
    assert left[0] == left[1] == [0, 0, 0, 1, *[1, 0] * 2]  # a refused call takes nothing


# -- attempts_statement ----------------------------------------------------------------------


def _calls_with_history(workspace, account, tag: str) -> list[publishing._Call]:
    """Three deliveries being published: one never tried, one tried twice, one whose
    attempts reached 5 before an operator's retry reset its count."""
    post = Post.objects.create(workspace=workspace, networks={"default": {}})
    calls = []
    for index, earlier in enumerate((0, 2, 5)):
        delivery = Delivery.objects.create(
            workspace=workspace,
            post=post,
            account=account,
            status=S.PUBLISHING,
            scheduled_at=WHEN,
            idempotency_key=f"{tag}-{index}",
        )
        for number in range(1, earlier + 1):
            Attempt.objects.create(delivery=delivery, number=number, started_at=WHEN)
        calls.append(publishing._Call(delivery, platforms.connector_for("sandbox"), {}))
    return calls


def _attempts_as_stored(calls: list[publishing._Call]) -> list[dict[str, Any]]:
    return [
        Attempt.objects.filter(pk=call.attempt.pk, delivery=call.delivery)
        .values("number", "started_at", "finished_at", "outcome", "message", "worker")
        .get()
        for call in calls
    ]


@SWITCH
def test_the_attempts_statement_numbers_and_stores_attempts_as_bulk_create_does(
    fast, switch, workspace, account
):
    ours, djangos = (_calls_with_history(workspace, account, tag) for tag in ("ours", "theirs"))
    with time_machine.travel(WHEN, tick=False):
        switch("attempts_statement", fast)
        with CaptureQueriesContext(connection) as statements:
            publishing._start_attempts(ours)
        switch("attempts_statement", False)
        publishing._start_attempts(djangos)

    assert [call.attempt.number for call in ours] == [1, 3, 6]
    assert [call.attempt.number for call in djangos] == [1, 3, 6]
    assert _attempts_as_stored(ours) == _attempts_as_stored(djangos)
    assert all(not call.attempt._state.adding for call in ours)
    returns_rows = connection.features.can_return_rows_from_bulk_insert
    assert [query["sql"].split()[0] for query in statements] == (
        ["INSERT"] if fast and returns_rows else ["SELECT", "INSERT"]
    )
