"""Notifications: what a person should look at, recorded from the events webhooks carry.

`on_event` listens to `webhooks.signals.event_emitted`, which `webhooks.services.emit`
sends for every event inside the transaction of the change: no event logic lives here,
only which events a person is told about and in what words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from planning.models import Notification
from webhooks.models import Event


def _delivery(verb: str) -> Callable[[dict], str]:
    def message(data: dict) -> str:
        error = (data.get("error") or {}).get("message")
        text = f"Post {data.get('post_id')} to {data.get('platform')} account "
        text += f"{data.get('account_id')} {verb}"
        return f"{text}: {error}" if error else f"{text}."

    return message


def _quota(data: dict) -> str:
    names = {"posts_per_month": "posts this month", "accounts": "connected accounts"}
    quota = data.get("quota")
    name = names.get(quota, quota) if isinstance(quota, str) else quota
    return f"Plan limit near: {data.get('used')} of {data.get('limit')} {name} used."


def _pending(data: dict) -> str:
    if data.get("reason") == "generator":
        return f"Post {data.get('post_id')}, drafted by the generator, awaits approval."
    author = data.get("created_by") or "an API key"
    return f"Post {data.get('post_id')} by {author} awaits approval."


# event → (level, message from the event's data)
NOTIFIED: dict[str, tuple[str, Callable[[dict], str]]] = {
    Event.POST_FAILED: ("error", _delivery("failed")),
    Event.POST_UNKNOWN: ("error", _delivery("has an unknown outcome; check the platform")),
    Event.POST_OVERDUE: ("warning", _delivery("is overdue")),
    Event.ACCOUNT_NEEDS_REAUTH: (
        "error",
        lambda data: (
            f"Account {data.get('account_id')} ({data.get('platform')} "
            f"{data.get('username')}) needs to be reconnected: {data.get('reason')}"
        ),
    ),
    Event.QUOTA_WARNING: ("warning", _quota),
    Event.POST_PENDING_APPROVAL: ("info", _pending),
    Event.DRAFT_FAILED: (
        "error",
        lambda data: (
            f"The generator could not draft '{data.get('topic')}' "
            f"({data.get('planned_post_id')}): {data.get('error')}"
        ),
    ),
    Event.POST_REJECTED: (
        "info",
        lambda data: (
            f"Post {data.get('post_id')} was rejected by {data.get('rejected_by')}: "
            f"{data.get('comment')}"
        ),
    ),
}


def on_event(sender: Any, *, workspace_id: str, event: str, data: dict, **kwargs: Any) -> None:
    """Record a notification for the events a person is told about; ignore the others."""
    if event not in NOTIFIED:
        return
    level, message = NOTIFIED[event]
    Notification.objects.create(
        workspace_id=workspace_id,
        event=event,
        level=level,
        message=message(data)[:1000],
        data=data,
    )


def notifications_mark_read(*, notifications: QuerySet[Notification]) -> int:
    return notifications.filter(read_at=None).update(read_at=timezone.now())
