"""`"state": "queue"`: each post takes its account's next free slot, atomically."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, connections, transaction
from rest_framework.test import APIClient

from planning import services as planning_services
from posts.dispatch import dispatch
from posts.models import Delivery, Job
from posts.states import DeliveryStatus as S
from tests.factories import SocialAccountFactory
from tests.planning.conftest import local, queue_body
from tests.posts.conftest import SCHEDULE, job_status

pytestmark = pytest.mark.django_db


def queued(caller, send, *account_ids, **extra) -> Job:
    response = send(caller, SCHEDULE, queue_body(*account_ids, **extra))
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["job_id"])


def slots_of(job: Job) -> list[tuple[str, datetime]]:
    deliveries = Delivery.objects.filter(post__job=job).order_by("post__input_index", "account")
    return [(d.account_id, d.scheduled_at) for d in deliveries]


def test_a_queue_post_takes_the_next_free_slot_of_each_account_in_its_zone(
    editor, berlin_account, slot, send, frozen
):
    frozen(local(2026, 6, 1, 8, 0))  # Monday 08:00 in Berlin
    tokyo = SocialAccountFactory(workspace=editor.workspace, timezone="Asia/Tokyo")
    slot(berlin_account, "monday", "09:00")
    slot(tokyo, "tuesday", "09:00")

    job = queued(editor, send, berlin_account.pk, tokyo.pk)

    assert job_status(editor, job.pk)["status"] == "completed"
    deliveries = {d.account_id: d for d in Delivery.objects.filter(post__job=job)}
    berlin, japan = deliveries[berlin_account.pk], deliveries[tokyo.pk]
    assert berlin.scheduled_at == local(2026, 6, 1, 9, 0)
    assert japan.scheduled_at == datetime(2026, 6, 2, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
    for delivery in (berlin, japan):
        assert delivery.status == S.SCHEDULED
        assert delivery.due_at == delivery.scheduled_at == delivery.slot_at
    assert job.kind == Job.Kind.QUEUE


def test_posts_of_one_request_and_of_later_requests_take_successive_slots(
    editor, berlin_account, slot, send, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00")
    slot(berlin_account, "monday", "17:00")
    body = queue_body(berlin_account.pk)
    body["bulk"]["posts"].append(
        dict(body["bulk"]["posts"][0], networks={"default": {"text": "2"}})
    )

    first = Job.objects.get(pk=send(editor, SCHEDULE, body).json()["job_id"])
    second = queued(editor, send, berlin_account.pk)

    assert [when for _, when in slots_of(first)] == [
        local(2026, 6, 1, 9, 0),
        local(2026, 6, 1, 17, 0),
    ]
    assert [when for _, when in slots_of(second)] == [local(2026, 6, 8, 9, 0)]


def test_a_slot_is_taken_by_a_post_scheduled_at_that_time_too(
    editor, berlin_account, slot, send, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00")
    slot(berlin_account, "monday", "10:00")
    explicit = queue_body(berlin_account.pk)
    explicit["bulk"]["state"] = "scheduled"
    explicit["bulk"]["posts"][0]["accounts"][0]["scheduled_at"] = "2026-06-01T09:00:00+02:00"
    assert send(editor, SCHEDULE, explicit).status_code == 202

    job = queued(editor, send, berlin_account.pk)

    assert slots_of(job) == [(berlin_account.pk, local(2026, 6, 1, 10, 0))]


def test_a_video_post_takes_a_video_slot_and_a_text_post_skips_it(
    editor, berlin_account, slot, send, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00", content_type="video")
    slot(berlin_account, "monday", "10:00", content_type="text")
    slot(berlin_account, "monday", "11:00", content_type="evergreen")

    text = queued(editor, send, berlin_account.pk)

    assert slots_of(text) == [(berlin_account.pk, local(2026, 6, 1, 10, 0))]


def test_an_account_without_a_free_slot_is_a_failure_and_the_other_still_gets_one(
    editor, berlin_account, slot, send, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    bare = SocialAccountFactory(workspace=editor.workspace)
    slot(berlin_account, "monday", "09:00")

    job = queued(editor, send, berlin_account.pk, bare.pk)

    status = job_status(editor, job.pk)
    assert status["payload"]["failures"] == {
        "0": {
            bare.pk: [
                f"Account {bare.pk} has no active posting schedule: add slots with "
                "POST /api/v1/posting-schedules, or send scheduled_at."
            ]
        }
    }
    assert slots_of(job) == [(berlin_account.pk, local(2026, 6, 1, 9, 0))]


def test_scheduled_at_on_a_queue_post_is_a_400(editor, berlin_account, send):
    body = queue_body(berlin_account.pk)
    body["bulk"]["posts"][0]["accounts"][0]["scheduled_at"] = "2030-01-01T09:00:00+01:00"

    response = send(editor, SCHEDULE, body)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        "bulk.posts[0].accounts[0].scheduled_at: is not allowed with state queue: the slot decides."
    ]
    assert not Job.objects.exists()


def test_a_deleted_queue_post_gives_its_slot_back(editor, berlin_account, slot, send, frozen):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00")
    first = queued(editor, send, berlin_account.pk)
    post = first.posts.get()

    assert editor.client.delete(f"/api/v1/posts/{post.pk}").status_code == 200
    second = queued(editor, send, berlin_account.pk)

    assert slots_of(second) == [(berlin_account.pk, local(2026, 6, 1, 9, 0))]


def test_moving_a_queue_post_to_another_time_gives_its_slot_back(
    editor, berlin_account, slot, send, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00")
    post = queued(editor, send, berlin_account.pk).posts.get()

    moved = editor.client.patch(
        f"/api/v1/posts/{post.pk}", {"scheduled_at": "2026-06-03T12:00:00+02:00"}, format="json"
    )
    second = queued(editor, send, berlin_account.pk)

    assert moved.status_code == 200, moved.content
    assert post.deliveries.get().slot_at is None
    assert slots_of(second) == [(berlin_account.pk, local(2026, 6, 1, 9, 0))]


def test_the_database_refuses_two_live_deliveries_in_one_slot(editor, berlin_account, slot, send):
    slot(berlin_account, "monday", "09:00")
    delivery = queued(editor, send, berlin_account.pk).posts.get().deliveries.get()
    twin = Delivery(
        workspace=delivery.workspace,
        post=delivery.post,
        account=delivery.account,
        scheduled_at=delivery.scheduled_at,
        slot_at=delivery.slot_at,
        idempotency_key="crier-twin",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    Delivery.objects.filter(pk=delivery.pk).update(status=S.CANCELLED)
    twin.save()  # a cancelled delivery holds no slot


def test_a_queue_post_is_published_when_its_slot_comes(
    editor, live_account, slot, send, frozen, simulator, django_capture_on_commit_callbacks
):
    live_account.timezone = "Europe/Berlin"
    live_account.save()
    frozen(local(2026, 6, 1, 8, 0))
    slot(live_account, "monday", "09:00")
    delivery = queued(editor, send, live_account.pk).posts.get().deliveries.get()

    with django_capture_on_commit_callbacks(execute=True):
        dispatch(time_budget=5)
    assert Delivery.objects.get(pk=delivery.pk).status == S.SCHEDULED  # not yet

    frozen(local(2026, 6, 1, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(time_budget=5)

    assert Delivery.objects.get(pk=delivery.pk).status == S.PUBLISHED
    assert [item["text"] for item in simulator.simulator.feed(live_account.external_id)] == [
        "Queued from Crier"
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_queue_requests_never_take_the_same_slot(
    editor, berlin_account, slot, eager_tasks, monkeypatch
):
    """Two requests expand at the same moment on two connections: each takes its own slot.

    On PostgreSQL both expansions are held until both are inside their transactions, so
    they really race for the account's rows; SQLite serialises them by itself.
    """
    slot(berlin_account, "monday", "09:00")
    slot(berlin_account, "tuesday", "09:00")
    racing = connection.vendor == "postgresql"
    both_inside = threading.Barrier(2, timeout=20)
    lock_accounts = planning_services.lock_accounts

    def lock_when_both_are_inside(ids):
        if racing:
            both_inside.wait()
        lock_accounts(ids)

    monkeypatch.setattr(planning_services, "lock_accounts", lock_when_both_are_inside)
    responses = []

    def request(text: str) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer-API {editor.secret}")
        try:
            responses.append(
                client.post(SCHEDULE, queue_body(berlin_account.pk, text=text), format="json")
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [response.status_code for response in responses] == [202, 202]
    assert Job.objects.filter(status="completed").count() == 2
    slots = sorted(Delivery.objects.values_list("slot_at", flat=True))
    assert len(slots) == 2
    assert slots[0] != slots[1]
    assert {s.astimezone(local(2026, 1, 1, 0).tzinfo).strftime("%A %H:%M") for s in slots} == {
        "Monday 09:00",
        "Tuesday 09:00",
    }
