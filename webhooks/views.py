from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.auth import api_context
from accounts.models import Role, Scope
from core.netguard import BlockedURL
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.serializers import (
    CreatedWebhookEndpointSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
)


class _WebhookView(generics.GenericAPIView):
    required_scope = Scope.WEBHOOKS
    write_role = Role.ADMIN
    serializer_class = WebhookEndpointSerializer

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no caller
            return WebhookEndpoint.objects.none()
        return WebhookEndpoint.objects.filter(
            workspace=api_context(self.request).workspace
        ).order_by("created_at")


def _guarded(action):
    try:
        return action()
    except BlockedURL as exc:
        raise ValidationError({"url": [str(exc)]}) from exc


@extend_schema(tags=["webhooks"])
class WebhookListView(_WebhookView, generics.ListCreateAPIView):
    @extend_schema(responses={201: CreatedWebhookEndpointSerializer})
    def post(self, request: Request) -> Response:
        serializer = WebhookEndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint = _guarded(
            lambda: services.endpoint_create(
                workspace=api_context(request).workspace,
                url=data["url"],
                events=data.get("events", []),
                description=data.get("description", ""),
            )
        )
        body = CreatedWebhookEndpointSerializer(endpoint).data
        return Response({**body, "secret": endpoint.secret}, status=201)


@extend_schema(tags=["webhooks"])
class WebhookDetailView(_WebhookView, generics.RetrieveUpdateDestroyAPIView):
    lookup_url_kwarg = "webhook_id"

    def perform_update(self, serializer: BaseSerializer[WebhookEndpoint]) -> None:
        endpoint = serializer.instance
        assert endpoint is not None  # UpdateModelMixin hands in the object it looked up
        _guarded(
            lambda: services.endpoint_update(endpoint=endpoint, changes=serializer.validated_data)
        )


@extend_schema(tags=["webhooks"])
class WebhookDeliveryListView(generics.ListAPIView):
    """What was sent to an endpoint, newest first, with every attempt."""

    required_scope = Scope.WEBHOOKS
    serializer_class = WebhookDeliverySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        endpoint = get_object_or_404(
            WebhookEndpoint,
            workspace=api_context(self.request).workspace,
            pk=self.kwargs["webhook_id"],
        )
        return (
            WebhookDelivery.objects.filter(endpoint=endpoint)
            .select_related("message")
            .prefetch_related("attempt_log")
            .order_by("-created_at", "-pk")
        )
