"""The Repostra dialect: `/api/v1/social-accounts`, `posting-schedules`, `content`, `approvals`.

Auth is `X-API-Key: <Crier API key>`, scoped to the key's own workspace (Repostra's
"brand"); 60 requests a minute per key (`REPOSTRA_RATE_LIMIT`). Errors are
`{"error": "<code>", "message": "..."}`; a validation error is a 422. Lists are
`{"data": [...], "meta": {current_page, last_page, per_page, total}}`, single objects
`{"data": {...}}`.

Two paths are Crier's own too (`posting-schedules`, `approvals`): `compat.routing` sends a
request carrying `X-API-Key` and no `Authorization` here, any other to the native view.

How Repostra's concepts map onto Crier:
- A social account is a `SocialAccount`. `posting_method` `webhook`/`zapier` is the webhook
  connector (`webhook_url`, `signing_secret`: Standard Webhooks signatures, see
  `connectors/webhook.py`), `wordpress` the WordPress connector (`webhook_url` is the site,
  `wordpress_api_key` is `username:application-password`). Repostra's own fields live in
  the account's `settings["repostra"]`. Accounts connected with OAuth show as `auto`.
- A posting schedule is planning's `PostingSchedule`.
- Content (a blog post) is a `PlannedPost` of kind `blog`: the generator drafts it, a
  person may write its EditorJS body; approving publishes it through the native pipeline
  (a publish-now job, its delivery published in this request) when a WordPress or webhook
  account is configured.
- Social posts awaiting approval are planned topics (`PlannedPost` of kind `post`) and
  posts in `pending_approval`; approving goes through `planning.approvals`.

Ids are Crier's opaque strings (`acc_…`, `sch_…`, `pln_…`, `post_…`), not integers.

Where Crier differs from the document, deliberately:
- `posting_method` `manual` and `auto` cannot be created (422): Crier publishes what it
  plans, so an account is a webhook/Zapier or WordPress one, or an OAuth account
  (connected natively) that is listed as `auto`.
- A signing secret Crier makes (none sent) is answered once, as `signing_secret` beside
  `data`; credentials are never shown again.
- Deletes answer 204 with no body; deleting an account with scheduled posts is a 409
  too, as with posting schedules.
- `approve-topic` needs a configured content generator (409 otherwise). A social post's
  id in `pending_social` is its topic's (`pln_…`) until drafted, then its post's
  (`post_…`); `approve-content` takes either, so the document's one id works throughout.
- Approving content whose body is empty is a 422; approving twice is a 409.
"""

from __future__ import annotations

import base64
import math
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from limits import RateLimitItem, parse
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import connection
from accounts import services as account_services
from accounts.auth import ApiContext
from accounts.connect_views import _platform_call
from accounts.models import AccountStatus, Role, Scope, SocialAccount
from accounts.throttling import ApiKeyRateThrottle
from compat import editorjs
from compat.dialect import DialectView, KeyHeaderAuthentication, document_key_header
from config.errors import Conflict, Unprocessable
from planning import approvals, drafts
from planning import services as planning_services
from planning.models import ContentType, PlannedPost, PostingSchedule
from planning.queue import content_type_of
from planning.serializers import DAY_NAMES, DayOfWeekField
from posts import publishing
from posts.models import Delivery, Job, Post
from posts.serializers import AwareDateTimeField
from posts.services import job_run
from posts.states import DeliveryStatus

S = DeliveryStatus
P = PlannedPost.Status
KEY_HEADER = "HTTP_X_API_KEY"
TAGS = ["dialect: Repostra"]
PLATFORMS = ["website", "facebook", "twitter", "instagram", "linkedin", "tiktok", "youtube"]
POSTING_METHODS = ["manual", "wordpress", "webhook", "auto", "zapier"]
CONTENT_STATUSES = ["planned", "generating", "draft", "scheduled", "published", "failed"]
WEBSITE_CONNECTORS = ("wordpress", "webhook")
# Crier's platform slugs where Repostra names them differently.
PLATFORM_NAMES = {"x": "twitter", "wordpress": "website", "webhook": "website"}
ERROR_CODES = {
    400: "validation_error",
    401: "unauthorized",
    402: "payment_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    502: "bad_gateway",
}
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


# -- auth, limits, envelope ------------------------------------------------------------------


def envelope(messages: list[str], status: int) -> dict[str, Any]:
    return {"error": ERROR_CODES.get(status, "error"), "message": " ".join(messages)}


class RepostraKeyAuthentication(KeyHeaderAuthentication):
    """`X-API-Key: <key>`; Repostra keys belong to one brand: the key's own workspace."""

    headers = (KEY_HEADER,)
    challenge = "X-API-Key"


document_key_header(
    RepostraKeyAuthentication,
    name="RepostraKey",
    header="X-API-Key",
    description="A Crier API key; it acts in the workspace of the member it belongs to.",
)


class RepostraRateThrottle(ApiKeyRateThrottle):
    """Repostra's documented 60 requests a minute per key, counted apart from Crier's own."""

    namespace = "repostra"

    def rate(self) -> RateLimitItem:
        return parse(settings.REPOSTRA_RATE_LIMIT)


class RepostraView(DialectView):
    authentication_classes = [RepostraKeyAuthentication]
    throttle_classes = [RepostraRateThrottle]
    envelope = staticmethod(envelope)
    messages = {exceptions.NotAuthenticated: "Missing API key: send it as X-API-Key."}
    required_scope = Scope.POSTS

    def _handle(self, exc: Exception, context: dict) -> Response | None:
        response = super()._handle(exc, context)
        if response is not None and response.status_code == 400:
            response.status_code = 422  # Repostra's validation errors
        return response


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


class PageSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, default=1)
    per_page = serializers.IntegerField(
        min_value=1, max_value=MAX_PER_PAGE, default=DEFAULT_PER_PAGE
    )


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, required=False),
    OpenApiParameter("per_page", int, required=False, description="Default 25, at most 100."),
]


def paginated(request: Request, queryset: QuerySet, render: Callable[[Any], dict]) -> Response:
    query = PageSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    page, per_page = query.validated_data["page"], query.validated_data["per_page"]
    total = queryset.count()
    items = queryset[(page - 1) * per_page : page * per_page]
    return Response(
        {
            "data": [render(item) for item in items],
            "meta": {
                "current_page": page,
                "last_page": max(1, math.ceil(total / per_page)),
                "per_page": per_page,
                "total": total,
            },
        }
    )


def _list_of(item: serializers.Serializer, name: str) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "data": serializers.ListField(child=item),
            "meta": serializers.DictField(),
        },
    )


def _one(item: serializers.Serializer, name: str) -> serializers.Serializer:
    return inline_serializer(name, {"data": item})


# -- social accounts -------------------------------------------------------------------------


def _repostra(account: SocialAccount) -> dict:
    stored = account.settings.get("repostra") if isinstance(account.settings, dict) else None
    return stored if isinstance(stored, dict) else {}


def platform_of(account: SocialAccount) -> str:
    return _repostra(account).get("platform") or PLATFORM_NAMES.get(
        account.platform, account.platform
    )


def posting_method_of(account: SocialAccount) -> str:
    stored = _repostra(account).get("posting_method")
    if stored:
        return stored
    return account.platform if account.platform in WEBSITE_CONNECTORS else "auto"


def _webhook_url(account: SocialAccount) -> str | None:
    extra = (account.credentials or {}).get("extra") or {}
    if account.platform == "webhook":
        return extra.get("url") or None
    if account.platform == "wordpress":
        return extra.get("site_url") or None
    return None


def account_data(account: SocialAccount) -> dict:
    """Never a credential: the webhook URL (or WordPress site) only, as Repostra shows it."""
    return {
        "id": account.pk,
        "platform": platform_of(account),
        "account_name": account.display_name or None,
        "account_identifier": _repostra(account).get("account_identifier")
        or (account.username if account.platform not in WEBSITE_CONNECTORS else None)
        or None,
        "posting_method": posting_method_of(account),
        "webhook_url": _webhook_url(account),
        "is_active": account.status == AccountStatus.ACTIVE,
        "created_at": _iso(account.created_at),
        "updated_at": _iso(account.updated_at),
    }


class AccountSerializer(serializers.Serializer):
    id = serializers.CharField()
    platform = serializers.CharField()
    account_name = serializers.CharField(allow_null=True)
    account_identifier = serializers.CharField(allow_null=True)
    posting_method = serializers.CharField()
    webhook_url = serializers.CharField(allow_null=True)
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
    hint = (
        "connect the account with OAuth (POST /api/v1/accounts/connect/{platform}); it is "
        "then listed here with posting_method auto."
        if method == "auto"
        else "Crier publishes what it plans: use webhook, zapier or wordpress."
    )
    raise exceptions.ValidationError(
        {"posting_method": [f"{method} cannot be created here: {hint}"]}
    )


def _apply_fields(account: SocialAccount, data: dict, method: str | None = None) -> None:
    stored = dict(_repostra(account))
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
        else "manual"
    )
    platform, fields, made = _connection(method, data)
    connector = connection.connector_for_connection(platform)
    with transaction.atomic():
        account = _platform_call(
            lambda: connection.token_connect(context=context, connector=connector, fields=fields)
        )
        _apply_fields(account, data, method)
    return account, made


def account_update(*, account: SocialAccount, data: dict) -> SocialAccount:
    method = data.get("posting_method") or posting_method_of(account)
    credentials_changed = any(
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
                        "cannot switch between WordPress and webhooks: create a new account."
                    ]
                }
            )
        connector = connection.connector_for_connection(platform)
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


def _account(request: Request, account_id: str) -> SocialAccount:
    account = (
        SocialAccount.objects.connected()
        .filter(workspace=request.auth.workspace, pk=account_id)
        .first()
    )
    if account is None:
        raise exceptions.NotFound("Social account not found.")
    return account


_ACCOUNT = _one(AccountSerializer(), "RepostraAccount")
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
        responses=_list_of(AccountSerializer(), "RepostraAccountList"),
        operation_id="repostra_social_accounts_list",
    )
    def get(self, request: Request) -> Response:
        accounts = SocialAccount.objects.connected().filter(workspace=request.auth.workspace)
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
        account, made = account_create(context=request.auth, data=serializer.validated_data)
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
        return Response({"data": account_data(_account(request, account_id))})

    @extend_schema(
        tags=TAGS,
        request=AccountInputSerializer,
        responses=_ACCOUNT,
        operation_id="repostra_social_accounts_update",
    )
    def put(self, request: Request, account_id: str) -> Response:
        account = _account(request, account_id)
        serializer = AccountInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        account = account_update(account=account, data=serializer.validated_data)
        return Response({"data": account_data(account)})

    @extend_schema(tags=TAGS, responses={204: None}, operation_id="repostra_social_accounts_delete")
    def delete(self, request: Request, account_id: str) -> Response:
        account_services.social_account_disconnect(account=_account(request, account_id))
        return Response(status=204)


# -- posting schedules -----------------------------------------------------------------------


def schedule_data(schedule: PostingSchedule) -> dict:
    account = schedule.account
    return {
        "id": schedule.pk,
        "account_id": account.pk,
        "account": {
            "id": account.pk,
            "platform": platform_of(account),
            "account_name": account.display_name or None,
        },
        "platform": platform_of(account),
        "day_of_week": DAY_NAMES[schedule.day_of_week],
        "time": schedule.time.strftime("%H:%M"),
        "content_type": schedule.content_type or None,
        "blog_column_index": schedule.blog_column_index,
        "is_active": schedule.is_active,
        "created_at": _iso(schedule.created_at),
        "updated_at": _iso(schedule.updated_at),
    }


class ScheduleInputSerializer(serializers.Serializer):
    account_id = serializers.CharField(max_length=40)
    platform = serializers.ChoiceField(choices=PLATFORMS)
    day_of_week = DayOfWeekField()
    time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])
    content_type = serializers.ChoiceField(
        choices=ContentType.choices, required=False, allow_null=True
    )
    blog_column_index = serializers.IntegerField(
        min_value=1, max_value=1000, required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)


class ScheduleUpdateSerializer(ScheduleInputSerializer):
    account_id = None
    platform = None


def _schedule_fields(data: dict) -> dict:
    fields = {
        name: data[name]
        for name in ("day_of_week", "time", "blog_column_index", "is_active")
        if name in data
    }
    if "content_type" in data:
        fields["content_type"] = data["content_type"] or ""
    return fields


def _schedule(request: Request, schedule_id: str) -> PostingSchedule:
    schedule = (
        PostingSchedule.objects.filter(workspace=request.auth.workspace, pk=schedule_id)
        .select_related("account")
        .first()
    )
    if schedule is None:
        raise exceptions.NotFound("Posting schedule not found.")
    return schedule


class ScheduleSerializer(serializers.Serializer):
    id = serializers.CharField()
    account_id = serializers.CharField()
    account = serializers.DictField()
    platform = serializers.CharField()
    day_of_week = serializers.CharField()
    time = serializers.CharField()
    content_type = serializers.CharField(allow_null=True)
    blog_column_index = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


class ScheduleListView(RepostraView):
    """Reached through compat.routing (the path is planning's too)."""

    @extend_schema(tags=TAGS, parameters=PAGE_PARAMETERS)
    def get(self, request: Request) -> Response:
        schedules = PostingSchedule.objects.filter(workspace=request.auth.workspace)
        schedules = schedules.select_related("account").order_by("created_at", "pk")
        return paginated(request, schedules, schedule_data)

    @extend_schema(tags=TAGS, request=ScheduleInputSerializer)
    def post(self, request: Request) -> Response:
        serializer = ScheduleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = (
            SocialAccount.objects.connected()
            .filter(workspace=request.auth.workspace, pk=data["account_id"])
            .first()
        )
        if account is None:
            raise exceptions.ValidationError({"account_id": ["no such social account."]})
        if data["platform"] != platform_of(account):
            raise exceptions.ValidationError(
                {"platform": [f"account {account.pk} is a {platform_of(account)} account."]}
            )
        schedule = planning_services.schedule_create(account=account, fields=_schedule_fields(data))
        return Response({"data": schedule_data(schedule)}, status=201)


class ScheduleDetailView(RepostraView):
    @extend_schema(tags=TAGS)
    def get(self, request: Request, schedule_id: str) -> Response:
        return Response({"data": schedule_data(_schedule(request, schedule_id))})

    @extend_schema(tags=TAGS, request=ScheduleUpdateSerializer)
    def put(self, request: Request, schedule_id: str) -> Response:
        schedule = _schedule(request, schedule_id)
        serializer = ScheduleUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        schedule = planning_services.schedule_update(
            schedule=schedule, changes=_schedule_fields(serializer.validated_data)
        )
        return Response({"data": schedule_data(schedule)})

    @extend_schema(tags=TAGS)
    def delete(self, request: Request, schedule_id: str) -> Response:
        planning_services.schedule_delete(schedule=_schedule(request, schedule_id))
        return Response(status=204)


# -- content ---------------------------------------------------------------------------------

_LIVE = (S.SCHEDULED, S.QUEUED, S.PUBLISHING, S.PROCESSING, S.RETRYING)


def _deliveries(plan: PlannedPost) -> list[Delivery]:
    if not plan.post_id:
        return []
    return list(Delivery.objects.filter(post_id=plan.post_id).exclude(status=S.CANCELLED))


def content_status(plan: PlannedPost, deliveries: list[Delivery]) -> str:
    statuses = {delivery.status for delivery in deliveries}
    if S.PUBLISHED in statuses:
        return "published"
    if statuses & set(_LIVE):
        return "scheduled"
    if statuses & {S.FAILED, S.UNKNOWN}:
        return "failed"
    if plan.status in (P.PLANNED, P.GENERATING):
        return "draft" if plan.status == P.PLANNED and plan.body else plan.status
    if plan.status == P.FAILED and not plan.body:
        return "failed"
    return "draft"


def _document(plan: PlannedPost) -> dict | None:
    if plan.body:
        return plan.body
    return editorjs.from_text(plan.text) if plan.text else None


def content_data(plan: PlannedPost, *, full: bool = False) -> dict:
    deliveries = _deliveries(plan)
    published = next((d for d in deliveries if d.status == S.PUBLISHED), None)
    scheduled = plan.scheduled_at or min(
        (d.scheduled_at for d in deliveries if d.status in (*_LIVE, S.PENDING_APPROVAL)),
        default=None,
    )
    data = {
        "id": plan.pk,
        "title": plan.topic,
        "slug": slugify(plan.topic),
        "description": plan.description or None,
        "keyword": plan.keyword or None,
        "status": content_status(plan, deliveries),
        "posting_schedule_id": plan.posting_schedule_id,
        "scheduled_for": _iso(scheduled),
        "approved_at": _iso(plan.approved_at),
        "published_at": _iso(published.published_at) if published else None,
        "published_url": (published.external_url or None) if published else None,
        "ai_generated_at": _iso(plan.drafted_at) if plan.drafted_by == "generator" else None,
        "created_at": _iso(plan.created_at),
        "updated_at": _iso(plan.updated_at),
    }
    if full:
        failed = next((d for d in deliveries if d.status in (S.FAILED, S.UNKNOWN)), None)
        data["content"] = _document(plan)
        data["error"] = (failed.error_message if failed else plan.error) or None
    return data


class ContentSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    keyword = serializers.CharField(allow_null=True)
    status = serializers.CharField(help_text=", ".join(CONTENT_STATUSES))
    posting_schedule_id = serializers.CharField(allow_null=True)
    scheduled_for = serializers.CharField(allow_null=True)
    approved_at = serializers.CharField(allow_null=True)
    published_at = serializers.CharField(allow_null=True)
    published_url = serializers.CharField(allow_null=True)
    ai_generated_at = serializers.CharField(allow_null=True)
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


class ContentDetailSerializer(ContentSerializer):
    content = serializers.DictField(allow_null=True, help_text="EditorJS document.")
    error = serializers.CharField(allow_null=True)


class ContentInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, allow_null=True
    )
    keyword = serializers.CharField(
        max_length=200, required=False, allow_blank=True, allow_null=True
    )
    posting_schedule_id = serializers.CharField(max_length=40, required=False, allow_null=True)
    scheduled_for = AwareDateTimeField(required=False, allow_null=True)

    def validate_scheduled_for(self, when: datetime | None) -> datetime | None:
        if when is not None and when < timezone.now() - settings.CRIER_PAST_TOLERANCE:
            raise serializers.ValidationError(f"{when.isoformat()} is in the past.")
        return when


class ContentUpdateSerializer(ContentInputSerializer):
    posting_schedule_id = None
    content = serializers.JSONField(
        required=False, allow_null=True, help_text="EditorJS document (JSON string or object)."
    )

    def validate_content(self, value: object) -> dict | None:
        if value is None:
            return None
        try:
            return editorjs.parse(value)
        except editorjs.InvalidDocument as exc:
            raise serializers.ValidationError(str(exc)) from None


_CONTENT = _one(ContentDetailSerializer(), "RepostraContent")


def _blog_plans(workspace: Any) -> QuerySet[PlannedPost]:
    return PlannedPost.objects.filter(workspace=workspace, kind="blog")


def _content(request: Request, content_id: str) -> PlannedPost:
    plan = _blog_plans(request.auth.workspace).filter(pk=content_id).first()
    if plan is None:
        raise exceptions.NotFound("Content not found.")
    return plan


def _website_accounts(workspace: Any) -> list[SocialAccount]:
    accounts = SocialAccount.objects.connected().filter(
        workspace=workspace, platform__in=WEBSITE_CONNECTORS, status=AccountStatus.ACTIVE
    )
    return [a for a in accounts.order_by("created_at") if platform_of(a) == "website"]


def _publish_targets(plan: PlannedPost) -> list[str]:
    """The WordPress or webhook accounts that publish this content at once on approval."""
    if plan.posting_schedule_id:
        account = plan.posting_schedule.account
        ok = account.platform in WEBSITE_CONNECTORS and account.can_publish
        return [account.pk] if ok else []
    return [account.pk for account in _website_accounts(plan.workspace)]


def content_create(*, context: ApiContext, data: dict) -> PlannedPost:
    schedule = None
    if data.get("posting_schedule_id"):
        schedule = (
            PostingSchedule.objects.filter(
                workspace=context.workspace, pk=data["posting_schedule_id"]
            )
            .select_related("account")
            .first()
        )
        if schedule is None:
            raise exceptions.ValidationError({"posting_schedule_id": ["no such schedule."]})
    accounts = (
        [schedule.account_id] if schedule else [a.pk for a in _website_accounts(context.workspace)]
    )
    return drafts.planned_create(
        context=context,
        fields={
            "kind": "blog",
            "topic": data["title"],
            "description": data.get("description") or "",
            "keyword": data.get("keyword") or "",
            "account_ids": accounts,
            "scheduled_at": data.get("scheduled_for"),
            "posting_schedule": schedule,
        },
    )


def content_update(*, plan: PlannedPost, data: dict) -> PlannedPost:
    if content_status(plan, _deliveries(plan)) == "published":
        raise Conflict("Published content cannot be updated.")
    names = {"title": "topic", "description": "description", "keyword": "keyword"}
    for name, field in names.items():
        if name in data:
            setattr(plan, field, data[name] or "")
    if "scheduled_for" in data:
        plan.scheduled_at = data["scheduled_for"]
    if "content" in data:
        plan.body = data["content"]
    with transaction.atomic():
        # A person's body stands: the generator does not overwrite it later.
        if plan.body and plan.status == P.PLANNED:
            plan.next_attempt_at = None
        plan.save()
    return plan


def _networks(plan: PlannedPost, html: str) -> dict:
    meta = {
        "content_id": plan.pk,
        "title": plan.topic,
        "slug": slugify(plan.topic),
        "description": plan.description,
        "keyword": plan.keyword,
    }
    # `title` reaches WordPress, `data` webhook receivers (each connector's own option).
    return {
        "default": {"type": "status", "text": html, "options": {"title": plan.topic, "data": meta}}
    }


def _by(context: ApiContext) -> str:
    return f"{context.member.user.get_username()} (key {context.api_key.prefix}, Repostra API)"


def content_approve(
    *, context: ApiContext, plan: PlannedPost, title: str | None = None
) -> PlannedPost:
    """Approve (optionally retitled); with a WordPress or webhook account, publish now (in
    this request, through the pipeline's own publish step), otherwise the post keeps its
    scheduled time."""
    now = timezone.now()
    with transaction.atomic():
        # One approval at a time: a concurrent second one waits here, then sees the first.
        plan = PlannedPost.objects.select_for_update().get(pk=plan.pk)
        if title:
            plan.topic = title
            plan.save(update_fields=["topic", "updated_at"])
        status = content_status(plan, _deliveries(plan))
        if status in ("published", "scheduled") or plan.approved_at:
            raise Conflict(f"This content is approved already ({status}).")
        if plan.status == P.GENERATING:
            raise Conflict("This content is being generated: approve it once it is a draft.")
        document = _document(plan)
        html = editorjs.to_html(document) if document else ""
        if not html.strip():
            raise Unprocessable(
                "This content has no body yet: send it with PUT /api/v1/content/{id} or wait "
                "for the generator."
            )
        targets = _publish_targets(plan)
        networks = _networks(plan, html)
        post = plan.post
        pending = post is not None and post.deliveries.filter(status=S.PENDING_APPROVAL).exists()
        if pending:
            changes: dict = {"networks": networks}
            if targets:
                changes["scheduled_at"] = now
            approvals.post_approve(
                post=post, member=context.member, by=_by(context), changes=changes
            )
            if targets and post.job_id:
                from posts.dispatch import dispatch_job

                dispatch_job(job=post.job)
        elif post is not None:
            raise Conflict(f"Its post {post.pk} is {post.state}: manage it at /api/v1/posts.")
        elif targets:
            post = _publish_now(context=context, networks=networks, targets=targets)
        PlannedPost.objects.filter(pk=plan.pk).update(
            approved_at=now,
            post=post,
            status=P.DRAFTED if post else plan.status,
            next_attempt_at=None if post else plan.next_attempt_at,
            updated_at=now,
        )
    if post is not None:
        # The worker's own step, run here and outside any transaction: a worker that got
        # the message first wins the claim and this call does nothing (published once).
        for delivery_id in post.deliveries.filter(status=S.QUEUED).values_list("pk", flat=True):
            publishing.delivery_publish(delivery_id=delivery_id)
    plan.refresh_from_db()
    return plan


def _publish_now(*, context: ApiContext, networks: dict, targets: list[str]) -> Post:
    """A publish-now job for the content, as planning's drafts store theirs (the topic
    took its share of the monthly quota already)."""
    bulk = {
        "state": "scheduled",
        "origin": "repostra",
        "posts": [{"networks": networks, "accounts": [{"id": pk} for pk in targets]}],
    }
    job = Job.objects.create(
        workspace=context.workspace,
        kind=Job.Kind.PUBLISH_NOW,
        request=bulk,
        created_by=context.member,
        needs_approval=False,
    )
    job_run(job_id=job.pk)
    post = Post.objects.filter(job=job).first()
    if post is None:
        failures = Job.objects.get(pk=job.pk).payload.get("failures", {})
        reasons = [m for accounts in failures.values() for ms in accounts.values() for m in ms]
        raise Unprocessable(" ".join(reasons) or "The content could not be published.")
    return post


def content_delete(*, plan: PlannedPost) -> None:
    from posts.services import post_delete

    with transaction.atomic():
        if plan.post_id:
            post_delete(post=plan.post)  # what has not gone out is cancelled
        PlannedPost.objects.filter(pk=plan.pk).delete()


class ContentListView(RepostraView):
    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("status", str, enum=CONTENT_STATUSES, required=False),
            *PAGE_PARAMETERS,
        ],
        responses=_list_of(ContentSerializer(), "RepostraContentList"),
        operation_id="repostra_content_list",
    )
    def get(self, request: Request) -> Response:
        plans = _blog_plans(request.auth.workspace).order_by("-created_at", "-pk")
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in CONTENT_STATUSES:
                raise exceptions.ValidationError(
                    {"status": [f"must be one of {', '.join(CONTENT_STATUSES)}."]}
                )
            ids = [plan.pk for plan in plans if content_status(plan, _deliveries(plan)) == wanted]
            plans = plans.filter(pk__in=ids)
        return paginated(request, plans, content_data)

    @extend_schema(
        tags=TAGS,
        request=ContentInputSerializer,
        responses={201: _CONTENT},
        operation_id="repostra_content_create",
    )
    def post(self, request: Request) -> Response:
        serializer = ContentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = content_create(context=request.auth, data=serializer.validated_data)
        return Response({"data": content_data(plan, full=True)}, status=201)


class ContentDetailView(RepostraView):
    @extend_schema(
        tags=TAGS,
        responses=_CONTENT,
        operation_id="repostra_content_get",
    )
    def get(self, request: Request, content_id: str) -> Response:
        return Response({"data": content_data(_content(request, content_id), full=True)})

    @extend_schema(
        tags=TAGS,
        request=ContentUpdateSerializer,
        responses=_CONTENT,
        operation_id="repostra_content_update",
    )
    def put(self, request: Request, content_id: str) -> Response:
        plan = _content(request, content_id)
        serializer = ContentUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        plan = content_update(plan=plan, data=serializer.validated_data)
        return Response({"data": content_data(plan, full=True)})

    @extend_schema(tags=TAGS, responses={204: None}, operation_id="repostra_content_delete")
    def delete(self, request: Request, content_id: str) -> Response:
        content_delete(plan=_content(request, content_id))
        return Response(status=204)


class _ApproveView(RepostraView):
    required_scope = Scope.APPROVE
    write_role = Role.ADMIN


class ContentApproveView(_ApproveView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses=_CONTENT,
        operation_id="repostra_content_approve",
    )
    def post(self, request: Request, content_id: str) -> Response:
        plan = content_approve(context=request.auth, plan=_content(request, content_id))
        return Response({"data": content_data(plan, full=True)})


class BlogApproveSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False)


class BlogApproveView(_ApproveView):
    @extend_schema(
        tags=TAGS,
        request=BlogApproveSerializer,
        responses=_CONTENT,
        operation_id="repostra_approvals_blog_approve",
    )
    def post(self, request: Request, content_id: str) -> Response:
        plan = _content(request, content_id)
        serializer = BlogApproveSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        plan = content_approve(
            context=request.auth, plan=plan, title=serializer.validated_data.get("title")
        )
        return Response({"data": content_data(plan, full=True)})


# -- approvals -------------------------------------------------------------------------------


def _social_status(deliveries: Iterable[Delivery]) -> str:
    statuses = {d.status for d in deliveries}
    if S.PENDING_APPROVAL in statuses:
        return "pending_approval"
    if S.PUBLISHED in statuses:
        return "published"
    if statuses & set(_LIVE):
        return "ready"
    if statuses & {S.FAILED, S.UNKNOWN}:
        return "failed"
    return "draft"


def _topic_item(plan: PlannedPost, accounts: dict[str, SocialAccount]) -> dict:
    account = next((accounts[pk] for pk in plan.account_ids if pk in accounts), None)
    return {
        "type": "social_post",
        "id": plan.pk,
        "topic": plan.topic,
        "content": None,
        "platform": platform_of(account) if account else None,
        "content_type": ContentType.TEXT.value,
        "status": "pending_approval" if plan.status == P.PLANNED else plan.status,
        "blog_content_id": None,
        "scheduled_for": _iso(plan.scheduled_at),
        "created_at": _iso(plan.created_at),
    }


def _post_item(post: Post, plan: PlannedPost | None) -> dict:
    deliveries = list(post.deliveries.exclude(status=S.CANCELLED).select_related("account"))
    block = post.block_for(deliveries[0].account.platform if deliveries else "default")
    return {
        "type": "social_post",
        "id": post.pk,
        "topic": plan.topic if plan else None,
        "content": block.get("text", ""),
        "platform": platform_of(deliveries[0].account) if deliveries else None,
        "content_type": content_type_of(block),
        "status": _social_status(deliveries),
        "blog_content_id": None,
        "scheduled_for": _iso(min((d.scheduled_at for d in deliveries), default=None)),
        "created_at": _iso(post.created_at),
    }


def approvals_pending(*, workspace: Any) -> dict:
    blog = [
        plan
        for plan in _blog_plans(workspace).filter(approved_at=None).order_by("created_at", "pk")
        if content_status(plan, _deliveries(plan)) in ("planned", "generating", "draft")
    ]
    blog_posts = set(_blog_plans(workspace).exclude(post=None).values_list("post_id", flat=True))
    topics = list(
        PlannedPost.objects.filter(
            workspace=workspace, kind="post", status__in=[P.PLANNED, P.FAILED], post=None
        ).order_by("created_at", "pk")
    )
    waiting = Delivery.objects.filter(workspace=workspace, status=S.PENDING_APPROVAL)
    posts = (
        Post.objects.filter(workspace=workspace, pk__in=waiting.values("post_id"))
        .exclude(pk__in=blog_posts)
        .order_by("created_at", "pk")
    )
    plans_by_post = {
        plan.post_id: plan
        for plan in PlannedPost.objects.filter(workspace=workspace, post__in=posts)
    }
    accounts = {a.pk: a for a in SocialAccount.objects.filter(workspace=workspace)}
    social = [_topic_item(plan, accounts) for plan in topics]
    social += [_post_item(post, plans_by_post.get(post.pk)) for post in posts]
    return {
        "data": {
            "pending_blog": [
                {
                    "type": "blog_content",
                    "id": plan.pk,
                    "title": plan.topic,
                    "status": content_status(plan, _deliveries(plan)),
                    "scheduled_for": _iso(plan.scheduled_at),
                    "ai_generated_at": _iso(plan.drafted_at)
                    if plan.drafted_by == "generator"
                    else None,
                    "created_at": _iso(plan.created_at),
                }
                for plan in blog
            ],
            "pending_social": social,
        },
        "meta": {"pending_blog_count": len(blog), "pending_social_count": len(social)},
    }


class ApprovalListView(RepostraView):
    """Reached through compat.routing (the path is planning's too)."""

    @extend_schema(tags=TAGS)
    def get(self, request: Request) -> Response:
        return Response(approvals_pending(workspace=request.auth.workspace))


class TopicSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=500)


class ContentTextSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=100000, trim_whitespace=False)


_SOCIAL = inline_serializer(
    "RepostraSocialPost",
    {"data": serializers.DictField(help_text="The social post, as in GET /approvals.")},
)


class SocialTopicApproveView(_ApproveView):
    @extend_schema(
        tags=TAGS,
        request=TopicSerializer,
        responses=_SOCIAL,
        operation_id="repostra_approvals_social_approve_topic",
        description="Starts the content generator for the topic (409 when none is configured).",
    )
    def post(self, request: Request, post_id: str) -> Response:
        plan = PlannedPost.objects.filter(
            workspace=request.auth.workspace, kind="post", pk=post_id
        ).first()
        if plan is None:
            raise exceptions.NotFound("Social post not found.")
        serializer = TopicSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            PlannedPost.objects.filter(pk=plan.pk).update(topic=serializer.validated_data["topic"])
            plan.refresh_from_db()
            plan = drafts.planned_regenerate(plan=plan)
        accounts = {a.pk: a for a in SocialAccount.objects.filter(pk__in=plan.account_ids)}
        return Response({"data": _topic_item(plan, accounts)})


class SocialContentApproveView(_ApproveView):
    @extend_schema(
        tags=TAGS,
        request=ContentTextSerializer,
        responses=_SOCIAL,
        operation_id="repostra_approvals_social_approve_content",
        description="The post leaves pending_approval for its scheduled time (status ready).",
    )
    def post(self, request: Request, post_id: str) -> Response:
        workspace = request.auth.workspace
        plan = PlannedPost.objects.filter(workspace=workspace, kind="post", pk=post_id).first()
        post = (
            plan.post
            if plan is not None
            else Post.objects.filter(workspace=workspace, pk=post_id).first()
        )
        if post is None:
            if plan is not None:
                raise Conflict("This topic has no content yet: approve the topic first.")
            raise exceptions.NotFound("Social post not found.")
        serializer = ContentTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        approvals.post_approve(
            post=post,
            member=request.auth.member,
            by=_by(request.auth),
            changes={"text": serializer.validated_data["content"]},
        )
        post.refresh_from_db()
        linked = plan or PlannedPost.objects.filter(workspace=workspace, post=post).first()
        return Response({"data": _post_item(post, linked)})
