"""What `services.job_create` accepts: a job request, typed, rather than the API's JSON.

The native serializer (`ScheduleRequestSerializer.command`) and the internal callers build
these; `posts.job_format` stores them on the Job and reads them back for the expansion.
They hold values only: validation happens before one is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# A network's block as validated and stored on the post (`Post.networks`): type, text,
# thread, thread_delays and `options`, the keys its connector reads (see DESIGN.md).
NetworkBlock = Mapping[str, Any]


@dataclass(frozen=True)
class Target:
    """One account a post goes to; `scheduled_at` None means at once (or the queue slot)."""

    account_id: str
    scheduled_at: datetime | None = None


@dataclass(frozen=True)
class MediaRef:
    """An uploaded asset of the workspace, in the post's order, with its alt text."""

    id: str
    alt: str = ""


@dataclass(frozen=True)
class Recurrence:
    """An RFC 5545 rule from the first occurrence, ended by `count` or `until`."""

    rrule: str
    count: int | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class PostSpec:
    """One post of the request: its per-network content and the accounts it goes to."""

    networks: Mapping[str, NetworkBlock]
    targets: tuple[Target, ...]
    media: tuple[MediaRef, ...] = ()
    labels: tuple[str, ...] = ()
    recurrence: Recurrence | None = None
    evergreen: bool = False
    # One tuple per thread follow-up (`()` for none), the same in every network's thread.
    thread_media: tuple[tuple[MediaRef, ...], ...] = ()

    @property
    def all_media(self) -> tuple[MediaRef, ...]:
        """Every asset the post names: its own media, then its follow-ups'."""
        return (*self.media, *(ref for refs in self.thread_media for ref in refs))


@dataclass(frozen=True)
class JobRequest:
    """Posts to store as one job of `kind` (a `Job.Kind`); `origin` names who asked, for the
    `post.pending_approval` event (created, draft, generator, repostra)."""

    kind: str
    posts: tuple[PostSpec, ...]
    origin: str = "created"


def post_spec(
    *,
    networks: Mapping[str, NetworkBlock],
    account_ids: list[str],
    scheduled_at: datetime | None = None,
) -> PostSpec:
    """A post of these blocks for these accounts, all at `scheduled_at` (the internal
    callers' case: one text, several accounts, one time)."""
    return PostSpec(
        networks=networks,
        targets=tuple(Target(account_id=pk, scheduled_at=scheduled_at) for pk in account_ids),
    )
