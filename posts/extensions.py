"""Where planning joins the posts pipeline, without posts importing it (one-way layers).

posts calls `planning`, an instance of `Planning`; `PlanningConfig.ready()` replaces it with
planning's subclass (`planning.services.PostsPlanning`) through `planning_register`. The
base classes state each step's contract and do what posts do alone: every post at the time
it was given, no queue slots, no recurrence. Read `extensions.planning` at call time (not
`from posts.extensions import planning`), so the registered one is used. Approvals and plan
allowances are not planning's: `posts.approvals` and `accounts.quotas` hold them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from accounts.models import SocialAccount
from posts.commands import PostSpec
from posts.models import Delivery, Job, Post
from posts.states import DeliveryStatus as S


class Expansion:
    """What is decided while a job becomes deliveries, inside the expansion transaction."""

    def __init__(self, job: Job) -> None:
        self.job = job

    @property
    def status(self) -> str:
        """The status the job's deliveries start in."""
        if self.job.kind == Job.Kind.DRAFT:
            return S.DRAFT
        return S.PENDING_APPROVAL if self.job.needs_approval else S.SCHEDULED

    def slot_for(self, post: Post, account: SocialAccount) -> tuple[datetime | None, str]:
        """For a queue job: (the slot now held for this post, "") or (None, why there is none)."""
        return None, "Queue posts need posting schedules (planning), which are not installed."

    def post_stored(self, post: Post, spec: PostSpec, deliveries: list[Delivery]) -> None:
        """`post` (saved) and its deliveries (saved by `finish` time) came from `spec`."""

    def finish(self) -> None:
        """After the job's deliveries are saved."""


class Planning:
    """planning's steps in the posts pipeline."""

    def expansion(self, *, job: Job, account_ids: Iterable[str], now: datetime) -> Expansion:
        """For a job about to be expanded to these accounts, in the expansion transaction."""
        return Expansion(job)

    def post_deleted(self, *, post: Post) -> None:
        """In the transaction that cancels a deleted post's deliveries."""


planning = Planning()


def planning_register(implementation: Planning) -> None:
    global planning
    planning = implementation
