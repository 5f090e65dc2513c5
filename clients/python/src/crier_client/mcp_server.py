"""`crier mcp`: Crier's tools for AI agents, over stdio or streamable HTTP (the `mcp` SDK).

An agent that sees a timeout or an error it does not understand calls the same tool again.
So every tool that writes derives its `Idempotency-Key` from its own name, its arguments and
the MCP session: the same call in the same session is the same request to Crier, which
replays the first answer (the same job) instead of posting twice. A deliberate second,
identical post in one session takes another `request_id`. Crier's refusals come back as tool
errors carrying its message, never as a result.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from crier_client.client import AsyncCrier
from crier_client.config import Settings
from crier_client.errors import ApiError, WaitTimeout

INSTRUCTIONS = (
    "Crier publishes posts to connected social accounts. Publishing is asynchronous: "
    "create_post answers with a job id; read get_job_status until the job is no longer "
    "'working'. A delivery in state 'unknown' may or may not have been posted: do not post "
    "again, tell the user. Calling create_post again with the same arguments in this session "
    "returns the same job and never posts twice."
)


MEDIA_FETCH_WAIT = 300.0  # seconds for Crier to fetch one `media_urls` entry


class Account(BaseModel):
    id: str
    provider: str
    name: str
    username: str | None = None
    status: str | None = None


class Accounts(BaseModel):
    accounts: list[Account]


class Check(BaseModel):
    account_id: str
    ok: bool
    problems: list[str] = Field(description="Why this account would refuse the post.")
    state: str | None = None
    scheduled_at: str | None = None


class Validation(BaseModel):
    valid: bool
    errors: list[str]
    needs_approval: bool
    checks: list[Check]


class Accepted(BaseModel):
    job_id: str = Field(description="Read it with get_job_status.")
    idempotency_key: str = Field(description="The same call again gives this same job.")
    media_ids: list[str]


class Delivery(BaseModel):
    delivery_id: str
    post_id: str
    account_id: str
    state: str = Field(description="published, failed, unknown (do not repost), scheduled, ...")
    url: str | None = None
    error: str | None = None


class Job(BaseModel):
    job_id: str
    status: str = Field(description="working, completed or failed")
    deliveries: list[Delivery]
    failures: dict[str, Any] = Field(description="Refused items, by input position and account.")


class PostSummary(BaseModel):
    post_id: str
    state: str
    text: str
    deliveries: list[Delivery]


class Posts(BaseModel):
    count: int
    posts: list[PostSummary]


class Slot(BaseModel):
    account_id: str
    next_slot: str = Field(description="ISO 8601, in the account's timezone.")
    timezone: str


def idempotency_key(session: str, tool: str, arguments: dict[str, Any]) -> str:
    canonical = json.dumps([session, tool, arguments], sort_keys=True, default=str)
    return "mcp-" + hashlib.sha256(canonical.encode()).hexdigest()[:48]


@contextmanager
def crier_errors() -> Iterator[None]:
    """Crier's refusals and outages as tool errors with its words: never a result."""
    try:
        yield
    except ApiError as error:
        raise ToolError(f"Crier refused ({error.status}): {'; '.join(error.messages)}") from error
    except WaitTimeout as error:
        raise ToolError(f"{error}; the same call later goes on from there") from error
    except httpx.TransportError as error:
        raise ToolError(
            f"Crier cannot be reached ({error!r}); the same call again is safe: "
            "it never posts twice"
        ) from error


def parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ToolError(f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ToolError(f"{value!r} needs an offset, e.g. 2026-12-24T09:00:00+01:00")
    return moment


def delivery_of(row: dict[str, Any], post_id: str | None = None) -> Delivery:
    return Delivery(
        delivery_id=row["id"],
        post_id=post_id or row["post_id"],
        account_id=row["account_id"],
        state=row["state"],
        url=row.get("url") or None,
        error=row.get("error") or None,
    )


def build_server(client: AsyncCrier) -> MCPServer:
    server = MCPServer("crier", instructions=INSTRUCTIONS, log_level="WARNING")
    process_session = secrets.token_hex(16)  # stdio: one process is one agent session
    media_by_url: dict[tuple[str, str], str] = {}

    def session_of(ctx: Context) -> str:
        """The HTTP session of a handshake-era client; else this process: over stdio one agent's
        session, over stateless (2026-07-28) HTTP every client of this server alike."""
        headers = ctx.headers or {}
        return headers.get("mcp-session-id") or process_session

    async def media_for(session: str, ids: list[str], urls: list[str]) -> list[str]:
        """Ids as given, then each URL fetched by Crier once per session (a retried call
        names the same media, so its body, and so its job, stays the same)."""
        found = list(ids)
        for url in urls:
            if (session, url) not in media_by_url:
                media_by_url[(session, url)] = (await client.upload_from_url(url)).media_id
            media_id = media_by_url[(session, url)]
            # A post refuses media whose bytes are not in yet.
            media = await client.wait_for_media(media_id, timeout=MEDIA_FETCH_WAIT)
            if media.status == "failed":
                raise ToolError(f"Crier could not fetch {url}: {media.error}")
            found.append(media_id)
        return found

    @server.tool(title="List connected accounts")
    async def list_accounts() -> Accounts:
        """The social accounts posts can go to, with their ids."""
        with crier_errors():
            found = await client.accounts()
        return Accounts(
            accounts=[
                Account(
                    id=item.id,
                    provider=item.provider,
                    name=item.name,
                    username=item.username or None,
                    status=item.status or None,
                )
                for item in found
            ]
        )

    @server.tool(title="Check a post without storing it")
    async def validate_post(
        text: str,
        account_ids: list[str],
        scheduled_at: str | None = None,
        media_ids: list[str] | None = None,
        network_text: dict[str, str] | None = None,
    ) -> Validation:
        """What create_post would do for each account (limits, media, connection); nothing
        is stored. `scheduled_at` is ISO 8601 with an offset; without it, checked as now."""
        moment = parse_time(scheduled_at) or datetime.now().astimezone()
        with crier_errors():
            preview = await client.validate(
                text,
                account_ids,
                at=moment,
                media=media_ids or [],
                network_text=network_text,
            )
        checks = [
            Check(
                account_id=check["account_id"],
                ok=check["ok"],
                problems=[str(problem) for problem in check.get("problems", [])],
                state=check.get("state"),
                scheduled_at=str(check["scheduled_at"]) if check.get("scheduled_at") else None,
            )
            for post in preview.to_dict()["posts"]
            for check in post.get("accounts", [])
        ]
        return Validation(
            valid=preview.valid,
            errors=list(preview.errors),
            needs_approval=preview.needs_approval,
            checks=checks,
        )

    @server.tool(title="Publish or schedule a post")
    async def create_post(
        ctx: Context,
        text: str,
        account_ids: list[str],
        scheduled_at: str | None = None,
        media_ids: list[str] | None = None,
        media_urls: list[str] | None = None,
        network_text: dict[str, str] | None = None,
        draft: bool = False,
        request_id: str | None = None,
    ) -> Accepted:
        """Publish `text` to the accounts now, or at `scheduled_at` (ISO 8601 with offset),
        or keep it as a draft. Media by Crier media id or by public URL. Answers a job id.
        Safe to retry: the same arguments in this session give the same job, never a second
        post; pass a new `request_id` only to publish an identical post again on purpose."""
        session = session_of(ctx)
        arguments = {
            "text": text,
            "account_ids": account_ids,
            "scheduled_at": scheduled_at,
            "media_ids": media_ids,
            "media_urls": media_urls,
            "network_text": network_text,
            "draft": draft,
            "request_id": request_id,
        }
        key = idempotency_key(session, "create_post", arguments)
        moment = parse_time(scheduled_at)
        with crier_errors():
            media = await media_for(session, media_ids or [], media_urls or [])
            accepted = await client.post(
                text,
                account_ids,
                at=moment,
                media=media,
                network_text=network_text,
                draft=draft,
                idempotency_key=key,
            )
        return Accepted(job_id=accepted.job_id, idempotency_key=key, media_ids=media)

    @server.tool(title="Read a job's status")
    async def get_job_status(job_id: str) -> Job:
        """A job and each of its deliveries. 'working' means not finished: read it again."""
        with crier_errors():
            job = await client.job_status(job_id)
        payload = job.payload.to_dict()
        return Job(
            job_id=job_id,
            status=job.status,
            deliveries=[delivery_of(row) for row in payload.get("posts", [])],
            failures=payload.get("failures", {}),
        )

    def summary(post: Any) -> PostSummary:
        networks = post.networks if isinstance(post.networks, dict) else {}
        return PostSummary(
            post_id=post.id,
            state=post.state,
            text=str(networks.get("default", {}).get("text", "")),
            deliveries=[
                delivery_of(
                    {
                        "id": delivery.id,
                        "account_id": delivery.account_id,
                        "state": delivery.state,
                        "url": delivery.url,
                        "error": delivery.error.to_dict().get("message")
                        if delivery.error
                        else None,
                    },
                    post_id=post.id,
                )
                for delivery in post.deliveries
            ],
        )

    @server.tool(title="List posts")
    async def list_posts(
        state: str | None = None,
        scheduled_from: str | None = None,
        scheduled_to: str | None = None,
        account_id: str | None = None,
        page: int | None = None,
    ) -> Posts:
        """Posts with their deliveries, filtered by delivery state, time window (ISO 8601
        with offset) or account."""
        with crier_errors():
            found = await client.posts(
                state=state,
                from_=parse_time(scheduled_from),
                to=parse_time(scheduled_to),
                account_id=account_id,
                page=page,
            )
        return Posts(count=found.count, posts=[summary(post) for post in found.results])

    @server.tool(title="Cancel a post")
    async def cancel_post(post_id: str) -> PostSummary:
        """Cancels the post's deliveries that are still pending; published ones stay."""
        with crier_errors():
            return summary(await client.cancel_post(post_id))

    @server.tool(title="Find the next free slot")
    async def find_next_slot(account_id: str, content_type: str | None = None) -> Slot:
        """The account's next free posting-schedule slot (`content_type`: text, image or
        video). An account without a posting schedule has none: the error says so."""
        with crier_errors():
            slot = await client.next_slot(account_id, content_type=content_type)
        return Slot(
            account_id=slot.account_id,
            next_slot=slot.next_slot.isoformat(),
            timezone=slot.timezone,
        )

    return server


def serve(settings: Settings, *, transport: str, host: str, port: int) -> None:
    client = AsyncCrier(settings.url, settings.api_key, workspace_id=settings.workspace)
    server = build_server(client)
    if transport == "http":
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")
