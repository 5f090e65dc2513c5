"""Repostra's social accounts: webhook/Zapier, WordPress and manual accounts made through
the API, OAuth accounts (connected natively) listed as `auto`; never a credential in an
answer.

`manual` is Crier's manual connector (`connectors/manual.py`): the person posts by hand and
Crier sends nothing; approving its content marks it published. `auto` cannot be created
here (422 naming the route): an OAuth account exists only once its owner has consented on
the platform, in a browser, which an API call cannot do; it is connected with Crier's
`POST /api/v1/accounts/connect/{platform}` flow and then listed here as `auto`.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import connection, platforms
from accounts import services as account_services
from accounts.auth import ApiContext, api_context
from accounts.connect_views import _platform_call
from accounts.models import AccountStatus, Role, Scope, SocialAccount
from compat.repostra import ids
from compat.repostra.base import (
    DELETED_SCHEMA,
    PAGE_PARAMETERS,
    TAGS,
    RepostraView,
    data_schema,
    deleted,
    paginated,
    paginated_schema,
    workspace_object_or_404,
)
from core.errors import Conflict
from core.redaction import url_shown
from core.timestamps import iso_timestamp

PLATFORMS = ["website", "facebook", "twitter", "instagram", "linkedin", "tiktok", "youtube"]
POSTING_METHODS = ["manual", "wordpress", "webhook", "auto", "zapier"]
MANUAL = "manual"  # the posting method, and its connector (connectors/manual.py)
# The connectors this API makes accounts on; content goes out through them on approval.
WEBSITE_CONNECTORS = ("wordpress", "webhook", MANUAL)
# Crier's platform slugs where Repostra names them differently.
PLATFORM_NAMES = {"x": "twitter", "wordpress": "website", "webhook": "website"}
OAUTH_SLUGS = {"twitter": "x"}  # Repostra's platform → Crier's connector, for `auto`


def repostra_accounts() -> QuerySet[SocialAccount]:
    """The connected accounts a Repostra client may see: those whose platform is one of the
    document's seven. Crier's other networks (Mastodon, Bluesky, Threads, ...) are left
    out rather than named: a client checking the documented enum would meet a value it
    cannot handle, and mapping one onto another network would misstate where posts go."""
    return SocialAccount.objects.connected().filter(
        Q(platform__in=[*PLATFORMS, *PLATFORM_NAMES])
        | Q(settings__repostra__platform__in=PLATFORMS)
    )


def _repostra_settings(account: SocialAccount) -> dict:
    stored = account.settings.get("repostra") if isinstance(account.settings, dict) else None
    return stored if isinstance(stored, dict) else {}


def platform_of(account: SocialAccount) -> str:
    return _repostra_settings(account).get("platform") or PLATFORM_NAMES.get(
        account.platform, account.platform
    )


def posting_method_of(account: SocialAccount) -> str:
    stored = _repostra_settings(account).get("posting_method")
    if stored:
        return stored
    return account.platform if account.platform in WEBSITE_CONNECTORS else "auto"


def website_accounts(workspace: Any) -> list[SocialAccount]:
    """The active WordPress, webhook and manual accounts shown as `website`: where content
    goes."""
    accounts = SocialAccount.objects.connected().filter(
        workspace=workspace, platform__in=WEBSITE_CONNECTORS, status=AccountStatus.ACTIVE
    )
    return [a for a in accounts.order_by("created_at") if platform_of(a) == "website"]


def _webhook_url(account: SocialAccount) -> str | None:
    extra = (account.credentials or {}).get("extra") or {}
    if account.platform == "webhook":
        return extra.get("url") or None
    if account.platform == "wordpress":
        return extra.get("site_url") or None
    return None


def account_data(account: SocialAccount) -> dict:
    """Never a credential: of the webhook URL (or WordPress site), only what `url_shown`
    allows every dialect to show, its host (a Zapier or Make URL carries a token)."""
    stored_url = _webhook_url(account)
    return {
        "id": ids.number_of(ids.Kind.ACCOUNT, account),
        "platform": platform_of(account),
        "account_name": account.display_name or None,
        "account_identifier": _repostra_settings(account).get("account_identifier")
        or (account.username if account.platform not in WEBSITE_CONNECTORS else None)
        or None,
        "posting_method": posting_method_of(account),
        "webhook_url": url_shown(stored_url) if stored_url else None,
        "is_active": account.status == AccountStatus.ACTIVE,
        "created_at": iso_timestamp(account.created_at),
        "updated_at": iso_timestamp(account.updated_at),
    }


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    account_name = serializers.CharField(allow_null=True)
    account_identifier = serializers.CharField(allow_null=True)
    posting_method = serializers.CharField()
    webhook_url = serializers.CharField(
        allow_null=True, help_text="Only the host: the URL itself may carry a token."
    )
    is_active = serializers.BooleanField()
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


class AccountInputSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=PLATFORMS)
    account_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, allow_null=True
    )
    account_identifier = serializers.CharField(
        max_length=200, required=False, allow_blank=True, allow_null=True
    )
    posting_method = serializers.ChoiceField(choices=POSTING_METHODS, required=False)
    webhook_url = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, allow_null=True
    )
    wordpress_api_key = serializers.CharField(
        max_length=500, required=False, allow_blank=True, allow_null=True, write_only=True
    )
    signing_secret = serializers.CharField(
        max_length=500, required=False, allow_blank=True, allow_null=True, write_only=True
    )
    is_active = serializers.BooleanField(required=False)


def _signing_secret(value: str | None) -> tuple[str, str | None]:
    """(the secret as the webhook connector stores it, the one to show if we made it).

    A `whsec_` secret is used as Standard Webhooks defines it; any other string of 24+
    bytes is the HMAC key itself (stored as `whsec_` + its base64). None: a new one.
    """
    if not value:
        made = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        return made, made
    value = value.strip()
    if value.startswith("whsec_"):
        return value, None
    raw = value.encode()
    if len(raw) < 24:
        raise exceptions.ValidationError(
            {"signing_secret": ["must be at least 24 bytes long (or a whsec_ secret)."]}
        )
    return "whsec_" + base64.b64encode(raw).decode(), None


def _connection(method: str, data: dict) -> tuple[str, dict, str | None]:
    """(Crier platform, the connector's connect fields, a secret made for the caller)."""
    if method in ("webhook", "zapier"):
        if not data.get("webhook_url"):
            raise exceptions.ValidationError(
                {"webhook_url": [f"is required with posting_method {method}."]}
            )
        secret, made = _signing_secret(data.get("signing_secret"))
        return "webhook", {"url": data["webhook_url"].strip(), "signing_secret": secret}, made
    if method == "wordpress":
        site, key = data.get("webhook_url"), data.get("wordpress_api_key")
        if not site or not key:
            raise exceptions.ValidationError(
                "posting_method wordpress needs webhook_url (the site's address) and "
                "wordpress_api_key (username:application-password)."
            )
        username, sep, password = key.partition(":")
        if not sep:
            username, password = data.get("account_identifier") or "", key
        if not username.strip() or not password.strip():
            raise exceptions.ValidationError(
                {
                    "wordpress_api_key": [
                        "must be username:application-password (or give the WordPress "
                        "username as account_identifier)."
                    ]
                }
            )
        fields = {
            "site_url": site.strip(),
            "username": username.strip(),
            "application_password": password.strip(),
        }
        return "wordpress", fields, None
    if method == MANUAL:
        fields = {"name": data.get("account_name"), "username": data.get("account_identifier")}
        return MANUAL, {name: value for name, value in fields.items() if value}, None
    raise exceptions.ValidationError({"posting_method": [_oauth_hint(data.get("platform"))]})


def _oauth_hint(platform: str | None) -> str:
    """Why `auto` is refused, and where an OAuth account is connected instead."""
    if platform == "website":
        return (
            "auto cannot be created here: a website publishes with webhook, zapier, wordpress "
            "or manual."
        )
    slug = OAUTH_SLUGS.get(platform, platform) if platform else "{platform}"
    return (
        f"auto cannot be created here: an OAuth account is connected by its owner in a "
        f"browser. POST /api/v1/accounts/connect/{slug} (with Authorization: Bearer-API "
        f"<key>) answers the authorization_url to open; once consented, the account is "
        f"listed here with posting_method auto."
    )


def _apply_fields(account: SocialAccount, data: dict, method: str | None = None) -> None:
    stored = dict(_repostra_settings(account))
    if method:
        stored["posting_method"] = method
    if "platform" in data:
        stored["platform"] = data["platform"]
    if "account_identifier" in data:
        stored["account_identifier"] = data["account_identifier"] or None
    account.settings = {**(account.settings or {}), "repostra": stored}
    if data.get("account_name"):
        account.display_name = data["account_name"]
    if data.get("is_active") is False:
        account.status = AccountStatus.DISABLED
        account.status_reason = "Paused through the Repostra API."
    elif data.get("is_active") is True and account.status == AccountStatus.DISABLED:
        account.status, account.status_reason = AccountStatus.ACTIVE, ""
    account.save()


def account_create(*, context: ApiContext, data: dict) -> tuple[SocialAccount, str | None]:
    method = data.get("posting_method") or (
        "wordpress"
        if data.get("wordpress_api_key")
        else "webhook"
        if data.get("webhook_url")
        else MANUAL
    )
    platform, fields, made = _connection(method, data)
    connector = platforms.new_connector(platform)
    with transaction.atomic():
        account = _platform_call(
            lambda: connection.token_connect(context=context, connector=connector, fields=fields)
        )
        _apply_fields(account, data, method)
    return account, made


def account_update(*, account: SocialAccount, data: dict) -> SocialAccount:
    method = data.get("posting_method") or posting_method_of(account)
    # A manual account has no credentials: nothing to reconnect on a new webhook_url.
    credentials_changed = method != MANUAL and any(
        data.get(name) for name in ("webhook_url", "wordpress_api_key", "signing_secret")
    )
    if method != posting_method_of(account) or credentials_changed:
        if method in ("webhook", "zapier") and not data.get("webhook_url"):
            data = {**data, "webhook_url": _webhook_url(account)}
            if not data.get("signing_secret"):
                raise exceptions.ValidationError(
                    {"signing_secret": ["send it again with a new webhook_url or method."]}
                )
        if method == "wordpress" and not data.get("webhook_url"):
            data = {**data, "webhook_url": _webhook_url(account)}
        platform, fields, _ = _connection(method, data)
        if platform != account.platform:
            raise exceptions.ValidationError(
                {
                    "posting_method": [
                        f"cannot switch from {posting_method_of(account)} to {method}: create "
                        "a new account."
                    ]
                }
            )
        connector = platforms.new_connector(platform)
        credentials, profile = _platform_call(lambda: connector.connect(fields))
        account.credentials = {
            "access_token": credentials.access_token,
            "refresh_token": credentials.refresh_token,
            "extra": dict(credentials.extra),
        }
        account.external_id = profile.external_id
    try:
        with transaction.atomic():
            _apply_fields(account, data, method)
    except IntegrityError:
        raise Conflict("Another social account already uses this webhook URL or site.") from None
    return account


def _account_or_404(request: Request, account_id: str) -> SocialAccount:
    return workspace_object_or_404(
        request,
        repostra_accounts(),
        account_id,
        kind=ids.Kind.ACCOUNT,
        name="Social account",
    )


_ACCOUNT = data_schema(AccountSerializer(), "RepostraAccount")
_ACCOUNT_CREATED = inline_serializer(
    "RepostraAccountCreated",
    {
        "data": AccountSerializer(),
        "signing_secret": serializers.CharField(
            required=False, help_text="Only when Crier made the secret: shown this once."
        ),
    },
)


class SocialAccountListView(RepostraView):
    required_scope = Scope.ACCOUNTS
    write_role = Role.ADMIN

    @extend_schema(
        tags=TAGS,
        parameters=PAGE_PARAMETERS,
        responses=paginated_schema(AccountSerializer(), "RepostraAccountList"),
        operation_id="repostra_social_accounts_list",
    )
    def get(self, request: Request) -> Response:
        accounts = repostra_accounts().filter(workspace=api_context(request).workspace)
        return paginated(request, accounts.order_by("created_at", "pk"), account_data)

    @extend_schema(
        tags=TAGS,
        request=AccountInputSerializer,
        responses={201: _ACCOUNT_CREATED},
        operation_id="repostra_social_accounts_create",
        description="posting_method webhook/zapier: webhook_url (+ signing_secret, made when "
        "absent and returned once); wordpress: webhook_url is the site, wordpress_api_key "
        "is username:application-password. Webhook bodies are signed as Standard Webhooks "
        "(webhook-id, webhook-timestamp, webhook-signature: HMAC-SHA256 keyed by the secret).",
    )
    def post(self, request: Request) -> Response:
        serializer = AccountInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account, made = account_create(context=api_context(request), data=serializer.validated_data)
        body: dict[str, Any] = {"data": account_data(account)}
        if made:
            body["signing_secret"] = made
        return Response(body, status=201)


class SocialAccountDetailView(RepostraView):
    required_scope = Scope.ACCOUNTS
    write_role = Role.ADMIN

    @extend_schema(
        tags=TAGS,
        responses=_ACCOUNT,
        operation_id="repostra_social_accounts_get",
    )
    def get(self, request: Request, account_id: str) -> Response:
        return Response({"data": account_data(_account_or_404(request, account_id))})

    @extend_schema(
        tags=TAGS,
        request=AccountInputSerializer,
        responses=_ACCOUNT,
        operation_id="repostra_social_accounts_update",
    )
    def put(self, request: Request, account_id: str) -> Response:
        account = _account_or_404(request, account_id)
        serializer = AccountInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        account = account_update(account=account, data=serializer.validated_data)
        return Response({"data": account_data(account)})

    @extend_schema(
        tags=TAGS, responses={200: DELETED_SCHEMA}, operation_id="repostra_social_accounts_delete"
    )
    def delete(self, request: Request, account_id: str) -> Response:
        account_services.social_account_disconnect(account=_account_or_404(request, account_id))
        return deleted("Social account")
