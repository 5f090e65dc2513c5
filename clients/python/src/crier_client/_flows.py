"""What the hand-written calls do, written once for the sync and the async client.

Each flow is a generator (the "sans-I/O" style): it yields what it needs done, a generated
`Call`, a `Sleep` or a `Put` of a file, and receives the result; `Crier` runs flows with
blocking I/O and `AsyncCrier` with `await`, so neither holds a copy of the other's logic.
"""

from __future__ import annotations

import mimetypes
import os
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import IO, Any, TypeVar

from crier_client._generated.api.jobs import api_v1_job_status_retrieve
from crier_client._generated.api.media import (
    api_v1_media_complete_create,
    api_v1_media_create,
    api_v1_media_retrieve,
    api_v1_media_upload_url_create,
)
from crier_client._generated.models import (
    BulkRequest,
    JobStatus,
    Media,
    MediaRefRequest,
    NetworkBlockRequest,
    PostInputRequest,
    PostInputRequestNetworks,
    ScheduleRequestRequest,
    TargetRequest,
    UploadFormRequest,
    UploadUrlRequestRequest,
    UploadUrlResponse,
)
from crier_client._generated.models.bulk_state_enum import check_bulk_state_enum
from crier_client._generated.types import File
from crier_client.errors import WaitTimeout

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (bytes sent, total bytes)
CHUNK = 1024 * 1024
# Larger files go through a signed upload URL: one multipart request holds a web worker for
# the whole transfer, while the URL may point at object storage (S3) directly.
MULTIPART_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class Call:
    """One generated operation: `endpoint.sync_detailed(client=..., **kwargs)` or its async twin."""

    endpoint: ModuleType
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Put:
    """The file's bytes to a signed upload URL: no API key (the URL is the credential)."""

    url: str
    body: FileBody
    content_type: str


Step = Call | Sleep | Put
Flow = Generator[Step, Any, T]


class ProgressFile:
    """A file that reports how much of it was read: the multipart encoder reads it in chunks.
    `fileno` lets httpx size the part, so the request has a Content-Length (Django reads no
    chunked body)."""

    def __init__(self, file: IO[bytes], total: int, progress: Progress | None):
        self._file, self._total, self._progress, self._sent = file, total, progress, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self._sent += len(chunk)
        if self._progress is not None and chunk:
            self._progress(self._sent, self._total)
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self._file.seek(offset, whence)
        self._sent = position
        return position

    def tell(self) -> int:
        return self._file.tell()

    def fileno(self) -> int:
        return self._file.fileno()


class FileBody:
    """A file streamed as a request body in chunks, from the start at every iteration, so a
    retried PUT sends it whole again (httpx cannot rewind a generator)."""

    def __init__(self, path: Path, progress: Progress | None):
        self.path, self.progress = path, progress
        self.size = path.stat().st_size

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        with self.path.open("rb") as file:
            while chunk := file.read(CHUNK):
                sent += len(chunk)
                if self.progress is not None:
                    self.progress(sent, self.size)
                yield chunk

    def for_async(self) -> AsyncFileBody:
        return AsyncFileBody(self)


class AsyncFileBody:
    """The same body for httpx's AsyncClient, which takes an iterable as a sync stream."""

    def __init__(self, body: FileBody):
        self.body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.body:  # local disk reads: short next to the network write
            yield chunk


def content_type_of(path: Path) -> str:
    """Crier sniffs the real type from the bytes; this is only the declared one."""
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def upload(
    path: Path, *, progress: Progress | None = None, multipart_limit: int = MULTIPART_LIMIT
) -> Flow[Media]:
    """Multipart for small files; for large ones the signed URL, a streamed PUT and `complete`."""
    path = Path(path)
    size = path.stat().st_size
    content_type = content_type_of(path)
    if size <= multipart_limit:
        with path.open("rb") as file:
            payload = ProgressFile(file, size, progress)
            body = UploadFormRequest(
                file=File(payload=payload, file_name=path.name, mime_type=content_type)  # type: ignore[arg-type]
            )
            return (yield Call(api_v1_media_create, {"body": body}))
    kind = "video" if content_type.startswith("video/") else "image"
    ticket: UploadUrlResponse = yield Call(
        api_v1_media_upload_url_create,
        {
            "body": UploadUrlRequestRequest(
                file_name=path.name,
                content_type=content_type,
                type_=kind,  # type: ignore[arg-type]
            )
        },
    )
    yield Put(ticket.upload_url, FileBody(path, progress), content_type)
    return (yield Call(api_v1_media_complete_create, {"media_id": ticket.media_id}))


def poll(
    call: Call,
    settled: Callable[[Any], bool],
    *,
    what: str,
    timeout: float,
    on_poll: Callable[[Any], None] | None = None,
    interval: float = 0.5,
    max_interval: float = 5.0,
) -> Flow[Any]:
    """Repeats `call` with a growing interval until `settled` says so (`WaitTimeout` past
    `timeout`): a job's status, a media being fetched."""
    deadline = time.monotonic() + timeout
    while True:
        answer = yield call
        if on_poll is not None:
            on_poll(answer)
        if settled(answer):
            return answer
        if time.monotonic() + interval > deadline:
            raise WaitTimeout(what, timeout, answer.status)
        yield Sleep(interval)
        interval = min(max_interval, interval * 1.5)


def wait_for_job(
    job_id: str, *, timeout: float, on_poll: Callable[[JobStatus], None] | None = None
) -> Flow[JobStatus]:
    """Until the job leaves `working`."""
    call = Call(api_v1_job_status_retrieve, {"job_id": job_id})
    settled = lambda job: job.status != "working"  # noqa: E731
    return (yield from poll(call, settled, what=job_id, timeout=timeout, on_poll=on_poll))


def wait_for_media(media_id: str, *, timeout: float) -> Flow[Media]:
    """Until Crier has the media's bytes (a `from-url` fetch): `processing` or `ready` media
    can go in a post; `failed` says why in `error`."""
    call = Call(api_v1_media_retrieve, {"media_id": media_id})
    settled = lambda media: media.status != "pending_upload"  # noqa: E731
    return (yield from poll(call, settled, what=media_id, timeout=timeout))


def bulk(
    *,
    text: str,
    accounts: Sequence[str],
    at: datetime | None = None,
    media: Sequence[str | Mapping[str, str]] = (),
    network_text: Mapping[str, str] | None = None,
    state: str = "scheduled",
) -> ScheduleRequestRequest:
    """The `/posts/schedule` body for one post to several accounts: `text` for every network,
    `network_text` overriding it per platform, media by id (or `{"id", "alt"}`)."""
    networks = PostInputRequestNetworks()
    networks["default"] = NetworkBlockRequest(text=text)
    for platform, override in (network_text or {}).items():
        networks[platform] = NetworkBlockRequest(text=override)
    refs = [
        MediaRefRequest(id=item) if isinstance(item, str) else MediaRefRequest.from_dict(item)
        for item in media
    ]
    post = PostInputRequest(
        accounts=[
            TargetRequest(id=account) if at is None else TargetRequest(id=account, scheduled_at=at)
            for account in accounts
        ],
        networks=networks,
    )
    if refs:
        post.media = refs
    return ScheduleRequestRequest(
        bulk=BulkRequest(posts=[post], state=check_bulk_state_enum(state))
    )
