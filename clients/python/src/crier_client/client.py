"""`Crier` (blocking) and `AsyncCrier`: the generated operations plus what generation does
poorly: the `Bearer-API` key, retries (`RetryTransport`), uploads and waiting for jobs.

Every operation is written once, as a flow (`crier_client._flows`), on `_Operations`; the
`operation` descriptor runs it with blocking calls on `Crier` and with `await` on `AsyncCrier`.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

import anyio
import httpx

from crier_client import _flows
from crier_client._flows import Call, Flow, Progress, Put, Sleep, Step
from crier_client._generated.api.accounts import api_v1_accounts_list
from crier_client._generated.api.jobs import api_v1_job_status_retrieve
from crier_client._generated.api.media import api_v1_media_from_url_create, api_v1_media_retrieve
from crier_client._generated.api.planning import api_v1_accounts_next_slot_retrieve
from crier_client._generated.api.posts import (
    api_v1_posts_destroy,
    api_v1_posts_list,
    api_v1_posts_retrieve,
    api_v1_posts_retry_create,
    api_v1_posts_schedule_create,
    api_v1_posts_schedule_publish_create,
    api_v1_posts_validate_create,
)
from crier_client._generated.api.users import api_v1_users_me_retrieve
from crier_client._generated.api.webhooks import (
    api_v1_webhooks_create,
    api_v1_webhooks_destroy,
    api_v1_webhooks_list,
)
from crier_client._generated.client import AuthenticatedClient
from crier_client._generated.models import (
    CreatedWebhookEndpoint,
    FromUrlRequestRequest,
    FromUrlResponse,
    JobAccepted,
    JobStatus,
    Media,
    NextSlot,
    PaginatedPostList,
    PaginatedWebhookEndpointList,
    Post,
    ScheduleRequestRequest,
    SocialAccount,
    User,
    ValidationPreview,
    WebhookEndpointRequest,
)
from crier_client._generated.types import UNSET, Response
from crier_client._transport import AsyncRetryTransport, RetryPolicy, RetryTransport
from crier_client.errors import ApiError

P = ParamSpec("P")
T = TypeVar("T")
USER_AGENT = "crier-client/0.1"


def _unset(value: Any) -> Any:
    return UNSET if value is None else value


def unwrap(response: Response[Any]) -> Any:
    """The parsed answer, or `ApiError` with Crier's messages: an error is never a result."""
    if response.status_code >= 400:
        raise ApiError.from_response(response.status_code, response.content)
    if response.parsed is None and response.status_code != 204:
        raise ApiError(response.status_code, ["an answer this client does not know"], None)
    return response.parsed


class operation(Generic[P, T]):
    """A flow that becomes a method: blocking on `Crier`, awaitable on `AsyncCrier`."""

    def __init__(self, flow: Callable[Concatenate[Any, P], Flow[T]]):
        self.flow = flow

    @overload
    def __get__(self, obj: AsyncCrier, owner: type) -> Callable[P, Awaitable[T]]: ...
    @overload
    def __get__(self, obj: Crier, owner: type) -> Callable[P, T]: ...
    def __get__(self, obj: Any, owner: type) -> Any:
        if obj is None:
            return self

        @functools.wraps(self.flow)
        def bound(*args: P.args, **kwargs: P.kwargs) -> Any:
            return obj._drive(self.flow(obj, *args, **kwargs))

        return bound


class _Operations:
    """Crier's native API. Errors are `ApiError`; every POST carries an `Idempotency-Key`
    (yours, or one made for the call and kept across its retries)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        workspace_id: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: Any = None,
    ):
        """`transport`: an httpx transport under the retries (a proxy's, a test's)."""
        self.base_url = base_url.rstrip("/").removesuffix("/api/v1")
        self.retry = retry or RetryPolicy()
        self._inner = transport
        headers = {"User-Agent": USER_AGENT}
        if workspace_id:
            headers["Publer-Workspace-Id"] = workspace_id
        self._timeout = httpx.Timeout(timeout)
        self._api = AuthenticatedClient(
            base_url=self.base_url,
            token=api_key,
            prefix="Bearer-API",
            headers=headers,
            timeout=self._timeout,
            httpx_args={"transport": self._transport()},
        )

    @classmethod
    def from_env(cls, **options: Any) -> Any:
        """From `CRIER_URL` and `CRIER_API_KEY` (and `CRIER_WORKSPACE`)."""
        return cls(
            os.environ["CRIER_URL"],
            os.environ["CRIER_API_KEY"],
            workspace_id=os.environ.get("CRIER_WORKSPACE") or None,
            **options,
        )

    def _transport(self) -> Any:
        raise NotImplementedError

    def _drive(self, flow: Flow[Any]) -> Any:
        raise NotImplementedError

    @operation
    def me(self) -> Flow[User]:
        return (yield Call(api_v1_users_me_retrieve))

    @operation
    def accounts(self) -> Flow[list[SocialAccount]]:
        return (yield Call(api_v1_accounts_list))

    @operation
    def validate(
        self,
        text: str,
        accounts: Sequence[str],
        *,
        at: datetime | None = None,
        media: Sequence[str | Mapping[str, str]] = (),
        network_text: Mapping[str, str] | None = None,
        state: str = "scheduled",
    ) -> Flow[ValidationPreview]:
        """What `post` would do, per account, storing nothing."""
        body = _flows.bulk(
            text=text,
            accounts=accounts,
            at=at,
            media=media,
            network_text=network_text,
            state=state,
        )
        return (yield Call(api_v1_posts_validate_create, {"body": body}))

    @operation
    def post(
        self,
        text: str,
        accounts: Sequence[str],
        *,
        at: datetime | None = None,
        media: Sequence[str | Mapping[str, str]] = (),
        network_text: Mapping[str, str] | None = None,
        draft: bool = False,
        idempotency_key: str | None = None,
    ) -> Flow[JobAccepted]:
        """One post to `accounts`: now without `at`, at `at` (aware) otherwise, or a draft."""
        body = _flows.bulk(
            text=text,
            accounts=accounts,
            at=at,
            media=media,
            network_text=network_text,
            state="draft" if draft else "scheduled",
        )
        publish = at is None and not draft
        return (
            yield from _Operations.schedule.flow(
                self, body, publish=publish, idempotency_key=idempotency_key
            )
        )

    @operation
    def schedule(
        self,
        body: ScheduleRequestRequest,
        *,
        publish: bool = False,
        idempotency_key: str | None = None,
    ) -> Flow[JobAccepted]:
        """A whole `{"bulk": ...}` request; `publish` sends it to `/posts/schedule/publish`."""
        endpoint = api_v1_posts_schedule_publish_create if publish else api_v1_posts_schedule_create
        kwargs = {"body": body, "idempotency_key": _unset(idempotency_key)}
        return (yield Call(endpoint, kwargs))

    @operation
    def job_status(self, job_id: str) -> Flow[JobStatus]:
        return (yield Call(api_v1_job_status_retrieve, {"job_id": job_id}))

    @operation
    def wait_for_job(
        self,
        job_id: str,
        *,
        timeout: float = 300.0,
        on_poll: Callable[[JobStatus], None] | None = None,
    ) -> Flow[JobStatus]:
        """Polls until the job is `completed` or `failed` (`WaitTimeout` past `timeout`)."""
        return (yield from _flows.wait_for_job(job_id, timeout=timeout, on_poll=on_poll))

    @operation
    def wait_for_media(self, media_id: str, *, timeout: float = 300.0) -> Flow[Media]:
        """Polls a media (from `upload_from_url`) until Crier has its bytes, or `failed`."""
        return (yield from _flows.wait_for_media(media_id, timeout=timeout))

    @operation
    def posts(
        self,
        *,
        state: str | None = None,
        from_: datetime | None = None,
        to: datetime | None = None,
        account_id: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> Flow[PaginatedPostList]:
        kwargs = {
            "state": _unset(state),
            "from_": _unset(from_),
            "to": _unset(to),
            "account_id": _unset(account_id),
            "page": _unset(page),
            "per_page": _unset(per_page),
        }
        return (yield Call(api_v1_posts_list, kwargs))

    @operation
    def get_post(self, post_id: str) -> Flow[Post]:
        return (yield Call(api_v1_posts_retrieve, {"post_id": post_id}))

    @operation
    def retry_post(self, post_id: str, *, idempotency_key: str | None = None) -> Flow[Post]:
        """Runs the post's failed and `unknown` deliveries again."""
        kwargs = {"post_id": post_id, "idempotency_key": _unset(idempotency_key)}
        return (yield Call(api_v1_posts_retry_create, kwargs))

    @operation
    def cancel_post(self, post_id: str) -> Flow[Post]:
        """Cancels what is still pending; what was published stays published."""
        return (yield Call(api_v1_posts_destroy, {"post_id": post_id}))

    @operation
    def next_slot(self, account_id: str, *, content_type: str | None = None) -> Flow[NextSlot]:
        kwargs = {"account_id": account_id, "content_type": _unset(content_type)}
        return (yield Call(api_v1_accounts_next_slot_retrieve, kwargs))

    @operation
    def upload(
        self,
        path: str | Path,
        *,
        progress: Progress | None = None,
        multipart_limit: int = _flows.MULTIPART_LIMIT,
    ) -> Flow[Media]:
        """A local file, streamed: multipart up to `multipart_limit` bytes, else a signed URL."""
        return (
            yield from _flows.upload(Path(path), progress=progress, multipart_limit=multipart_limit)
        )

    @operation
    def upload_from_url(self, url: str) -> Flow[FromUrlResponse]:
        """Crier fetches it; poll `get_media(media_id)` until `ready` or `failed`."""
        return (yield Call(api_v1_media_from_url_create, {"body": FromUrlRequestRequest(url=url)}))

    @operation
    def get_media(self, media_id: str) -> Flow[Media]:
        return (yield Call(api_v1_media_retrieve, {"media_id": media_id}))

    @operation
    def webhooks(self, *, page: int | None = None) -> Flow[PaginatedWebhookEndpointList]:
        return (yield Call(api_v1_webhooks_list, {"page": _unset(page)}))

    @operation
    def create_webhook(
        self, url: str, *, events: Sequence[str] = (), description: str = ""
    ) -> Flow[CreatedWebhookEndpoint]:
        """No `events`: every event. The signing secret is in this answer only."""
        body = WebhookEndpointRequest(url=url, description=description)
        if events:
            body.events = list(events)  # type: ignore[assignment]
        return (yield Call(api_v1_webhooks_create, {"body": body}))

    @operation
    def delete_webhook(self, webhook_id: str) -> Flow[None]:
        return (yield Call(api_v1_webhooks_destroy, {"webhook_id": webhook_id}))


class Crier(_Operations):
    """The blocking client. Use it as a context manager, or call `close()`."""

    def _transport(self) -> httpx.BaseTransport:
        return RetryTransport(self._inner, policy=self.retry)

    def _drive(self, flow: Flow[T]) -> T:
        try:
            step = next(flow)
            while True:
                try:
                    result = self._do(step)
                except Exception as error:
                    step = flow.throw(error)
                else:
                    step = flow.send(result)
        except StopIteration as stop:
            return stop.value

    def _do(self, step: Step) -> Any:
        if isinstance(step, Call):
            return unwrap(step.endpoint.sync_detailed(client=self._api, **step.kwargs))
        if isinstance(step, Sleep):
            time.sleep(step.seconds)
            return None
        with httpx.Client(transport=self._transport(), timeout=self._timeout) as plain:
            response = plain.put(step.url, content=step.body, headers=_put_headers(step))
        if response.status_code >= 400:
            raise ApiError.from_response(response.status_code, response.content)
        return None

    def close(self) -> None:
        self._api.get_httpx_client().close()

    def __enter__(self) -> Crier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncCrier(_Operations):
    """The asyncio (and trio, through anyio) client. `async with`, or `await aclose()`."""

    def _transport(self) -> httpx.AsyncBaseTransport:
        return AsyncRetryTransport(self._inner, policy=self.retry)

    async def _drive(self, flow: Flow[T]) -> T:
        try:
            step = next(flow)
            while True:
                try:
                    result = await self._do(step)
                except Exception as error:
                    step = flow.throw(error)
                else:
                    step = flow.send(result)
        except StopIteration as stop:
            return stop.value

    async def _do(self, step: Step) -> Any:
        if isinstance(step, Call):
            return unwrap(await step.endpoint.asyncio_detailed(client=self._api, **step.kwargs))
        if isinstance(step, Sleep):
            await anyio.sleep(step.seconds)
            return None
        async with httpx.AsyncClient(transport=self._transport(), timeout=self._timeout) as plain:
            response = await plain.put(
                step.url, content=step.body.for_async(), headers=_put_headers(step)
            )
        if response.status_code >= 400:
            raise ApiError.from_response(response.status_code, response.content)
        return None

    async def aclose(self) -> None:
        await self._api.get_async_httpx_client().aclose()

    async def __aenter__(self) -> AsyncCrier:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _put_headers(step: Put) -> dict[str, str]:
    # The declared type (a presigned S3 URL is signed for it) and the length: no chunked body.
    return {
        "Content-Type": step.content_type,
        "Content-Length": str(step.body.size),
        "User-Agent": USER_AGENT,
    }
