"""What every API dialect shares: its own error envelope around Crier's error handling.

A dialect is a thin module (auth header, routes, shapes, envelope) over the native
services: it builds native requests, validates them with the native serializers and calls
the same services, so no business rule exists twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import api_exception_handler

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
