"""Approvals: who must ask, what waits, and how approve and reject move a post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, Scope
from planning.models import Notification
from posts.dispatch import dispatch
from posts.models import ApprovalDecision, Delivery, Job, Post
from posts.states import DeliveryStatus as S
from tests.conftest import make_caller
from tests.factories import MemberFactory, SocialAccountFactory
from tests.planning.conftest import berlin_account, frozen, local, queue_body, slot
from tests.posts.conftest import PUBLISH_NOW, SCHEDULE, bulk, future, post_item
from webhooks.models import WebhookMessage
from webhooks.services import endpoint_create

__all__ = ["berlin_account", "frozen", "slot"]  # fixtures: queue slots in a named zone

pytestmark = pytest.mark.django_db

ALL_BUT_APPROVE = [scope for scope in Scope.values if scope != Scope.APPROVE]


@pytest.fixture
def approvals_on(workspace):
    workspace.approval_required = True
    workspace.save()
    return workspace


@pytest.fixture
def approver(workspace):
    return make_caller(MemberFactory(workspace=workspace, role=Role.ADMIN))


def schedule(caller, send, *account_ids, when=None, url=SCHEDULE, state="scheduled") -> Post:
    body = bulk(post_item(*account_ids, when=when or future(hours=24)), state=state)
    response = send(caller, url, body)
    assert response.status_code == 202, response.content
    return Post.objects.get(job_id=response.json()["job_id"])


def statuses(post: Post) -> list[str]:
    return list(post.deliveries.order_by("created_at").values_list("status", flat=True))


# -- who asks ----------------------------------------------------------------------------


def test_without_the_setting_an_editors_post_is_scheduled_at_once(editor, account, send):
    assert statuses(schedule(editor, send, account.pk)) == [S.SCHEDULED]


def test_an_editors_post_waits_for_approval_and_is_never_dispatched(
    approvals_on, editor, account, send, django_capture_on_commit_callbacks
):
    post = schedule(editor, send, account.pk, when=future(hours=1))
    delivery = post.deliveries.get()

    assert delivery.status == S.PENDING_APPROVAL
    assert delivery.due_at is None
    assert post.state == "pending_approval"
    later = timezone.now() + timedelta(hours=2)
    Delivery.objects.filter(pk=delivery.pk).update(due_at=later - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(time_budget=2)
    assert Delivery.objects.get(pk=delivery.pk).status == S.PENDING_APPROVAL


@pytest.mark.parametrize(
    ("role", "scopes", "waits"),
    [
        (Role.EDITOR, None, True),  # editors ask even when their key may approve
        (Role.ADMIN, ALL_BUT_APPROVE, True),
        (Role.OWNER, ALL_BUT_APPROVE, True),
        (Role.ADMIN, None, False),
        (Role.OWNER, None, False),
    ],
)
def test_who_must_ask_depends_on_role_and_the_approve_scope(
    approvals_on, workspace, account, send, role, scopes, waits
):
    caller = make_caller(MemberFactory(workspace=workspace, role=role), scopes=scopes)

    post = schedule(caller, send, account.pk)

    assert statuses(post) == [S.PENDING_APPROVAL if waits else S.SCHEDULED]


def test_drafts_never_wait_for_approval(approvals_on, editor, account, send):
    assert statuses(schedule(editor, send, account.pk, state="draft")) == [S.DRAFT]


def test_an_editor_scheduling_a_draft_sends_it_to_approval(approvals_on, editor, account, send):
    post = schedule(editor, send, account.pk, state="draft")

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}", {"state": "scheduled"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "pending_approval"
    assert statuses(post) == [S.PENDING_APPROVAL]
    assert Notification.objects.filter(event="post.pending_approval").count() == 1


def test_an_editor_changing_the_text_of_an_approved_post_sends_it_back_to_approval(
    approvals_on, editor, approver, account, send
):
    post = schedule(editor, send, account.pk)
    approver.client.post(f"/api/v1/posts/{post.pk}/approve", {}, format="json")
    assert statuses(post) == [S.SCHEDULED]

    edit = {"networks": {"default": {"text": "changed after approval"}}}
    response = editor.client.patch(f"/api/v1/posts/{post.pk}", edit, format="json")

    assert response.status_code == 200
    assert statuses(post) == [S.PENDING_APPROVAL]
    assert post.deliveries.get().due_at is None


# -- approve ------------------------------------------------------------------------------


def test_approving_schedules_the_post_and_records_who_and_when(
    approvals_on, editor, approver, account, send, settings
):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    endpoint_create(workspace=approvals_on, url="http://127.0.0.1:9/hook", events=[])
    post = schedule(editor, send, account.pk)
    delivery = post.deliveries.get()

    response = approver.client.post(f"/api/v1/posts/{post.pk}/approve", {}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "scheduled"
    assert body["decision"]["verdict"] == "approved"
    delivery.refresh_from_db()
    assert delivery.status == S.SCHEDULED
    assert delivery.due_at == delivery.scheduled_at
    decision = ApprovalDecision.objects.get()
    assert decision.decided_by == approver.member
    events = list(WebhookMessage.objects.order_by("created_at").values_list("event", flat=True))
    assert events == ["post.pending_approval", "job.completed", "post.approved"]


def test_approving_with_edited_text_publishes_the_edited_text(
    approvals_on,
    editor,
    approver,
    live_account,
    send,
    django_capture_on_commit_callbacks,
    simulator,
):
    post = schedule(editor, send, live_account.pk, url=PUBLISH_NOW)
    assert statuses(post) == [S.PENDING_APPROVAL]

    with django_capture_on_commit_callbacks(execute=True):
        response = approver.client.post(
            f"/api/v1/posts/{post.pk}/approve", {"text": "Edited by the approver"}, format="json"
        )
        assert response.status_code == 200, response.content
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(time_budget=5)  # a publish-now post goes out as soon as it is approved

    assert statuses(post) == [S.PUBLISHED]
    feed = simulator.simulator.feed(live_account.external_id)
    assert [item["text"] for item in feed] == ["Edited by the approver"]
    assert Job.objects.get(pk=post.job_id).status == "completed"


def test_approving_a_post_whose_time_passed_needs_a_new_time(
    approvals_on, editor, approver, account, send, frozen
):
    post = schedule(editor, send, account.pk, when=future(hours=1))
    frozen(timezone.now() + timedelta(hours=3))
    url = f"/api/v1/posts/{post.pk}/approve"

    refused = approver.client.post(url, {}, format="json")
    new_time = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    accepted = approver.client.post(url, {"scheduled_at": new_time.isoformat()}, format="json")

    assert refused.status_code == 400
    assert "is in the past: send a new time" in refused.json()["errors"][0]
    assert accepted.status_code == 200
    assert post.deliveries.get().scheduled_at == new_time


def test_approving_is_for_admins_with_the_approve_scope(
    approvals_on, editor, workspace, account, send
):
    post = schedule(editor, send, account.pk)
    url = f"/api/v1/posts/{post.pk}/approve"
    scopeless_admin = make_caller(
        MemberFactory(workspace=workspace, role=Role.ADMIN), scopes=ALL_BUT_APPROVE
    )

    by_editor = editor.client.post(url, {}, format="json")
    by_scopeless_admin = scopeless_admin.client.post(url, {}, format="json")

    assert by_editor.status_code == 403
    assert by_editor.json()["errors"] == ["Your role 'editor' cannot do this; it needs 'admin'."]
    assert by_scopeless_admin.status_code == 403
    assert by_scopeless_admin.json()["errors"] == ["This API key lacks the 'approve' scope."]
    assert statuses(post) == [S.PENDING_APPROVAL]


def test_approving_what_does_not_wait_is_a_409_and_an_outsider_gets_404(
    editor, approver, outsider, account, send
):
    post = schedule(editor, send, account.pk)  # approvals off: scheduled

    mine = approver.client.post(f"/api/v1/posts/{post.pk}/approve", {}, format="json")
    theirs = outsider.client.post(f"/api/v1/posts/{post.pk}/approve", {}, format="json")
    rejected = outsider.client.post(
        f"/api/v1/posts/{post.pk}/reject", {"comment": "no"}, format="json"
    )

    assert mine.status_code == 409
    assert mine.json()["errors"] == [f"Post {post.pk} is not waiting for approval."]
    assert theirs.status_code == rejected.status_code == 404


# -- reject -------------------------------------------------------------------------------


def test_rejecting_returns_the_post_to_draft_with_the_comment(
    approvals_on, editor, approver, account, send
):
    post = schedule(editor, send, account.pk)
    url = f"/api/v1/posts/{post.pk}/reject"

    without_comment = approver.client.post(url, {}, format="json")
    response = approver.client.post(url, {"comment": "Tone it down, please."}, format="json")

    assert without_comment.status_code == 400
    assert response.status_code == 200
    assert response.json()["decision"] == {
        "post_id": post.pk,
        "verdict": "rejected",
        "comment": "Tone it down, please.",
        "decided_by": response.json()["decision"]["decided_by"],
        "created_at": response.json()["decision"]["created_at"],
    }
    assert statuses(post) == [S.DRAFT]
    notification = Notification.objects.get(event="post.rejected")
    assert "Tone it down, please." in notification.message


def test_a_rejected_publish_now_post_completes_its_job_unpublished(
    approvals_on, editor, approver, account, send
):
    post = schedule(editor, send, account.pk, url=PUBLISH_NOW)
    assert Job.objects.get(pk=post.job_id).status == "working"  # waits for the approver

    approver.client.post(f"/api/v1/posts/{post.pk}/reject", {"comment": "no"}, format="json")

    assert Job.objects.get(pk=post.job_id).status == "completed"
    assert statuses(post) == [S.DRAFT]


def test_a_rejected_queue_post_gives_its_slot_back(
    approvals_on, editor, approver, berlin_account, slot, send, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00")
    response = send(editor, SCHEDULE, queue_body(berlin_account.pk))
    post = Post.objects.get(job_id=response.json()["job_id"])
    assert post.deliveries.get().slot_at == local(2026, 6, 1, 9, 0)  # held while it waits

    approver.client.post(f"/api/v1/posts/{post.pk}/reject", {"comment": "no"}, format="json")
    again = send(approver, SCHEDULE, queue_body(berlin_account.pk))

    assert post.deliveries.get().slot_at is None
    other = Post.objects.get(job_id=again.json()["job_id"]).deliveries.get()
    assert other.scheduled_at == local(2026, 6, 1, 9, 0)


# -- the list -----------------------------------------------------------------------------


def test_the_approvals_list_shows_what_waits_with_counts(
    approvals_on, editor, approver, outsider, account, workspace, send
):
    second = make_caller(MemberFactory(workspace=workspace, role=Role.EDITOR))
    other = SocialAccountFactory(workspace=workspace)
    first = schedule(editor, send, account.pk, other.pk)
    waiting = schedule(second, send, account.pk)
    done = schedule(editor, send, account.pk)
    approver.client.post(f"/api/v1/posts/{done.pk}/approve", {}, format="json")

    body = editor.client.get("/api/v1/approvals").json()

    assert [post["id"] for post in body["results"]] == [first.pk, waiting.pk]
    assert body["count"] == 2
    assert body["counts"] == {
        "posts": 2,
        "deliveries": 3,
        "by_account": {account.pk: 2, other.pk: 1},
    }
    theirs = outsider.client.get("/api/v1/approvals").json()
    assert (theirs["count"], theirs["counts"]["posts"]) == (0, 0)


# -- admin --------------------------------------------------------------------------------


def test_the_admin_approves_and_rejects_with_a_comment(
    approvals_on, editor, account, send, admin_client
):
    approve_me = schedule(editor, send, account.pk)
    reject_me = schedule(editor, send, account.pk)
    page = "/admin/posts/postawaitingapproval/"

    listing = admin_client.get(page)
    approved = admin_client.post(
        page, {"action": "approve", "_selected_action": [approve_me.pk]}, follow=True
    )
    form = admin_client.post(page, {"action": "reject", "_selected_action": [reject_me.pk]})
    rejected = admin_client.post(
        page,
        {"action": "reject", "_selected_action": [reject_me.pk], "apply": "1", "comment": "No."},
        follow=True,
    )

    assert listing.status_code == 200
    assert approve_me.pk in listing.content.decode()
    assert "1 post(s) approved." in approved.content.decode()
    assert statuses(approve_me) == [S.SCHEDULED]
    assert form.status_code == 200
    assert "comment" in form.content.decode()
    assert "1 post(s) rejected." in rejected.content.decode()
    assert statuses(reject_me) == [S.DRAFT]
    assert ApprovalDecision.objects.get(post=reject_me).comment == "No."
