"""GET /api/v1/notifications: produced by the pipeline's own events, newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tokens import refresh_expiring
from planning.models import Notification
from posts.dispatch import dispatch
from posts.models import Attempt, Delivery, Job
from posts.states import DeliveryStatus as S
from tests.factories import SocialAccountFactory
from tests.posts.conftest import PUBLISH_NOW, SCHEDULE, bulk, future, post_item
from webhooks.models import WebhookMessage
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications"


def test_a_publish_the_platform_refuses_becomes_a_notification(
    editor, live_account, simulator, send, settings
):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=editor.workspace, url="http://127.0.0.1:9/hook", events=[])
    simulator.simulator.configure(live_account.external_id, {"reject": "Duplicate status."})
    send(editor, PUBLISH_NOW, bulk(post_item(live_account.pk)))
    delivery = Delivery.objects.get()
    assert delivery.status == S.FAILED

    body = editor.client.get(URL).json()

    assert body["count"] == 1
    assert body["unread"] == 1
    (notification,) = body["results"]
    assert notification["event"] == "post.failed"
    assert notification["level"] == "error"
    assert notification["read"] is False
    assert notification["message"] == (
        f"Post {delivery.post_id} to sandbox account {live_account.pk} failed: "
        f"{delivery.error_message}"
    )
    assert "Duplicate status." in notification["message"]
    assert notification["data"]["id"] == delivery.pk
    # The webhook of the same event carries the same data: one source for both.
    message = WebhookMessage.objects.get(event="post.failed")
    assert message.payload["data"] == notification["data"]


def test_a_published_post_is_not_a_notification(editor, live_account, send):
    send(editor, PUBLISH_NOW, bulk(post_item(live_account.pk)))

    assert Delivery.objects.get().status == S.PUBLISHED
    assert editor.client.get(URL).json()["count"] == 0


def test_an_unknown_outcome_becomes_a_notification(
    editor, workspace, send, django_capture_on_commit_callbacks
):
    plain = SocialAccountFactory(workspace=workspace, platform="sandbox_plain")
    send(editor, SCHEDULE, bulk(post_item(plain.pk, when=future(hours=1))))
    delivery = Delivery.objects.get()
    # A worker took it and died mid-call; the platform has no idempotency key.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=S.PUBLISHING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    Attempt.objects.create(delivery=delivery, number=1, started_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        dispatch(time_budget=2)

    (notification,) = Notification.objects.all()
    assert notification.event == "post.unknown"
    assert "unknown outcome" in notification.message


def test_an_overdue_post_becomes_a_notification_once(
    editor, account, send, frozen, django_capture_on_commit_callbacks, settings
):
    settings.CRIER_OVERDUE_AFTER = timedelta(minutes=5)
    send(editor, SCHEDULE, bulk(post_item(account.pk, when=future(hours=1))))
    # Nothing publishes it (no worker takes the queued message): it goes overdue.
    frozen(timezone.now() + timedelta(hours=1, minutes=10))
    with django_capture_on_commit_callbacks(execute=False):
        dispatch(time_budget=2)
        dispatch(time_budget=2)

    overdue = Notification.objects.filter(event="post.overdue")
    assert overdue.count() == 1
    assert overdue.get().level == "warning"


def test_an_account_that_needs_reconnecting_becomes_a_notification(workspace, editor, simulator):
    account = SocialAccountFactory(
        workspace=workspace,
        external_id="revoked",
        token_expires_at=timezone.now() + timedelta(minutes=5),
        credentials={
            "access_token": "a",
            "refresh_token": "r",
            "extra": {"base_url": simulator.url},
        },
    )
    simulator.simulator.configure("revoked", {"refuse_refresh": True})

    refresh_expiring(within=timedelta(minutes=15))

    (notification,) = editor.client.get(URL).json()["results"]
    assert notification["event"] == "account.needs_reauth"
    assert notification["message"].startswith(f"Account {account.pk} (sandbox ")
    assert "revoked by the user" in notification["message"]


def make(workspace, count: int) -> list[Notification]:
    return [
        Notification.objects.create(
            workspace=workspace, event="post.failed", message=f"n{index}", level="error"
        )
        for index in range(count)
    ]


def test_notifications_are_newest_first_and_paginated(editor, workspace):
    made = make(workspace, 5)

    first = editor.client.get(URL, {"per_page": 2}).json()
    last = editor.client.get(URL, {"per_page": 2, "page": 3}).json()

    assert first["count"] == 5
    assert [n["message"] for n in first["results"]] == ["n4", "n3"]
    assert [n["id"] for n in last["results"]] == [made[0].pk]


def test_marking_read_one_some_or_all(editor, viewer, workspace):
    one, two, three = make(workspace, 3)

    single = viewer.client.post(f"{URL}/{one.pk}/read")
    some = editor.client.post(f"{URL}/read", {"ids": [two.pk]}, format="json")
    unread = editor.client.get(URL, {"unread": "true"}).json()
    everything = editor.client.post(f"{URL}/read", {"all": True}, format="json")

    assert single.status_code == 200
    assert single.json()["read"] is True
    assert some.json() == {"marked": 1}
    assert [n["id"] for n in unread["results"]] == [three.pk]
    assert unread["unread"] == 1
    assert everything.json() == {"marked": 1}
    assert editor.client.get(URL).json()["unread"] == 0
    assert editor.client.post(f"{URL}/read", {}, format="json").status_code == 400


def test_an_outsider_neither_sees_nor_marks_the_workspaces_notifications(outsider, workspace):
    (mine,) = make(workspace, 1)

    assert outsider.client.get(URL).json()["count"] == 0
    assert outsider.client.post(f"{URL}/{mine.pk}/read").status_code == 404
    marked = outsider.client.post(f"{URL}/read", {"ids": [mine.pk]}, format="json")
    assert marked.json() == {"marked": 0}
    assert outsider.client.post(f"{URL}/read", {"all": True}, format="json").json() == {"marked": 0}
    mine.refresh_from_db()
    assert mine.read_at is None


def test_job_completion_is_not_a_notification(editor, account, send):
    send(editor, SCHEDULE, bulk(post_item(account.pk, when=future())))

    assert Job.objects.get().status == "completed"
    assert not Notification.objects.exists()
