"""Refreshing tokens ahead of expiry; only the token endpoint's refusal needs a person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import AccountStatus
from accounts.tokens import mark_needs_reauth, refresh_expiring
from config.embedded import free_port
from connectors.errors import RefreshRefused
from connectors.simulator import SimulatorServer
from tests.factories import SocialAccountFactory
from webhooks.models import WebhookMessage
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulator():
    with SimulatorServer() as server:
        yield server


def expiring(workspace, name: str, base_url: str, *, minutes: int = 5):
    return SocialAccountFactory(
        workspace=workspace,
        external_id=name,
        token_expires_at=timezone.now() + timedelta(minutes=minutes),
        credentials={
            "access_token": f"{name}-access",
            "refresh_token": f"{name}-refresh",
            "extra": {"base_url": base_url},
        },
    )


def test_tokens_near_expiry_are_refreshed_and_others_left_alone(workspace, simulator):
    soon = expiring(workspace, "soon", simulator.url)
    later = expiring(workspace, "later", simulator.url, minutes=120)

    counts = refresh_expiring(within=timedelta(minutes=15))

    assert counts == {"refreshed": 1, "needs_reauth": 0, "postponed": 0}
    soon.refresh_from_db()
    assert soon.credentials["access_token"] != "soon-access"
    assert soon.token_expires_at > timezone.now() + timedelta(minutes=30)
    later.refresh_from_db()
    assert later.credentials["access_token"] == "later-access"


def test_a_refused_refresh_flags_the_account_once_and_says_so(workspace, simulator, settings):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=workspace, url="http://127.0.0.1:9/hook", events=[])
    revoked = expiring(workspace, "revoked", simulator.url)
    simulator.simulator.configure("revoked", {"refuse_refresh": True})

    assert refresh_expiring(within=timedelta(minutes=15))["needs_reauth"] == 1
    assert refresh_expiring(within=timedelta(minutes=15))["needs_reauth"] == 0

    revoked.refresh_from_db()
    assert revoked.status == AccountStatus.NEEDS_REAUTH
    assert "revoked by the user" in revoked.status_reason
    assert WebhookMessage.objects.filter(event="account.needs_reauth").count() == 1


def test_the_needs_reauth_event_names_the_account_and_exists_only_with_its_flag(
    workspace, settings
):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=workspace, url="http://127.0.0.1:9/hook", events=[])
    account = SocialAccountFactory(workspace=workspace, username="brand")
    refused = RefreshRefused("invalid_grant")

    with pytest.raises(RuntimeError), transaction.atomic():
        mark_needs_reauth(account, refused)
        raise RuntimeError("the caller's transaction fails after the flag")
    assert not WebhookMessage.objects.exists()
    mark_needs_reauth(account, refused)

    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_REAUTH
    (message,) = WebhookMessage.objects.all()
    assert message.event == "account.needs_reauth"
    assert message.payload["data"] == {
        "account_id": account.pk,
        "platform": account.platform,
        "username": "brand",
        "reason": "The platform refused to refresh the token: invalid_grant",
    }


def test_an_unreachable_platform_never_disconnects_the_account(workspace):
    unreachable = expiring(workspace, "offline", f"http://127.0.0.1:{free_port()}")

    counts = refresh_expiring(within=timedelta(minutes=15))

    assert counts == {"refreshed": 0, "needs_reauth": 0, "postponed": 1}
    unreachable.refresh_from_db()
    assert unreachable.status == AccountStatus.ACTIVE
    assert unreachable.credentials["refresh_token"] == "offline-refresh"
