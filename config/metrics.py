"""`/metrics` in Prometheus text format; optionally behind `CRIER_METRICS_TOKEN`."""

from __future__ import annotations

import hmac
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from config.errors import error_response


@cache
def _registry() -> CollectorRegistry:
    from posts.metrics import PipelineCollector

    registry = CollectorRegistry(auto_describe=False)
    registry.register(PipelineCollector())
    return registry


def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.CRIER_METRICS_TOKEN
    if token:
        presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(presented.encode(), token.encode()):
            return error_response(["A valid metrics token is required."], 401)
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
