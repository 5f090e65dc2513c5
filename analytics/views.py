"""The analytics API: time series of what the collector sampled. Thin views over services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import api_context
from accounts.models import Scope, SocialAccount
from analytics import services
from analytics.serializers import (
    AccountSeriesFilterSerializer,
    AccountSeriesSerializer,
    PostSeriesSerializer,
)
from posts.models import Post


class PostAnalyticsView(APIView):
    """Metrics of each of the post's deliveries over time (impressions, likes, comments,
    shares, clicks where the platform offers them; null where it does not)."""

    required_scope = Scope.POSTS

    @extend_schema(responses=PostSeriesSerializer, tags=["analytics"])
    def get(self, request: Request, post_id: str) -> Response:
        # Another workspace's post id looks unknown: 404, never 403.
        post = get_object_or_404(
            Post.objects.filter(workspace=api_context(request).workspace), pk=post_id
        )
        return Response(
            PostSeriesSerializer({"post_id": post.pk, "series": services.post_series(post)}).data
        )


class AccountAnalyticsView(APIView):
    """The account's follower count over time, optionally between `from` and `to`."""

    required_scope = Scope.ACCOUNTS

    @extend_schema(
        parameters=[AccountSeriesFilterSerializer],
        responses=AccountSeriesSerializer,
        tags=["analytics"],
    )
    def get(self, request: Request, account_id: str) -> Response:
        account = get_object_or_404(
            SocialAccount.objects.filter(workspace=api_context(request).workspace), pk=account_id
        )
        filters = AccountSeriesFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        series = services.account_series(
            account, filters.validated_data.get("from"), filters.validated_data.get("to")
        )
        return Response(
            AccountSeriesSerializer(
                {"account_id": account.pk, "platform": account.platform, "series": series}
            ).data
        )
