"""`crier` as scripts run it: a subprocess against a live Crier, its output and exit codes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.clients.conftest import feed_texts

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def crier(*args: str, config_dir: Path, env: dict[str, str] | None = None):
    """`crier ARGS` with only the given Crier variables: none leak from this process."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CRIER_")}
    base.update(CRIER_CONFIG_DIR=str(config_dir), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "crier_client", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def logged_in(live_crier, tmp_path) -> dict[str, str]:
    """CRIER_URL / CRIER_API_KEY, the way CI would give them."""
    return {"CRIER_URL": live_crier.url, "CRIER_API_KEY": live_crier.key}


def test_login_checks_the_key_and_keeps_it_readable_by_the_user_alone(live_crier, tmp_path):
    done = crier("login", "--url", live_crier.url, "--api-key", live_crier.key, config_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    saved = tmp_path / "config.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text())["api_key"] == live_crier.key

    listed = crier("accounts", "--json", config_dir=tmp_path)  # the file alone, no variables
    assert listed.returncode == 0, listed.stderr
    assert [account["id"] for account in json.loads(listed.stdout)] == [live_crier.account]


def test_login_with_a_wrong_key_saves_nothing_and_exits_4(live_crier, tmp_path):
    done = crier("login", "--url", live_crier.url, "--api-key", "crier_nope_x", config_dir=tmp_path)
    assert done.returncode == 4
    assert "401" in done.stderr
    assert not (tmp_path / "config.json").exists()


def test_without_a_login_exits_3(tmp_path):
    done = crier("accounts", config_dir=tmp_path)
    assert done.returncode == 3
    assert "crier login" in done.stderr


def test_accounts_as_a_table(live_crier, logged_in, tmp_path):
    done = crier("accounts", config_dir=tmp_path, env=logged_in)
    assert done.returncode == 0, done.stderr
    assert "sandbox" in done.stdout
    assert "provider" in done.stdout


def test_posts_now_with_an_uploaded_file_and_a_network_text_and_waits(
    live_crier, logged_in, tmp_path, gif
):
    done = crier(
        "post",
        "cli, generic text",
        "--account",
        live_crier.account,
        "--media",
        str(gif),
        "--network-text",
        "sandbox=cli, sandbox text",
        "--wait",
        "--json",
        config_dir=tmp_path,
        env=logged_in,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    job = json.loads(done.stdout)
    assert job["status"] == "completed"
    assert [delivery["state"] for delivery in job["payload"]["posts"]] == ["published"]
    assert "cli, sandbox text" in feed_texts(live_crier)

    post_id = job["payload"]["posts"][0]["post_id"]
    status = crier("status", post_id, "--json", config_dir=tmp_path, env=logged_in)
    assert status.returncode == 4  # a post id is not a job id: Crier's 404, as JSON
    assert json.loads(status.stdout)["error"]["status"] == 404


def test_schedules_lists_and_cancels(live_crier, logged_in, tmp_path):
    at = (datetime.now(UTC) + timedelta(days=40)).astimezone().isoformat(timespec="minutes")
    posted = crier(
        "post", "cli, later", "-a", live_crier.account, "--at", at, "--json",
        config_dir=tmp_path, env=logged_in,
    )  # fmt: skip
    assert posted.returncode == 0, posted.stderr
    job_id = json.loads(posted.stdout)["job_id"]

    waited = crier("status", job_id, "--wait", "--json", config_dir=tmp_path, env=logged_in)
    assert waited.returncode == 0, waited.stderr
    post_id = json.loads(waited.stdout)["payload"]["posts"][0]["post_id"]

    listed = crier(
        "posts", "--state", "scheduled", "--from", at, "--json", config_dir=tmp_path, env=logged_in
    )
    assert listed.returncode == 0, listed.stderr
    assert [post["id"] for post in json.loads(listed.stdout)["results"]] == [post_id]

    cancelled = crier("cancel", post_id, "--json", config_dir=tmp_path, env=logged_in)
    assert cancelled.returncode == 0, cancelled.stderr
    assert json.loads(cancelled.stdout)["state"] == "cancelled"

    # Nothing failed, so nothing to retry: Crier's 409, exit code 4, its message kept.
    retried = crier("retry", post_id, config_dir=tmp_path, env=logged_in)
    assert retried.returncode == 4
    assert "no failed or unknown deliveries" in retried.stderr


def test_a_naive_time_is_a_usage_error(live_crier, logged_in, tmp_path):
    done = crier(
        "post", "x", "-a", live_crier.account, "--at", "2030-01-01T09:00",
        config_dir=tmp_path, env=logged_in,
    )  # fmt: skip
    assert done.returncode == 2
    assert "offset" in done.stderr


def test_uploads_media(logged_in, tmp_path, gif):
    done = crier("media", "upload", str(gif), "--json", config_dir=tmp_path, env=logged_in)
    assert done.returncode == 0, done.stderr
    media = json.loads(done.stdout)
    assert media["id"].startswith("med_")
    assert media["mime_type"] == "image/gif"


def test_manages_webhooks(logged_in, tmp_path):
    # An event that never fires here, to a closed loopback port: nothing is ever sent.
    created = crier(
        "webhooks", "create", "http://127.0.0.1:9/hook", "--event", "quota.warning", "--json",
        config_dir=tmp_path, env=logged_in,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    endpoint = json.loads(created.stdout)
    assert endpoint["secret"].startswith("whsec_")

    listed = crier("webhooks", "list", "--json", config_dir=tmp_path, env=logged_in)
    assert endpoint["id"] in [item["id"] for item in json.loads(listed.stdout)["results"]]

    deleted = crier("webhooks", "delete", endpoint["id"], config_dir=tmp_path, env=logged_in)
    assert deleted.returncode == 0, deleted.stderr
    listed = crier("webhooks", "list", "--json", config_dir=tmp_path, env=logged_in)
    assert endpoint["id"] not in [item["id"] for item in json.loads(listed.stdout)["results"]]
