"""Who waits for approval, and the event that asks for it: what the posts pipeline decides
when a job is accepted and expanded (`posts.services`) and what every approval action reads
(`posts.approvals`). The setting is the workspace's (`Workspace.approval_required`).
"""

from __future__ import annotations

from accounts.auth import ApiContext
from accounts.models import Member, Role, Scope, Workspace
from posts.models import Delivery, Post
from posts.states import DeliveryStatus
from webhooks.models import Event
from webhooks.services import emit

S = DeliveryStatus


def approval_needed(*, workspace: Workspace, member: Member | None, scopes: list[str]) -> bool:
    """Whether posts from this caller wait for approval in this workspace."""
    if not workspace.approval_required:  # the caller's workspace, read in this request
        return False
    if member is None or not member.has_role(Role.ADMIN):
        return True  # editors always ask, whatever their key may do
    return Scope.APPROVE not in scopes


def approval_needed_for(context: ApiContext) -> bool:
    return approval_needed(
        workspace=context.workspace, member=context.member, scopes=context.api_key.scopes
    )


def pending_event(*, post: Post, reason: str = "created") -> None:
    """`post.pending_approval`, in the caller's transaction."""
    deliveries = list(
        Delivery.objects.filter(post=post, status=S.PENDING_APPROVAL).select_related("account")
    )
    if not deliveries:
        return
    author = post.created_by.user.get_username() if post.created_by else ""
    emit(
        workspace_id=post.workspace_id,
        event=Event.POST_PENDING_APPROVAL,
        data={
            "post_id": post.pk,
            "job_id": post.job_id,
            "reason": reason,
            "created_by": author,
            "text": post.block_for("default").get("text", ""),
            "accounts": [
                {
                    "account_id": d.account_id,
                    "platform": d.account.platform,
                    "scheduled_at": d.scheduled_at,
                }
                for d in deliveries
            ],
        },
    )
