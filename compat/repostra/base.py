"""What every Repostra view shares: the `X-API-Key` auth, the per-key rate, the error
envelope (a validation error is a 422), `{data, meta}` pagination and the workspace lookup.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from limits import RateLimitItem, parse
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.auth import ApiContext, api_context
from accounts.models import Role, Scope
from accounts.throttling import ApiKeyRateThrottle
from compat.dialect import DialectView, KeyHeaderAuthentication, document_key_header
from compat.repostra import ids

KEY_HEADER = "HTTP_X_API_KEY"
TAGS = ["dialect: Repostra"]
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


# Not a docstring: OpenAPI would show it as the approve operations' description.
class ApproveView(RepostraView):
    required_scope = Scope.APPROVE
    write_role = Role.ADMIN


def approved_by(context: ApiContext) -> str:
    """Who approved, as the approval records it."""
    return f"{context.member.user.get_username()} (key {context.api_key.prefix}, Repostra API)"


def workspace_object_or_404(
    request: Request, queryset: QuerySet, value: str, *, kind: str, name: str
) -> Any:
    """The object of `queryset` that `value` (its number, or its Crier id) names in the
    key's workspace; another workspace's is a 404."""
    pk = ids.crier_id(kind, value, workspace=api_context(request).workspace)
    found = queryset.filter(workspace=api_context(request).workspace, pk=pk).first() if pk else None
    if found is None:
        raise exceptions.NotFound(f"{name} not found.")
    return found


# -- shapes: timestamps, pagination, `{data}` schemas ----------------------------------------


class PageSerializer(serializers.Serializer):
    # Bounded so the OFFSET it becomes fits the database's bigint (a huge page was a 500).
    page = serializers.IntegerField(min_value=1, max_value=2**31 - 1, default=1)
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


def paginated_schema(item: serializers.Serializer, name: str) -> serializers.Serializer:
    """OpenAPI for `paginated`'s answer: `{data: [item], meta}`."""
    return inline_serializer(
        name,
        {
            "data": serializers.ListField(child=item),
            "meta": serializers.DictField(),
        },
    )


DELETED_SCHEMA = inline_serializer("RepostraDeleted", {"message": serializers.CharField()})


def deleted(name: str) -> Response:
    """A delete's answer: the document lists 200 and 201 as its successes, never 204."""
    return Response({"message": f"{name} deleted."})


def data_schema(item: serializers.Serializer, name: str) -> serializers.Serializer:
    """OpenAPI for one object's answer: `{data: item}`."""
    return inline_serializer(name, {"data": item})
