"""Approvals: a person with the `approve` scope schedules a post waiting in
`pending_approval` (optionally editing the text) or rejects it with a comment back to draft;
every API edit comes through `post_edit`, which sends it (back) to approval when the caller
needs that (who does: `posts.approval_policy`).

State changes go through `posts.services.post_update`, so the state machine, content
checks and past-time refusals are those of every other edit; it schedules a pending post
only with the approving `ApprovalDecision`, so approving is the one way out of approval.
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.auth import ApiContext
from accounts.models import Member
from core.errors import Conflict
from posts.approval_policy import approval_needed_for, pending_event
from posts.models import ApprovalDecision, Delivery, Job, Post
from posts.services import job_refresh, post_update
from posts.states import DeliveryStatus, can_transition
from webhooks.models import Event
from webhooks.services import emit

S = DeliveryStatus


def route_edit(*, post: Post, changes: dict) -> dict:
    """An edit by someone who needs approval: scheduling a draft, or changing the content of
    a scheduled post, sends it (back) to pending_approval instead. Scheduling a post that
    waits already stays as asked, for `post_update` to refuse: only an approval does that."""
    statuses = set(post.deliveries.exclude(status=S.CANCELLED).values_list("status", flat=True))
    content_changed = any(name in changes for name in ("networks", "media"))
    if content_changed and statuses & {S.FAILED, S.RETRYING}:
        # A retry would publish the new content, and these cannot go back to approval.
        raise Conflict(
            f"Post {post.pk} has failed or retrying deliveries, which would go out with "
            "content nobody approved: ask an approver to edit it."
        )
    if not statuses or not statuses <= {S.DRAFT, S.SCHEDULED, S.PENDING_APPROVAL}:
        return changes  # published work cannot be edited (post_update says so)
    if changes.get("state") == S.SCHEDULED and S.PENDING_APPROVAL not in statuses:
        return {**changes, "state": S.PENDING_APPROVAL}
    if "state" not in changes and content_changed and S.SCHEDULED in statuses:
        return {**changes, "state": S.PENDING_APPROVAL}
    return changes


def post_media_changed(*, context: ApiContext, post: Post) -> None:
    """Media added to or taken off a post outside `post_edit` (Publora/PostPost uploads to a
    post group): the same review an edit of its content by this caller gets. Run it in the
    transaction that changed the media, with the post's deliveries locked."""
    if not approval_needed_for(context):
        return
    if route_edit(post=post, changes={"media": post.media}).get("state") != S.PENDING_APPROVAL:
        return
    assert can_transition(S.SCHEDULED, S.PENDING_APPROVAL)
    Delivery.objects.filter(post=post, status=S.SCHEDULED).update(
        status=S.PENDING_APPROVAL, due_at=None, updated_at=timezone.now()
    )
    pending_event(post=post, reason="edited")


def _decide(
    *, post: Post, verdict: str, member: Member | None, by: str, comment: str
) -> ApprovalDecision:
    return ApprovalDecision.objects.create(
        workspace_id=post.workspace_id,
        post=post,
        verdict=verdict,
        comment=comment,
        decided_by=member,
        decided_by_name=by,
    )


def _pending_or_conflict(post: Post) -> list[Delivery]:
    pending = list(
        Delivery.objects.select_for_update().filter(post=post, status=S.PENDING_APPROVAL)
    )
    if not pending:
        raise Conflict(f"Post {post.pk} is not waiting for approval.")
    return pending


def post_approve(
    *, post: Post, member: Member | None, by: str, changes: dict | None = None
) -> ApprovalDecision:
    """Schedule a pending post. `changes` may hold `text` (the default block's text),
    `networks`, `scheduled_at`. A publish-now post goes out now; another whose time has
    passed needs a new `scheduled_at` (400 naming it)."""
    changes = dict(changes or {})
    with transaction.atomic():
        _pending_or_conflict(post)
        update: dict = {"state": S.SCHEDULED}
        if "text" in changes:
            update["networks"] = with_text(changes.get("networks", post.networks), changes["text"])
        elif "networks" in changes:
            update["networks"] = changes["networks"]
        if changes.get("scheduled_at"):
            update["scheduled_at"] = changes["scheduled_at"]
        elif post.job and post.job.kind == Job.Kind.PUBLISH_NOW:
            update["scheduled_at"] = timezone.now()
        decision = _decide(
            post=post,
            verdict=ApprovalDecision.Verdict.APPROVED,
            member=member,
            by=by,
            comment=changes.get("comment", ""),
        )
        post_update(post=post, changes=update, approval=decision)
        emit(
            workspace_id=post.workspace_id,
            event=Event.POST_APPROVED,
            data={"post_id": post.pk, "job_id": post.job_id, "approved_by": by},
        )
    return decision


def post_reject(*, post: Post, member: Member | None, by: str, comment: str) -> ApprovalDecision:
    """Send a pending post back to draft with the reviewer's comment.

    No content check here (unlike approving): a post for an account that needs reconnecting
    can still be turned down. A queue slot is given back.
    """
    if not comment.strip():
        raise ValidationError({"comment": ["A rejection needs a comment for the author."]})
    assert can_transition(S.PENDING_APPROVAL, S.DRAFT)
    with transaction.atomic():
        _pending_or_conflict(post)
        Delivery.objects.filter(post=post, status=S.PENDING_APPROVAL).update(
            status=S.DRAFT, due_at=None, slot_at=None, updated_at=timezone.now()
        )
        decision = _decide(
            post=post,
            verdict=ApprovalDecision.Verdict.REJECTED,
            member=member,
            by=by,
            comment=comment,
        )
        if post.job_id:
            job_refresh(job_id=post.job_id)  # a rejected publish-now job is done
        emit(
            workspace_id=post.workspace_id,
            event=Event.POST_REJECTED,
            data={
                "post_id": post.pk,
                "job_id": post.job_id,
                "rejected_by": by,
                "comment": comment,
            },
        )
    return decision


def with_text(networks: dict, text: str) -> dict:
    """The networks with `text` as the default block's text (every block's, with no default)."""
    edited = copy.deepcopy(networks)
    names = ["default"] if "default" in edited else list(edited)
    for name in names:
        edited[name]["text"] = text
    return edited


def post_edit(*, context: ApiContext, post: Post, changes: dict) -> Post:
    """Every edit of a post by an API caller, in every dialect (native PATCH, Publora and
    PostPost update-post, Postiz status): routed through approval when the caller needs it.
    """
    routed = route_edit(post=post, changes=changes) if approval_needed_for(context) else changes
    with transaction.atomic():
        post_update(post=post, changes=routed)
        if routed.get("state") == S.PENDING_APPROVAL:
            pending_event(post=post, reason="edited")
    return post
