"""Thread items sent after a delay (posts/replies.py), against the real simulator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import SocialAccount
from posts import dispatch, publishing, services
from posts.models import Attempt, Delivery, Job
from tests.factories import SocialAccountFactory
from tests.pipeline.test_workers import publish_now, sandbox_account, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)


def thread_item(account: SocialAccount, thread: list[str], delays: list[int]) -> dict:
    block = {"text": "the post", "thread": thread, "thread_delays": delays}
    return {"networks": {"sandbox": block}, "accounts": [{"id": account.id}]}


def run_job(caller, item: dict) -> Job:
    """A publish-now job expanded here; its deliveries are published by `publish_due`."""
    job_id = publish_now(caller, [item])
    services.job_run(job_id=job_id)
    return Job.objects.get(pk=job_id)


def publish_due(when) -> list[str]:
    """What the dispatcher would claim at `when`, each published in this process."""
    claimed = dispatch.claim_due(now=when, batch_size=10)
    for delivery_id in claimed:
        publishing.delivery_publish(delivery_id=delivery_id)
    return claimed


def test_each_follow_up_goes_out_its_delay_after_the_one_before_in_reply_to_it(
    owner, simulator, broker
):
    account = sandbox_account(owner.workspace, simulator, "threaded")
    job = run_job(owner, thread_item(account, ["second", "third", "fourth"], [60, 0, 3600]))
    (root,) = Delivery.objects.filter(post__job=job)
    publishing.delivery_publish(delivery_id=root.pk)  # publish-now: claimed by job_run

    root.refresh_from_db()
    assert root.status == "published"
    (first_post,) = simulator.simulator.feed("threaded")
    assert (first_post["text"], first_post["thread"]) == ("the post", [])

    parent = root
    for text, delay in (("second", 60), ("third", 0), ("fourth", 3600)):
        reply = Delivery.objects.get(reply_to=parent)
        assert (reply.status, reply.account_id, reply.post_id) == (
            "scheduled",
            account.id,
            root.post_id,
        )
        assert reply.due_at == reply.scheduled_at == parent.published_at + timedelta(seconds=delay)
        if delay:
            assert publish_due(reply.due_at - timedelta(seconds=1)) == []
        assert Job.objects.get(pk=job.pk).status == "working"  # the thread is not done
        assert publish_due(reply.due_at) == [reply.pk]
        reply.refresh_from_db()
        assert reply.status == "published"
        posted = simulator.simulator.feed("threaded")[-1]
        assert (posted["text"], posted["reply_to"]) == (text, parent.external_id)
        assert reply.external_id == posted["id"]
        parent = reply

    assert not Delivery.objects.filter(reply_to=parent).exists()  # the thread is over
    assert Job.objects.get(pk=job.pk).status == "completed"
    status = owner.client.get(f"/api/v1/job_status/{job.pk}").json()
    chain = [(row["state"], row["reply_to"]) for row in status["payload"]["posts"]]
    ids = [row["id"] for row in status["payload"]["posts"]]
    assert chain == [("published", None)] + [("published", ids[n]) for n in range(3)]
    stats = simulator.simulator.stats()
    assert (stats["posts"], stats["duplicates"]) == (4, [])


def test_a_thread_without_delays_still_goes_out_in_one_call(owner, simulator, broker):
    account = sandbox_account(owner.workspace, simulator, "all-at-once")
    job = run_job(owner, thread_item(account, ["second", "third"], [0, 0]))
    (root,) = Delivery.objects.filter(post__job=job)

    publishing.delivery_publish(delivery_id=root.pk)

    (posted,) = simulator.simulator.feed("all-at-once")
    assert posted["thread"] == ["second", "third"]
    assert Delivery.objects.filter(post__job=job).count() == 1
    assert Job.objects.get(pk=job.pk).status == "completed"


def test_a_refused_follow_up_fails_with_the_platform_reason_and_ends_the_thread(
    owner, simulator, broker
):
    account = sandbox_account(owner.workspace, simulator, "refuses-replies")
    job = run_job(owner, thread_item(account, ["second", "third"], [5, 5]))
    (root,) = Delivery.objects.filter(post__job=job)
    publishing.delivery_publish(delivery_id=root.pk)
    simulator.simulator.configure("refuses-replies", {"reject": "Replies are closed."})

    reply = Delivery.objects.get(reply_to=root)
    assert publish_due(reply.due_at) == [reply.pk]

    reply.refresh_from_db()
    assert reply.status == "failed"
    assert reply.error_message == "Replies are closed."
    assert not Delivery.objects.filter(reply_to=reply).exists()  # "third" is never made
    job.refresh_from_db()
    assert job.status == "completed"
    posts = owner.client.get(f"/api/v1/posts/{root.post_id}").json()
    assert posts["state"] == "partially_published"


def test_a_post_that_fails_makes_no_follow_ups(owner, simulator, broker):
    account = sandbox_account(owner.workspace, simulator, "refuses-all")
    simulator.simulator.configure("refuses-all", {"reject": "No."})
    job = run_job(owner, thread_item(account, ["second"], [5]))
    (root,) = Delivery.objects.filter(post__job=job)

    publishing.delivery_publish(delivery_id=root.pk)

    root.refresh_from_db()
    assert root.status == "failed"
    assert Delivery.objects.filter(post__job=job).count() == 1
    assert Job.objects.get(pk=job.pk).status == "completed"


def test_a_follow_up_whose_post_is_not_published_is_never_sent(owner, simulator, broker):
    account = sandbox_account(owner.workspace, simulator, "orphan")
    job = run_job(owner, thread_item(account, ["second"], [5]))
    (root,) = Delivery.objects.filter(post__job=job)
    # Made by hand: the pipeline only makes a follow-up once its post is published.
    orphan = Delivery.objects.create(
        workspace=owner.workspace,
        post=root.post,
        account=account,
        scheduled_at=root.scheduled_at,
        due_at=root.scheduled_at,
        reply_to=root,
        thread_index=0,
        idempotency_key="crier-orphan",
    )

    assert publish_due(orphan.due_at) == [orphan.pk]

    orphan.refresh_from_db()
    assert orphan.status == "failed"
    assert orphan.error_code == "reply_parent_unpublished"
    assert simulator.simulator.stats()["requests"] == 0
    assert Attempt.objects.get(delivery=orphan).outcome == "failed"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"text": "a", "thread": ["b", "c"], "thread_delays": [5]},
            "bulk.posts[0].networks.sandbox.thread_delays: needs one delay (seconds) per "
            "thread item.",
        ),
        (
            {"text": "a", "thread": ["b"], "thread_delays": [-1]},
            "bulk.posts[0].networks.sandbox.thread_delays[0]: Ensure this value is greater "
            "than or equal to 0.",
        ),
    ],
)
def test_bad_thread_delays_are_refused_before_anything_is_stored(owner, account, block, message):
    response = owner.client.post(
        "/api/v1/posts/schedule/publish",
        {"bulk": {"posts": [{"networks": {"sandbox": block}, "accounts": [{"id": account.id}]}]}},
        format="json",
    )

    assert response.status_code == 400
    assert message in response.json()["errors"]
    assert not Job.objects.exists()


def test_delayed_follow_ups_to_a_platform_without_threads_or_comments_are_refused(owner, workspace):
    telegram = SocialAccountFactory(workspace=workspace, platform="telegram")
    item = {
        "networks": {"telegram": {"text": "a", "thread": ["b"], "thread_delays": [60]}},
        "accounts": [{"id": telegram.id}],
    }

    job_id = publish_now(owner, [item])
    services.job_run(job_id=job_id)

    failures = owner.client.get(f"/api/v1/job_status/{job_id}").json()["payload"]["failures"]
    assert failures == {"0": {telegram.id: ["Telegram has no threads."]}}
    assert not Delivery.objects.exists()


def test_workers_post_a_delayed_thread_in_order(owner, simulator, processes):
    account = sandbox_account(owner.workspace, simulator, "live-thread")
    processes.worker("w1")
    processes.beat()

    job_id = publish_now(owner, [thread_item(account, ["second", "third"], [2, 0])])
    job = wait_for_job(job_id, timeout=60)

    assert job.status == "completed"
    feed = simulator.simulator.feed("live-thread")
    assert [post["text"] for post in feed] == ["the post", "second", "third"]
    assert [post["reply_to"] for post in feed] == [None, feed[0]["id"], feed[1]["id"]]
    root, second = (Delivery.objects.get(external_id=post["id"]) for post in feed[:2])
    assert (second.published_at - root.published_at).total_seconds() >= 2
