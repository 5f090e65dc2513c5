"""POST /api/v1/posts/schedule and /schedule/publish: validation, then a job that stores posts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccountStatus
from connectors.registry import CONNECTORS
from posts.models import Delivery, Job, Post
from posts.states import DeliveryStatus
from tests.factories import SocialAccountFactory
from tests.posts.conftest import (
    PUBLISH_NOW,
    SCHEDULE,
    aware,
    bulk,
    future,
    job_status,
    post_item,
    stored,
)

pytestmark = pytest.mark.django_db


# -- accepted requests ------------------------------------------------------------------


def test_a_scheduled_bulk_answers_202_with_a_job_that_completes_with_one_delivery_per_account(
    editor, account, send
):
    second = SocialAccountFactory(workspace=editor.workspace)
    when = future(hours=3)
    body = bulk(
        post_item(account.pk, second.pk, when=when, text="first"),
        post_item(account.pk, when=when, text="second"),
    )

    response = send(editor, SCHEDULE, body)

    assert response.status_code == 202
    job_id = response.json()["job_id"]
    assert Job.objects.get(pk=job_id).kind == Job.Kind.SCHEDULE
    status = job_status(editor, job_id)
    assert status["status"] == "completed"
    assert status["completed_at"] is not None
    assert status["payload"]["failures"] == {}
    posts = status["payload"]["posts"]
    assert [(item["account_id"], item["state"]) for item in posts] == [
        (account.pk, "scheduled"),
        (second.pk, "scheduled"),
        (account.pk, "scheduled"),
    ]
    first_post, second_post = Post.objects.filter(job_id=job_id).order_by("input_index")
    assert [item["post_id"] for item in posts] == [first_post.pk, first_post.pk, second_post.pk]
    assert first_post.networks["default"]["text"] == "first"
    for delivery in Delivery.objects.filter(post__job_id=job_id):
        assert delivery.scheduled_at == aware(when)
        assert delivery.due_at == delivery.scheduled_at  # the dispatcher will claim it then


def test_scheduled_at_keeps_the_instant_whatever_offset_it_was_sent_with(editor, account, send):
    utc = timezone.now().replace(microsecond=0) + timedelta(days=2)
    local = utc.astimezone(timezone.get_fixed_timezone(-300))

    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when=local.isoformat())))

    assert response.status_code == 202
    delivery = Delivery.objects.get(post__job_id=response.json()["job_id"])
    assert delivery.scheduled_at == utc


def test_a_draft_bulk_stores_draft_deliveries_that_are_never_due(editor, account, send):
    response = send(editor, SCHEDULE, bulk(post_item(account.pk), state="draft"))

    assert response.status_code == 202
    job_id = response.json()["job_id"]
    status = job_status(editor, job_id)
    assert status["status"] == "completed"
    assert [item["state"] for item in status["payload"]["posts"]] == ["draft"]
    delivery = Delivery.objects.get(post__job_id=job_id)
    assert delivery.status == DeliveryStatus.DRAFT
    assert delivery.due_at is None
    assert Job.objects.get(pk=job_id).kind == Job.Kind.DRAFT


def test_a_draft_may_carry_a_time_that_has_passed(editor, account, send):
    past = (timezone.now() - timedelta(days=1)).isoformat()

    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when=past), state="draft"))

    assert response.status_code == 202
    assert Delivery.objects.get(post__job_id=response.json()["job_id"]).status == "draft"


def test_an_option_the_network_does_not_know_is_a_400_naming_it(editor, account, send):
    item = post_item(account.pk, when=future())
    item["networks"]["sandbox"] = {"type": "status", "text": "sandbox text", "visibility": "team"}
    before = stored()

    response = send(editor, SCHEDULE, bulk(item))

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error.startswith("bulk.posts[0].networks: sandbox: Unknown option 'visibility'")
    assert stored() == before


def test_options_in_the_default_block_reach_only_networks_that_know_them(editor, account, send):
    item = post_item(account.pk, when=future())
    item["networks"]["default"]["visibility"] = "team"

    response = send(editor, SCHEDULE, bulk(item))

    assert response.status_code == 202
    post = Post.objects.get(job_id=response.json()["job_id"])
    assert post.networks["default"]["options"] == {"visibility": "team"}
    assert post.deliveries.get().status == "scheduled"


def test_publish_now_publishes_every_delivery_and_completes_the_job(
    editor, live_account, simulator, send
):
    second = SocialAccountFactory(workspace=editor.workspace, credentials=live_account.credentials)
    body = bulk(post_item(live_account.pk, second.pk, text="out now"))

    response = send(editor, PUBLISH_NOW, body)

    assert response.status_code == 202
    status = job_status(editor, response.json()["job_id"])
    assert status["status"] == "completed"
    assert status["payload"]["failures"] == {}
    posts = status["payload"]["posts"]
    assert [item["state"] for item in posts] == ["published", "published"]
    feed = simulator.simulator.feed(None)
    assert sorted(entry["account"] for entry in feed) == sorted(
        [live_account.external_id, second.external_id]
    )
    assert all(entry["text"] == "out now" for entry in feed)
    assert {item["url"] for item in posts} == {entry["url"] for entry in feed}


def test_publish_now_needs_no_scheduled_at_and_ignores_one_in_the_past(editor, live_account, send):
    past = (timezone.now() - timedelta(days=1)).isoformat()

    response = send(editor, PUBLISH_NOW, bulk(post_item(live_account.pk, when=past)))

    assert response.status_code == 202
    assert job_status(editor, response.json()["job_id"])["payload"]["posts"][0]["state"] == (
        "published"
    )


def test_a_publish_now_job_with_a_failed_delivery_completes_and_shows_the_platform_message(
    editor, live_account, simulator, send
):
    simulator.simulator.configure(live_account.external_id, {"reject": "Duplicate status."})

    response = send(editor, PUBLISH_NOW, bulk(post_item(live_account.pk)))

    status = job_status(editor, response.json()["job_id"])
    assert status["status"] == "completed"
    (delivery,) = status["payload"]["posts"]
    assert delivery["state"] == "failed"
    assert "Duplicate status." in delivery["error"]


# -- refused requests: 400, every problem named, nothing stored ---------------------------


def _refused(editor, send, body: object, url: str = SCHEDULE) -> list[str]:
    before = stored()
    response = send(editor, url, body)
    assert response.status_code == 400, response.content
    assert stored() == before
    errors = response.json()["errors"]
    assert errors and all(isinstance(message, str) for message in errors)
    return errors


def test_naive_scheduled_at_is_refused_and_nothing_is_stored(editor, account, send):
    errors = _refused(editor, send, bulk(post_item(account.pk, when="2031-12-01T09:00:00")))

    assert errors == [
        "bulk.posts[0].accounts[0].scheduled_at: '2031-12-01T09:00:00' has no UTC offset: "
        "send ISO 8601 with an offset, for example 2026-12-01T09:00:00+01:00."
    ]


def test_naive_scheduled_at_is_refused_for_publish_now_too(editor, account, send):
    errors = _refused(
        editor, send, bulk(post_item(account.pk, when="2031-12-01 09:00")), url=PUBLISH_NOW
    )

    assert errors[0].startswith("bulk.posts[0].accounts[0].scheduled_at: '2031-12-01 09:00'")


def test_scheduled_at_in_the_past_is_refused_and_nothing_is_stored(editor, account, send):
    past = timezone.now() - timedelta(minutes=10)

    errors = _refused(editor, send, bulk(post_item(account.pk, when=past.isoformat())))

    assert errors == [f"bulk.posts[0].accounts[0].scheduled_at: {past.isoformat()} is in the past."]


def test_scheduled_at_is_required_for_scheduled_posts(editor, account, send):
    errors = _refused(editor, send, bulk(post_item(account.pk)))

    assert errors == ["bulk.posts[0].accounts[0].scheduled_at: is required for scheduled posts."]


def test_an_unknown_network_is_refused_and_the_known_ones_are_listed(editor, account, send):
    item = post_item(account.pk, when=future())
    item["networks"]["myspace"] = {"text": "hi"}

    errors = _refused(editor, send, bulk(item))

    known = ", ".join(sorted({"default", *CONNECTORS}))
    assert errors == [f"bulk.posts[0].networks: unknown network(s) myspace; known: {known}."]


def test_an_unknown_post_type_is_refused(editor, account, send):
    item = post_item(account.pk, when=future())
    item["networks"]["default"]["type"] = "hologram"

    errors = _refused(editor, send, bulk(item))

    assert errors == ['bulk.posts[0].networks.default.type: "hologram" is not a valid choice.']


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_text_without_media_is_refused(editor, account, send, text):
    errors = _refused(editor, send, bulk(post_item(account.pk, when=future(), text=text)))

    assert errors == ["bulk.posts[0].networks: default: text is empty and the post has no media."]


@pytest.mark.parametrize("post_type", ["photo", "video"])
def test_a_media_post_type_without_media_is_refused(editor, account, send, post_type):
    item = post_item(account.pk, when=future())
    item["networks"]["default"]["type"] = post_type

    errors = _refused(editor, send, bulk(item))

    assert errors == [f"bulk.posts[0].networks: default: type '{post_type}' needs media."]


def test_more_posts_than_the_bulk_limit_are_refused(editor, account, send, settings):
    settings.CRIER_BULK_LIMIT = 2
    item = post_item(account.pk, when=future())

    errors = _refused(editor, send, bulk(item, item, item))

    assert errors == ["bulk.posts: at most 2 posts per request, got 3."]


def test_exactly_the_bulk_limit_is_accepted(editor, account, send, settings):
    settings.CRIER_BULK_LIMIT = 2
    item = post_item(account.pk, when=future())

    response = send(editor, SCHEDULE, bulk(item, item))

    assert response.status_code == 202
    assert Post.objects.filter(job_id=response.json()["job_id"]).count() == 2


def test_an_account_listed_twice_in_one_post_is_refused(editor, account, send):
    errors = _refused(editor, send, bulk(post_item(account.pk, account.pk, when=future())))

    assert errors == [f"bulk.posts[0].accounts: account(s) listed twice: {account.pk}."]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, ["bulk: This field is required."]),
        ({"bulk": {"state": "scheduled"}}, ["bulk.posts: This field is required."]),
        (
            {"bulk": {"posts": {"0": {}}}},
            ['bulk.posts: Expected a list of items but got type "dict".'],
        ),
        ({"bulk": {"posts": []}}, ["bulk.posts: This list may not be empty."]),
        (
            {"bulk": ["scheduled"]},
            ["bulk: Invalid data. Expected a dictionary, but got list."],
        ),
        (
            {"bulk": "draft"},
            ["bulk: Invalid data. Expected a dictionary, but got str."],
        ),
        (["bulk"], ["Invalid data. Expected a dictionary, but got list."]),
    ],
    ids=[
        "no bulk",
        "no posts",
        "posts not a list",
        "no posts listed",
        "bulk a list",
        "bulk a string",
        "body a list",
    ],
)
def test_a_malformed_bulk_is_refused(editor, send, body, expected):
    assert _refused(editor, send, body) == expected


def test_a_post_without_accounts_is_refused(editor, send):
    item = post_item(when=future())

    errors = _refused(editor, send, bulk(item))

    assert errors == ["bulk.posts[0].accounts: This list may not be empty."]


def test_an_unknown_bulk_state_is_refused(editor, account, send):
    errors = _refused(editor, send, bulk(post_item(account.pk, when=future()), state="queued"))

    assert errors == ['bulk.state: "queued" is not a valid choice.']


def test_every_problem_of_every_post_is_listed_at_once(editor, account, send):
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    broken_content = post_item(account.pk, when=future(), text="")
    broken_content["networks"]["default"]["type"] = "video"
    broken_times = post_item(account.pk, "acc_other", when=past)
    del broken_times["accounts"][1]["scheduled_at"]

    errors = _refused(editor, send, bulk(broken_content, broken_times))

    assert errors == [
        "bulk.posts[0].networks: default: text is empty and the post has no media.",
        "bulk.posts[0].networks: default: type 'video' needs media.",
        f"bulk.posts[1].accounts[0].scheduled_at: {aware(past).isoformat()} is in the past.",
        "bulk.posts[1].accounts[1].scheduled_at: is required for scheduled posts.",
    ]


def test_a_body_over_the_size_limit_is_a_413_and_nothing_is_stored(editor, account, send, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    before = stored()

    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when=future(), text="x" * 3000)))

    assert response.status_code == 413
    assert response.json()["errors"][0].endswith("the limit is 2000 bytes.")
    assert stored() == before


def test_a_viewer_cannot_schedule(viewer, account, send):
    before = stored()

    response = send(viewer, SCHEDULE, bulk(post_item(account.pk, when=future())))

    assert response.status_code == 403
    assert response.json() == {"errors": ["Your role 'viewer' cannot do this; it needs 'editor'."]}
    assert stored() == before


# -- per-account refusals: the job completes and says why, keyed by position and account ----


def _failures(editor, send, body: dict) -> tuple[dict, dict]:
    response = send(editor, SCHEDULE, body)
    assert response.status_code == 202
    status = job_status(editor, response.json()["job_id"])
    assert status["status"] == "completed"
    return status["payload"]["failures"], status


def test_an_unknown_account_is_a_failure_and_the_other_account_is_still_scheduled(
    editor, account, send
):
    failures, status = _failures(
        editor, send, bulk(post_item("acc_missing", account.pk, when=future()))
    )

    assert failures == {
        "0": {"acc_missing": ["Account acc_missing is not connected to this workspace."]}
    }
    assert [(item["account_id"], item["state"]) for item in status["payload"]["posts"]] == [
        (account.pk, "scheduled")
    ]


def test_another_workspaces_account_looks_exactly_like_an_unknown_one(
    editor, outsider_account, send
):
    failures, status = _failures(
        editor, send, bulk(post_item(outsider_account.pk, "acc_missing", when=future()))
    )

    messages = failures["0"]
    assert messages[outsider_account.pk] == [
        messages["acc_missing"][0].replace("acc_missing", outsider_account.pk)
    ]
    assert status["payload"]["posts"] == []
    assert not Post.objects.exists()
    assert not Delivery.objects.filter(account=outsider_account).exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"status": AccountStatus.NEEDS_REAUTH, "status_reason": "token revoked"},
            "Account {id} is needs_reauth (token revoked): reconnect it first.",
        ),
        ({"status": AccountStatus.DISABLED}, "Account {id} is disabled: reconnect it first."),
        (
            {"status": AccountStatus.DISABLED, "disconnected_at": timezone.now()},
            "Account {id} is not connected to this workspace.",
        ),
    ],
    ids=["needs_reauth", "disabled", "disconnected"],
)
def test_an_account_that_cannot_publish_is_a_failure(editor, account, send, changes, expected):
    for field, value in changes.items():
        setattr(account, field, value)
    account.save()

    failures, _ = _failures(editor, send, bulk(post_item(account.pk, when=future())))

    assert failures == {"0": {account.pk: [expected.format(id=account.pk)]}}
    assert not Delivery.objects.exists()


def test_text_too_long_for_the_network_is_a_failure_per_account(editor, account, send):
    fits = post_item(account.pk, when=future(), text="x" * 500)
    too_long = post_item(account.pk, when=future(), text="x" * 501)

    failures, status = _failures(editor, send, bulk(fits, too_long))

    assert failures == {"1": {account.pk: ["Text is 501 characters; Sandbox allows 500."]}}
    assert len(status["payload"]["posts"]) == 1
    assert Post.objects.get().input_index == 0


def test_a_network_block_for_the_platform_is_checked_instead_of_the_default(editor, account, send):
    item = post_item(account.pk, when=future(), text="short default")
    item["networks"]["sandbox"] = {"type": "status", "text": "y" * 600}

    failures, _ = _failures(editor, send, bulk(item))

    assert failures == {"0": {account.pk: ["Text is 600 characters; Sandbox allows 500."]}}


def test_media_ids_are_not_found_until_media_storage_exists(editor, account, send):
    item = post_item(account.pk, when=future(), media=[{"id": "med_1"}, {"id": "med_2"}])
    item["networks"]["default"]["type"] = "photo"

    failures, status = _failures(editor, send, bulk(item))

    assert failures == {"0": {account.pk: ["Media not found: med_1, med_2."]}}
    assert status["payload"]["posts"] == []


def test_failures_are_keyed_by_input_position_then_account(editor, account, send):
    other = SocialAccountFactory(workspace=editor.workspace)
    body = bulk(
        post_item(account.pk, when=future()),
        post_item(account.pk, other.pk, "acc_gone", when=future(), text="z" * 501),
        post_item("acc_gone", when=future()),
    )

    failures, status = _failures(editor, send, body)

    assert failures == {
        "1": {
            account.pk: ["Text is 501 characters; Sandbox allows 500."],
            other.pk: ["Text is 501 characters; Sandbox allows 500."],
            "acc_gone": ["Account acc_gone is not connected to this workspace."],
        },
        "2": {"acc_gone": ["Account acc_gone is not connected to this workspace."]},
    }
    assert [item["account_id"] for item in status["payload"]["posts"]] == [account.pk]


def test_post_to_posts_with_a_bulk_body_schedules_like_posts_schedule(editor, account, send):
    # The document's example: POST /posts {"bulk": {"state": "scheduled", "posts": [...]}}.
    response = send(editor, "/api/v1/posts", bulk(post_item(account.pk, when=future())))

    assert response.status_code == 202
    status = job_status(editor, response.json()["job_id"])
    assert status["status"] == "completed"
    assert [post["state"] for post in status["payload"]["posts"]] == ["scheduled"]


def test_post_to_posts_refuses_a_viewer_and_stores_nothing(viewer, account, send):
    before = stored()

    response = send(viewer, "/api/v1/posts", bulk(post_item(account.pk, when=future())))

    assert response.status_code == 403
    assert stored() == before
