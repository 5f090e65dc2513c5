"""Keeps every answer under /api/ in the JSON error envelope, whatever layer produced it,
and logs one line per request with the ids that tie it to what it started."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from compat.envelopes import error_response_for
from core.logging import log_context

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("crier.request")

_GENERIC_MESSAGES = {
    400: "Bad request.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "Request body is too large.",
    500: "Internal server error: it has been logged.",
}


_API_ROOTS = ("/api/v1", "/public/v1", "/api/public/v1")


def is_api_path(path: str) -> bool:
    return path.startswith(tuple(root + "/" for root in _API_ROOTS)) or path in _API_ROOTS


def is_api_request(request: HttpRequest) -> bool:
    """An API path, or PostPost's root `/media/...` asked with a dialect key: its client
    reads `{success, error}` there too (a file URL fetched without a key stays a file's)."""
    if is_api_path(request.path):
        return True
    keyed = request.META.get("HTTP_X_API_KEY") or request.META.get("HTTP_X_PUBLORA_KEY")
    return request.path.startswith("/media/") and bool(keyed)


class ApiErrorMiddleware:
    """Refuses oversized bodies early and turns HTML error pages into JSON for API paths."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_request(request):
            response = self._nul_refused(request) or self.get_response(request)
            response = self._as_json_error(request, response)
        else:
            response = self.get_response(request)
        # Every throttled view, PostPost's root `/media/...` routes too, stamps its figures.
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            response["X-RateLimit-Limit"] = str(rate_limit[0])
            response["X-RateLimit-Remaining"] = str(rate_limit[1])
        return response

    @staticmethod
    def _nul_refused(request: HttpRequest) -> HttpResponse | None:
        """PostgreSQL text cannot hold NUL, so a NUL in a path or query value is refused up front
        rather than failing deep in a query (serializer fields already refuse it in bodies)."""
        query_parts = [part for key, values in request.GET.lists() for part in (key, *values)]
        if any("\x00" in part for part in (request.path, *query_parts)):
            return error_response_for(request, ["The URL contains a NUL character."], 400)
        return None

    def _as_json_error(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            message = _GENERIC_MESSAGES.get(response.status_code, response.reason_phrase)
            converted = error_response_for(request, [message], response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    converted[header] = response[header]
            return converted
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        """Refuse oversized bodies before anything reads them, once the view is known:
        views that stream their body to storage (`streams_body = True`) set their own limit."""
        if not is_api_request(request):
            return None
        view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
        if getattr(view_class, "streams_body", False):
            return None
        return self._too_large(request)

    def _too_large(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response_for(request, ["Content-Length header is not a number."], 400)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return error_response_for(
                request, [f"Request body is {length} bytes; the limit is {limit} bytes."], 413
            )
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_request(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            return error_response_for(request, [_GENERIC_MESSAGES[413]], 413)
        logger.exception("unhandled error", extra={"path": request.path})
        return error_response_for(request, [_GENERIC_MESSAGES[500]], 500)


# A proxy's request id is kept when it looks like one; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Probes an orchestrator sends every few seconds: logged at DEBUG only.
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestLogMiddleware:
    """One JSON line per request: method, path (never the query string, which may carry a
    token), status, duration and the ids the request touched (`request_id`, and the
    workspace, key prefix and job the code added). `X-Request-ID` echoes the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        started = time.perf_counter()
        with log_context(request_id=request_id):
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_logger.log(
                logging.DEBUG if request.path in _PROBES else logging.INFO,
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response
