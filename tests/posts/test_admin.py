"""Operators resolve problems from the admin, through the same services as the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from posts.models import Delivery, Job, Post
from posts.states import DeliveryStatus as S
from webhooks.models import WebhookMessage
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(workspace, account):
    job = Job.objects.create(
        workspace=workspace, kind=Job.Kind.PUBLISH_NOW, payload={"failures": {}}
    )
    post = Post.objects.create(workspace=workspace, job=job, networks={"default": {"text": "x"}})
    return Delivery.objects.create(
        workspace=workspace,
        post=post,
        account=account,
        status=S.SCHEDULED,
        scheduled_at=timezone.now() + timedelta(days=1),
        due_at=timezone.now() + timedelta(days=1),
        idempotency_key="crier-admin-test",
    )


def act(admin_client, action: str, *deliveries: Delivery):
    return admin_client.post(
        "/admin/posts/delivery/",
        {"action": action, "_selected_action": [d.pk for d in deliveries]},
        follow=True,
    )


def set_status(delivery: Delivery, status: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status)


def test_publish_now_brings_a_scheduled_delivery_forward(admin_client, delivery):
    response = act(admin_client, "publish_now", delivery)
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == S.SCHEDULED
    assert delivery.due_at <= timezone.now()
    assert "1 deliveries brought forward." in response.content.decode()


def test_retry_reruns_a_failed_delivery_and_reopens_its_job(admin_client, delivery):
    set_status(delivery, S.FAILED)
    Job.objects.filter(pk=delivery.post.job_id).update(status="completed")

    act(admin_client, "retry", delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (S.RETRYING, 0)
    assert Job.objects.get(pk=delivery.post.job_id).status == "working"


def test_cancel_cancels_and_completes_the_job(admin_client, delivery):
    act(admin_client, "cancel", delivery)

    delivery.refresh_from_db()
    assert delivery.status == S.CANCELLED
    assert Job.objects.get(pk=delivery.post.job_id).status == "completed"


def test_cancel_leaves_a_published_delivery_alone(admin_client, delivery):
    set_status(delivery, S.PUBLISHED)
    response = act(admin_client, "cancel", delivery)
    delivery.refresh_from_db()
    assert delivery.status == S.PUBLISHED
    assert "0 deliveries cancelled." in response.content.decode()


@pytest.mark.parametrize(
    ("action", "outcome"), [("mark_published", S.PUBLISHED), ("mark_failed", S.FAILED)]
)
def test_an_unknown_delivery_is_resolved_with_its_event_and_job(
    admin_client, admin_user, delivery, settings, action, outcome
):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=delivery.workspace, url="http://127.0.0.1:9/hook", events=[])
    set_status(delivery, S.UNKNOWN)

    act(admin_client, action, delivery)

    delivery.refresh_from_db()
    assert delivery.status == outcome
    assert delivery.error_message == (
        f"Marked {outcome} by {admin_user.username} after checking the platform."
    )
    assert WebhookMessage.objects.filter(event=f"post.{outcome}").count() == 1
    assert Job.objects.get(pk=delivery.post.job_id).status == "completed"


def test_resolving_ignores_deliveries_that_are_not_unknown(admin_client, delivery):
    act(admin_client, "mark_published", delivery)
    delivery.refresh_from_db()
    assert delivery.status == S.SCHEDULED


def test_the_overdue_filter_lists_late_deliveries(admin_client, delivery):
    Delivery.objects.filter(pk=delivery.pk).update(overdue_at=timezone.now())
    page = admin_client.get("/admin/posts/delivery/?overdue=yes")
    assert delivery.pk in page.content.decode()


def test_post_page_shows_deliveries_and_delivery_page_shows_attempts(admin_client, delivery):
    delivery.attempt_log.create(
        number=1,
        started_at=timezone.now(),
        outcome="failed",
        message="Duplicate content is not allowed.",
    )
    assert (
        delivery.pk
        in admin_client.get(f"/admin/posts/post/{delivery.post_id}/change/").content.decode()
    )
    page = admin_client.get(f"/admin/posts/delivery/{delivery.pk}/change/").content.decode()
    assert "Duplicate content is not allowed." in page
    assert admin_client.get("/admin/posts/job/").status_code == 200


def test_non_staff_users_cannot_reach_the_admin(client, django_user_model, delivery):
    django_user_model.objects.create_user(username="plain", password="pw-123456789")
    client.login(username="plain", password="pw-123456789")
    response = client.get("/admin/posts/delivery/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
