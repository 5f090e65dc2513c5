"""Crier's URLs plus one bare DRF endpoint: the baseline of bench/api.py, never in the product.

`GET /api/v1/bench/bare` goes through the same authentication, scope permission and rate
limit as every Crier endpoint, then answers a constant: the floor any endpoint pays.
"""

from __future__ import annotations

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Scope
from config.urls import handler404, handler500
from config.urls import urlpatterns as crier_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


class BareView(APIView):
    required_scope = Scope.POSTS

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [path("api/v1/bench/bare", BareView.as_view()), *crier_urlpatterns]
