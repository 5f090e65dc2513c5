"""`/metrics` in Prometheus text format: behind `CRIER_METRICS_TOKEN` when it is set, else
for loopback clients only."""

from __future__ import annotations

import hmac
import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from core.errors import error_response


@cache
def _registry() -> CollectorRegistry:
    from posts.metrics import PipelineCollector

    registry = CollectorRegistry(auto_describe=False)
    registry.register(PipelineCollector())
    return registry


def _from_loopback(request: HttpRequest) -> bool:
    """Whether the TCP peer is this host. REMOTE_ADDR only: X-Forwarded-For is whatever the
    client wrote. A proxy on the same host makes every client look local: set a token there."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.CRIER_METRICS_TOKEN
    if token:
        presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(presented.encode(), token.encode()):
            return error_response(["A valid metrics token is required."], 401)
    elif not _from_loopback(request):
        return error_response(
            ["/metrics answers loopback clients only; set CRIER_METRICS_TOKEN to scrape it."],
            403,
        )
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
