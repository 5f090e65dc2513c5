"""Recurring posts: RFC 5545 rules in the account's zone, one delivery per occurrence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import islice

import pytest

from planning.models import RecurrenceSeries
from planning.recurrence import occurrences_after
from planning.recurring import materialize_due
from posts.dispatch import dispatch
from posts.models import Delivery, Post
from posts.recurrence_rules import InvalidRule, normalize_rule
from posts.states import DeliveryStatus as S
from tests.planning.conftest import BERLIN, local
from tests.posts.conftest import SCHEDULE, bulk, post_item

pytestmark = pytest.mark.django_db


def recurring(account_id: str, when: datetime, **recurrence) -> dict:
    item = post_item(account_id, when=when.isoformat(), text="Good morning")
    item["recurrence"] = recurrence
    return bulk(item)


def occurrences(post: Post) -> list[datetime]:
    return list(post.deliveries.order_by("scheduled_at").values_list("scheduled_at", flat=True))


# -- the rule -----------------------------------------------------------------------------


def test_nine_oclock_daily_stays_nine_oclock_local_through_the_spring_change():
    start = local(2026, 3, 27, 9, 0)  # Friday, winter time

    found = list(islice(occurrences_after("FREQ=DAILY", start=start, zone=BERLIN, after=start), 3))

    assert found == [
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC),  # 09:00 CET
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC),  # 09:00 CEST
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
    ]
    assert {f.astimezone(BERLIN).strftime("%H:%M") for f in found} == {"09:00"}


def test_nine_oclock_weekly_stays_nine_oclock_local_through_the_autumn_change():
    start = local(2026, 10, 18, 9, 0)  # Sunday, summer time

    found = list(islice(occurrences_after("FREQ=WEEKLY", start=start, zone=BERLIN, after=start), 2))

    assert found == [
        datetime(2026, 10, 25, 8, 0, tzinfo=UTC),  # 09:00 CET, the day the clocks go back
        datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
    ]


def test_the_rule_walks_in_the_accounts_zone_not_utc():
    # 23:30 in Berlin on Mondays is 21:30 UTC: BYDAY=MO means the Berlin Monday.
    start = local(2026, 6, 1, 23, 30)

    found = occurrences_after("FREQ=WEEKLY;BYDAY=MO", start=start, zone=BERLIN, after=start)

    assert next(found) == datetime(2026, 6, 8, 21, 30, tzinfo=UTC)


def test_until_ends_the_rule():
    start = local(2026, 6, 1, 9, 0)

    found = list(
        occurrences_after(
            "FREQ=DAILY", start=start, zone=BERLIN, after=start, until=local(2026, 6, 3, 9, 0)
        )
    )

    assert found == [local(2026, 6, 2, 9, 0), local(2026, 6, 3, 9, 0)]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "the rule is empty"),
        ("FREQ=SECONDLY", "FREQ must be one of"),
        ("FREQ=DAILY;COUNT=3", "COUNT cannot be in the rule"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a valid RFC 5545 rule"),
        ("FREQ=DAILY;INTERVAL", "is not NAME=VALUE"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "produces no date"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rule, message):
    with pytest.raises(InvalidRule, match=message):
        normalize_rule(rule)


def test_rules_are_normalised():
    assert normalize_rule("rrule:freq=weekly;byday=mo,we;") == "FREQ=WEEKLY;BYDAY=MO,WE"


# -- the API ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recurrence", "error"),
    [
        (
            {"rrule": "FREQ=DAILY"},
            "bulk.posts[0].recurrence: give exactly one end: count or until.",
        ),
        (
            {"rrule": "FREQ=DAILY", "count": 2, "until": "2030-01-01T00:00:00Z"},
            "bulk.posts[0].recurrence: give exactly one end: count or until.",
        ),
        ({"rrule": "FREQ=MINUTELY", "count": 2}, "bulk.posts[0].recurrence.rrule: FREQ must"),
        ({"rrule": "FREQ=DAILY", "count": 5000}, "bulk.posts[0].recurrence.count: at most 1000"),
        (
            {"rrule": "FREQ=DAILY", "until": "2030-01-01T00:00:00"},
            "bulk.posts[0].recurrence.until: '2030-01-01T00:00:00' has no UTC offset",
        ),
        (
            {"rrule": "FREQ=DAILY", "until": "2020-01-01T00:00:00Z"},
            "bulk.posts[0].recurrence: until (2020-01-01T00:00:00+00:00) is not after",
        ),
    ],
)
def test_a_bad_recurrence_is_a_400_naming_it(editor, account, send, recurrence, error):
    body = recurring(account.pk, local(2029, 6, 1, 9, 0), **recurrence)

    response = send(editor, SCHEDULE, body)

    assert response.status_code == 400
    assert response.json()["errors"][0].startswith(error), response.json()


def test_a_queue_post_cannot_recur(editor, account, send):
    body = recurring(account.pk, local(2029, 6, 1, 9, 0), rrule="FREQ=DAILY", count=2)
    body["bulk"]["state"] = "queue"
    del body["bulk"]["posts"][0]["accounts"][0]["scheduled_at"]

    response = send(editor, SCHEDULE, body)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        "bulk.posts[0].recurrence: is not available with queue: send state scheduled (or draft)."
    ]


# -- occurrences become deliveries ---------------------------------------------------------


def test_each_occurrence_becomes_its_own_delivery_when_near_through_the_dst_change(
    editor, berlin_account, send, frozen
):
    frozen(local(2026, 3, 26, 12, 0))
    body = recurring(berlin_account.pk, local(2026, 3, 27, 9, 0), rrule="FREQ=DAILY", count=3)
    assert send(editor, SCHEDULE, body).status_code == 202
    post = Post.objects.get()
    series = RecurrenceSeries.objects.get()
    assert occurrences(post) == [datetime(2026, 3, 27, 8, 0, tzinfo=UTC)]
    assert series.next_at == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)

    assert materialize_due()["created"] == 0  # not near yet
    frozen(local(2026, 3, 28, 8, 30))  # within the hour before the second occurrence
    assert materialize_due()["created"] == 1
    assert materialize_due()["created"] == 0  # a second tick creates nothing twice
    frozen(local(2026, 3, 29, 8, 30))
    assert materialize_due()["created"] == 1

    assert occurrences(post) == [
        datetime(2026, 3, 27, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC),  # still 09:00 in Berlin
    ]
    assert all(
        d.status == S.SCHEDULED and d.due_at == d.scheduled_at for d in post.deliveries.all()
    )
    series.refresh_from_db()
    assert (series.occurrences, series.next_at) == (3, None)
    assert series.ended_at is not None


def test_a_series_with_until_ends_at_its_last_occurrence(editor, berlin_account, send, frozen):
    frozen(local(2026, 6, 1, 8, 0))
    body = recurring(
        berlin_account.pk,
        local(2026, 6, 1, 9, 0),
        rrule="FREQ=WEEKLY",
        until=local(2026, 6, 8, 9, 0).isoformat(),
    )
    send(editor, SCHEDULE, body)

    frozen(local(2026, 6, 8, 8, 30))
    materialize_due()

    series = RecurrenceSeries.objects.get()
    assert series.occurrences == 2
    assert series.ended_at is not None


def test_an_occurrence_missed_while_beat_was_down_is_skipped_not_published_late(
    editor, berlin_account, send, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    send(
        editor,
        SCHEDULE,
        recurring(berlin_account.pk, local(2026, 6, 1, 9, 0), rrule="FREQ=DAILY", count=3),
    )

    frozen(local(2026, 6, 2, 14, 0))  # five hours after the second occurrence
    counts = materialize_due()

    assert counts["skipped"] == 1
    series = RecurrenceSeries.objects.get()
    assert series.next_at == local(2026, 6, 3, 9, 0)
    assert Delivery.objects.count() == 1


def test_a_series_waits_while_its_post_awaits_approval(
    editor, berlin_account, workspace, send, frozen
):
    workspace.approval_required = True
    workspace.save()
    frozen(local(2026, 6, 1, 8, 0))
    send(
        editor,
        SCHEDULE,
        recurring(berlin_account.pk, local(2026, 6, 1, 9, 0), rrule="FREQ=DAILY", count=3),
    )

    frozen(local(2026, 6, 2, 8, 30))
    assert materialize_due()["waiting"] == 1
    assert Delivery.objects.count() == 1


def test_deleting_the_post_ends_its_series(editor, berlin_account, send, frozen):
    frozen(local(2026, 6, 1, 8, 0))
    send(
        editor,
        SCHEDULE,
        recurring(berlin_account.pk, local(2026, 6, 1, 9, 0), rrule="FREQ=DAILY", count=3),
    )
    post = Post.objects.get()

    editor.client.delete(f"/api/v1/posts/{post.pk}")
    frozen(local(2026, 6, 2, 8, 30))
    materialize_due()

    assert RecurrenceSeries.objects.get().ended_at is not None
    assert list(post.deliveries.values_list("status", flat=True)) == [S.CANCELLED]


def test_every_occurrence_is_published_at_its_time(
    editor, live_account, send, frozen, simulator, django_capture_on_commit_callbacks
):
    live_account.timezone = "Europe/Berlin"
    live_account.save()
    frozen(local(2026, 6, 1, 8, 0))
    send(
        editor,
        SCHEDULE,
        recurring(live_account.pk, local(2026, 6, 1, 9, 0), rrule="FREQ=DAILY", count=2),
    )

    for moment in (local(2026, 6, 1, 9, 0), local(2026, 6, 2, 8, 30), local(2026, 6, 2, 9, 0)):
        frozen(moment)
        materialize_due()
        with django_capture_on_commit_callbacks(execute=True):
            dispatch(time_budget=5)

    post = Post.objects.get()
    assert list(post.deliveries.order_by("scheduled_at").values_list("status", flat=True)) == [
        S.PUBLISHED,
        S.PUBLISHED,
    ]
    assert len(simulator.simulator.feed(live_account.external_id)) == 2
    assert post.deliveries.last().scheduled_at - post.deliveries.first().scheduled_at == timedelta(
        days=1
    )
