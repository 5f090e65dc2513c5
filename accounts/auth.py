"""API key authentication in Publer's form: `Authorization: Bearer-API <key>` (or `Bearer`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from accounts.models import ApiKey, Member, Workspace
from core.fastpaths.prepared import PreparedQuery, columns, instance
from core.logging import log_ids

WORKSPACE_HEADER = "Publer-Workspace-Id"
_SCHEMES = ("bearer-api", "bearer")
# Writing last_used_at on every request would make each read a write; a minute is precise enough.
_LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiContext:
    """Who is calling and for which workspace; views read it with `api_context(request)`."""

    api_key: ApiKey
    member: Member
    workspace: Workspace

    def __post_init__(self) -> None:
        log_ids(workspace_id=self.workspace.pk, api_key=self.api_key.prefix)

    def has_scope(self, scope: str) -> bool:
        return self.api_key.has_scope(scope)


def api_context(request: Request) -> ApiContext:
    """The caller's context in a view that HasWorkspaceScope (or a dialect's permission) let
    through; a request without one is unauthenticated, never a crash."""
    context = request.auth
    if not isinstance(context, ApiContext):
        raise exceptions.NotAuthenticated()
    return context


def presented_key(request: Request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() not in _SCHEMES or not value.strip():
        return None
    return value.strip()


def _key_with_member(prefix: str) -> QuerySet:
    # How many workspaces the key's user belongs to, in the same query: with one (the
    # common case) the key's own membership is the caller's, and no second query runs.
    workspaces = (
        Member.objects.filter(user=OuterRef("member__user"))
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        ApiKey.objects.filter(prefix=prefix)
        .annotate(workspace_count=Subquery(workspaces))
        .values(
            *columns(ApiKey),
            *columns(Member, "member"),
            *columns(get_user_model(), "member__user"),
            *columns(Workspace, "member__workspace"),
            "workspace_count",
        )[:1]
    )


# Every request runs it: compiled once (core/fastpaths/prepared.py).
_KEY_WITH_MEMBER = PreparedQuery(_key_with_member, "prefix")


def resolve_api_key(presented: str) -> ApiKey:
    parts = ApiKey.split(presented)
    api_key = None
    if parts:
        prefix, secret = parts
        found = _KEY_WITH_MEMBER.rows(prefix=prefix)
        if found:
            api_key = _api_key_from(found[0])
        if api_key and not api_key.matches(secret):
            api_key = None
    if api_key is None:
        raise exceptions.AuthenticationFailed("Invalid API key.")
    if not api_key.is_active:
        raise exceptions.AuthenticationFailed("This API key has been revoked.")
    return api_key


def authenticated_key(request: Request, presented: str) -> ApiKey:
    """The key `presented` resolves to, looked up only when the client's address is not
    refused for its failed authentications (accounts.throttling); every dialect's
    authentication goes through here."""
    from accounts.throttling import FailedAuthenticationThrottle  # it imports this module

    FailedAuthenticationThrottle().refuse_exhausted(request)
    return resolve_api_key(presented)


def _api_key_from(row: dict) -> ApiKey:
    member = instance(Member, row, "member")
    member.user = instance(get_user_model(), row, "member__user")
    member.workspace = instance(Workspace, row, "member__workspace")
    api_key = instance(ApiKey, row)
    api_key.member = member
    api_key.user_workspaces = row["workspace_count"]
    return api_key


def resolve_membership(api_key: ApiKey, workspace_id: str | None) -> Member:
    """The caller's membership in the requested workspace; 404 for one it cannot see."""
    own = api_key.member
    if workspace_id == own.workspace_id or (not workspace_id and api_key.user_workspaces == 1):
        return own
    memberships = Member.objects.select_related("workspace", "user").filter(user=own.user)
    if workspace_id:
        member = memberships.filter(workspace_id=workspace_id).first()
        if member is None:
            raise exceptions.NotFound("Workspace not found.")
        return member
    members = list(memberships[:2])
    if len(members) == 1:
        return members[0]
    raise exceptions.ValidationError(
        f"This API key reaches several workspaces: send the {WORKSPACE_HEADER} header."
    )


def touch_last_used(api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < _LAST_USED_GRANULARITY:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[object, ApiContext] | None:
        presented = presented_key(request)
        if presented is None:
            return None
        api_key = authenticated_key(request, presented)
        member = resolve_membership(api_key, request.META.get("HTTP_PUBLER_WORKSPACE_ID"))
        touch_last_used(api_key)
        return member.user, ApiContext(api_key=api_key, member=member, workspace=member.workspace)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer-API realm="crier"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Bearer-API <key>` or `Bearer <key>`. Add `Publer-Workspace-Id: <id>` when "
                "the key reaches more than one workspace."
            ),
        }
