"""The native error envelope: `{"errors": ["human readable message", ...]}` with a 4xx status."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request is well formed but cannot be processed."
    default_code = "unprocessable"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body is too large."
    default_code = "payload_too_large"


def flatten_errors(detail: Any, path: str = "") -> list[str]:
    """Turn DRF's nested error structures into flat messages naming the failing field."""
    if isinstance(detail, Mapping):
        messages: list[str] = []
        for key, value in detail.items():
            if key == "non_field_errors":
                messages.extend(flatten_errors(value, path))
            elif isinstance(key, int):  # ListField reports items by index
                messages.extend(flatten_errors(value, f"{path}[{key}]"))
            else:
                messages.extend(flatten_errors(value, f"{path}.{key}" if path else str(key)))
        return messages
    if isinstance(detail, Iterable) and not isinstance(detail, str):
        items = list(detail)
        if all(isinstance(item, str) for item in items):
            return [f"{path}: {item}" if path else str(item) for item in items]
        messages = []
        for index, item in enumerate(items):
            if item:  # DRF reports valid list items as empty dicts
                messages.extend(flatten_errors(item, f"{path}[{index}]"))
        return messages
    return [f"{path}: {detail}" if path else str(detail)]


def error_response(messages: list[str], status_code: int, **headers: str) -> JsonResponse:
    response = JsonResponse({"errors": messages}, status=status_code)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def api_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        exc = _throttle_anonymous(exc, context)
    elif isinstance(exc, exceptions.PermissionDenied):
        exc = _throttle_refused(exc, context)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        message = f"Rate limit exceeded: retry in {int(exc.wait)} seconds."
        response.data = {"errors": [message]}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = {"errors": [f"{exc.detail} Send JSON with Content-Type: application/json."]}
    else:
        response.data = {"errors": flatten_errors(exc.detail)}
    return response


def _throttle_anonymous(exc: exceptions.APIException, context: Mapping[str, Any]) -> Exception:
    """Failed logins count against the caller's address, so key guessing meets a 429 too."""
    from accounts.throttling import FailedAuthenticationThrottle

    throttle = FailedAuthenticationThrottle()
    if throttle.allow_request(context["request"], context["view"]):
        return exc
    return exceptions.Throttled(wait=throttle.wait())


def _throttle_refused(exc: exceptions.APIException, context: Mapping[str, Any]) -> Exception:
    """DRF checks permissions before throttles, so a refused key was not counted and its 403
    had no `X-RateLimit-*` headers: count it now (a refusal still costs a request)."""
    request, view = context["request"], context.get("view")
    if view is None or getattr(request._request, "rate_limit", None) is not None:
        return exc
    try:
        view.check_throttles(request)
    except exceptions.Throttled as throttled:
        return throttled
    return exc
