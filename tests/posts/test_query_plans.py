"""The per-delivery conditional updates are id lookups, however many rows share a status."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from posts.models import Delivery, Job, Post
from posts.states import DeliveryStatus as S
from tests.factories import SocialAccountFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "postgresql" not in connection.vendor, reason="the planner in question is PostgreSQL's"
    ),
]


@pytest.fixture
def just_claimed() -> list[str]:
    """A fan-out right after a mass claim: statistics say nothing is queued, 400 rows are."""
    account = SocialAccountFactory()
    job = Job.objects.create(workspace=account.workspace, kind=Job.Kind.SCHEDULE, payload={})
    post = Post.objects.create(workspace=account.workspace, job=job, networks={})
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            workspace=account.workspace,
            post=post,
            account=account,
            scheduled_at=now,
            due_at=now,
            idempotency_key=f"plan-{number}",
        )
        for number in range(400)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE posts_delivery")
    Delivery.objects.update(status=S.QUEUED, lease_expires_at=now)
    return list(Delivery.objects.values_list("pk", flat=True))


def test_a_plain_status_filter_is_planned_on_the_partial_index(just_claimed):
    # The trap in_states avoids: if this stops holding, the planner changed, not us.
    plan = Delivery.objects.filter(pk=just_claimed[7], status=S.QUEUED).explain()
    # Either partial index that holds queued rows; the id is then only a filter.
    assert "delivery_lease_idx" in plan or "delivery_unsettled_idx" in plan
    assert "Index Cond: ((id)::text =" not in plan


def test_in_states_is_planned_on_the_ids(just_claimed):
    plan = Delivery.objects.in_states(just_claimed[7:10], [S.QUEUED]).explain()
    assert "delivery_lease_idx" not in plan
    assert "delivery_unsettled_idx" not in plan
    assert "Index Cond: ((id)::text =" in plan


def test_in_states_matches_only_the_listed_states(just_claimed):
    assert Delivery.objects.in_states(just_claimed[:2], [S.QUEUED, S.PUBLISHING]).count() == 2
    assert Delivery.objects.in_states(just_claimed[:2], [S.PUBLISHING]).count() == 0
