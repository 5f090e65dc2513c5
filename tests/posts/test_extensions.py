"""posts' extension points: planning fills them when Django starts; without it, posts work
alone (every post at its time, no queue slots). Approval and the plan's allowance are not
planning's (posts.approvals, accounts.quotas): they hold with or without it."""

from __future__ import annotations

import pytest

from planning.services import PostsPlanning
from posts import extensions
from posts.models import Delivery, Post
from posts.states import DeliveryStatus as S
from tests.posts.conftest import SCHEDULE, aware, bulk, future, job_status, post_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_planning(monkeypatch):
    monkeypatch.setattr(extensions, "planning", extensions.Planning())


@pytest.fixture
def strict_plan(workspace):
    """What an editor's post is held to: approval, and no post left this month."""
    workspace.approval_required = True
    workspace.max_posts_per_month = 0
    workspace.save()
    return workspace


@pytest.fixture
def approvals_on(workspace):
    workspace.approval_required = True
    workspace.save()
    return workspace


def test_planning_registers_its_steps_when_django_starts():
    assert type(extensions.planning) is PostsPlanning


@pytest.mark.parametrize("planning", ["installed", "absent"])
def test_the_strict_plan_refuses_the_post_with_or_without_planning(
    planning, strict_plan, editor, account, send, monkeypatch
):
    if planning == "absent":
        monkeypatch.setattr(extensions, "planning", extensions.Planning())

    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when=future())))

    assert response.status_code == 402, response.content
    assert not Post.objects.exists()


def test_without_planning_a_post_is_scheduled_at_its_time(without_planning, editor, account, send):
    when = future(hours=3)

    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when=when)))

    assert response.status_code == 202, response.content
    delivery = Delivery.objects.get(post__job_id=response.json()["job_id"])
    assert delivery.status == S.SCHEDULED
    assert delivery.scheduled_at == aware(when)


def test_without_planning_queue_posts_fail_for_each_account(
    without_planning, editor, account, send
):
    response = send(editor, SCHEDULE, bulk(post_item(account.pk), state="queue"))

    assert response.status_code == 202, response.content
    status = job_status(editor, response.json()["job_id"])
    assert status["payload"]["failures"] == {
        "0": {
            account.pk: ["Queue posts need posting schedules (planning), which are not installed."]
        }
    }
    assert not Post.objects.exists()


def test_without_planning_an_editors_post_still_waits_for_approval(
    without_planning, approvals_on, editor, account, send
):
    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when=future(hours=3))))

    assert response.status_code == 202, response.content
    delivery = Delivery.objects.get(post__job_id=response.json()["job_id"])
    assert delivery.status == S.PENDING_APPROVAL


def test_without_planning_an_edit_is_applied_as_asked(without_planning, editor, account, send):
    response = send(editor, SCHEDULE, bulk(post_item(account.pk), state="draft"))
    post = Post.objects.get(job_id=response.json()["job_id"])

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}", {"state": "scheduled", "scheduled_at": future()}, format="json"
    )

    assert response.status_code == 200, response.content
    assert [d["state"] for d in response.json()["deliveries"]] == ["scheduled"]
