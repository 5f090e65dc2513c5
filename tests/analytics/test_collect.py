"""The collector: what is due, what a sample stores, and how platform failures are borne."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import AccountStatus
from analytics import services, tasks
from analytics.models import (
    AccountMetricsSnapshot,
    AccountMetricsState,
    DeliveryMetricsState,
    PostMetricsSnapshot,
)
from connectors.base import Connector
from posts.states import DeliveryStatus
from tests.analytics.conftest import INSTANCE, mastodon_account, published
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db

VERIFY = f"{INSTANCE}/api/v1/accounts/verify_credentials"


def status_json(status_id: str, likes: int = 11) -> dict:
    return {"id": status_id, "replies_count": 5, "reblogs_count": 6, "favourites_count": likes}


def followers_json(count: int = 318) -> dict:
    return {"id": "14715", "username": "ada", "followers_count": count}


def test_it_stores_post_and_follower_snapshots_with_the_platform_values(mastodon, respx_mock):
    delivery = published(mastodon, external_id="1001")
    status = respx_mock.get(f"{INSTANCE}/api/v1/statuses/1001").respond(
        200, json=status_json("1001")
    )
    verify = respx_mock.get(VERIFY).respond(200, json=followers_json())
    now = timezone.now()

    counts = services.collect_due(now)

    assert counts == {
        "posts": 1,
        "accounts": 1,
        "rate_limited": 0,
        "auth_expired": 0,
        "errors": 0,
    }
    assert status.call_count == verify.call_count == 1
    snapshot = PostMetricsSnapshot.objects.get(delivery=delivery)
    assert (snapshot.taken_at, snapshot.workspace_id) == (now, mastodon.workspace_id)
    assert (snapshot.impressions, snapshot.likes, snapshot.comments, snapshot.shares) == (
        None,
        11,
        5,
        6,
    )
    assert snapshot.clicks is None
    followers = AccountMetricsSnapshot.objects.get(account=mastodon)
    assert (followers.followers, followers.taken_at) == (318, now)


def test_due_deliveries_are_recent_published_unsampled_on_platforms_with_metrics(workspace):
    now = timezone.now()
    account = mastodon_account(workspace)
    fresh = published(account, at=now - timedelta(days=2))
    sampled_long_ago = published(account, at=now - timedelta(days=3))
    DeliveryMetricsState.objects.create(
        delivery=sampled_long_ago, checked_at=now - timedelta(hours=7)
    )
    sampled_recently = published(account, at=now - timedelta(days=3))
    DeliveryMetricsState.objects.create(
        delivery=sampled_recently, checked_at=now - timedelta(hours=1)
    )
    published(account, at=now - timedelta(days=31))  # past the window
    published(account, status=DeliveryStatus.FAILED)
    published(account, status=DeliveryStatus.SCHEDULED)
    published(account, external_id="")  # nothing to ask about
    published(SocialAccountFactory(workspace=workspace))  # sandbox: offers no metrics
    published(mastodon_account(workspace, status=AccountStatus.NEEDS_REAUTH))
    published(mastodon_account(workspace, disconnected_at=now))

    due = list(services.due_deliveries(now))

    # Never sampled first, then the least recently sampled.
    assert due == [fresh, sampled_long_ago]


def test_due_work_is_batch_limited(workspace, settings):
    settings.CRIER_ANALYTICS_BATCH = 2
    now = timezone.now()
    account = mastodon_account(workspace)
    first, second, _ = (published(account, at=now - timedelta(days=day)) for day in (5, 4, 3))
    mastodon_account(workspace)
    mastodon_account(workspace)

    assert list(services.due_deliveries(now)) == [first, second]
    assert len(services.due_accounts(now)) == 2


def test_a_second_run_at_once_asks_the_platform_nothing_more(mastodon, respx_mock):
    published(mastodon, external_id="1001")
    status = respx_mock.get(f"{INSTANCE}/api/v1/statuses/1001").respond(
        200, json=status_json("1001")
    )
    verify = respx_mock.get(VERIFY).respond(200, json=followers_json())
    now = timezone.now()

    services.collect_due(now)
    services.collect_due(now + timedelta(minutes=15))

    assert status.call_count == verify.call_count == 1
    assert PostMetricsSnapshot.objects.count() == AccountMetricsSnapshot.objects.count() == 1


def test_it_samples_again_after_the_interval(mastodon, respx_mock):
    delivery = published(mastodon, external_id="1001")
    respx_mock.get(f"{INSTANCE}/api/v1/statuses/1001").mock(
        side_effect=[
            _json(status_json("1001", likes=11)),
            _json(status_json("1001", likes=40)),
        ]
    )
    respx_mock.get(VERIFY).respond(200, json=followers_json())
    now = timezone.now()

    services.collect_due(now)
    services.collect_due(now + settings.CRIER_ANALYTICS_EVERY + timedelta(seconds=1))

    likes = list(
        PostMetricsSnapshot.objects.filter(delivery=delivery)
        .order_by("taken_at")
        .values_list("likes", flat=True)
    )
    assert likes == [11, 40]


def test_rate_limit_pauses_the_account_until_retry_after(workspace, respx_mock):
    limited = mastodon_account(workspace)
    other = mastodon_account(workspace)
    published(limited, external_id="1", at=timezone.now() - timedelta(days=2))
    published(limited, external_id="2", at=timezone.now() - timedelta(days=1))
    published(other, external_id="3")
    first = respx_mock.get(f"{INSTANCE}/api/v1/statuses/1").respond(
        429, headers={"Retry-After": "120"}, json={"error": "Too many requests"}
    )
    second = respx_mock.get(f"{INSTANCE}/api/v1/statuses/2").respond(200, json=status_json("2"))
    third = respx_mock.get(f"{INSTANCE}/api/v1/statuses/3").respond(200, json=status_json("3"))
    verify = respx_mock.get(VERIFY).respond(200, json=followers_json())
    now = timezone.now()

    counts = services.collect_due(now)

    assert counts["rate_limited"] == 1
    assert first.call_count == 1
    assert second.call_count == 0  # nothing more for the limited account in this run
    assert third.call_count == 1  # the other account is not held up
    assert verify.call_count == 1  # only the other account's followers
    state = AccountMetricsState.objects.get(account=limited)
    assert state.paused_until == now + timedelta(seconds=120)
    assert (state.error_code, state.error_message) == ("http_429", "Too many requests")

    services.collect_due(now + timedelta(seconds=60))
    assert first.call_count == 1 and second.call_count == 0

    first.respond(200, json=status_json("1"))
    services.collect_due(now + timedelta(seconds=121))
    assert first.call_count == 2 and second.call_count == 1
    assert PostMetricsSnapshot.objects.filter(delivery__account=limited).count() == 2
    assert AccountMetricsSnapshot.objects.filter(account=limited).count() == 1


def test_a_failing_post_is_logged_and_the_others_still_sampled(mastodon, respx_mock):
    gone = published(mastodon, external_id="404", at=timezone.now() - timedelta(days=2))
    kept = published(mastodon, external_id="200")
    respx_mock.get(f"{INSTANCE}/api/v1/statuses/404").respond(
        404, json={"error": "Record not found"}
    )
    respx_mock.get(f"{INSTANCE}/api/v1/statuses/200").respond(200, json=status_json("200"))
    respx_mock.get(VERIFY).respond(200, json=followers_json())

    counts = services.collect_due(timezone.now())

    assert (counts["posts"], counts["errors"]) == (1, 1)
    assert PostMetricsSnapshot.objects.get().delivery == kept
    state = DeliveryMetricsState.objects.get(delivery=gone)
    assert state.error_message == "Record not found"
    assert gone not in services.due_deliveries(timezone.now())  # not asked again at once


def test_expired_token_marks_nothing_and_leaves_the_post_due(mastodon, respx_mock):
    delivery = published(mastodon, external_id="1001")
    status = respx_mock.get(f"{INSTANCE}/api/v1/statuses/1001").respond(
        401, json={"error": "The access token is invalid"}
    )
    verify = respx_mock.get(VERIFY).respond(401, json={"error": "The access token is invalid"})
    now = timezone.now()

    counts = services.collect_due(now)

    assert counts["auth_expired"] == 1
    assert status.call_count == 1 and verify.call_count == 0
    mastodon.refresh_from_db()
    assert mastodon.status == AccountStatus.ACTIVE
    assert not AccountMetricsState.objects.filter(account=mastodon, paused_until__isnull=False)
    assert list(services.due_deliveries(now + timedelta(minutes=15))) == [delivery]


class Exploding(Connector):
    platform = "mastodon"
    display_name = "Exploding"

    def publish(self, content, credentials):
        raise AssertionError("never called")

    def post_metrics(self, handle, credentials):
        raise ValueError("a bug in a connector")

    def account_metrics(self, credentials):
        raise KeyError("followers")


def test_an_unexpected_exception_never_crashes_the_run(mastodon):
    published(mastodon)

    counts = services.collect_due(timezone.now(), connector_factory=lambda slug: Exploding())

    assert counts["errors"] == 2
    assert DeliveryMetricsState.objects.get().error_code == "internal_error"


def test_the_beat_task_runs_the_collector(mastodon, respx_mock):
    published(mastodon, external_id="1001")
    respx_mock.get(f"{INSTANCE}/api/v1/statuses/1001").respond(200, json=status_json("1001"))
    respx_mock.get(VERIFY).respond(200, json=followers_json())

    assert tasks.collect_metrics()["posts"] == 1
    entry = settings.CELERY_BEAT_SCHEDULE["analytics-collect"]
    assert entry["task"] == "analytics.tasks.collect_metrics"
    assert entry["schedule"] == float(settings.CRIER_ANALYTICS_INTERVAL)


def _json(body: dict) -> httpx.Response:
    return httpx.Response(200, json=body)


def test_the_nine_platforms_offer_post_and_follower_metrics():
    nine = {
        "x",
        "linkedin",
        "facebook",
        "instagram",
        "threads",
        "youtube",
        "bluesky",
        "mastodon",
        "pinterest",
    }

    assert set(services.platforms_offering("post_metrics")) == nine
    assert set(services.platforms_offering("account_metrics")) == nine


def test_due_accounts_skip_paused_inactive_and_recently_checked(workspace):
    now = timezone.now()
    due = mastodon_account(workspace)
    paused = mastodon_account(workspace)
    AccountMetricsState.objects.create(account=paused, paused_until=now + timedelta(minutes=5))
    checked = mastodon_account(workspace)
    AccountMetricsState.objects.create(account=checked, checked_at=now - timedelta(hours=1))
    mastodon_account(workspace, status=AccountStatus.DISABLED)
    SocialAccountFactory(workspace=workspace)  # sandbox: no follower counts

    assert list(services.due_accounts(now)) == [due]


def test_rate_limit_on_followers_pauses_the_account_too(mastodon, respx_mock):
    verify = respx_mock.get(VERIFY).respond(
        429, headers={"Retry-After": "300"}, json={"error": "Too many requests"}
    )
    now = timezone.now()

    counts = services.collect_due(now)

    assert counts["rate_limited"] == 1 and verify.call_count == 1
    state = AccountMetricsState.objects.get(account=mastodon)
    assert state.paused_until == now + timedelta(seconds=300)
    assert list(services.due_accounts(now + timedelta(seconds=299))) == []
    assert list(services.due_accounts(now + timedelta(seconds=301))) == [mastodon]
