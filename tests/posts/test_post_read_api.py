"""GET /api/v1/posts (filters, pages) and GET /api/v1/posts/{id}, scoped to the workspace."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from posts.models import Attempt, Delivery, Post
from posts.states import DeliveryStatus
from tests.factories import SocialAccountFactory
from tests.posts.conftest import SCHEDULE, bulk, post_item

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def schedule(editor, send):
    """Schedule one post through the API; returns the stored Post."""

    def schedule(*account_ids: str, when, text: str = "hello", state: str = "scheduled") -> Post:
        body = bulk(post_item(*account_ids, when=when.isoformat(), text=text), state=state)
        response = send(editor, SCHEDULE, body)
        assert response.status_code == 202
        return Post.objects.get(job_id=response.json()["job_id"])

    return schedule


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [post["id"] for post in response.json()["results"]]


def test_the_list_shows_the_workspaces_posts_newest_first_with_their_deliveries(
    editor, account, schedule, now
):
    older = schedule(account.pk, when=now + DAY, text="older")
    newer = schedule(account.pk, when=now + 2 * DAY, text="newer")

    response = editor.client.get("/api/v1/posts")

    assert _ids(response) == [newer.pk, older.pk]
    body = response.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["state"] == "scheduled"
    assert first["networks"]["default"]["text"] == "newer"
    assert [(d["account_id"], d["state"]) for d in first["deliveries"]] == [
        (account.pk, "scheduled")
    ]


def test_the_list_filters_by_delivery_state(editor, account, schedule, now):
    scheduled = schedule(account.pk, when=now + DAY)
    draft = schedule(account.pk, when=now + DAY, state="draft")

    assert _ids(editor.client.get("/api/v1/posts", {"state": "draft"})) == [draft.pk]
    assert _ids(editor.client.get("/api/v1/posts", {"state": "scheduled"})) == [scheduled.pk]
    assert _ids(editor.client.get("/api/v1/posts", {"state": "published"})) == []


def test_the_list_filters_by_account(editor, account, schedule, now):
    other = SocialAccountFactory(workspace=editor.workspace)
    mine = schedule(account.pk, when=now + DAY)
    both = schedule(account.pk, other.pk, when=now + DAY)
    schedule(other.pk, when=now + DAY)

    response = editor.client.get("/api/v1/posts", {"account_id": account.pk})

    assert _ids(response) == [both.pk, mine.pk]


def test_the_list_filters_by_a_scheduled_window_with_inclusive_bounds(
    editor, account, schedule, now
):
    first = schedule(account.pk, when=now + DAY)
    second = schedule(account.pk, when=now + 2 * DAY)
    third = schedule(account.pk, when=now + 3 * DAY)

    def window(**bounds) -> list[str]:
        params = {name: value.isoformat() for name, value in bounds.items()}
        return _ids(editor.client.get("/api/v1/posts", params))

    assert window(**{"from": now + 2 * DAY}) == [third.pk, second.pk]
    assert window(to=now + 2 * DAY) == [second.pk, first.pk]
    assert window(**{"from": now + 2 * DAY, "to": now + 2 * DAY}) == [second.pk]
    # The same instant written in another offset selects the same posts.
    plus_two = (now + 2 * DAY).astimezone(timezone.get_fixed_timezone(120))
    assert window(**{"from": plus_two, "to": plus_two}) == [second.pk]


@pytest.mark.parametrize("name", ["from", "to"])
def test_a_naive_window_bound_is_refused(editor, name):
    response = editor.client.get("/api/v1/posts", {name: "2031-01-01T00:00:00"})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        f"{name}: '2031-01-01T00:00:00' has no UTC offset: send ISO 8601 with an offset, "
        "for example 2026-12-01T09:00:00+01:00."
    ]


def test_an_unknown_state_filter_is_refused(editor):
    response = editor.client.get("/api/v1/posts", {"state": "lost"})

    assert response.status_code == 400
    assert response.json()["errors"] == ['state: "lost" is not a valid choice.']


def test_the_list_is_paginated_with_page_and_per_page(editor, account, schedule, now):
    posts = [schedule(account.pk, when=now + DAY) for _ in range(5)]
    newest_first = [post.pk for post in reversed(posts)]

    first = editor.client.get("/api/v1/posts", {"per_page": 2})
    third = editor.client.get("/api/v1/posts", {"per_page": 2, "page": 3})

    assert _ids(first) == newest_first[:2]
    assert first.json()["count"] == 5
    assert first.json()["next"] is not None
    assert _ids(third) == newest_first[4:]
    assert third.json()["next"] is None
    beyond = editor.client.get("/api/v1/posts", {"per_page": 2, "page": 4})
    assert beyond.status_code == 404
    assert beyond.json() == {"errors": ["Invalid page."]}


def test_the_detail_shows_deliveries_attempts_and_urls(editor, account, schedule, now):
    post = schedule(account.pk, when=now + DAY)
    delivery = post.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PUBLISHED,
        attempts=1,
        external_id="ext-1",
        external_url="https://sandbox.example/p/ext-1",
    )
    Attempt.objects.create(
        delivery=delivery, number=1, started_at=now, finished_at=now, outcome="published"
    )

    response = editor.client.get(f"/api/v1/posts/{post.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "published"
    (shown,) = body["deliveries"]
    assert shown["url"] == "https://sandbox.example/p/ext-1"
    assert shown["external_id"] == "ext-1"
    assert shown["error"] is None
    assert [attempt["outcome"] for attempt in shown["attempt_log"]] == ["published"]


def test_an_outsider_sees_nothing_of_the_workspace(editor, outsider, account, schedule, now):
    post = schedule(account.pk, when=now + DAY)

    assert _ids(outsider.client.get("/api/v1/posts")) == []
    assert _ids(outsider.client.get("/api/v1/posts", {"account_id": account.pk})) == []
    response = outsider.client.get(f"/api/v1/posts/{post.pk}")
    assert response.status_code == 404
    assert response.json() == {"errors": ["Not found."]}


def test_a_viewer_reads_posts(viewer, account, schedule, now):
    post = schedule(account.pk, when=now + DAY)

    assert _ids(viewer.client.get("/api/v1/posts")) == [post.pk]
    assert viewer.client.get(f"/api/v1/posts/{post.pk}").status_code == 200


def test_a_date_only_bound_reads_as_the_start_of_that_day_in_utc(editor, account, schedule, now):
    # The document's own example: GET /posts?state=scheduled&from=2025-04-20.
    noon = (now + 2 * DAY).replace(hour=12, minute=0, second=0)
    later = schedule(account.pk, when=noon)
    earlier = schedule(account.pk, when=noon - DAY)
    day = noon.date().isoformat()

    assert _ids(editor.client.get(f"/api/v1/posts?state=scheduled&from={day}")) == [later.pk]
    assert _ids(editor.client.get(f"/api/v1/posts?to={day}")) == [earlier.pk]


def test_every_time_in_a_post_is_to_the_second_with_an_offset(editor, account, schedule, now):
    post = schedule(account.pk, when=now + DAY)
    Delivery.objects.filter(post=post).update(published_at=timezone.now())  # has microseconds

    shown = editor.client.get(f"/api/v1/posts/{post.pk}").json()
    (delivery,) = shown["deliveries"]
    times = [shown["created_at"], shown["updated_at"], delivery["scheduled_at"]]
    times.append(delivery["published_at"])
    # The document: YYYY-MM-DDThh:mm:ss±hh:mm, e.g. 2025-05-04T14:58:35+00:00.
    for value in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", value), value
    assert delivery["scheduled_at"] == (now + DAY).isoformat()
