"""Which dialect's error envelope a request speaks, for errors raised before any view runs
(unknown route, oversized body, NUL in the URL, unhandled exception).

Views choose their envelope themselves (`DialectView`); this answers the same question from
the request alone: the Postiz prefix, or the auth header a dialect's clients send.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from compat import postiz, publora, repostra
from compat.dialect import Envelope
from compat.routing import is_repostra
from core.errors import error_response

REPOSTRA_PREFIXES = tuple(
    f"/api/v1/{name}" for name in ("social-accounts", "posting-schedules", "content", "approvals")
)


def envelope_for(request: HttpRequest) -> Envelope | None:
    """The dialect envelope for this request, or None for Crier's native one."""
    if postiz.is_postiz_path(request.path):
        return postiz.envelope
    if request.META.get("HTTP_X_PUBLORA_KEY"):
        return publora.envelope
    if is_repostra(request):
        # PostPost and Repostra both send X-API-Key; their paths tell them apart.
        return repostra.envelope if request.path.startswith(REPOSTRA_PREFIXES) else publora.envelope
    return None


def error_response_for(request: HttpRequest, messages: list[str], status: int) -> JsonResponse:
    envelope = envelope_for(request)
    if envelope is None:
        return error_response(messages, status)
    return JsonResponse(envelope(messages, status), status=status)
