"""PATCH, DELETE and retry of /api/v1/posts/{id}: allowed only while the state machine agrees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from posts.dispatch import dispatch
from posts.models import Attempt, Delivery, Job, Post
from posts.states import DeliveryStatus as S
from tests.factories import SocialAccountFactory
from tests.posts.conftest import PUBLISH_NOW, SCHEDULE, bulk, post_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(editor, send):
    """Schedule one post through the API; returns the stored Post."""

    def schedule(*account_ids: str, state: str = "scheduled", text: str = "hello") -> Post:
        when = (timezone.now() + timedelta(days=1)).replace(microsecond=0).isoformat()
        response = send(
            editor, SCHEDULE, bulk(post_item(*account_ids, when=when, text=text), state=state)
        )
        assert response.status_code == 202
        return Post.objects.get(job_id=response.json()["job_id"])

    return schedule


@pytest.fixture
def two_accounts(account, workspace):
    return account, SocialAccountFactory(workspace=workspace)


def _set(post: Post, *statuses: str) -> list[Delivery]:
    """Arrange delivery states directly, in creation order."""
    deliveries = list(post.deliveries.order_by("created_at", "pk"))
    for delivery, status in zip(deliveries, statuses, strict=True):
        Delivery.objects.filter(pk=delivery.pk).update(status=status)
    return deliveries


def _statuses(post: Post) -> list[str]:
    return list(post.deliveries.order_by("created_at", "pk").values_list("status", flat=True))


def _in(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


# -- PATCH --------------------------------------------------------------------------------


def test_editing_text_and_time_of_a_scheduled_post_moves_every_delivery(
    editor, two_accounts, schedule
):
    post = schedule(*(account.pk for account in two_accounts))
    when = _in(3)

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}",
        {"networks": {"default": {"text": "edited"}}, "scheduled_at": when},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["networks"]["default"]["text"] == "edited"
    assert [d["state"] for d in body["deliveries"]] == ["scheduled", "scheduled"]
    post.refresh_from_db()
    assert post.networks["default"]["text"] == "edited"
    for delivery in post.deliveries.all():
        assert delivery.scheduled_at.isoformat() == when
        assert delivery.due_at == delivery.scheduled_at


def test_editing_only_the_text_keeps_the_time(editor, account, schedule):
    post = schedule(account.pk)
    before = post.deliveries.get()

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}", {"networks": {"default": {"text": "new"}}}, format="json"
    )

    assert response.status_code == 200
    after = post.deliveries.get()
    assert (after.status, after.scheduled_at, after.due_at) == (
        S.SCHEDULED,
        before.scheduled_at,
        before.due_at,
    )


def test_moving_a_scheduled_post_to_draft_takes_it_off_the_dispatcher(
    editor, two_accounts, schedule
):
    post = schedule(*(account.pk for account in two_accounts))

    response = editor.client.patch(f"/api/v1/posts/{post.pk}", {"state": "draft"}, format="json")

    assert response.status_code == 200
    assert response.json()["state"] == "draft"
    assert _statuses(post) == [S.DRAFT, S.DRAFT]
    assert not Delivery.objects.filter(post=post, due_at__isnull=False).exists()


def test_scheduling_a_draft_with_a_time_makes_it_due_then(editor, account, schedule):
    post = schedule(account.pk, state="draft")
    when = _in(2)

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}", {"state": "scheduled", "scheduled_at": when}, format="json"
    )

    assert response.status_code == 200
    delivery = post.deliveries.get()
    assert delivery.status == S.SCHEDULED
    assert delivery.due_at.isoformat() == when


def test_scheduling_a_draft_whose_time_has_passed_needs_a_new_time(editor, account, schedule):
    post = schedule(account.pk, state="draft")
    Delivery.objects.filter(post=post).update(scheduled_at=timezone.now() - timedelta(hours=1))

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}", {"state": "scheduled"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("scheduled_at: ")
    assert response.json()["errors"][0].endswith("is in the past: send a new time.")
    assert _statuses(post) == [S.DRAFT]


@pytest.mark.parametrize("busy", [S.QUEUED, S.PUBLISHING, S.PROCESSING, S.PUBLISHED, S.UNKNOWN])
def test_a_post_with_a_delivery_on_its_way_or_out_cannot_be_edited(
    editor, two_accounts, schedule, busy
):
    post = schedule(*(account.pk for account in two_accounts), text="original")
    _set(post, S.SCHEDULED, busy)

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}",
        {"networks": {"default": {"text": "too late"}}, "scheduled_at": _in(5)},
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "errors": [f"This post can no longer be edited: deliveries are {busy}."]
    }
    post.refresh_from_db()
    assert post.networks["default"]["text"] == "original"
    assert _statuses(post) == [S.SCHEDULED, busy]


@pytest.mark.parametrize(("current", "target"), [(S.FAILED, "scheduled"), (S.RETRYING, "draft")])
def test_a_state_change_the_state_machine_forbids_is_a_conflict(
    editor, account, schedule, current, target
):
    post = schedule(account.pk)
    (delivery,) = _set(post, current)

    response = editor.client.patch(f"/api/v1/posts/{post.pk}", {"state": target}, format="json")

    assert response.status_code == 409
    assert response.json()["errors"][0].startswith(
        f"Delivery {delivery.pk} is {current} and cannot become {target}"
    )
    assert _statuses(post) == [current]


def test_cancelled_deliveries_stay_cancelled_when_the_rest_is_edited(
    editor, two_accounts, schedule
):
    post = schedule(*(account.pk for account in two_accounts))
    _set(post, S.CANCELLED, S.SCHEDULED)

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}", {"scheduled_at": _in(4)}, format="json"
    )

    assert response.status_code == 200
    assert _statuses(post) == [S.CANCELLED, S.SCHEDULED]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"scheduled_at": "2031-05-01T10:00:00"},
            "scheduled_at: '2031-05-01T10:00:00' has no UTC offset",
        ),
        (
            {"scheduled_at": "2020-05-01T10:00:00+00:00"},
            "scheduled_at: 2020-05-01T10:00:00+00:00 is in the past.",
        ),
        (
            {"networks": {"default": {"text": "x" * 501}}},
            "Text is 501 characters; Sandbox allows 500.",
        ),
        (
            {"networks": {"default": {"text": " "}}},
            "networks: default: text is empty and the post has no media.",
        ),
        (
            {"networks": {"default": {"type": "video", "text": "v"}}},
            "networks: default: type 'video' needs media.",
        ),
        ({"networks": {"friendster": {"text": "hi"}}}, "networks: unknown network(s) friendster"),
        ({"media": [{"id": "med_9"}]}, "Media not found: med_9."),
        ({"state": "published"}, 'state: "published" is not a valid choice.'),
        (
            {"text": "new"},
            "text: Not an editable field; editable: networks, media, thread_media, labels, "
            "scheduled_at, state.",
        ),
    ],
    ids=[
        "naive time",
        "past time",
        "text too long",
        "empty text",
        "video without media",
        "unknown network",
        "unknown media",
        "state not editable",
        "a field that is not edited",
    ],
)
def test_an_invalid_edit_is_refused_and_nothing_changes(
    editor, account, schedule, changes, expected
):
    post = schedule(account.pk, text="original")
    before = post.deliveries.get()

    response = editor.client.patch(f"/api/v1/posts/{post.pk}", changes, format="json")

    assert response.status_code == 400, response.content
    (message,) = response.json()["errors"]
    assert expected in message
    post.refresh_from_db()
    assert post.networks["default"]["text"] == "original"
    assert post.media == []
    after = post.deliveries.get()
    assert (after.status, after.scheduled_at) == (before.status, before.scheduled_at)


def test_a_deleted_post_cannot_be_edited(editor, account, schedule):
    post = schedule(account.pk, text="original")
    assert editor.client.delete(f"/api/v1/posts/{post.pk}").status_code in (200, 204)

    response = editor.client.patch(f"/api/v1/posts/{post.pk}", {"state": "draft"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"errors": ["This post was deleted: every delivery is cancelled."]}
    assert post.deliveries.get().status == "cancelled"


def test_a_viewer_cannot_edit(viewer, account, schedule):
    post = schedule(account.pk)

    response = viewer.client.patch(f"/api/v1/posts/{post.pk}", {"state": "draft"}, format="json")

    assert response.status_code == 403
    assert _statuses(post) == [S.SCHEDULED]


# -- DELETE -------------------------------------------------------------------------------


def test_deleting_cancels_pending_deliveries_and_keeps_published_ones(editor, workspace, schedule):
    accounts = [SocialAccountFactory(workspace=workspace) for _ in range(4)]
    post = schedule(*(account.pk for account in accounts))
    _set(post, S.SCHEDULED, S.QUEUED, S.PUBLISHED, S.DRAFT)

    response = editor.client.delete(f"/api/v1/posts/{post.pk}")

    assert response.status_code == 200
    assert [d["state"] for d in response.json()["deliveries"]] == [
        S.CANCELLED,
        S.CANCELLED,
        S.PUBLISHED,
        S.CANCELLED,
    ]
    assert _statuses(post) == [S.CANCELLED, S.CANCELLED, S.PUBLISHED, S.CANCELLED]
    assert not Delivery.objects.filter(post=post, status=S.CANCELLED, due_at__isnull=False)


def test_deleting_leaves_a_delivery_that_is_publishing_alone(editor, account, schedule):
    post = schedule(account.pk)
    _set(post, S.PUBLISHING)

    response = editor.client.delete(f"/api/v1/posts/{post.pk}")

    assert response.status_code == 200
    assert response.json()["deliveries"][0]["state"] == S.PUBLISHING


# -- retry --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.SCHEDULED, S.PUBLISHED, S.CANCELLED, S.RETRYING])
def test_retry_is_a_conflict_when_nothing_failed(editor, account, schedule, status):
    post = schedule(account.pk)
    _set(post, status)

    response = editor.client.post(f"/api/v1/posts/{post.pk}/retry")

    assert response.status_code == 409
    assert response.json() == {
        "errors": ["This post has no failed or unknown deliveries to retry."]
    }
    assert _statuses(post) == [status]


def test_retry_requeues_failed_and_unknown_deliveries_only(editor, workspace, schedule):
    accounts = [SocialAccountFactory(workspace=workspace) for _ in range(3)]
    post = schedule(*(account.pk for account in accounts))
    failed, unknown, published = _set(post, S.FAILED, S.UNKNOWN, S.PUBLISHED)
    Delivery.objects.filter(pk__in=[failed.pk, unknown.pk]).update(
        attempts=5, error_code="rejected", error_message="Nope.", due_at=None
    )
    started = timezone.now()

    response = editor.client.post(f"/api/v1/posts/{post.pk}/retry")

    assert response.status_code == 202
    assert [d["state"] for d in response.json()["deliveries"]] == [
        S.RETRYING,
        S.RETRYING,
        S.PUBLISHED,
    ]
    for delivery in Delivery.objects.filter(pk__in=[failed.pk, unknown.pk]):
        assert delivery.status == S.RETRYING
        assert started <= delivery.due_at <= timezone.now()
        assert delivery.attempts == 0
        # The last error stays on record until an attempt replaces it.
        assert (delivery.error_code, delivery.error_message) == ("rejected", "Nope.")
    assert Delivery.objects.get(pk=published.pk).status == S.PUBLISHED


def test_retrying_a_publish_now_post_reopens_its_job(editor, live_account, simulator, send):
    simulator.simulator.configure(live_account.external_id, {"reject": "Not today."})
    response = send(editor, PUBLISH_NOW, bulk(post_item(live_account.pk)))
    job = Job.objects.get(pk=response.json()["job_id"])
    assert job.status == "completed"
    post = job.posts.get()

    retried = editor.client.post(f"/api/v1/posts/{post.pk}/retry")

    assert retried.status_code == 202
    job.refresh_from_db()
    assert (job.status, job.completed_at) == ("working", None)


def test_a_retried_delivery_is_published_on_the_next_dispatch(
    editor, live_account, simulator, send, django_capture_on_commit_callbacks
):
    simulator.simulator.configure(live_account.external_id, {"reject": "Not today."})
    response = send(editor, PUBLISH_NOW, bulk(post_item(live_account.pk)))
    post = Job.objects.get(pk=response.json()["job_id"]).posts.get()
    simulator.simulator.configure(live_account.external_id, {"reject": False})
    assert editor.client.post(f"/api/v1/posts/{post.pk}/retry").status_code == 202

    with django_capture_on_commit_callbacks(execute=True):
        dispatch(time_budget=5)

    delivery = post.deliveries.get()
    assert delivery.status == S.PUBLISHED
    assert list(delivery.attempt_log.values_list("number", "outcome")) == [
        (1, Attempt.Outcome.FAILED),
        (2, Attempt.Outcome.PUBLISHED),
    ]


# -- isolation ----------------------------------------------------------------------------


def test_an_outsider_can_neither_edit_nor_delete_nor_retry(outsider, account, schedule):
    post = schedule(account.pk, text="mine")
    _set(post, S.FAILED)
    url = f"/api/v1/posts/{post.pk}"

    responses = [
        outsider.client.patch(url, {"networks": {"default": {"text": "theirs"}}}, format="json"),
        outsider.client.delete(url),
        outsider.client.post(f"{url}/retry"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert all(response.json() == {"errors": ["Not found."]} for response in responses)
    post.refresh_from_db()
    assert post.networks["default"]["text"] == "mine"
    assert _statuses(post) == [S.FAILED]


def test_an_unknown_post_is_not_found(editor):
    for response in (
        editor.client.get("/api/v1/posts/post_nope"),
        editor.client.patch("/api/v1/posts/post_nope", {"state": "draft"}, format="json"),
        editor.client.delete("/api/v1/posts/post_nope"),
        editor.client.post("/api/v1/posts/post_nope/retry"),
    ):
        assert response.status_code == 404
