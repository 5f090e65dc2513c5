"""Writes of the posts app: jobs, posts and deliveries. Views and tasks call these."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from itertools import chain
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts import quotas
from accounts.auth import ApiContext
from accounts.models import AccountStatus, Member, SocialAccount
from core.errors import Conflict
from core.logging import log_ids
from media import services as media_services
from posts import content, extensions, wakeups
from posts.approval_policy import approval_needed_for, pending_event
from posts.commands import JobRequest, Target
from posts.job_format import job_request_dump, job_request_load
from posts.models import Delivery, Job, Post, PostMedia, ThreadItemMedia
from posts.outcomes import transition
from posts.selectors import job_status
from posts.states import (
    CANCELLABLE,
    EDITABLE,
    TERMINAL,
    DeliveryStatus,
    JobStatus,
    can_transition,
)
from webhooks.models import Event
from webhooks.services import emit

# What POST /posts/{id}/retry re-runs: a final failure, or an outcome nobody could confirm.
RETRYABLE = frozenset({DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN})

logger = logging.getLogger(__name__)


class Approval(Protocol):
    """What lets a post leave pending_approval for scheduled: an approving decision recorded
    for that post (posts.approvals.post_approve stores one), never an edit."""

    post_id: str

    @property
    def approves(self) -> bool: ...


def job_create(*, context: ApiContext, request: JobRequest, expand_now: bool = False) -> Job:
    """Store the job; its expansion runs on a worker once this transaction commits.

    `expand_now` expands it in this request instead, for dialects that answer with the
    post's id at once (Publora's `postGroupId`); publishing still happens on workers.
    """
    from posts.tasks import run_job

    job = job_store(
        workspace_id=context.workspace.pk,
        request=request,
        created_by=context.member,
        needs_approval=request.kind != Job.Kind.DRAFT and approval_needed_for(context),
    )
    log_ids(job_id=job.pk)
    # The monthly post quota (402 rolls this transaction back). After the insert, so the
    # counter row is locked only for the rest of this transaction.
    quotas.posts_reserve(workspace=context.workspace, count=len(request.posts))
    if expand_now:
        job_run(job_id=job.pk)
    else:
        transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def job_store(
    *, workspace_id: str, request: JobRequest, created_by: Member | None, needs_approval: bool
) -> Job:
    """The Job row for `request`, in the current format (`posts.job_format`), not expanded:
    callers that took the quota already (planning's drafts, Repostra) run `job_run` next."""
    return Job.objects.create(
        workspace_id=workspace_id,
        kind=request.kind,
        request=job_request_dump(request),
        created_by=created_by,
        needs_approval=needs_approval,
    )


def job_run(*, job_id: str) -> None:
    """Expand a job's posts and accounts into deliveries; refusals go to `payload.failures`."""
    job = Job.objects.select_related("workspace").get(pk=job_id)
    if job.status != JobStatus.WORKING or Post.objects.filter(job=job).exists():
        return  # already expanded: a redelivered message must not create posts twice
    try:
        with transaction.atomic():
            failures = _expand(job)
            job.payload = {"failures": failures}
            job.save(update_fields=["payload"])
            _refund_unstored(job)
    except Exception:
        logger.exception("job expansion failed", extra={"job_id": job.pk})
        with transaction.atomic():
            failed = Job.objects.filter(pk=job.pk, status=JobStatus.WORKING).update(
                status=JobStatus.FAILED,
                error="The job could not be expanded; it has been logged.",
                completed_at=timezone.now(),
            )
            if failed:
                _refund_unstored(job, failed=True)
        return
    if job.kind == Job.Kind.PUBLISH_NOW:
        from posts.dispatch import dispatch_job

        dispatch_job(job=job)
    job_refresh(job_id=job.pk)


def _refund_unstored(job: Job, *, failed: bool = False) -> None:
    """Give back the quota of posts the job did not store (every target refused them), in
    the transaction that stored the others (or, `failed`, marked the job failed)."""
    stored = 0 if failed else Post.objects.filter(job=job).count()
    quotas.posts_refund(
        workspace_id=job.workspace_id,
        month=quotas.month_of(job.created_at),
        count=len(job.request.get("posts", ())) - stored,
    )


def _expand(job: Job) -> dict[str, dict[str, list[str]]]:
    request = job_request_load(job.request, kind=job.kind)
    accounts = {
        account.pk: account
        for account in SocialAccount.objects.filter(workspace=job.workspace).connected()
    }
    media_ids = {ref.id for spec in request.posts for ref in spec.all_media}
    media_services.media_lock(workspace_id=job.workspace_id, ids=media_ids)
    media_index = content.media_index(workspace=job.workspace, ids=media_ids)
    now = timezone.now()
    targeted = {target.account_id for spec in request.posts for target in spec.targets}
    # Queue slots, recurrence, evergreen (planning): locks queue accounts first.
    expansion = extensions.planning.expansion(
        job=job, account_ids=targeted & set(accounts), now=now
    )
    failures: dict[str, dict[str, list[str]]] = {}
    deliveries: list[Delivery] = []
    posts: list[Post] = []
    links: list[PostMedia] = []
    thread_links: list[ThreadItemMedia] = []
    for index, spec in enumerate(request.posts):
        post = Post(
            workspace=job.workspace,
            job=job,
            input_index=index,
            networks=dict(spec.networks),
            labels=list(spec.labels),
            created_by=job.created_by,
        )
        media = [{"id": ref.id, "alt": ref.alt} for ref in spec.media]
        thread_media = content.thread_refs(spec)
        targets = []
        for target in spec.targets:
            account = accounts.get(target.account_id)
            problems = content.problems_for(
                post=post,
                media=media,
                account=account,
                account_id=target.account_id,
                media_index=media_index,
                thread_media=thread_media,
            )
            slot = None
            if not problems and account is not None and job.kind == Job.Kind.QUEUE:
                slot, why_none = expansion.slot_for(post, account)
                problems = [why_none] if slot is None else []
            if problems:
                failures.setdefault(str(index), {})[target.account_id] = problems
                continue
            targets.append((account, slot or _scheduled_time(job, target, now), slot))
        if not targets:
            continue
        post.save()
        posts.append(post)
        links.extend(_links(post, media))
        thread_links.extend(_thread_links(post, thread_media))
        status = expansion.status
        post_deliveries = []
        for account, when, slot in targets:
            delivery = Delivery(
                workspace=job.workspace,
                post=post,
                account=account,
                status=status,
                scheduled_at=when,
                due_at=when if status == DeliveryStatus.SCHEDULED else None,
                slot_at=slot,
            )
            delivery.idempotency_key = f"crier-{delivery.pk}"
            post_deliveries.append(delivery)
        deliveries.extend(post_deliveries)
        expansion.post_stored(post, spec, post_deliveries)
    PostMedia.objects.bulk_create(links, batch_size=500)
    ThreadItemMedia.objects.bulk_create(thread_links, batch_size=500)
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    if job.kind != Job.Kind.PUBLISH_NOW:  # those are claimed at once (dispatch_job)
        wakeups.arm(delivery.due_at for delivery in deliveries)
    expansion.finish()
    if expansion.status == DeliveryStatus.PENDING_APPROVAL:
        for post in posts:
            pending_event(post=post, reason=request.origin)
    return failures


def _scheduled_time(job: Job, target: Target, now: datetime) -> datetime:
    if job.kind == Job.Kind.PUBLISH_NOW or target.scheduled_at is None:
        return now
    return target.scheduled_at


def job_refresh(*, job_id: str) -> bool:
    """Complete the job once its work is done; True when this call completed it.

    Scheduled and draft jobs are done when stored; publish-now jobs when every delivery
    is terminal. One conditional UPDATE decides, so exactly one caller wins; callers run it
    after their own change committed, so the last of two concurrent finishers sees both.
    """
    # A draft (a rejected approval) will not go out with this job either.
    unfinished = Delivery.objects.filter(post__job=OuterRef("pk")).exclude(
        status__in=TERMINAL | {DeliveryStatus.DRAFT}
    )
    with transaction.atomic():
        completed = (
            Job.objects.filter(pk=job_id, status=JobStatus.WORKING, payload__has_key="failures")
            .filter(~Q(kind=Job.Kind.PUBLISH_NOW) | ~Exists(unfinished))
            .update(status=JobStatus.COMPLETED, completed_at=timezone.now())
        )
        if completed:
            workspace_id = Job.objects.values_list("workspace_id", flat=True).get(pk=job_id)
            emit(
                workspace_id=workspace_id,
                event=Event.JOB_COMPLETED,
                data={"job_id": job_id, **job_status(workspace_id=workspace_id, job_id=job_id)},
            )
    return bool(completed)


def post_update(*, post: Post, changes: dict, approval: Approval | None = None) -> Post:
    """Edit text, media, labels, time or state while nothing of the post has gone out.

    A post waiting for approval is scheduled only with `approval`, the decision approving
    it; any other attempt is a 409, so no caller can skip the review. API callers edit
    through `posts.approvals.post_edit`, which also sends edits back to approval.
    """
    with transaction.atomic():
        deliveries = list(
            Delivery.objects.select_for_update().filter(post=post).select_related("account")
        )
        busy = [d for d in deliveries if d.status not in EDITABLE]
        if busy:
            states = ", ".join(sorted({d.status for d in busy}))
            raise Conflict(f"This post can no longer be edited: deliveries are {states}.")
        live = [d for d in deliveries if d.status != DeliveryStatus.CANCELLED]
        if deliveries and not live:
            # An edit here would answer success and change nothing that can ever go out.
            raise Conflict("This post was deleted: every delivery is cancelled.")
        schedules = [(delivery, *_new_schedule(delivery, changes, approval)) for delivery in live]
        for field in ("networks", "labels"):
            if field in changes:
                setattr(post, field, changes[field])
        # The stored ones when left alone: a shorter thread must not orphan them.
        media = changes.get("media", post.media)
        thread_media = changes.get("thread_media", post.thread_media)
        changed = [*changes.get("media", ()), *chain.from_iterable(changes.get("thread_media", ()))]
        named = {ref["id"] for ref in changed}
        media_services.media_lock(workspace_id=post.workspace_id, ids=named)
        media_index = content.media_index(workspace=post.workspace, ids=named)
        problems = [
            f"{delivery.account_id}: {message}"
            for delivery in live
            for message in content.problems_for(
                post=post,
                media=media,
                account=delivery.account,
                account_id=delivery.account_id,
                media_index=media_index,
                thread_media=thread_media,
            )
        ]
        if problems:
            raise ValidationError(problems)
        post.save()
        if "media" in changes:
            post.media_links.all().delete()
            PostMedia.objects.bulk_create(_links(post, media))
        if "thread_media" in changes:
            post.thread_media_links.all().delete()
            ThreadItemMedia.objects.bulk_create(_thread_links(post, thread_media))
        for delivery, status, when in schedules:
            if when != delivery.scheduled_at or status == DeliveryStatus.DRAFT:
                delivery.slot_at = None  # a queue slot is given back when the post leaves it
            delivery.status, delivery.scheduled_at = status, when
            if status == DeliveryStatus.SCHEDULED:
                delivery.due_at = when
            elif status in (DeliveryStatus.DRAFT, DeliveryStatus.PENDING_APPROVAL):
                delivery.due_at = None  # never dispatched
            # A retrying delivery keeps its backoff time; a failed one waits for a retry.
            delivery.save(
                update_fields=["status", "due_at", "scheduled_at", "slot_at", "updated_at"]
            )
        wakeups.arm(delivery.due_at for delivery in live)  # None (drafts) is left out
    return post


def post_media_attach(*, post: Post, media_id: str, alt: str = "") -> Post:
    """Add media to a post before its file has arrived (Publora/PostPost upload to an
    existing post). Its bytes are checked once they are there: when the post is next
    edited or scheduled (with the platforms' limits then), else when a delivery goes out,
    which waits for them (content.media_wait)."""
    with transaction.atomic():
        _lock_editable(post)
        media_services.media_lock(workspace_id=post.workspace_id, ids={media_id})
        last = post.media_links.order_by("-position").values_list("position", flat=True).first()
        PostMedia.objects.create(
            post=post, asset_id=media_id, position=0 if last is None else last + 1, alt=alt
        )
        post.save(update_fields=["updated_at"])
    return post


def post_media_detach(*, post: Post, media_ids: set[str]) -> Post:
    """Take media off a post that has not gone out (the asset itself stays); the others
    keep their order."""
    with transaction.atomic():
        _lock_editable(post)
        post.media_links.filter(asset_id__in=media_ids).delete()
        post.save(update_fields=["updated_at"])
    return post


def _lock_editable(post: Post) -> None:
    """Lock the post and its deliveries; 409 once any has gone out."""
    Post.objects.select_for_update().filter(pk=post.pk).values_list("pk").get()
    deliveries = Delivery.objects.select_for_update().filter(post=post)
    busy = sorted(set(deliveries.values_list("status", flat=True)) - EDITABLE)
    if busy:
        raise Conflict(f"This post can no longer be edited: deliveries are {', '.join(busy)}.")


def _links(post: Post, media: list[dict]) -> list[PostMedia]:
    """The rows for a post's `[{id, alt}]`, numbered in order; the caller checked that each
    asset is the workspace's and locked it (media_lock)."""
    return [
        PostMedia(post=post, asset_id=ref["id"], position=position, alt=ref.get("alt") or "")
        for position, ref in enumerate(media)
    ]


def _thread_links(post: Post, thread_media: Sequence[Sequence[dict]]) -> list[ThreadItemMedia]:
    """The rows for a post's follow-ups' `[{id, alt}]` lists (`item` 1 is the first
    follow-up), as `_links` for the post's own."""
    return [
        ThreadItemMedia(
            post=post, item=item, asset_id=ref["id"], position=position, alt=ref.get("alt") or ""
        )
        for item, refs in enumerate(thread_media, start=1)
        for position, ref in enumerate(refs)
    ]


def _new_schedule(
    delivery: Delivery, changes: dict, approval: Approval | None
) -> tuple[str, datetime]:
    """The delivery's status and time after the edit; refuses moves the state machine forbids
    and a move out of approval that no approving decision made."""
    when = changes.get("scheduled_at", delivery.scheduled_at)
    target = changes.get("state", delivery.status)
    leaves_approval = (delivery.status, target) == (
        DeliveryStatus.PENDING_APPROVAL,
        DeliveryStatus.SCHEDULED,
    )
    approved = approval is not None and approval.approves and approval.post_id == delivery.post_id
    if leaves_approval and not approved:
        raise Conflict(
            f"Post {delivery.post_id} is waiting for approval: only an approval schedules it "
            f"(POST /api/v1/posts/{delivery.post_id}/approve, by an admin whose key has the "
            "approve scope)."
        )
    if target != delivery.status and not can_transition(delivery.status, target):
        hint = ": retry the post instead." if delivery.status in RETRYABLE else "."
        raise Conflict(
            f"Delivery {delivery.pk} is {delivery.status} and cannot become {target}{hint}"
        )
    moved_to_scheduled = (
        target in (DeliveryStatus.SCHEDULED, DeliveryStatus.PENDING_APPROVAL)
        and target != delivery.status
    )
    if moved_to_scheduled and when < timezone.now() - settings.CRIER_PAST_TOLERANCE:
        # The draft's old time has passed: scheduling it as it is would publish at once.
        raise ValidationError(
            {"scheduled_at": [f"{when.isoformat()} is in the past: send a new time."]}
        )
    return target, when


def deliveries_cancel(*, deliveries: QuerySet[Delivery]) -> int:
    """Cancel what has not gone out; published and failed deliveries stay on record."""
    cancelled = deliveries.filter(status__in=CANCELLABLE).update(
        status=DeliveryStatus.CANCELLED,
        due_at=None,
        lease_expires_at=None,
        updated_at=timezone.now(),
    )
    _refresh_jobs_of(deliveries)
    return cancelled


# Retry and publish now only for accounts that can publish: one that needs reconnecting or
# is disabled would fail the delivery again at once (and count as an attempt).
_ACCOUNT_CAN_PUBLISH = Q(
    account__status=AccountStatus.ACTIVE, account__disconnected_at__isnull=True
)
PUBLISHABLE_NOW = frozenset({DeliveryStatus.SCHEDULED, DeliveryStatus.DRAFT})


def delivery_refusal(*, delivery: Delivery, action: str) -> str:
    """Why `action` (cancel, retry, publish_now, resolve) cannot work on this delivery, or ""
    when it can: what operators are told before they confirm. Mirrors the filters of the
    services below, which apply the same rules to whatever is selected."""
    status = delivery.status
    allowed = {
        "cancel": CANCELLABLE,
        "retry": RETRYABLE,
        "publish_now": PUBLISHABLE_NOW,
        "resolve": {DeliveryStatus.UNKNOWN},
    }[action]
    if status not in allowed:
        return f"it is {status}; this needs {' or '.join(sorted(allowed))}."
    if action in ("retry", "publish_now") and not delivery.account.can_publish:
        account = delivery.account
        state = "disconnected" if account.disconnected_at else account.status
        return f"its account {account} is {state}: reconnect it first, or it fails at once."
    return ""


def deliveries_retry(*, deliveries: QuerySet[Delivery]) -> int:
    """Run failed and `unknown` deliveries again, now, with a fresh attempt budget.

    The last error stays on the delivery until an attempt replaces it (each attempt is in
    the append-only log), and lateness counts from this request (`requested_at`), so a
    retry of an old post raises no overdue alert for the time it spent failed.
    """
    now = timezone.now()
    retried = (
        deliveries.filter(status__in=RETRYABLE)
        .filter(_ACCOUNT_CAN_PUBLISH)
        .update(
            status=DeliveryStatus.RETRYING,
            due_at=now,
            requested_at=now,
            overdue_at=None,
            attempts=0,
            lease_expires_at=None,
            updated_at=now,
        )
    )
    if retried:
        # Their publish-now jobs reflect the work again until the retried deliveries finish.
        Job.objects.filter(
            pk__in=deliveries.values("post__job_id"), kind=Job.Kind.PUBLISH_NOW
        ).update(status=JobStatus.WORKING, completed_at=None)
        wakeups.arm([now])
    return retried


def deliveries_publish_now(*, deliveries: QuerySet[Delivery]) -> int:
    """Bring scheduled (and draft) deliveries forward: a wake-up claims them now.
    `scheduled_at` keeps the planned time; `requested_at` says when it was brought forward."""
    now = timezone.now()
    moved = (
        deliveries.filter(status__in=PUBLISHABLE_NOW)
        .filter(_ACCOUNT_CAN_PUBLISH)
        .update(status=DeliveryStatus.SCHEDULED, due_at=now, requested_at=now, updated_at=now)
    )
    if moved:
        wakeups.arm([now])
    return moved


def delivery_resolve(
    *,
    delivery: Delivery,
    outcome: str,
    resolved_by: str,
    external_url: str = "",
    external_id: str = "",
    published_at: datetime | None = None,
) -> bool:
    """An operator states what became of an `unknown` delivery after checking the platform:
    for `published`, with the post's URL, id and time as found there when they were."""
    if outcome not in (DeliveryStatus.PUBLISHED, DeliveryStatus.FAILED):
        raise ValueError(f"an unknown delivery resolves to published or failed, not {outcome}")
    note = f"Marked {outcome} by {resolved_by} after checking the platform."
    changes: dict = {"error_code": "resolved_by_operator", "error_message": note}
    if outcome == DeliveryStatus.PUBLISHED:
        changes["published_at"] = published_at or timezone.now()
        if external_url:
            changes["external_url"] = external_url
        if external_id:
            changes["external_id"] = external_id
    return transition(
        delivery.pk, outcome, expected=DeliveryStatus.UNKNOWN, lease_expires_at=None, **changes
    )


def _refresh_jobs_of(deliveries: QuerySet[Delivery]) -> None:
    for job_id in set(deliveries.values_list("post__job_id", flat=True)) - {None}:
        job_refresh(job_id=job_id)


def post_delete(*, post: Post) -> int:
    """Cancel every delivery of the post that has not gone out, and end its recurrence."""
    with transaction.atomic():
        extensions.planning.post_deleted(post=post)
        return deliveries_cancel(deliveries=Delivery.objects.filter(post=post))


def post_retry(*, post: Post) -> int:
    """Re-run the failed and unknown deliveries of a post; 409 when there are none."""
    deliveries = Delivery.objects.filter(post=post)
    retried = deliveries_retry(deliveries=deliveries)
    if not retried:
        blocked = sorted(
            {
                str(delivery.account)
                for delivery in deliveries.filter(status__in=RETRYABLE).select_related("account")
            }
        )
        if blocked:
            raise Conflict(
                f"The accounts of this post's failed deliveries cannot publish "
                f"({', '.join(blocked)}): reconnect them first, or the retry fails at once."
            )
        raise Conflict("This post has no failed or unknown deliveries to retry.")
    return retried
