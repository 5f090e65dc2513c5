"""The Python client against a live Crier: uploads, posts, waiting, listing, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import anyio
import pytest
from crier_client import ApiError, AsyncCrier, Crier

from tests.e2e.stack import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture
def crier(live_crier):
    with Crier(live_crier.url, live_crier.key) as client:
        yield client


def test_lists_the_demo_sandbox_account(crier, live_crier):
    accounts = crier.accounts()
    assert [(account.id, account.provider) for account in accounts] == [
        (live_crier.account, "sandbox")
    ]


def test_uploads_small_files_as_multipart_and_large_ones_through_the_signed_url(crier, gif):
    small_progress: list[tuple[int, int]] = []
    small = crier.upload(gif, progress=lambda sent, total: small_progress.append((sent, total)))
    assert small.status in ("processing", "ready")
    assert small.mime_type == "image/gif"
    assert small_progress[-1] == (gif.stat().st_size, gif.stat().st_size)

    signed_progress: list[tuple[int, int]] = []
    signed = crier.upload(
        gif,
        multipart_limit=0,
        progress=lambda sent, total: signed_progress.append((sent, total)),
    )
    assert signed.id != small.id
    assert signed.status in ("processing", "ready")
    assert signed.sha256 == small.sha256
    assert signed_progress[-1] == (gif.stat().st_size, gif.stat().st_size)


def test_publishes_now_with_media_and_waits_for_every_delivery(crier, live_crier, gif):
    media = crier.upload(gif)
    accepted = crier.post("client, now", [live_crier.account], media=[media.id])
    polls = []
    job = crier.wait_for_job(accepted.job_id, timeout=90, on_poll=polls.append)
    assert job.status == "completed", job.to_dict()
    assert job.payload["failures"] == {}
    assert [delivery["state"] for delivery in job.payload["posts"]] == ["published"]
    assert polls[-1] is job


def test_schedules_for_later_then_publishes_on_time(crier, live_crier):
    due = datetime.now(timezone(timedelta(hours=1))) + timedelta(seconds=3)
    accepted = crier.post("client, scheduled", [live_crier.account], at=due)
    job = crier.wait_for_job(accepted.job_id, timeout=90)
    assert job.status == "completed", job.to_dict()
    post_id = job.payload["posts"][0]["post_id"]

    def published():
        post = crier.get_post(post_id)
        return post if post.state == "published" else None

    post = wait_for(published, 60, lambda: f"post {post_id} not published")
    # Answers give times to the second, truncated.
    assert post.deliveries[0].published_at >= due.replace(microsecond=0)


def test_lists_and_cancels_a_scheduled_post(crier, live_crier):
    later = datetime.now(UTC) + timedelta(days=30)
    job = crier.wait_for_job(crier.post("client, cancel me", [live_crier.account], at=later).job_id)
    post_id = job.payload["posts"][0]["post_id"]

    listed = crier.posts(state="scheduled", from_=later - timedelta(minutes=1))
    assert post_id in [post.id for post in listed.results]

    cancelled = crier.cancel_post(post_id)
    assert cancelled.state == "cancelled"
    assert post_id not in [post.id for post in crier.posts(state="scheduled").results]


def test_the_same_idempotency_key_gives_the_same_job(crier, live_crier):
    later = datetime.now(UTC) + timedelta(days=31)
    first = crier.post("client, once", [live_crier.account], at=later, idempotency_key="k-once")
    again = crier.post("client, once", [live_crier.account], at=later, idempotency_key="k-once")
    assert again.job_id == first.job_id


def test_validates_without_storing(crier, live_crier):
    later = datetime.now(UTC) + timedelta(days=2)
    preview = crier.validate("client, preview", [live_crier.account], at=later)
    assert preview.valid is True
    assert preview.posts[0]["accounts"][0]["ok"] is True


def test_an_api_refusal_is_an_error_with_crier_s_message(crier, live_crier):
    with pytest.raises(ApiError) as refused:
        crier.post("naive", [live_crier.account], at=datetime(2030, 1, 1, 9))
    assert refused.value.status == 400
    assert any("offset" in message for message in refused.value.messages), refused.value
    with pytest.raises(ApiError) as missing:
        crier.get_post("post_doesnotexist")
    assert missing.value.status == 404


def test_the_async_client_uploads_posts_and_waits(live_crier, gif):
    async def scenario():
        async with AsyncCrier(live_crier.url, live_crier.key) as client:
            accounts = await client.accounts()
            media = await client.upload(gif, multipart_limit=0)
            accepted = await client.post(
                "client, async", [accounts[0].id], media=[{"id": media.id, "alt": "a pixel"}]
            )
            return await client.wait_for_job(accepted.job_id, timeout=90)

    job = anyio.run(scenario)
    assert job.status == "completed", job.to_dict()
    assert [delivery["state"] for delivery in job.payload["posts"]] == ["published"]
