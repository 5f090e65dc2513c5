"""Planned posts: a topic drafted by the content generator (or a person) into a post that
waits for approval.

Generation runs on a worker, one generator call per attempt, outside any transaction. The
database holds the retries: a passing failure puts the plan back to `planned` with
`next_attempt_at` (exponential backoff, never sooner than the server's `Retry-After`), and
beat's `generate_due_drafts` sends it again, as it re-sends plans whose worker died
(`generating` past its lease). A final failure is `failed` with the reason, and raises
`draft.failed`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from rest_framework import exceptions

from accounts import quotas
from accounts.auth import ApiContext
from accounts.models import Member, SocialAccount
from accounts.platforms import connector_for
from connectors.errors import ConnectorError, TransientError
from core.errors import Conflict
from planning import generator
from planning.models import PlannedPost
from posts.approval_policy import approval_needed_for
from posts.commands import JobRequest, post_spec
from posts.models import Job, Post
from posts.services import job_run, job_store
from webhooks.models import Event
from webhooks.services import emit

logger = logging.getLogger(__name__)
P = PlannedPost.Status


def planned_create(*, context: ApiContext, fields: dict) -> PlannedPost:
    """Store a topic (one post of the monthly quota) and start drafting it if a generator
    is configured; without one it waits for a person's draft. Its accounts must be the
    workspace's: another workspace's is a 404, as one that does not exist."""
    _own_accounts_or_404(workspace_id=context.workspace.pk, account_ids=fields["account_ids"])
    with transaction.atomic():
        quotas.posts_reserve(workspace=context.workspace, count=1)
        plan = PlannedPost.objects.create(
            workspace=context.workspace,
            created_by=context.member,
            next_attempt_at=timezone.now() if generator.configured() else None,
            **fields,
        )
        if generator.configured():
            _send_after_commit([plan.pk])
    return plan


def _own_accounts_or_404(*, workspace_id: str, account_ids: list[str]) -> None:
    own = SocialAccount.objects.filter(workspace_id=workspace_id, pk__in=account_ids)
    known = set(own.values_list("pk", flat=True))
    unknown = [pk for pk in account_ids if pk not in known]
    if unknown:
        raise exceptions.NotFound(f"Account {unknown[0]} not found.")


def _send_after_commit(plan_ids: list[str]) -> None:
    from planning.tasks import generate_draft

    transaction.on_commit(lambda: [generate_draft.delay(pk) for pk in plan_ids])


def planned_regenerate(*, plan: PlannedPost) -> PlannedPost:
    """Try the generator again for a failed (or still planned) topic, with fresh attempts."""
    if not generator.configured():
        raise Conflict("No content generator is configured: send a draft instead.")
    with transaction.atomic():
        moved = PlannedPost.objects.filter(pk=plan.pk, status__in=[P.PLANNED, P.FAILED]).update(
            status=P.PLANNED, attempts=0, next_attempt_at=timezone.now(), error=""
        )
        if not moved:
            raise Conflict(f"Planned post {plan.pk} is {plan.status}: nothing to generate.")
        _send_after_commit([plan.pk])
    plan.refresh_from_db()
    return plan


def planned_delete(*, plan: PlannedPost) -> None:
    deleted, _ = PlannedPost.objects.filter(pk=plan.pk).exclude(status=P.DRAFTED).delete()
    if not deleted:
        raise Conflict("This topic is drafted already: delete its post instead.")


def _claim(plan_id: str, *, now: datetime, sources: Q) -> bool:
    lease = now + timedelta(seconds=2 * settings.CRIER_GENERATOR_TIMEOUT + 30)
    return bool(
        PlannedPost.objects.filter(sources, pk=plan_id).update(
            status=P.GENERATING, attempts=F("attempts") + 1, lease_expires_at=lease
        )
    )


def draft_generate(*, plan_id: str) -> str:
    """One generator attempt for a plan that is due; the plan's new status."""
    now = timezone.now()
    due = Q(status=P.PLANNED) & (Q(next_attempt_at__lte=now) | Q(next_attempt_at=None))
    if not generator.configured() or not _claim(plan_id, now=now, sources=due):
        return "skipped"  # a duplicate message, not due yet, or nobody to generate
    plan = PlannedPost.objects.select_related("workspace").get(pk=plan_id)
    try:
        text = generator.generate(_brief(plan))
    except TransientError as exc:
        return _retry_or_fail(plan, exc, now=timezone.now())
    except ConnectorError as exc:
        return _fail(plan, exc.message)
    except Exception:  # never leave the plan generating: say so, and keep the trace
        logger.exception("generator call failed", extra={"plan": plan.pk})
        return _fail(plan, "The generator call failed unexpectedly; it has been logged.")
    draft_store(plan=plan, text=text, by="generator", needs_approval=True)
    return P.DRAFTED


def _brief(plan: PlannedPost) -> generator.Brief:
    platforms = sorted(
        set(
            SocialAccount.objects.filter(
                workspace=plan.workspace, pk__in=plan.account_ids
            ).values_list("platform", flat=True)
        )
    )
    limits = [connector_for(platform).limits.max_chars for platform in platforms]
    return generator.Brief(
        topic=plan.topic,
        description=plan.description,
        keyword=plan.keyword,
        platforms=tuple(platforms),
        max_chars=min(limits) if limits else None,
    )


def _retry_or_fail(plan: PlannedPost, exc: TransientError, *, now: datetime) -> str:
    if plan.attempts >= settings.CRIER_GENERATOR_MAX_ATTEMPTS:
        return _fail(plan, f"{exc.message} (gave up after {plan.attempts} attempts)")
    delay: float = get_exponential_backoff_interval(
        factor=settings.CRIER_GENERATOR_RETRY_BASE,
        retries=plan.attempts - 1,
        maximum=settings.CRIER_GENERATOR_RETRY_MAX,
        full_jitter=False,
    )
    delay = max(delay, exc.retry_after or 0, 1)
    PlannedPost.objects.filter(pk=plan.pk, status=P.GENERATING).update(
        status=P.PLANNED,
        next_attempt_at=now + timedelta(seconds=delay),
        lease_expires_at=None,
        error=f"Attempt {plan.attempts} failed, retrying: {exc.message}",
    )
    return P.PLANNED


def _fail(plan: PlannedPost, reason: str) -> str:
    with transaction.atomic():
        failed = PlannedPost.objects.filter(pk=plan.pk, status=P.GENERATING).update(
            status=P.FAILED, next_attempt_at=None, lease_expires_at=None, error=reason
        )
        if failed:
            emit(
                workspace_id=plan.workspace_id,
                event=Event.DRAFT_FAILED,
                data={"planned_post_id": plan.pk, "topic": plan.topic, "error": reason},
            )
    return P.FAILED


def draft_store(*, plan: PlannedPost, text: str, by: str, needs_approval: bool) -> Post | None:
    """The drafted text becomes a post for the plan's accounts, through the same job
    expansion as any request (account checks, queue slots, approval state)."""
    scheduled = plan.scheduled_at is not None
    request = JobRequest(
        kind=Job.Kind.SCHEDULE if scheduled else Job.Kind.QUEUE,
        posts=(
            post_spec(
                networks={"default": {"type": "status", "text": text}},
                account_ids=plan.account_ids,
                scheduled_at=plan.scheduled_at,
            ),
        ),
        origin="generator" if by == "generator" else "draft",
    )
    with transaction.atomic():
        moved = PlannedPost.objects.filter(
            pk=plan.pk, status__in=[P.PLANNED, P.GENERATING, P.FAILED]
        ).update(
            status=P.DRAFTED,
            text=text,
            drafted_by=by,
            drafted_at=timezone.now(),
            error="",
            lease_expires_at=None,
        )
        if not moved:
            raise Conflict(f"Planned post {plan.pk} is drafted already.")
        job = job_store(
            workspace_id=plan.workspace_id,
            request=request,
            created_by=plan.created_by,
            needs_approval=needs_approval,
        )
    job_run(job_id=job.pk)  # its own transaction, as on a worker
    post = Post.objects.filter(job=job).first()
    if post is not None:
        PlannedPost.objects.filter(pk=plan.pk).update(post=post)
        return post
    job.refresh_from_db()
    reasons = "; ".join(
        message
        for accounts in job.payload.get("failures", {}).values()
        for messages in accounts.values()
        for message in messages
    )
    # Said in words: the job is internal, and a dialect's client cannot look it up.
    if not plan.account_ids:
        reasons = "it has no account to publish to."
    reasons = reasons or job.error or "no account accepted it."
    reason = f"The draft could not be stored for any account: {reasons}"
    with transaction.atomic():
        PlannedPost.objects.filter(pk=plan.pk).update(status=P.FAILED, error=reason)
        emit(
            workspace_id=plan.workspace_id,
            event=Event.DRAFT_FAILED,
            data={"planned_post_id": plan.pk, "topic": plan.topic, "error": reason},
        )
    return post


def draft_by_person(*, context: ApiContext, plan: PlannedPost, text: str) -> Post | None:
    """A person writes the draft (no generator, or instead of it)."""
    if plan.status == P.GENERATING:
        raise Conflict("The generator is drafting this topic right now.")
    return draft_store(
        plan=plan,
        text=text,
        by=_person(context.member),
        needs_approval=approval_needed_for(context),
    )


def _person(member: Member) -> str:
    return member.user.get_username()


def due_send(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Beat: send the plans whose next attempt is due, and those a dead worker left."""
    if not generator.configured():
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        PlannedPost.objects.filter(status=P.GENERATING, lease_expires_at__lte=now).update(
            status=P.PLANNED, next_attempt_at=now, lease_expires_at=None
        )
        ids = list(
            PlannedPost.objects.filter(status=P.PLANNED, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        _send_after_commit(ids)
    return len(ids)
