"""The embedded default as `make run` starts it: real processes, real HTTP, a clean stop."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.stack import EmbeddedCrier, embedded_crier, processes_in, wait_for

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds leftover processes through /proc (Linux)"
)


def api(crier: EmbeddedCrier, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{crier.url}/api/v1",
        headers={"Authorization": f"Bearer-API {key}"},
        timeout=10,
    )


def finished_job(client: httpx.Client, job_id: str, crier: EmbeddedCrier) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        body = client.get(f"/job_status/{job_id}").json()
        return body if body["status"] != "working" else None

    return wait_for(probe, 30, crier.failure(f"job {job_id} still working"))


def feed(crier: EmbeddedCrier) -> list[dict[str, Any]]:
    return httpx.get(f"{crier.simulator_url}/_admin/feed", timeout=5).json()


def assert_stops_cleanly(crier: EmbeddedCrier) -> None:
    crier.interrupt()
    with pytest.raises(ProcessLookupError):
        os.killpg(crier.process.pid, 0)
    leftovers = processes_in(crier.sessions)
    assert leftovers == {}, f"orphans after Ctrl-C: {leftovers}"


def publish_now(client: httpx.Client, crier: EmbeddedCrier, account: str) -> None:
    accepted = client.post(
        "/posts/schedule/publish",
        json={
            "bulk": {
                "posts": [
                    {"networks": {"default": {"text": "smoke"}}, "accounts": [{"id": account}]}
                ]
            }
        },
    )
    assert accepted.status_code == 202, accepted.text
    job = finished_job(client, accepted.json()["job_id"], crier)
    assert job["status"] == "completed", job
    assert job["payload"]["failures"] == {}
    assert [post["state"] for post in job["payload"]["posts"]] == ["published"]
    assert [post["text"] for post in feed(crier)] == ["smoke"]


def publish_on_schedule(client: httpx.Client, crier: EmbeddedCrier, account: str) -> None:
    # Two seconds ahead, in an offset other than UTC's: beat publishes it then, not before.
    due = datetime.now(timezone(timedelta(hours=2))) + timedelta(seconds=2)
    accepted = client.post(
        "/posts/schedule",
        json={
            "bulk": {
                "state": "scheduled",
                "posts": [
                    {
                        "networks": {"default": {"text": "smoke, scheduled"}},
                        "accounts": [{"id": account, "scheduled_at": due.isoformat()}],
                    }
                ],
            }
        },
    )
    assert accepted.status_code == 202, accepted.text
    job = finished_job(client, accepted.json()["job_id"], crier)
    assert job["status"] == "completed", job
    post_id = job["payload"]["posts"][0]["post_id"]

    def published() -> dict[str, Any] | None:
        post = client.get(f"/posts/{post_id}").json()
        return post if post["state"] == "published" else None

    wait_for(published, 20, crier.failure(f"post {post_id} never published"))
    received = [post for post in feed(crier) if post["text"] == "smoke, scheduled"]
    assert len(received) == 1
    # The simulator stamps to the millisecond, truncating.
    assert datetime.fromisoformat(received[0]["received_at"]) >= due - timedelta(milliseconds=1)


def connect_sandbox_through_oauth(client: httpx.Client) -> None:
    # make run registers a demo client with the simulator's OAuth provider.
    started = client.post("/accounts/connect/sandbox", json={})
    assert started.status_code == 200, started.text
    consent = httpx.get(started.json()["authorization_url"], follow_redirects=True, timeout=10)
    assert consent.status_code == 200, consent.text
    assert consent.json()["provider"] == "sandbox"
    assert consent.json()["status"] == "active"


def signed_upload_on_this_port(client: httpx.Client, crier: EmbeddedCrier) -> None:
    # PORT is not 8000 here: the signed upload URL and the media URL must use it.
    upload = client.post(
        "/media/upload-url",
        json={"fileName": "a.gif", "contentType": "image/gif", "type": "image"},
    )
    assert upload.status_code == 201, upload.text
    body = upload.json()
    assert body["uploadUrl"].startswith(f"{crier.url}/uploads/"), body
    assert body["fileUrl"].startswith(f"{crier.url}/media/"), body
    gif = bytes.fromhex(  # a 1x1 GIF
        "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
    )
    put = httpx.put(
        body["uploadUrl"], content=gif, headers={"Content-Type": "image/gif"}, timeout=10
    )
    assert put.status_code == 200, put.text
    completed = client.post(f"/media/{body['mediaId']}/complete")
    assert completed.status_code == 200, completed.text


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_make_run_publishes_stops_without_orphans_and_restarts_on_its_data(tmp_path):
    var_dir = tmp_path / "var"
    with embedded_crier(var_dir, tmp_path / "first-run.log") as crier:
        key = crier.printed(r"Demo API key:\s+(crier_\S+)")
        account = crier.printed(r"Sandbox account: (acc_\w+)")
        workspace = crier.printed(r"Demo workspace: (ws_\w+)")
        ready = crier.wait_ready()
        assert set(ready["checks"]) == {"database", "broker", "dispatcher", "publish_workers"}
        assert (var_dir / "crier.sqlite3").is_file()  # the embedded default, not the CI database

        with api(crier, key) as client:
            accounts = client.get("/accounts")
            assert accounts.status_code == 200
            listed = [(item["id"], item["provider"]) for item in accounts.json()]
            assert listed == [(account, "sandbox")]
            publish_now(client, crier, account)
            publish_on_schedule(client, crier, account)
            signed_upload_on_this_port(client, crier)
        assert len(feed(crier)) == 2

        assert_stops_cleanly(crier)

    with embedded_crier(var_dir, tmp_path / "second-run.log") as again:
        new_key = again.printed(r"Demo API key:\s+(crier_\S+)")
        assert again.printed(r"Demo workspace: (ws_\w+)") == workspace
        assert again.printed(r"Sandbox account: (acc_\w+)") == account
        assert new_key != key
        again.wait_ready()

        with api(again, key) as old_client:
            assert old_client.get("/accounts").status_code == 401
        with api(again, new_key) as client:
            posts = client.get("/posts")
            connect_sandbox_through_oauth(client)
            assert len(client.get("/accounts").json()) == 2
        assert posts.status_code == 200
        states = sorted(post["state"] for post in posts.json()["results"])
        assert states == ["published", "published"]

        assert_stops_cleanly(again)
