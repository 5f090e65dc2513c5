"""GET /api/v1/job_status/{job_id}: the caller's own jobs only, readable by every role."""

from __future__ import annotations

import json

import pytest
from rest_framework.utils.encoders import JSONEncoder

from posts import selectors
from posts.models import Job
from posts.tasks import run_job
from tests.conftest import make_caller
from tests.factories import SocialAccountFactory
from tests.posts.conftest import SCHEDULE, bulk, future, job_status, post_item, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_id(editor, account, send) -> str:
    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when=future())))
    assert response.status_code == 202
    return response.json()["job_id"]


def test_a_job_is_working_until_its_task_has_run(editor, account):
    # No eager tasks and no on-commit callbacks: the job is stored but not expanded yet.
    response = editor.client.post(
        SCHEDULE, bulk(post_item(account.pk, when=future())), format="json"
    )

    status = job_status(editor, response.json()["job_id"])
    assert status["status"] == "working"
    assert status["payload"] == {"failures": {}, "posts": []}
    assert status["completed_at"] is None


def test_a_viewer_reads_the_status_of_a_job_in_its_workspace(viewer, editor, job_id):
    assert job_status(viewer, job_id) == job_status(editor, job_id)
    assert job_status(viewer, job_id)["status"] == "completed"


def test_another_workspaces_job_is_not_found(outsider, job_id):
    response = outsider.client.get(f"/api/v1/job_status/{job_id}")

    assert response.status_code == 404
    assert response.json() == {"errors": ["Not found."]}


def test_an_unknown_job_is_not_found(editor):
    response = editor.client.get("/api/v1/job_status/job_doesnotexist")

    assert response.status_code == 404
    assert response.json() == {"errors": ["Not found."]}


def test_a_viewer_cannot_create_jobs(viewer, account, send):
    before = stored()

    response = send(viewer, "/api/v1/posts/schedule/publish", bulk(post_item(account.pk)))

    assert response.status_code == 403
    assert stored() == before


def test_a_key_without_the_posts_scope_cannot_read_jobs(editor, job_id):
    limited = make_caller(editor.member, scopes=["media"])

    response = limited.client.get(f"/api/v1/job_status/{job_id}")

    assert response.status_code == 403
    assert response.json() == {"errors": ["This API key lacks the 'posts' scope."]}


def test_a_job_whose_expansion_crashed_is_failed_with_a_message(editor, eager_tasks):
    # A stored request the serializer would never let through: the task must not crash
    # the worker, and the caller must learn the job failed.
    job = Job.objects.create(
        workspace=editor.workspace, kind=Job.Kind.SCHEDULE, request={"posts": "not a list"}
    )
    run_job.delay(job.pk)

    status = job_status(editor, job.pk)
    assert status["status"] == "failed"
    assert status["payload"]["error"] == "The job could not be expanded; it has been logged."


def test_the_status_lists_every_delivery_in_request_order_as_the_job_webhook_does(
    editor, workspace, send, eager_tasks
):
    """GET /job_status and job.completed's webhook read the job and its deliveries with the
    same selector: what the API renders is what the selector gives."""
    first, second = (
        SocialAccountFactory(workspace=workspace),
        SocialAccountFactory(workspace=workspace),
    )
    body = bulk(
        post_item(second.pk, first.pk, when=future(), text="one"),
        post_item(first.pk, "acc_unknown", when=future(), text="two"),
        post_item(second.pk, when=future(), text="three"),
    )
    job_id = send(editor, SCHEDULE, body).json()["job_id"]

    status = job_status(editor, job_id)

    posts = status["payload"]["posts"]
    assert [(item["account_id"], item["state"]) for item in posts] == [
        (second.pk, "scheduled"),
        (first.pk, "scheduled"),
        (first.pk, "scheduled"),
        (second.pk, "scheduled"),
    ]
    assert len({item["post_id"] for item in posts}) == 3
    assert status["payload"]["failures"]  # the unknown account, refused at expansion
    webhook = selectors.job_status(workspace_id=workspace.pk, job_id=job_id)
    assert status == json.loads(json.dumps(webhook, cls=JSONEncoder))


def test_job_times_are_to_the_second_with_an_offset_as_the_document_writes_them(editor, job_id):
    Job.objects.filter(pk=job_id).update(created_at="2026-05-04T14:58:35.123456+00:00")

    status = job_status(editor, job_id)

    assert status["created_at"] == "2026-05-04T14:58:35+00:00"
    assert status["completed_at"] == status["completed_at"][:19] + "+00:00"
