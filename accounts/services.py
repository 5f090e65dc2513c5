from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions

from accounts.models import (
    AccountStatus,
    ApiKey,
    IssuedKey,
    Member,
    Role,
    Scope,
    SocialAccount,
    Workspace,
)
from accounts.platforms import connector_config
from accounts.tokens import credentials_for, mark_needs_reauth, refresh_credentials
from connectors.base import Connector, RecentPost
from connectors.errors import AuthExpired, RefreshRefused
from connectors.registry import connector_class, get_connector
from core.errors import Conflict


def workspace_create(*, name: str, owner_username: str, owner_email: str = "") -> Workspace:
    user_model = get_user_model()
    with transaction.atomic():
        owner, _ = user_model.objects.get_or_create(
            username=owner_username, defaults={"email": owner_email}
        )
        workspace = Workspace.objects.create(name=name)
        Member.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def api_key_issue(
    *,
    workspace: Workspace,
    name: str,
    scopes: list[str] | None = None,
    member: Member | None = None,
) -> IssuedKey:
    """Issue a key for `member` (default: the workspace's first owner). All scopes by default."""
    unknown = set(scopes or []) - set(Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    if member is None:
        member = workspace.members.filter(role=Role.OWNER).order_by("created_at").first()
        if member is None:
            raise ValueError(f"workspace {workspace.pk} has no owner to issue a key for")
    return ApiKey.issue(member=member, name=name, scopes=scopes or list(Scope.values))


class ActingAsRefused(exceptions.PermissionDenied):
    """A key may not act as the member it names (dialects word it their own way)."""


class ActingNotAllowed(ActingAsRefused):
    default_detail = "Only the keys of owners and admins may act as another member."


class NotAMember(ActingAsRefused):
    default_detail = "No such member in this API key's workspace."


def member_acting_as(*, key_member: Member, member_id: str) -> Member:
    """The member a request acts for (PostPost's managed users), never with more rights than
    the key's own member: its role is the lower of the two, and the scopes stay the key's.

    Only a key whose member may manage members (admin and up) acts as another member, who
    must belong to the key's workspace.
    """
    if member_id == key_member.pk:
        return key_member
    if not key_member.has_role(Role.ADMIN):
        raise ActingNotAllowed()
    member = (
        Member.objects.select_related("workspace", "user")
        .filter(pk=member_id, workspace_id=key_member.workspace_id)
        .first()
    )
    if member is None:
        raise NotAMember()
    # This instance lives for the request only and is never saved: the role it carries is
    # what every permission and approval check of the request reads.
    member.role = min(member.role, key_member.role, key=Role.rank)
    return member


def social_account_disconnect(*, account: SocialAccount) -> None:
    """Disconnect a channel: credentials are wiped; its history stays for the record."""
    delivery_model = apps.get_model("posts", "Delivery")
    if delivery_model.objects.pending().filter(account=account).exists():
        raise Conflict(
            "This account has scheduled or in-flight posts: cancel or delete them first."
        )
    if apps.get_model("planning", "PostingSchedule").objects.filter(account=account).exists():
        raise Conflict(
            "This account has posting schedules: delete them first "
            "(DELETE /api/v1/posting-schedules/{id})."
        )
    account.credentials = {}
    account.status = AccountStatus.DISABLED
    account.status_reason = "Disconnected through the API."
    account.disconnected_at = timezone.now()
    account.save(
        update_fields=["credentials", "status", "status_reason", "disconnected_at", "updated_at"]
    )


def social_account_recent_posts(*, account: SocialAccount, limit: int) -> list[RecentPost] | None:
    """The account's latest posts, read from its platform now, newest first; None when the
    platform offers no such list. Made while a request waits, so each exchange is bounded
    by CRIER_REQUEST_HTTP_TIMEOUT (connectors.http caps its size and time); an expired
    token is refreshed once, and a refused refresh flags the account as publishing does.
    Raises `connectors.errors` types."""
    if connector_class(account.platform).recent_posts is Connector.recent_posts:
        return None
    with get_connector(
        account.platform,
        timeout=settings.CRIER_REQUEST_HTTP_TIMEOUT,
        config=connector_config(account.platform),
    ) as connector:
        credentials = credentials_for(account)
        try:
            return connector.recent_posts(credentials, limit=limit)
        except AuthExpired:
            try:
                fresh = refresh_credentials(account, connector, stale=credentials)
            except RefreshRefused as exc:
                mark_needs_reauth(account, exc)
                raise
            return connector.recent_posts(fresh, limit=limit)
