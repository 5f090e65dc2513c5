"""The pipeline with real processes: Celery workers and beat, the simulator as the platform."""

from __future__ import annotations

import pytest

from accounts.models import AccountStatus, SocialAccount
from posts.models import Attempt, Delivery, Job
from tests.factories import SocialAccountFactory
from tests.pipeline.harness import status_counts, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def sandbox_account(workspace, simulator, name: str, *, platform: str = "sandbox") -> SocialAccount:
    """An account on the simulator; `sandbox_plain` plays a platform without idempotency."""
    return SocialAccountFactory(
        workspace=workspace,
        platform=platform,
        external_id=name,
        credentials={
            "access_token": f"{name}-token",
            "refresh_token": f"{name}-refresh",
            "extra": {"base_url": simulator.url},
        },
    )


def publish_now(caller, posts: list[dict]) -> str:
    response = caller.client.post(
        "/api/v1/posts/schedule/publish", {"bulk": {"posts": posts}}, format="json"
    )
    assert response.status_code == 202, response.content
    return response.json()["job_id"]


def wait_for_job(job_id: str, timeout: float) -> Job:
    deliveries = Delivery.objects.filter(post__job_id=job_id).values_list("pk", flat=True)
    wait_until(
        lambda: Job.objects.get(pk=job_id).status != "working",
        timeout,
        lambda: f"job still working: {status_counts(deliveries)}",
    )
    return Job.objects.get(pk=job_id)


def test_300_deliveries_across_two_workers_publish_exactly_once(owner, simulator, processes):
    accounts = [sandbox_account(owner.workspace, simulator, f"bulk-{n}") for n in range(3)]
    processes.worker("w1")
    processes.worker("w2")
    # Two beats: the dispatcher runs twice per interval, racing itself.
    processes.beat()
    processes._start("beat2", ["beat", "-s", str(processes.log_dir / "beat2-schedule")])

    job_id = publish_now(
        owner,
        [
            {
                "networks": {"default": {"text": f"post {n}"}},
                "accounts": [{"id": a.id} for a in accounts],
            }
            for n in range(100)
        ],
    )
    job = wait_for_job(job_id, timeout=180)

    assert job.status == "completed"
    status = owner.client.get(f"/api/v1/job_status/{job_id}").json()
    assert status["payload"]["failures"] == {}
    assert len(status["payload"]["posts"]) == 300
    assert {post["state"] for post in status["payload"]["posts"]} == {"published"}
    stats = simulator.simulator.stats()
    assert stats["posts"] == 300
    assert stats["requests"] == 300
    assert stats["duplicates"] == []
    assert stats["duplicate_content"] == []
    assert all(len(simulator.simulator.feed(a.external_id)) == 100 for a in accounts)
    # Both workers did part of the work.
    for name in ("w1", "w2"):
        assert "posts.tasks.publish_delivery" in processes.log(name)


def test_passing_failures_retry_and_permanent_ones_fail_with_the_platform_message(
    owner, simulator, processes
):
    limited = sandbox_account(owner.workspace, simulator, "limited")
    flaky = sandbox_account(owner.workspace, simulator, "flaky")
    slow = sandbox_account(owner.workspace, simulator, "slow")
    refused = sandbox_account(owner.workspace, simulator, "refused")
    broken = sandbox_account(owner.workspace, simulator, "broken")
    sim = simulator.simulator
    sim.configure("limited", {"fail": [{"status": 429, "retry_after": 3}]})
    sim.configure("flaky", {"fail": [{"status": 503}, {"status": 500, "act": True}]})
    # The platform creates the post but answers after the client's 2 s timeout.
    sim.configure("slow", {"fail": [{"timeout": True, "hang_seconds": 4}]})
    sim.configure("refused", {"reject": "Duplicate content is not allowed."})
    sim.configure("broken", {"fail": [{"status": 503}] * 6})
    processes.worker("w1")
    processes.beat()

    targets = [limited, flaky, slow, refused, broken]
    job_id = publish_now(
        owner,
        [{"networks": {"default": {"text": "hello"}}, "accounts": [{"id": a.id} for a in targets]}],
    )
    job = wait_for_job(job_id, timeout=120)

    by_account = {d.account_id: d for d in Delivery.objects.filter(post__job=job)}
    assert by_account[limited.id].status == "published"
    first, second = Attempt.objects.filter(delivery=by_account[limited.id]).order_by("number")
    assert first.outcome == "rate_limited"
    # Not before the platform's Retry-After.
    assert (second.started_at - first.finished_at).total_seconds() >= 3

    assert by_account[flaky.id].status == "published"
    assert by_account[flaky.id].attempts == 3

    # The timed-out call had acted: the retry with the same key found the post, not a new one.
    assert by_account[slow.id].status == "published"
    slow_key = by_account[slow.id].idempotency_key
    assert sim.stats()["by_idempotency_key"][slow_key] == {"requests": 2, "posts": 1}

    assert by_account[refused.id].status == "failed"
    assert by_account[refused.id].attempts == 1
    assert by_account[broken.id].status == "failed"
    assert by_account[broken.id].attempts == 5
    assert by_account[broken.id].error_message.startswith("Gave up after 5 attempts")

    status = owner.client.get(f"/api/v1/job_status/{job_id}").json()
    errors = {post["account_id"]: post["error"] for post in status["payload"]["posts"]}
    assert errors[refused.id] == "Duplicate content is not allowed."
    assert sim.stats()["duplicates"] == []
    assert len(sim.feed()) == 3


def test_an_expired_token_is_refreshed_once_and_a_refused_refresh_needs_reauth(
    owner, simulator, processes
):
    expiring = sandbox_account(owner.workspace, simulator, "expiring")
    revoked = sandbox_account(owner.workspace, simulator, "revoked")
    simulator.simulator.configure("expiring", {"expire_token": True})
    simulator.simulator.configure("revoked", {"expire_token": True, "refuse_refresh": True})
    processes.worker("w1")
    processes.beat()

    job_id = publish_now(
        owner,
        [
            {
                "networks": {"default": {"text": "fresh"}},
                "accounts": [{"id": expiring.id}, {"id": revoked.id}],
            }
        ],
    )
    job = wait_for_job(job_id, timeout=60)

    deliveries = {d.account_id: d for d in Delivery.objects.filter(post__job=job)}
    assert deliveries[expiring.id].status == "published"
    expiring.refresh_from_db()
    assert expiring.status == AccountStatus.ACTIVE
    assert expiring.credentials["access_token"] != "expiring-token"
    # The refresh token rotated; the old one is not kept.
    assert expiring.credentials["refresh_token"] != "expiring-refresh"

    assert deliveries[revoked.id].status == "failed"
    assert deliveries[revoked.id].error_code == "needs_reauth"
    assert "reconnected" in deliveries[revoked.id].error_message
    revoked.refresh_from_db()
    assert revoked.status == AccountStatus.NEEDS_REAUTH
    assert "revoked" in revoked.status_reason
    assert simulator.simulator.stats()["refreshes"] == 2
