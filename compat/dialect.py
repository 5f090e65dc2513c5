"""What every API dialect shares: its own error envelope around Crier's error handling.

A dialect is a thin module (auth header, routes, shapes, envelope) over the native
services: it builds native requests, validates them with the native serializers and calls
the same services, so no business rule exists twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_errors import api_exception_handler
from accounts.auth import ApiContext, authenticated_key, touch_last_used
from accounts.models import Member

Envelope = Callable[[list[str], int], dict[str, Any]]


class DialectView(APIView):
    """Base view: errors go through Crier's handler, then into the dialect's envelope.

    Subclasses set `envelope`, and `messages` to replace Crier's wording of an exception
    class with the dialect's documented one.
    """

    envelope: Envelope
    messages: Mapping[type[exceptions.APIException], str] = {}

    def get_exception_handler(self) -> Callable[[Exception, dict], Response | None]:
        return self._handle

    def _handle(self, exc: Exception, context: dict) -> Response | None:
        response = api_exception_handler(exc, context)
        if response is None:
            return None
        messages = response.data["errors"]
        for exception_class, message in self.messages.items():
            if isinstance(exc, exception_class):
                messages = [message]
        response.data = type(self).envelope(messages, response.status_code)
        return response


class KeyHeaderAuthentication(BaseAuthentication):
    """A Crier API key sent raw in a dialect's own header: the first of `headers` present.

    Every Crier key works in every dialect, scoped as usual; `acting_member` lets a dialect
    act as another member of the key's workspace (PostPost's managed users), through
    `accounts.services.member_acting_as`, which never gives more than the key has.
    """

    headers: tuple[str, ...]  # request.META names
    challenge: str  # the WWW-Authenticate value of a 401

    def authenticate(self, request: Request) -> tuple[object, ApiContext] | None:
        presented = next(
            (value for name in self.headers if (value := request.META.get(name, "").strip())),
            None,
        )
        if presented is None:
            return None
        try:
            api_key = authenticated_key(request, presented)
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed("Invalid API key") from exc
        member = self.acting_member(api_key.member, request)
        touch_last_used(api_key)
        return member.user, ApiContext(api_key=api_key, member=member, workspace=member.workspace)

    def acting_member(self, owner: Member, request: Request) -> Member:
        return owner

    def authenticate_header(self, request: Request) -> str:
        return self.challenge


def document_key_header(
    authentication: type[KeyHeaderAuthentication], *, name: str, header: str, description: str
) -> None:
    """Describe a dialect's key header in OpenAPI (drf-spectacular registers an extension
    when it is subclassed, so defining the class is enough)."""

    def get_security_definition(self: object, auto_schema: object) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": header, "description": description}

    type(
        f"{name}Scheme",
        (OpenApiAuthenticationExtension,),
        {
            "target_class": authentication,
            "name": name,
            "get_security_definition": get_security_definition,
        },
    )


def error_responses(
    envelope: type[serializers.Serializer], statuses: Mapping[int, str]
) -> dict[int, OpenApiResponse]:
    """A dialect's error statuses for `extend_schema(responses=...)`, each documented with
    the dialect's envelope as its body (what `DialectView` and `envelope_for` answer)."""
    return {
        status: OpenApiResponse(envelope, description=description)
        for status, description in statuses.items()
    }
