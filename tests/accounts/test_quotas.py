"""Plan limits: posts per month and connected accounts, 402 when reached, under concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from accounts import quotas
from accounts.connection import account_store
from accounts.models import MonthlyUsage, SocialAccount
from accounts.quotas import QuotaExceeded
from connectors.base import AccountProfile, Credentials
from planning.models import Notification
from posts.models import Job, Post
from tests.factories import SocialAccountFactory
from tests.planning.conftest import frozen
from tests.posts.conftest import SCHEDULE, bulk, post_item, send, stored
from webhooks.models import WebhookMessage
from webhooks.services import endpoint_create

__all__ = ["frozen", "send"]  # fixtures: the clock, a request with its tasks run

pytestmark = pytest.mark.django_db

JUNE = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def two_posts(account_id: str) -> dict:
    when = "2026-06-20T09:00:00+00:00"
    return bulk(post_item(account_id, when=when, text="a"), post_item(account_id, when=when))


@pytest.fixture
def limited(workspace):
    workspace.max_posts_per_month = 3
    workspace.save()
    return workspace


def test_posts_beyond_the_monthly_limit_are_a_402_and_nothing_is_stored(
    editor, account, limited, send, frozen
):
    frozen(JUNE)
    assert send(editor, SCHEDULE, two_posts(account.pk)).status_code == 202
    before = stored()

    refused = send(editor, SCHEDULE, two_posts(account.pk))

    assert refused.status_code == 402
    assert refused.json() == {
        "errors": [
            "Monthly post limit reached: 2 of 3 posts used in June 2026, this request adds 2. "
            "Upgrade the plan or wait for next month."
        ]
    }
    assert stored() == before
    one = bulk(post_item(account.pk, when="2026-06-20T09:00:00+00:00"))
    assert send(editor, SCHEDULE, one).status_code == 202


def test_posts_that_every_account_refused_do_not_count(editor, limited, send, frozen):
    frozen(JUNE)

    send(editor, SCHEDULE, two_posts("acc_not_ours"))

    assert Post.objects.count() == 0
    assert MonthlyUsage.objects.get().posts == 0


def test_a_new_month_starts_from_zero(editor, account, limited, send, frozen):
    frozen(JUNE)
    send(editor, SCHEDULE, two_posts(account.pk))
    send(editor, SCHEDULE, bulk(post_item(account.pk, when="2026-06-20T09:00:00+00:00")))

    frozen(datetime(2026, 7, 1, 0, 0, tzinfo=UTC))
    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when="2026-07-02T09:00:00Z")))

    assert response.status_code == 202
    assert dict(MonthlyUsage.objects.values_list("month__month", "posts")) == {6: 3, 7: 1}


def test_crossing_eighty_percent_warns_once(editor, account, workspace, send, frozen):
    frozen(JUNE)
    workspace.max_posts_per_month = 5
    workspace.save()

    for _ in range(4):
        send(editor, SCHEDULE, bulk(post_item(account.pk, when="2026-06-20T09:00:00Z")))

    (warning,) = Notification.objects.filter(event="quota.warning")
    assert warning.data == {"quota": "posts_per_month", "used": 4, "limit": 5}
    assert warning.message == "Plan limit near: 4 of 5 posts this month used."


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_the_last_post_get_one_202_and_one_402(
    editor, account, workspace, eager_tasks, monkeypatch
):
    workspace.max_posts_per_month = 1
    workspace.save()
    racing = connection.vendor == "postgresql"
    both_inside = threading.Barrier(2, timeout=20)
    reserve = quotas.posts_reserve

    def reserve_when_both_are_inside(**kwargs):
        if racing:
            both_inside.wait()
        return reserve(**kwargs)

    monkeypatch.setattr(quotas, "posts_reserve", reserve_when_both_are_inside)
    MonthlyUsage.objects.create(workspace=workspace, month=quotas.month_of(datetime.now(UTC)))
    responses = []

    def request() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer-API {editor.secret}")
        body = bulk(post_item(account.pk, when="2099-01-01T09:00:00Z"))
        try:
            responses.append(client.post(SCHEDULE, body, format="json"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(response.status_code for response in responses) == [202, 402]
    assert Job.objects.count() == 1
    assert MonthlyUsage.objects.get().posts == 1


# -- accounts ---------------------------------------------------------------------------


def connect(workspace, name: str) -> SocialAccount:
    return account_store(
        workspace_id=workspace.pk,
        platform="sandbox",
        credentials=Credentials(external_id=name, access_token=f"{name}-token"),
        profile=AccountProfile(external_id=name, username=name),
    )


def test_connecting_beyond_the_account_limit_is_a_402_but_reconnecting_is_fine(workspace):
    workspace.max_accounts = 1
    workspace.save()
    connect(workspace, "first")

    with pytest.raises(QuotaExceeded) as refused:
        connect(workspace, "second")
    again = connect(workspace, "first")

    assert refused.value.status_code == 402
    assert str(refused.value.detail) == (
        "Connected account limit reached: 1 of 1. Disconnect an account or upgrade the plan."
    )
    assert again.credentials["access_token"] == "first-token"
    assert SocialAccount.objects.count() == 1


def test_the_oauth_callback_answers_402_when_the_account_limit_is_reached(
    owner, workspace, settings
):
    from connectors.simulator import SimulatorServer
    from tests.accounts.test_connect import callback, consent, start

    SocialAccountFactory(workspace=workspace)
    workspace.max_accounts = 1
    workspace.save()
    with SimulatorServer() as server:
        settings.CRIER_CONNECTORS = {
            **settings.CRIER_CONNECTORS,
            "sandbox": {"api_url": server.url},
        }
        settings.CRIER_PUBLIC_URL = "http://testserver"
        settings.CRIER_OAUTH_APPS = {"sandbox": {"client_id": "c", "client_secret": "s"}}

        response = callback(consent(start(owner), account="brand-2"))

    assert response.status_code == 402
    assert response.json()["errors"][0].startswith("Connected account limit reached: 1 of 1.")
    assert SocialAccount.objects.count() == 1


def test_the_connection_that_reaches_the_warning_ratio_warns_with_it(workspace, settings):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=workspace, url="http://127.0.0.1:9/hook", events=[])
    workspace.max_accounts = 5
    workspace.save()
    for name in ("a", "b", "c"):
        connect(workspace, name)  # 3 of 5: under 80 %

    with pytest.raises(RuntimeError), transaction.atomic():
        connect(workspace, "undone")
        raise RuntimeError("the connection's transaction fails after the check")
    assert not WebhookMessage.objects.exists()
    connect(workspace, "d")

    (warning,) = WebhookMessage.objects.all()
    assert warning.event == "quota.warning"
    assert warning.payload["data"] == {"quota": "accounts", "used": 4, "limit": 5}


@pytest.mark.django_db(transaction=True)
def test_concurrent_connections_for_the_last_account_let_exactly_one_in(workspace):
    workspace.max_accounts = 1
    workspace.save()
    outcomes: list[str] = []
    start = threading.Barrier(2, timeout=20)

    def attempt(name: str) -> None:
        try:
            start.wait()
            connect(workspace, name)
            outcomes.append("connected")
        except QuotaExceeded:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["connected", "refused"]
    assert SocialAccount.objects.count() == 1


# -- settings -----------------------------------------------------------------------------


def test_workspace_settings_show_limits_and_usage_and_admins_change_planning_settings(
    owner, editor, account, limited, send, frozen
):
    frozen(JUNE)
    send(editor, SCHEDULE, two_posts(account.pk))
    url = "/api/v1/workspace/settings"

    shown = editor.client.get(url).json()
    by_editor = editor.client.patch(url, {"approval_required": True}, format="json")
    by_owner = owner.client.patch(
        url, {"approval_required": True, "max_posts_per_month": 1000}, format="json"
    )

    assert shown == {
        "approval_required": False,
        "evergreen_gap_days": 30,
        "max_accounts": None,
        "max_posts_per_month": 3,
        "accounts_connected": 1,
        "posts_this_month": 2,
    }
    assert by_editor.status_code == 403
    assert by_owner.status_code == 200
    assert by_owner.json()["approval_required"] is True
    assert by_owner.json()["max_posts_per_month"] == 3  # plan limits are the operator's
