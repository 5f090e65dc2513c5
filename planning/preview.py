"""Validation preview: what `/posts/schedule` would do with a body, storing nothing.

The same checks as the job expansion (`posts.content.problems_for`: account connected and
active, media found, the connector's limits), plus the planning steps: the queue slot each
post would take, whether it would wait for approval, and the monthly quota.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts import quotas
from accounts.auth import ApiContext
from accounts.models import SocialAccount
from planning.queue import QueuePlanner, content_type_of
from posts import content
from posts.approval_policy import approval_needed_for
from posts.commands import JobRequest
from posts.models import Job, Post
from posts.states import DeliveryStatus

S = DeliveryStatus


def bulk_preview(*, context: ApiContext, request: JobRequest) -> dict:
    workspace = context.workspace
    kind = request.kind
    accounts = {
        account.pk: account
        for account in SocialAccount.objects.filter(workspace=workspace).connected()
    }
    media_ids = {ref.id for spec in request.posts for ref in spec.all_media}
    media_index = content.media_index(workspace=workspace, ids=media_ids)
    now = timezone.now()
    needs_approval = kind != Job.Kind.DRAFT and approval_needed_for(context)
    state = (
        S.DRAFT if kind == Job.Kind.DRAFT else S.PENDING_APPROVAL if needs_approval else S.SCHEDULED
    )
    targeted = {t.account_id for spec in request.posts for t in spec.targets} & set(accounts)
    # Slots are only looked at: the planner holds them in memory for this preview.
    queue = QueuePlanner(targeted, now=now) if kind == Job.Kind.QUEUE else None
    errors = []
    quota = quotas.posts_would_exceed(workspace=workspace, count=len(request.posts))
    if quota:
        errors.append(quota)
    posts = []
    for index, spec in enumerate(request.posts):
        post = Post(workspace=workspace, networks=dict(spec.networks))
        media = [{"id": ref.id, "alt": ref.alt} for ref in spec.media]
        results = []
        for target in spec.targets:
            account = accounts.get(target.account_id)
            problems = content.problems_for(
                post=post,
                media=media,
                account=account,
                account_id=target.account_id,
                media_index=media_index,
                thread_media=content.thread_refs(spec),
            )
            when: datetime | None = target.scheduled_at
            if kind == Job.Kind.PUBLISH_NOW:
                when = now
            if queue is not None and account is not None and not problems:
                kind_of_post = content_type_of(post.block_for(account.platform))
                when = queue.take(account.pk, kind_of_post)
                if when is None:
                    problems = [queue.why_none(account.pk, kind_of_post)]
            results.append(
                {
                    "account_id": target.account_id,
                    "ok": not problems,
                    "problems": problems,
                    "state": None if problems else state,
                    "scheduled_at": None if problems else when,
                }
            )
        posts.append({"index": index, "ok": all(r["ok"] for r in results), "accounts": results})
    return {
        "valid": not errors and all(p["ok"] for p in posts),
        "errors": errors,
        "needs_approval": needs_approval,
        "posts": posts,
    }
