"""Fixtures for planning: accounts in named zones, weekly slots, a frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import SocialAccount
from planning.models import PostingSchedule
from tests.factories import SocialAccountFactory
from tests.posts.conftest import live_account, send, simulator  # noqa: F401

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@pytest.fixture
def berlin_account(workspace) -> SocialAccount:
    return SocialAccountFactory(workspace=workspace, timezone="Europe/Berlin")


@pytest.fixture
def slot() -> Callable[..., PostingSchedule]:
    """Store a weekly slot: slot(account, "monday", "09:00", content_type="")."""

    def slot(
        account: SocialAccount, day: str, at: str, *, content_type: str = "", active: bool = True
    ) -> PostingSchedule:
        hour, minute = (int(part) for part in at.split(":"))
        return PostingSchedule.objects.create(
            workspace=account.workspace,
            account=account,
            day_of_week=DAYS.index(day),
            time=time(hour, minute),
            content_type=content_type,
            is_active=active,
        )

    return slot


@pytest.fixture
def frozen() -> Iterator[Callable[[datetime], None]]:
    """frozen(when): the clock stands at `when` (aware) until the test ends or moves it."""
    travellers: list[time_machine.travel] = []

    def freeze(when: datetime) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(when, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield freeze
    for traveller in travellers:
        traveller.stop()


def local(year: int, month: int, day: int, hour: int, minute: int = 0, zone=BERLIN) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def queue_body(*account_ids: str, text: str = "Queued from Crier", **extra: object) -> dict:
    return {
        "bulk": {
            "state": "queue",
            "posts": [
                {
                    "networks": {"default": {"type": "status", "text": text}},
                    "accounts": [{"id": account_id} for account_id in account_ids],
                    **extra,
                }
            ],
        }
    }
