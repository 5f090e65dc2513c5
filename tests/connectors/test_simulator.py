"""The simulator's own contract: idempotency, faults, counters and admin API."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from connectors.base import Content, Credentials
from connectors.http import POOL_LIMITS
from connectors.sandbox import SandboxConnector
from connectors.simulator import FaultError, Simulator, SimulatorServer

REPO = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": "Bearer any-token"}


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=10, limits=POOL_LIMITS) as client:
        yield client


def publish(http: httpx.Client, account: str = "a", key: str | None = "k1", text: str = "hi"):
    headers = {**AUTH, "Idempotency-Key": key} if key else AUTH
    return http.post(f"/accounts/{account}/posts", headers=headers, json={"text": text})


def test_concurrent_requests_with_one_key_create_one_post(server, http):
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: publish(http), range(20)))

    assert sorted(answer.status_code for answer in answers) == [200] * 19 + [201]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert server.simulator.stats()["by_idempotency_key"]["k1"] == {"requests": 20, "posts": 1}


def test_serves_hundreds_of_publishes_per_second_to_one_shared_connector(server):
    server.simulator.configure("*", {"latency_ms": 50})
    credentials = Credentials(external_id="a", access_token="t", extra={"base_url": server.url})
    started = time.monotonic()

    with SandboxConnector(timeout=10) as connector, ThreadPoolExecutor(60) as pool:
        published = list(
            pool.map(
                lambda n: connector.publish(
                    Content(text=f"{n}", idempotency_key=f"k{n}"), credentials
                ),
                range(300),
            )
        )

    # One at a time this would take 15 s.
    assert time.monotonic() - started < 3
    assert len({post.external_id for post in published}) == 300
    stats = server.simulator.stats()
    assert (stats["requests"], stats["posts"], stats["duplicates"]) == (300, 300, [])


def test_missing_token_is_refused(http):
    answer = http.post("/accounts/a/posts", json={"text": "hi"})

    assert answer.status_code == 401
    assert answer.json()["error"] == "missing_token"


def test_injected_failures_are_answered_in_order_then_requests_succeed(server, http):
    server.simulator.configure(
        "a", {"fail": [{"status": 429, "retry_after": 2}, {"status": 503}, {"status": 502}]}
    )

    answers = [publish(http) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [429, 503, 502, 201]
    assert answers[0].headers["Retry-After"] == "2"
    assert server.simulator.settings() == {}


def test_account_settings_win_over_the_global_default(http, server):
    server.simulator.configure("*", {"reject": "Nobody posts today."})
    server.simulator.configure("b", {"reject": False})

    refused, accepted = publish(http, account="a"), publish(http, account="b")

    assert (refused.status_code, refused.json()["message"]) == (400, "Nobody posts today.")
    assert accepted.status_code == 201


def test_global_expiry_holds_for_each_account_until_it_refreshes(server, http):
    server.simulator.configure("*", {"expire_token": True})
    token = http.post(
        "/oauth/token",
        json={"grant_type": "refresh_token", "refresh_token": "r", "account": "a"},
    ).json()["access_token"]

    fresh = http.post(
        "/accounts/a/posts", headers={"Authorization": f"Bearer {token}"}, json={"text": "hi"}
    )
    stale = publish(http, account="b")

    assert fresh.status_code == 201
    assert (stale.status_code, stale.json()["error"]) == (401, "token_expired")


@pytest.mark.parametrize(
    "settings",
    [
        {"latency": 5},
        {"latency_ms": -1},
        {"chaos_rate": 2},
        {"fail": {"status": 500}},
        {"fail": [{"status": 200}]},
        {"fail": [{"status": 500, "timeout": True}]},
        {"fail": [{"status": 500, "colour": "red"}]},
        {"expire_token": "yes"},
        {"processing_polls": 1.5},
    ],
)
def test_admin_refuses_malformed_fault_settings(http, settings):
    answer = http.post("/_admin/faults", json={"account": "a", **settings})

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_faults"


def test_admin_sets_and_removes_settings(http):
    http.post("/_admin/faults", json={"account": "a", "latency_ms": 5, "refuse_refresh": True})
    answer = http.post("/_admin/faults", json={"account": "a", "latency_ms": None})

    assert answer.json() == {"a": {"refuse_refresh": True}}
    assert http.get("/_admin/faults").json() == {"a": {"refuse_refresh": True}}


def test_feed_lists_posts_oldest_first_and_filters_by_account(http):
    publish(http, account="a", key="k1", text="first")
    publish(http, account="b", key="k2", text="second")
    publish(http, account="a", key="k3", text="third")

    everything = http.get("/_admin/feed").json()
    only_a = http.get("/_admin/feed", params={"account": "a"}).json()

    assert [item["text"] for item in everything] == ["first", "second", "third"]
    assert [item["text"] for item in only_a] == ["first", "third"]


def test_stats_expose_doubles_that_idempotency_keys_cannot_catch(http):
    publish(http, account="a", key="k1", text="same")
    publish(http, account="a", key="k2", text="same")
    publish(http, account="a", key=None, text="keyless")
    publish(http, account="b", key="k1", text="same")

    stats = http.get("/_admin/stats").json()

    assert stats["requests"] == 4
    assert stats["posts"] == 4
    assert stats["duplicates"] == ["k1"]  # one key on two accounts: the caller reused it
    assert stats["unkeyed_posts"] == 1
    assert stats["duplicate_content"] == [{"account": "a", "text": "same", "posts": 2}]
    assert stats["by_account"] == {
        "a": {"requests": 3, "posts": 3},
        "b": {"requests": 1, "posts": 1},
    }


def test_reset_forgets_runtime_state_but_keeps_command_line_defaults():
    simulator = Simulator({"latency_ms": 5, "fail": [{"status": 503}]})
    simulator.configure("a", {"reject": True})
    simulator.publish(account="a", token="t", idempotency_key="k", body={"text": "x"}, base_url="")

    simulator.reset()

    assert simulator.settings() == {"*": {"latency_ms": 5.0, "fail": [{"status": 503}]}}
    assert simulator.stats()["requests"] == 0


def test_chaos_injects_a_fault_from_its_list_at_the_configured_rate():
    simulator = Simulator({"chaos_rate": 1.0, "chaos": [{"status": 502}]}, seed=7)

    reply = simulator.publish(
        account="a", token="t", idempotency_key="k", body={"text": "x"}, base_url=""
    )

    assert reply.status == 502


def test_default_chaos_is_answered_without_hanging():
    simulator = Simulator({"chaos_rate": 1.0}, seed=1)

    replies = [
        simulator.publish(
            account="a", token="t", idempotency_key=f"k{n}", body={"text": f"{n}"}, base_url=""
        )
        for n in range(20)
    ]

    assert {reply.status for reply in replies} <= {429, 500, 502, 503}
    assert all(reply.delay == 0 for reply in replies)


def test_constructor_refuses_malformed_defaults():
    with pytest.raises(FaultError):
        Simulator({"fail": "everything"})


def test_records_platform_requests_without_their_tokens(http):
    publish(http)
    http.get("/_admin/stats")

    [record] = http.get("/_admin/requests").json()

    assert record["method"] == "POST"
    assert record["path"] == "/accounts/a/posts"
    assert record["status"] == 201
    assert record["idempotency_key"] == "k1"
    assert "any-token" not in str(record)


def test_unknown_routes_and_bad_json_get_json_errors(http):
    missing = http.get("/nowhere")
    garbled = http.post("/accounts/a/posts", headers=AUTH, content=b"{not json")

    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    assert (garbled.status_code, garbled.json()["error"]) == (400, "invalid_json")


def test_a_post_is_not_visible_from_another_account(http):
    post_id = publish(http, account="a").json()["id"]

    answer = http.get(f"/accounts/b/posts/{post_id}", headers=AUTH)

    assert answer.status_code == 404


def test_stop_releases_answers_held_by_a_timeout_fault():
    server = SimulatorServer().start()
    server.simulator.configure("*", {"fail": [{"timeout": True}]})  # holds for 30 s
    with httpx.Client(base_url=server.url, timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        publish(client)

    started = time.monotonic()
    server.stop()

    assert time.monotonic() - started < 2
    assert server.simulator.stats()["posts"] == 1


def test_command_line_serves_with_default_faults():
    process = subprocess.Popen(
        [sys.executable, "-m", "connectors.simulator", "--port", "0", "--latency-ms", "5"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        faults = httpx.get(f"{url}/_admin/faults", timeout=5).json()
    finally:
        process.terminate()
        process.wait(timeout=5)

    assert faults == {"*": {"latency_ms": 5.0}}
