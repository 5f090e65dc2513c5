from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import Member, SocialAccount, Workspace


def workspaces_of_member(*, member: Member) -> list[Member]:
    """Every membership of the member's user: the workspaces its API key can reach."""
    return list(
        Member.objects.select_related("workspace")
        .filter(user_id=member.user_id)
        .order_by("workspace__created_at")
    )


def social_account_list(*, workspace: Workspace) -> list[SocialAccount]:
    return list(workspace.social_accounts.connected().order_by("created_at"))


def social_account_get(*, workspace: Workspace, account_id: str) -> SocialAccount:
    """The workspace's connected account, or 404 (another workspace's id looks unknown)."""
    return get_object_or_404(workspace.social_accounts.connected(), pk=account_id)
