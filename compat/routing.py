"""Paths that two dialects serve: the request's auth header picks the view.

Repostra's `/api/v1/posting-schedules` and `/api/v1/approvals` are Crier's own paths too.
A request that carries `X-API-Key` and no `Authorization` is a Repostra client's; a Bearer
key gets the native view. A request with no key at all gets Repostra's view, so its 401 is
in Repostra's envelope as on Repostra's other paths: a native client always sends
`Authorization`, while a Repostra client that forgot `X-API-Key` would not understand
Crier's `errors`. OpenAPI
cannot hold two operations on one path and method: the native one is documented, with the
Repostra variant described in it (`describe_shared_paths`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

ViewFunction = Callable[..., HttpResponseBase]
SHARED_PATHS: dict[str, str] = {}  # OpenAPI path → what the Repostra variant does


def by_auth_header(*, repostra: ViewFunction, native: ViewFunction) -> ViewFunction:
    @csrf_exempt
    def view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        chosen = native if request.META.get("HTTP_AUTHORIZATION") else repostra
        return chosen(request, *args, **kwargs)

    # Route walkers (tests, schema) see the native view, the one the schema documents.
    view.view_class = native.view_class  # type: ignore[attr-defined]
    return view


def is_repostra(request: HttpRequest) -> bool:
    return bool(request.META.get("HTTP_X_API_KEY")) and not request.META.get("HTTP_AUTHORIZATION")


def describe_shared_paths(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular postprocessing hook: the native operations of shared paths say how a
    Repostra client reaches its variant."""
    for path, note in SHARED_PATHS.items():
        for method, operation in result.get("paths", {}).get(path, {}).items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            text = (
                f"**Repostra dialect**: the same path with `X-API-Key: <key>` and no "
                f"`Authorization` header reaches Repostra's variant: {note}"
            )
            description = operation.get("description", "")
            operation["description"] = f"{description}\n\n{text}" if description else text
    return result
