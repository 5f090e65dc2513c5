"""`Idempotency-Key` on POST: one key, one request, one answer for 24 hours, per workspace."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from posts.models import IdempotencyRecord, Job, Post
from posts.states import DeliveryStatus
from tests.conftest import Caller
from tests.factories import SocialAccountFactory
from tests.posts.conftest import PUBLISH_NOW, SCHEDULE, bulk, future, post_item, stored

KEY = "order-4711"


@pytest.fixture
def body(account) -> dict:
    return bulk(post_item(account.pk, when=future(hours=72)))


@pytest.mark.django_db
def test_the_same_key_and_body_replay_the_first_answer_without_a_second_job(editor, body, send):
    first = send(editor, SCHEDULE, body, key=KEY)
    second = send(editor, SCHEDULE, body, key=KEY)

    assert first.status_code == second.status_code == 202
    assert second.json() == first.json()
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"
    assert Job.objects.count() == 1
    assert Post.objects.count() == 1


@pytest.mark.django_db
def test_the_order_of_keys_in_the_body_does_not_make_it_a_different_request(editor, account, send):
    when = future()
    item = {
        "accounts": [{"scheduled_at": when, "id": account.pk}],
        "networks": {"default": {"text": "a"}},
    }
    reordered = {
        "networks": {"default": {"text": "a"}},
        "accounts": [{"id": account.pk, "scheduled_at": when}],
    }

    first = send(editor, SCHEDULE, {"bulk": {"posts": [item]}}, key=KEY)
    second = send(editor, SCHEDULE, {"bulk": {"posts": [reordered]}}, key=KEY)

    assert second.json() == first.json()
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_refused_with_422(editor, body, send):
    send(editor, SCHEDULE, body, key=KEY)
    before = stored()
    changed = {"bulk": {**body["bulk"], "state": "draft"}}

    response = send(editor, SCHEDULE, changed, key=KEY)

    assert response.status_code == 422
    assert response.json() == {
        "errors": ["This Idempotency-Key was already used with a different request; use a new key."]
    }
    assert stored() == before


@pytest.mark.django_db
def test_the_same_key_on_another_endpoint_is_a_different_request(editor, body, send):
    send(editor, SCHEDULE, body, key=KEY)
    before = stored()

    response = send(editor, PUBLISH_NOW, body, key=KEY)

    assert response.status_code == 422
    assert stored() == before


@pytest.mark.django_db
def test_workspaces_use_the_same_key_independently(editor, outsider, body, send):
    theirs = SocialAccountFactory(workspace=outsider.workspace)

    mine = send(editor, SCHEDULE, body, key=KEY)
    other = send(outsider, SCHEDULE, bulk(post_item(theirs.pk, when=future())), key=KEY)

    assert mine.status_code == other.status_code == 202
    assert "Idempotent-Replayed" not in other
    assert mine.json()["job_id"] != other.json()["job_id"]
    assert Job.objects.get(pk=mine.json()["job_id"]).workspace == editor.workspace
    assert Job.objects.get(pk=other.json()["job_id"]).workspace == outsider.workspace


@pytest.mark.django_db
def test_a_refused_request_does_not_use_up_its_key(editor, account, body, send):
    broken = bulk(post_item(account.pk, when="2031-01-01T00:00:00"))

    assert send(editor, SCHEDULE, broken, key=KEY).status_code == 400
    response = send(editor, SCHEDULE, body, key=KEY)

    assert response.status_code == 202
    assert "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.get().response_body == response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "   ", "k" * 256])
def test_an_empty_or_overlong_key_is_refused(editor, body, send, key):
    before = stored()

    response = send(editor, SCHEDULE, body, key=key)

    assert response.status_code == 400
    assert response.json() == {"errors": ["Idempotency-Key must be 1 to 255 characters."]}
    assert stored() == before


@pytest.mark.django_db
def test_a_key_is_remembered_for_just_under_a_day(editor, body, send):
    with time_machine.travel(timezone.now() - timedelta(hours=23, minutes=50)):
        first = send(editor, SCHEDULE, body, key=KEY)

    second = send(editor, SCHEDULE, body, key=KEY)

    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()


@pytest.mark.django_db
def test_a_key_older_than_a_day_is_treated_as_new(editor, body, send):
    with time_machine.travel(timezone.now() - timedelta(hours=24, minutes=10)):
        first = send(editor, SCHEDULE, body, key=KEY)
    changed = {"bulk": {**body["bulk"], "state": "draft"}}

    second = send(editor, SCHEDULE, changed, key=KEY)

    assert second.status_code == 202
    assert "Idempotent-Replayed" not in second
    assert second.json()["job_id"] != first.json()["job_id"]
    assert Job.objects.count() == 2
    record = IdempotencyRecord.objects.get()  # the stale record made way for the new one
    assert record.response_body == second.json()


@pytest.mark.django_db
def test_a_retry_sent_twice_with_one_key_is_done_once(editor, account, send):
    response = send(editor, SCHEDULE, bulk(post_item(account.pk, when=future())))
    post = Post.objects.get(job_id=response.json()["job_id"])
    post.deliveries.update(status=DeliveryStatus.FAILED)
    url = f"/api/v1/posts/{post.pk}/retry"

    first = send(editor, url, None, key=KEY)
    second = send(editor, url, None, key=KEY)

    assert first.status_code == second.status_code == 202
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()


def _inserts_waiting_for(table: str) -> int:
    """Backends queued behind a lock on `table` (pg_locks is live; pg_stat_activity is not)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
            [table],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_job_and_both_get_its_id(
    editor: Caller, body, eager_tasks
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers; SQLite serialises whole transactions")
    responses = []

    def request() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer-API {editor.secret}")
        try:
            responses.append(
                client.post(SCHEDULE, body, format="json", headers={"Idempotency-Key": KEY})
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(2)]
    # Hold job inserts back until both requests have found no record for the key and are
    # inside their transactions: the race the unique constraint must settle.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Job._meta.db_table} IN EXCLUSIVE MODE")
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _inserts_waiting_for(Job._meta.db_table) < 2:
            assert time.monotonic() < deadline, "the requests never reached the job insert"
            time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=20)

    assert [response.status_code for response in responses] == [202, 202]
    assert responses[0].json() == responses[1].json()
    assert sorted(response.get("Idempotent-Replayed", "") for response in responses) == [
        "",
        "true",
    ]
    assert Job.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert Post.objects.count() == 1
