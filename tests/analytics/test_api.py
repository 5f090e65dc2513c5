"""GET /api/v1/analytics/posts/{id} and /analytics/accounts/{id}: series, filters, access."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analytics.models import AccountMetricsSnapshot, PostMetricsSnapshot
from tests.analytics.conftest import mastodon_account, published
from tests.conftest import make_caller

pytestmark = pytest.mark.django_db

T1 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
T3 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def post_snapshot(delivery, taken_at, **metrics) -> PostMetricsSnapshot:
    return PostMetricsSnapshot.objects.create(
        workspace_id=delivery.workspace_id, delivery=delivery, taken_at=taken_at, **metrics
    )


def followers(account, taken_at, count) -> AccountMetricsSnapshot:
    return AccountMetricsSnapshot.objects.create(
        workspace_id=account.workspace_id, account=account, taken_at=taken_at, followers=count
    )


@pytest.fixture
def post_with_metrics(workspace):
    account = mastodon_account(workspace)
    delivery = published(account, external_id="1001")
    post_snapshot(delivery, T2, likes=20, comments=3, shares=4, extra={"quotes": 1})
    post_snapshot(delivery, T1, likes=11, comments=2, shares=1)
    return delivery


def test_post_series_lists_each_sample_oldest_first(owner, post_with_metrics):
    delivery = post_with_metrics

    response = owner.client.get(f"/api/v1/analytics/posts/{delivery.post_id}")

    assert response.status_code == 200
    point = {
        "delivery_id": delivery.pk,
        "account_id": delivery.account_id,
        "platform": "mastodon",
        "impressions": None,
        "clicks": None,
    }
    assert response.json() == {
        "post_id": delivery.post_id,
        "series": [
            {
                **point,
                "taken_at": "2026-11-20T09:00:00Z",
                "likes": 11,
                "comments": 2,
                "shares": 1,
                "extra": {},
            },
            {
                **point,
                "taken_at": "2026-11-21T09:00:00Z",
                "likes": 20,
                "comments": 3,
                "shares": 4,
                "extra": {"quotes": 1},
            },
        ],
    }


def test_post_without_samples_has_an_empty_series(owner, workspace):
    delivery = published(mastodon_account(workspace))

    response = owner.client.get(f"/api/v1/analytics/posts/{delivery.post_id}")

    assert response.json() == {"post_id": delivery.post_id, "series": []}


def test_post_of_another_workspace_is_404(outsider, post_with_metrics):
    response = outsider.client.get(f"/api/v1/analytics/posts/{post_with_metrics.post_id}")

    assert response.status_code == 404
    assert list(response.json()) == ["errors"]


def test_unknown_post_is_404(owner):
    response = owner.client.get("/api/v1/analytics/posts/post_nope")

    assert response.status_code == 404
    assert response.json()["errors"]


@pytest.fixture
def account_with_followers(workspace):
    account = mastodon_account(workspace)
    followers(account, T3, 130)
    followers(account, T1, 100)
    followers(account, T2, 115)
    return account


def test_account_series_lists_follower_counts_oldest_first(owner, account_with_followers):
    account = account_with_followers

    response = owner.client.get(f"/api/v1/analytics/accounts/{account.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "account_id": account.pk,
        "platform": "mastodon",
        "series": [
            {"taken_at": "2026-11-20T09:00:00Z", "followers": 100},
            {"taken_at": "2026-11-21T09:00:00Z", "followers": 115},
            {"taken_at": "2026-11-22T09:00:00Z", "followers": 130},
        ],
    }


def test_from_and_to_bound_the_account_series(owner, account_with_followers):
    response = owner.client.get(
        f"/api/v1/analytics/accounts/{account_with_followers.pk}",
        {"from": "2026-11-21T10:00:00+01:00", "to": "2026-11-22T08:59:59Z"},
    )

    assert response.status_code == 200
    assert response.json()["series"] == [{"taken_at": "2026-11-21T09:00:00Z", "followers": 115}]


@pytest.mark.parametrize(
    "query",
    [
        {"from": "yesterday"},
        {"to": "2026-13-45T00:00:00Z"},
        {"from": "2026-11-21T09:00:00"},  # no offset
        {"from": "2026-11-22T00:00:00Z", "to": "2026-11-21T00:00:00Z"},
    ],
)
def test_bad_from_or_to_is_400(owner, account_with_followers, query):
    response = owner.client.get(f"/api/v1/analytics/accounts/{account_with_followers.pk}", query)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all(isinstance(error, str) for error in errors)


def test_account_of_another_workspace_is_404(outsider, account_with_followers):
    response = outsider.client.get(f"/api/v1/analytics/accounts/{account_with_followers.pk}")

    assert response.status_code == 404
    assert list(response.json()) == ["errors"]


def test_account_analytics_needs_the_accounts_scope(owner, account_with_followers):
    posts_only = make_caller(owner.member, scopes=["posts"])

    response = posts_only.client.get(f"/api/v1/analytics/accounts/{account_with_followers.pk}")

    assert response.status_code == 403
    assert "accounts" in response.json()["errors"][0]


def test_post_analytics_needs_the_posts_scope(owner, post_with_metrics):
    accounts_only = make_caller(owner.member, scopes=["accounts"])

    response = accounts_only.client.get(f"/api/v1/analytics/posts/{post_with_metrics.post_id}")

    assert response.status_code == 403


def test_viewers_may_read_analytics(viewer, account_with_followers):
    response = viewer.client.get(f"/api/v1/analytics/accounts/{account_with_followers.pk}")

    assert response.status_code == 200


def test_without_a_key_it_is_401(client, account_with_followers):
    response = client.get(f"/api/v1/analytics/accounts/{account_with_followers.pk}")

    assert response.status_code == 401


def test_admin_lists_snapshots_read_only(admin_client, post_with_metrics, account_with_followers):
    posts = admin_client.get("/admin/analytics/postmetricssnapshot/")
    accounts = admin_client.get("/admin/analytics/accountmetricssnapshot/")

    assert posts.status_code == accounts.status_code == 200
    assert post_with_metrics.pk in posts.content.decode()
    assert admin_client.get("/admin/analytics/postmetricssnapshot/add/").status_code == 403
    snapshot = AccountMetricsSnapshot.objects.filter(account=account_with_followers).first()
    change = admin_client.post(
        f"/admin/analytics/accountmetricssnapshot/{snapshot.pk}/change/", {"followers": 1}
    )
    assert change.status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.followers != 1
