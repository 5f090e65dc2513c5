"""Tests against real servers that run here (WordPress, the Telegram Bot API emulator): where
one cannot start they skip on a developer's machine, and fail in CI, which sets
CRIER_TEST_REAL_SERVERS=1 after installing what they need (.ci/run). Also the two API calls
those tests make as people do: connect an account, publish now."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import NoReturn

import pytest

from posts.models import Delivery
from tests.conftest import Caller

PUBLISH_NOW = "/api/v1/posts/schedule/publish"


def cannot_start(what: str, reason: str) -> NoReturn:
    if os.environ.get("CRIER_TEST_REAL_SERVERS") == "1":
        pytest.fail(f"{what} cannot run here: {reason}")
    pytest.skip(f"{what} cannot run here: {reason} (.ci/run installs it)")


def connect(caller: Caller, provider: str, fields: dict[str, str]) -> str:
    """Connects a token platform through the API; the account's id."""
    response = caller.client.post(
        "/api/v1/accounts", {"provider": provider, **fields}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def publish_now(
    caller: Caller, account_id: str, platform: str, text: str, on_commit: Callable
) -> Delivery:
    """Publish-now through the API; the job and publish tasks it leaves for after the commit
    run here, as a worker would run them (`on_commit`: django_capture_on_commit_callbacks,
    with the eager_tasks fixture)."""
    body = {
        "bulk": {
            "state": "scheduled",
            "posts": [
                {
                    "networks": {platform: {"type": "status", "text": text}},
                    "accounts": [{"id": account_id}],
                }
            ],
        }
    }
    with on_commit(execute=True):
        response = caller.client.post(PUBLISH_NOW, body, format="json")
    assert response.status_code == 202, response.content
    return Delivery.objects.get(post__job_id=response.json()["job_id"])
