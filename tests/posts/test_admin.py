"""Operators act from the admin through the same services as the API: each action asks
first, refuses what cannot work, and leaves a trace of who did what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import AccountStatus
from media.models import MediaAsset
from posts import dispatch
from posts.models import Delivery, Job, Post, PostMedia
from posts.states import DeliveryStatus as S
from tests.factories import SocialAccountFactory
from webhooks.models import WebhookDelivery, WebhookMessage
from webhooks.services import emit, endpoint_create, webhook_send

pytestmark = pytest.mark.django_db

PLANNED = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def delivery(workspace, account):
    job = Job.objects.create(
        workspace=workspace, kind=Job.Kind.PUBLISH_NOW, payload={"failures": {}}
    )
    post = Post.objects.create(
        workspace=workspace, job=job, networks={"default": {"text": "Spring sale starts today"}}
    )
    return Delivery.objects.create(
        workspace=workspace,
        post=post,
        account=account,
        status=S.SCHEDULED,
        scheduled_at=PLANNED,
        due_at=PLANNED,
        idempotency_key="crier-admin-test",
    )


def act(admin_client, action: str, *objects, model="posts/delivery", confirm=False, **data):
    body = {"action": action, "_selected_action": [o.pk for o in objects], **data}
    if confirm:
        body["confirm"] = "yes"
    return admin_client.post(f"/admin/{model}/", body, follow=True)


def set_status(delivery: Delivery, status: str, **changes) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status, **changes)


def page(admin_client, url: str) -> str:
    response = admin_client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_an_action_first_says_what_will_happen_and_changes_nothing(admin_client, delivery):
    response = act(admin_client, "publish_now", delivery)

    content = response.content.decode()
    assert "The next dispatcher run sends it." in content
    assert 'id="confirm"' in content
    delivery.refresh_from_db()
    assert delivery.due_at == PLANNED
    assert not LogEntry.objects.exists()


def test_publish_now_keeps_the_planned_time_and_is_recorded(admin_client, admin_user, delivery):
    act(admin_client, "publish_now", delivery, confirm=True)

    delivery.refresh_from_db()
    assert delivery.status == S.SCHEDULED
    assert delivery.due_at <= timezone.now()
    assert delivery.scheduled_at == PLANNED
    assert delivery.requested_at is not None
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id) == (admin_user, delivery.pk)
    assert "planned for 2030-01-02T03:04:05" in entry.change_message
    shown = page(admin_client, f"/admin/posts/delivery/{delivery.pk}/change/")
    assert "Published now (was planned for 2030-01-02T03:04:05+00:00)" in shown
    assert admin_user.username in shown


def test_retry_keeps_the_last_error_reopens_the_job_and_raises_no_overdue(
    admin_client, delivery, settings
):
    long_ago = timezone.now() - timedelta(days=2)
    set_status(
        delivery,
        S.FAILED,
        scheduled_at=long_ago,
        overdue_at=long_ago,
        attempts=5,
        error_code="rejected",
        error_message="Duplicate content is not allowed.",
    )
    Job.objects.filter(pk=delivery.post.job_id).update(status="completed")

    act(admin_client, "retry", delivery, confirm=True)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (S.RETRYING, 0)
    assert delivery.error_message == "Duplicate content is not allowed."
    assert delivery.overdue_at is None
    assert Job.objects.get(pk=delivery.post.job_id).status == "working"
    assert dispatch.flag_overdue(now=timezone.now(), batch_size=10) == []
    # Still stuck long after the retry asked for it: then it is overdue.
    later = timezone.now() + settings.CRIER_OVERDUE_AFTER + timedelta(seconds=1)
    assert dispatch.flag_overdue(now=later, batch_size=10) == [delivery.pk]


@pytest.mark.parametrize("status", [AccountStatus.NEEDS_REAUTH, AccountStatus.DISABLED])
def test_retry_is_refused_for_an_account_that_cannot_publish(
    admin_client, delivery, account, status
):
    set_status(delivery, S.FAILED)
    account.status = status
    account.save()

    confirmation = act(admin_client, "retry", delivery).content.decode()
    assert f"is {status}: reconnect it first" in confirmation
    assert 'id="nothing-allowed"' in confirmation

    act(admin_client, "retry", delivery, confirm=True)
    delivery.refresh_from_db()
    assert delivery.status == S.FAILED
    assert not LogEntry.objects.exists()


def test_the_api_refuses_a_retry_that_would_fail_at_once(owner, workspace):
    account = SocialAccountFactory(workspace=workspace, status=AccountStatus.NEEDS_REAUTH)
    post = Post.objects.create(workspace=workspace, networks={"default": {"text": "x"}})
    Delivery.objects.create(
        workspace=workspace,
        post=post,
        account=account,
        status=S.FAILED,
        scheduled_at=timezone.now(),
        idempotency_key="crier-api-retry",
    )
    response = owner.client.post(f"/api/v1/posts/{post.pk}/retry")
    assert response.status_code == 409
    assert "reconnect them first" in response.json()["errors"][0]


def published_beside(delivery: Delivery) -> Delivery:
    """A published delivery of the same post, to another account."""
    return Delivery.objects.create(
        workspace=delivery.workspace,
        post=delivery.post,
        account=SocialAccountFactory(workspace=delivery.workspace),
        status=S.PUBLISHED,
        scheduled_at=PLANNED,
        idempotency_key="crier-admin-published",
    )


def test_cancel_refuses_a_published_delivery_and_cancels_the_other(
    admin_client, delivery, workspace, account
):
    published = published_beside(delivery)
    confirmation = act(admin_client, "cancel", delivery, published).content.decode()
    assert "it is published; this needs" in confirmation

    act(admin_client, "cancel", delivery, published, confirm=True)

    delivery.refresh_from_db()
    published.refresh_from_db()
    assert (delivery.status, published.status) == (S.CANCELLED, S.PUBLISHED)
    assert Job.objects.get(pk=delivery.post.job_id).status == "completed"


def test_posts_are_cancelled_never_deleted(admin_client, owner, delivery, workspace):
    published_beside(delivery)
    listing = page(admin_client, "/admin/posts/post/")
    assert "delete_selected" not in listing
    assert "Spring sale starts today" in listing

    act(admin_client, "cancel", delivery.post, model="posts/post", confirm=True)

    assert owner.client.get(f"/api/v1/posts/{delivery.post_id}").status_code == 200
    assert sorted(delivery.post.deliveries.values_list("status", flat=True)) == [
        S.CANCELLED,
        S.PUBLISHED,
    ]
    delete = admin_client.post(f"/admin/posts/post/{delivery.post_id}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert Post.objects.filter(pk=delivery.post_id).exists()


def test_an_unknown_delivery_is_resolved_with_the_url_and_time_found(
    admin_client, admin_user, delivery, settings
):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=delivery.workspace, url="http://127.0.0.1:9/hook", events=[])
    set_status(delivery, S.UNKNOWN)

    act(
        admin_client,
        "resolve",
        delivery,
        confirm=True,
        outcome="published",
        external_url="https://social.example/@crier/42",
        published_at="2026-01-02 03:04:05",
    )

    delivery.refresh_from_db()
    assert delivery.status == S.PUBLISHED
    assert delivery.external_url == "https://social.example/@crier/42"
    assert delivery.published_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert delivery.error_message == (
        f"Marked published by {admin_user.username} after checking the platform."
    )
    assert WebhookMessage.objects.filter(event="post.published").count() == 1
    assert Job.objects.get(pk=delivery.post.job_id).status == "completed"


def test_resolving_as_failed_with_a_url_is_refused_by_the_form(admin_client, delivery):
    set_status(delivery, S.UNKNOWN)
    response = act(
        admin_client,
        "resolve",
        delivery,
        confirm=True,
        outcome="failed",
        external_url="https://social.example/@crier/42",
    )
    assert "A URL or a publication time means it was published." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == S.UNKNOWN


def test_delivery_list_shows_text_workspace_error_and_times_with_seconds_and_zone(
    admin_client, delivery
):
    set_status(delivery, S.FAILED, error_message="Duplicate content is not allowed.")
    listing = page(admin_client, "/admin/posts/delivery/?q=spring+sale")
    assert delivery.pk in listing
    assert "Spring sale starts today" in listing
    assert delivery.workspace.name in listing
    assert "Duplicate content is not allowed." in listing
    assert "2030-01-02 03:04:05 UTC" in listing
    assert delivery.pk not in page(admin_client, "/admin/posts/delivery/?q=winter")


def test_the_index_shows_the_pipeline_and_links_each_figure(
    admin_client, delivery, workspace, settings
):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    set_status(delivery, S.FAILED)
    SocialAccountFactory(
        workspace=workspace, status=AccountStatus.NEEDS_REAUTH, status_reason="Token revoked."
    )
    endpoint = endpoint_create(workspace=workspace, url="http://127.0.0.1:9/hook", events=[])
    emit(workspace_id=workspace.pk, event="post.failed", data={})
    WebhookDelivery.objects.update(status="failed", attempts=8, last_error="Connection refused")

    index = page(admin_client, "/admin/")

    for check in ("database", "broker", "dispatcher", "publish_workers"):
        assert f'data-check="{check}"' in index
    assert 'href="/readyz"' in index and 'href="/metrics"' in index
    assert "/admin/posts/delivery/?status__exact=failed&amp;changed=24h" in index
    assert "Token revoked." in index
    assert endpoint.url in index and "Connection refused" in index
    failed_list = page(admin_client, "/admin/posts/delivery/?status__exact=failed&changed=24h")
    assert delivery.pk in failed_list


def test_social_accounts_are_read_only(admin_client, account, workspace):
    assert admin_client.get("/admin/accounts/socialaccount/add/").status_code == 403
    account.status = AccountStatus.NEEDS_REAUTH
    account.save()
    url = f"/admin/accounts/socialaccount/{account.pk}/change/"
    admin_client.post(url, {"status": "active", "workspace": workspace.pk})
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_REAUTH
    assert "access_token" not in page(admin_client, url)


def test_webhook_deliveries_are_resent_not_edited(
    admin_client, workspace, settings, django_capture_on_commit_callbacks
):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=workspace, url="http://127.0.0.1:9/hook", events=[])
    emit(workspace_id=workspace.pk, event="post.failed", data={"id": "dlv_x"})
    sent = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=sent.pk).update(status="failed", attempts=8)
    assert admin_client.get("/admin/webhooks/webhookdelivery/add/").status_code == 403

    shown = page(admin_client, f"/admin/webhooks/webhookdelivery/{sent.pk}/change/")
    assert "&quot;post.failed&quot;" in shown and "dlv_x" in shown
    admin_client.post(f"/admin/webhooks/webhookdelivery/{sent.pk}/change/", {"status": "succeeded"})
    sent.refresh_from_db()
    assert sent.status == "failed"

    with django_capture_on_commit_callbacks() as sends:
        act(admin_client, "resend", sent, model="webhooks/webhookdelivery", confirm=True)
    assert len(sends) == 1
    sent.refresh_from_db()
    assert sent.status == "pending"
    webhook_send(delivery_id=sent.pk)  # what the worker does with the message

    sent.refresh_from_db()
    # Nothing listens on :9 and the attempt budget is spent: failed again, history kept.
    assert (sent.status, sent.attempts) == ("failed", 9)
    assert "ConnectError" in sent.attempt_log.get().error
    assert LogEntry.objects.get().change_message.startswith("Resent (failed")


def test_a_webhook_not_tried_yet_is_not_resent(admin_client, workspace, settings):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=workspace, url="http://127.0.0.1:9/hook", events=[])
    emit(workspace_id=workspace.pk, event="post.failed", data={})
    waiting = WebhookDelivery.objects.get()
    confirmation = act(admin_client, "resend", waiting, model="webhooks/webhookdelivery")
    assert "it has not been tried yet" in confirmation.content.decode()


def test_a_large_job_request_is_summarised(admin_client, workspace, account):
    posts = [
        {"networks": {"default": {"text": f"post {i} " + "x" * 150}}, "accounts": [{"id": "a"}]}
        for i in range(500)
    ]
    job = Job.objects.create(
        workspace=workspace,
        kind=Job.Kind.SCHEDULE,
        status="completed",
        request={"posts": posts},
        payload={"failures": {"3": {"a": ["Account not found."]}}},
    )
    shown = page(admin_client, f"/admin/posts/job/{job.pk}/change/")
    assert "500 posts to 1 accounts" in shown
    assert "1 refused at expansion" in shown
    assert "post 0 " in shown and "post 499 " not in shown


def test_non_staff_users_cannot_reach_the_admin(client, django_user_model, delivery):
    django_user_model.objects.create_user(username="plain", password="pw-123456789")
    client.login(username="plain", password="pw-123456789")
    response = client.get("/admin/posts/delivery/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_staff_member_who_may_only_view_cannot_act(client, django_user_model, delivery):
    viewer = django_user_model.objects.create_user("ops-viewer", password="pw-123456789")
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(viewer)

    listing = client.get("/admin/posts/delivery/").content.decode()
    assert delivery.pk in listing and 'value="publish_now"' not in listing
    act(client, "publish_now", delivery, confirm=True)
    delivery.refresh_from_db()
    assert delivery.due_at == PLANNED


def test_a_post_page_shows_its_text_and_media_for_humans(admin_client, delivery, workspace):
    image = MediaAsset.objects.create(
        workspace=workspace,
        status=MediaAsset.Status.READY,
        kind=MediaAsset.Kind.IMAGE,
        mime_type="image/png",
        storage_key="media/croissant.png",
    )
    video = MediaAsset.objects.create(
        workspace=workspace,
        status=MediaAsset.Status.PROCESSING,
        kind=MediaAsset.Kind.VIDEO,
        mime_type="video/mp4",
        storage_key="media/oven.mp4",
    )
    Post.objects.filter(pk=delivery.post_id).update(
        networks={"default": {"text": "Spring sale starts today"}, "x": {"text": "Sale!"}}
    )
    PostMedia.objects.create(post_id=delivery.post_id, asset=video, position=1)
    PostMedia.objects.create(post_id=delivery.post_id, asset=image, position=0, alt="A croissant")
    shown = page(admin_client, f"/admin/posts/post/{delivery.post_id}/change/")
    assert "Spring sale starts today" in shown and "Sale!" in shown
    assert 'alt="A croissant"' in shown and "croissant.png" in shown
    assert f"{video.pk}: video processing" in shown
    assert shown.index("croissant.png") < shown.index(video.pk)  # in the post's order
    assert "&quot;text&quot;" not in shown  # no JSON
