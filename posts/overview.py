"""The pipeline at a glance, for the admin's index: what an operator looks at first.

Every figure comes with the admin list it summarises (`link`), so one click shows the rows.
Reads only; counts of unsettled deliveries go through the partial index on status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.admin.models import LogEntry
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, SocialAccount
from core.health import readiness
from posts.models import Delivery
from posts.states import PENDING, UNSETTLED
from posts.states import DeliveryStatus as S
from webhooks.models import WebhookDelivery

# How far back "failed recently" looks; older failures stay in the filtered list.
RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    link: str
    bad: bool  # shown as a problem when the count is not zero


@dataclass(frozen=True)
class Waiting:
    delivery_id: str
    due_at: datetime
    waited: timedelta
    link: str


@dataclass(frozen=True)
class EndpointFailures:
    url: str
    failed: int
    retrying: int
    last_error: str
    last_at: datetime | None
    link: str


@dataclass(frozen=True)
class Overview:
    checks: list[Check]
    figures: list[Figure]
    oldest_waiting: Waiting | None
    reauth_accounts: list[SocialAccount]
    reauth_link: str
    webhook_failures: list[EndpointFailures]
    recent_actions: list[LogEntry]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)


def _list(model: str, **params: object) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(f"admin:{model}_changelist") + (f"?{query}" if query else "")


def pipeline_overview(*, now: datetime | None = None) -> Overview:
    now = now or timezone.now()
    checks = [Check(name, ok, detail) for name, (ok, detail) in readiness().items()]
    unsettled = dict(
        Delivery.objects.filter(status__in=UNSETTLED)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    failed_recently = Delivery.objects.filter(status=S.FAILED, updated_at__gte=now - RECENT).count()
    overdue = (
        Delivery.objects.filter(status__in=UNSETTLED, overdue_at__isnull=False)
        .filter(status__in=PENDING)
        .count()
    )
    delivery_list = "posts_delivery"
    figures = [
        Figure(
            "Failed (last 24 h)",
            failed_recently,
            _list(delivery_list, status__exact=S.FAILED, changed="24h"),
            True,
        ),
        Figure(
            "Unknown outcome (check the platform)",
            unsettled.get(S.UNKNOWN, 0),
            _list(delivery_list, status__exact=S.UNKNOWN),
            True,
        ),
        Figure("Overdue", overdue, _list(delivery_list, overdue="yes"), True),
        Figure(
            "Retrying",
            unsettled.get(S.RETRYING, 0),
            _list(delivery_list, status__exact=S.RETRYING),
            False,
        ),
        Figure(
            "Queued or publishing",
            unsettled.get(S.QUEUED, 0) + unsettled.get(S.PUBLISHING, 0),
            _list(delivery_list, status__in=f"{S.QUEUED},{S.PUBLISHING}"),
            False,
        ),
        Figure(
            "Scheduled",
            unsettled.get(S.SCHEDULED, 0),
            _list(delivery_list, status__exact=S.SCHEDULED),
            False,
        ),
    ]
    oldest = (
        Delivery.objects.filter(status__in=[S.SCHEDULED, S.RETRYING], due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", "due_at")
        .first()
    )
    waiting = None
    if oldest and oldest[1] is not None:  # never None: the filter compares it
        waiting = Waiting(
            oldest[0],
            oldest[1],
            now - oldest[1],
            reverse("admin:posts_delivery_change", args=[oldest[0]]),
        )
    reauth = list(
        SocialAccount.objects.connected()
        .exclude(status=AccountStatus.ACTIVE)
        .select_related("workspace")
        .order_by("-updated_at")[:20]
    )
    return Overview(
        checks=checks,
        figures=figures,
        oldest_waiting=waiting,
        reauth_accounts=reauth,
        reauth_link=_list("accounts_socialaccount", status__exact=AccountStatus.NEEDS_REAUTH),
        webhook_failures=_webhook_failures(),
        recent_actions=list(
            LogEntry.objects.select_related("user", "content_type").order_by("-action_time")[:10]
        ),
    )


def _webhook_failures() -> list[EndpointFailures]:
    """Per endpoint: deliveries that gave up, and those still retrying after a failure."""
    failing = Q(status=WebhookDelivery.Status.FAILED) | Q(
        status=WebhookDelivery.Status.PENDING, attempts__gt=0
    )
    rows = (
        WebhookDelivery.objects.filter(failing)
        .order_by()
        .values("endpoint_id", "endpoint__url")
        .annotate(
            failed=Count("pk", filter=Q(status=WebhookDelivery.Status.FAILED)),
            retrying=Count("pk", filter=Q(status=WebhookDelivery.Status.PENDING)),
            last_at=Max("updated_at"),
        )
        .order_by("-failed", "-retrying")
    )
    found = []
    for row in rows[:20]:
        last_error = (
            WebhookDelivery.objects.filter(failing, endpoint_id=row["endpoint_id"])
            .order_by("-updated_at")
            .values_list("last_error", flat=True)
            .first()
        )
        found.append(
            EndpointFailures(
                url=row["endpoint__url"],
                failed=row["failed"],
                retrying=row["retrying"],
                last_error=last_error or "",
                last_at=row["last_at"],
                link=_list(
                    "webhooks_webhookdelivery",
                    endpoint__id__exact=row["endpoint_id"],
                    status__exact=WebhookDelivery.Status.FAILED,
                ),
            )
        )
    return found
