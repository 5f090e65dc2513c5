"""`crier mcp` as an agent meets it, through the mcp SDK's own client, against a live Crier."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx
import jsonschema
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from config.embedded import free_port
from tests.clients.conftest import GIF, feed_texts
from tests.e2e.stack import wait_for
from tests.fileserver import serving

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def server_env(live_crier, tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRIER_")}
    env.update(
        CRIER_URL=live_crier.url, CRIER_API_KEY=live_crier.key, CRIER_CONFIG_DIR=str(tmp_path)
    )
    return env


def stdio_server(live_crier, tmp_path) -> StdioServerParameters:
    """One `crier mcp` process: one agent session."""
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "crier_client", "mcp"],
        env=server_env(live_crier, tmp_path),
    )


async def settled_job(client: Client, job_id: str) -> dict[str, Any]:
    deadline = anyio.current_time() + 90
    while True:
        job = (await client.call_tool("get_job_status", {"job_id": job_id})).structured_content
        if job["status"] != "working":
            return job
        assert anyio.current_time() < deadline, f"job {job_id} still working: {job}"
        await anyio.sleep(0.5)


def test_an_agent_retrying_the_same_call_gets_the_same_job_and_one_post(live_crier, tmp_path):
    text = "mcp, posted once although asked twice"

    async def agent(media_url: str) -> tuple[dict, dict, dict]:
        async with Client(stdio_server(live_crier, tmp_path)) as client:
            call = {"text": text, "account_ids": [live_crier.account], "media_urls": [media_url]}
            first = await client.call_tool("create_post", call)
            # The agent did not trust the first answer (a timeout, say) and calls again.
            again = await client.call_tool("create_post", call)
            assert not first.is_error and not again.is_error, (first.content, again.content)
            job = await settled_job(client, first.structured_content["job_id"])
            return first.structured_content, again.structured_content, job

    with serving({"/pixel.gif": GIF}) as site:
        first, again, job = anyio.run(agent, site.url("/pixel.gif"))
        assert site.requested == ["/pixel.gif"]  # the media was fetched once too
    assert again == first
    assert job["status"] == "completed", job
    assert [delivery["state"] for delivery in job["deliveries"]] == ["published"]
    assert feed_texts(live_crier).count(text) == 1


def test_every_tool_answers_what_its_output_schema_declares(live_crier, tmp_path):
    later = (datetime.now(UTC) + timedelta(days=50)).isoformat(timespec="seconds")
    results: dict[str, Any] = {}

    async def agent() -> list:
        async with Client(stdio_server(live_crier, tmp_path)) as client:
            tools = (await client.list_tools()).tools

            async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
                result = await client.call_tool(name, arguments)
                assert not result.is_error, (name, result.content)
                results[name] = result.structured_content
                return result.structured_content

            account = [live_crier.account]
            await call("list_accounts", {})
            await call("validate_post", {"text": "mcp, check", "account_ids": account})
            created = await call(
                "create_post",
                {"text": "mcp, later", "account_ids": account, "scheduled_at": later},
            )
            job = await call("get_job_status", {"job_id": created["job_id"]})
            job = await settled_job(client, created["job_id"])
            post_id = job["deliveries"][0]["post_id"]
            listed = await call("list_posts", {"state": "scheduled", "scheduled_from": later})
            assert [post["post_id"] for post in listed["posts"]] == [post_id]
            cancelled = await call("cancel_post", {"post_id": post_id})
            assert cancelled["state"] == "cancelled"
            await call("find_next_slot", {"account_id": live_crier.account})
            return tools

    with posting_schedule(live_crier):
        tools = anyio.run(agent)
    assert set(results) == {tool.name for tool in tools}, "a tool without a case here"
    for tool in tools:
        assert tool.output_schema is not None, tool.name
        jsonschema.validate(results[tool.name], tool.output_schema)


@contextlib.contextmanager
def posting_schedule(live_crier):
    """A weekly slot, so the account has a next free one."""
    api = httpx.Client(
        base_url=f"{live_crier.url}/api/v1",
        headers={"Authorization": f"Bearer-API {live_crier.key}"},
        timeout=30,
    )
    with api:
        created = api.post(
            "/posting-schedules",
            json={"account_id": live_crier.account, "day_of_week": "monday", "time": "09:00"},
        )
        assert created.status_code == 201, created.text
        try:
            yield
        finally:
            api.delete(f"/posting-schedules/{created.json()['id']}")


def test_crier_s_refusals_are_tool_errors_with_its_message(live_crier, tmp_path):
    async def agent():
        async with Client(stdio_server(live_crier, tmp_path)) as client:
            missing = await client.call_tool("get_job_status", {"job_id": "job_nope"})
            no_slot = await client.call_tool("find_next_slot", {"account_id": live_crier.account})
            naive = await client.call_tool(
                "create_post",
                {
                    "text": "x",
                    "account_ids": [live_crier.account],
                    "scheduled_at": "2030-01-01T09:00:00",
                },
            )
            return missing, no_slot, naive

    missing, no_slot, naive = anyio.run(agent)
    assert missing.is_error and "404" in missing.content[0].text
    assert no_slot.is_error and "no active posting schedule" in no_slot.content[0].text
    assert naive.is_error and "offset" in naive.content[0].text


def test_serves_streamable_http(live_crier, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "crier_client", "mcp", "--transport", "http", "--port", str(port)],
        env=server_env(live_crier, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def listening():
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return True
            return None

        wait_for(listening, 60, lambda: "crier mcp --transport http never listened")

        async def agent():
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                return await client.call_tool("list_accounts", {})

        result = anyio.run(agent)
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert not result.is_error, result.content
    assert [account["id"] for account in result.structured_content["accounts"]] == [
        live_crier.account
    ]
