"""Connecting accounts over the API: token platforms, and the OAuth round trip."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import connection, platforms
from accounts.auth import api_context
from accounts.models import Role, Scope
from accounts.serializers import SocialAccountSerializer
from connectors.base import Connector
from connectors.errors import AuthExpired, PermanentError, TransientError
from connectors.registry import CONNECTORS
from core.errors import Unprocessable


class PlatformUnreachable(APIException):
    status_code = 502
    default_code = "platform_unreachable"


def _connector(platform: str, kind: str) -> Connector:
    if platform not in CONNECTORS:
        raise NotFound(f"Unknown platform '{platform}'; known: {', '.join(sorted(CONNECTORS))}.")
    connector = platforms.new_connector(platform)
    if connector.connection != kind:
        other = "POST /api/v1/accounts" if kind == "oauth" else "POST /api/v1/accounts/connect/"
        raise ValidationError(f"{connector.display_name} is connected with {other}.")
    return connector


def _platform_call(call):
    """Map what the platform said into the API's errors: its reason, never a 500."""
    try:
        return call()
    except (PermanentError, AuthExpired) as exc:
        raise Unprocessable(f"The platform refused: {exc.message}") from exc
    except TransientError as exc:
        if exc.code == "unresolvable_host":
            # While connecting, a host DNS does not know is a wrong field, not an outage.
            raise Unprocessable(exc.message) from exc
        raise PlatformUnreachable(f"The platform could not be reached: {exc.message}") from exc


class TokenConnectSerializer(serializers.Serializer):
    provider = serializers.CharField()

    def validate(self, attrs: dict) -> dict:
        if attrs["provider"] not in CONNECTORS:
            known = ", ".join(sorted(CONNECTORS))
            raise ValidationError({"provider": [f"unknown provider; known: {known}."]})
        connector = _connector(attrs["provider"], "token")
        raw = self.initial_data
        allowed = set(connector.connect_fields)
        unknown = sorted(set(raw) - allowed - {"provider"})
        missing = sorted(
            allowed - set(connector.optional_connect_fields) - {k for k, v in raw.items() if v}
        )
        wrong = sorted(name for name in allowed & set(raw) if not isinstance(raw[name], str))
        problems = [f"{name}: unknown field for {connector.display_name}." for name in unknown]
        problems += [f"{name}: this field is required." for name in missing]
        problems += [f"{name}: must be a string." for name in wrong]
        if problems:
            raise ValidationError(problems)
        attrs["connector"] = connector
        attrs["fields"] = {name: raw[name] for name in allowed if raw.get(name)}
        return attrs


class TokenConnectView(APIView):
    required_scope = Scope.ACCOUNTS
    write_role = Role.ADMIN

    @extend_schema(
        request=inline_serializer("TokenConnect", {"provider": serializers.CharField()}),
        responses={201: SocialAccountSerializer},
        tags=["accounts"],
        description="Connect a token platform (bluesky, mastodon, telegram, wordpress, "
        "webhook): the credentials are verified with the platform before they are stored.",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenConnectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = _platform_call(
            lambda: connection.token_connect(
                context=api_context(request), connector=data["connector"], fields=data["fields"]
            )
        )
        return Response(SocialAccountSerializer(account).data, status=201)


class OAuthStartView(APIView):
    required_scope = Scope.ACCOUNTS
    write_role = Role.ADMIN

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "AuthorizationUrl", {"authorization_url": serializers.URLField()}
            )
        },
        tags=["accounts"],
    )
    def post(self, request: Request, platform: str) -> Response:
        connector = _connector(platform, "oauth")
        url = connection.oauth_start(context=api_context(request), connector=connector)
        return Response({"authorization_url": url})


class OAuthCallbackView(APIView):
    """Where the platform sends the user back. No API key: the single-use state is the proof."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("code", str),
            OpenApiParameter("state", str),
            OpenApiParameter("error", str),
            OpenApiParameter("error_description", str),
        ],
        responses={200: SocialAccountSerializer},
        tags=["accounts"],
    )
    def get(self, request: Request, platform: str) -> Response:
        connector = _connector(platform, "oauth")
        params = request.query_params
        if params.get("error"):
            reason = params.get("error_description") or params["error"]
            raise ValidationError(f"{connector.display_name} did not grant access: {reason}")
        if not params.get("code") or not params.get("state"):
            raise ValidationError("code and state are required.")
        try:
            account = _platform_call(
                lambda: connection.oauth_finish(
                    connector=connector, state=params["state"], code=params["code"]
                )
            )
        except connection.ConnectionRefused as exc:
            raise ValidationError(str(exc)) from exc
        return Response(SocialAccountSerializer(account).data)
