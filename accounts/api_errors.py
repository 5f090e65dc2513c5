"""DRF's exception handler for every API: framework errors in the native envelope, and the
rate limits of failed and refused keys counted (accounts.throttling) before answering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.throttling import FailedAuthenticationThrottle
from core.errors import PayloadTooLarge, flatten_errors


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
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
    if response is None or not isinstance(exc, exceptions.APIException):
        return None  # DRF answers only its own exceptions
    # djangorestframework-stubs leave out the `wait` that Throttled sets.
    wait: float | None = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        message = f"Rate limit exceeded: retry in {int(wait)} seconds."
        response.data = {"errors": [message]}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = {"errors": [f"{exc.detail} Send JSON with Content-Type: application/json."]}
    else:
        response.data = {"errors": flatten_errors(exc.detail)}
    return response


def _throttle_anonymous(
    exc: exceptions.APIException, context: Mapping[str, Any]
) -> exceptions.APIException:
    """Failed logins count against the caller's address, so key guessing meets a 429 too."""
    throttle = FailedAuthenticationThrottle()
    if throttle.allow_request(context["request"], context["view"]):
        return exc
    return exceptions.Throttled(wait=throttle.wait())


def _throttle_refused(
    exc: exceptions.APIException, context: Mapping[str, Any]
) -> exceptions.APIException:
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
