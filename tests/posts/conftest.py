"""Fixtures for the posts API: jobs run in-process, publishing goes to a real simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.response import Response

from accounts.models import SocialAccount
from connectors.simulator import SimulatorServer
from posts.models import Delivery, IdempotencyRecord, Job, Post
from tests.conftest import Caller
from tests.factories import SocialAccountFactory

SCHEDULE = "/api/v1/posts/schedule"
PUBLISH_NOW = "/api/v1/posts/schedule/publish"


@pytest.fixture
def send(
    eager_tasks: None, django_capture_on_commit_callbacks: Callable
) -> Callable[..., Response]:
    """POST as `caller` (with an Idempotency-Key when `key` is given), then run what the
    request left for after commit: the job task, and the publish tasks it sends."""

    def send(caller: Caller, url: str, body: object, *, key: str | None = None) -> Response:
        headers = {} if key is None else {"Idempotency-Key": key}
        with django_capture_on_commit_callbacks(execute=True):
            return caller.client.post(url, body, format="json", headers=headers)

    return send


@pytest.fixture
def simulator() -> Iterator[SimulatorServer]:
    with SimulatorServer() as server:
        yield server


@pytest.fixture
def live_account(workspace, simulator: SimulatorServer) -> SocialAccount:
    """A sandbox account that publishes to this test's simulator."""
    return SocialAccountFactory(
        workspace=workspace,
        credentials={
            "access_token": "sim-access-token",
            "refresh_token": "sim-refresh-token",
            "extra": {"base_url": simulator.url},
        },
    )


def future(hours: float = 2) -> str:
    """An aware ISO 8601 time ahead of now, in whole seconds as clients send them."""
    return (timezone.now() + timedelta(hours=hours)).replace(microsecond=0).isoformat()


def post_item(
    *account_ids: str,
    when: str | None = None,
    text: str = "Hello from Crier",
    **extra: object,
) -> dict:
    """One entry of `bulk.posts`: default network, one target per account."""
    targets = [{"id": account_id} for account_id in account_ids]
    if when is not None:
        for target in targets:
            target["scheduled_at"] = when
    return {"networks": {"default": {"type": "status", "text": text}}, "accounts": targets, **extra}


def bulk(*posts: dict, state: str = "scheduled") -> dict:
    return {"bulk": {"state": state, "posts": list(posts)}}


def stored() -> dict[str, int]:
    """How many rows the pipeline has: a refused request must leave these unchanged."""
    return {
        "jobs": Job.objects.count(),
        "posts": Post.objects.count(),
        "deliveries": Delivery.objects.count(),
        "idempotency records": IdempotencyRecord.objects.count(),
    }


def job_status(caller: Caller, job_id: str) -> dict:
    response = caller.client.get(f"/api/v1/job_status/{job_id}")
    assert response.status_code == 200, response.content
    return response.json()


def aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed
