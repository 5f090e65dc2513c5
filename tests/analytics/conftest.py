"""Published deliveries on Mastodon accounts: a platform that reports metrics, mocked with
respx at its documented endpoints."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import SocialAccount
from posts.models import Delivery, Post
from posts.states import DeliveryStatus
from tests.factories import SocialAccountFactory

INSTANCE = "https://social.test"


def mastodon_account(workspace, **kwargs) -> SocialAccount:
    return SocialAccountFactory(
        workspace=workspace,
        platform="mastodon",
        credentials={"access_token": "masto-token-123", "extra": {"instance_url": INSTANCE}},
        **kwargs,
    )


def published(
    account: SocialAccount,
    *,
    at: datetime | None = None,
    external_id: str | None = None,
    status: str = DeliveryStatus.PUBLISHED,
    post: Post | None = None,
) -> Delivery:
    at = at or timezone.now() - timedelta(days=1)
    post = post or Post.objects.create(
        workspace=account.workspace, networks={"default": {"text": "Hello"}}
    )
    return Delivery.objects.create(
        workspace=account.workspace,
        post=post,
        account=account,
        status=status,
        scheduled_at=at,
        published_at=at if status == DeliveryStatus.PUBLISHED else None,
        external_id=external_id if external_id is not None else str(secrets.randbelow(10**12)),
        idempotency_key=f"crier-test-{secrets.token_hex(6)}",
    )


@pytest.fixture
def mastodon(workspace) -> SocialAccount:
    return mastodon_account(workspace)
