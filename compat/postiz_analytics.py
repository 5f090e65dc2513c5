"""Postiz's analytics routes over Crier's analytics app (analytics/services.py).

Postiz answers a list of charts, `[{label, data: [{total, date}], percentageChange}]`
(`total` a string, as Postiz declares it),
over the last `date` days. Crier samples what each platform offers every few hours
(`CRIER_ANALYTICS_EVERY`); a chart has one point per day, the day's last sample (summed
over the channels a post went to). What a platform does not offer is left out rather
than shown as zero, so a channel without metrics answers an empty list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Scope
from analytics import services as analytics
from compat.postiz import ERRORS, TAGS, PostizView, integration_get
from compat.postiz_posts import post_get


class PostizAnalyticsQuerySerializer(serializers.Serializer):
    date = serializers.IntegerField(
        min_value=1, max_value=365, required=False, default=7, help_text="Days back (7, 30, 90)."
    )


class PostizPointSerializer(serializers.Serializer):
    # Postiz declares `total: string` (social.integrations.interface.ts, AnalyticsData).
    total = serializers.CharField()
    date = serializers.DateField()


class PostizChartSerializer(serializers.Serializer):
    # Wire names, not Field.label and Serializer.data: DRF's metaclass takes declared
    # fields off the class.
    label = serializers.CharField()  # type: ignore[assignment]
    data = PostizPointSerializer(many=True)  # type: ignore[assignment]
    percentageChange = serializers.FloatField()


def chart(label: str, points: Iterable[tuple[str, str, int | None]]) -> dict | None:
    """(taken_at ISO, source, value) samples → one point per day: the sum over sources of
    each source's last value that day. None when no sample has a value."""
    last: dict[str, dict[str, int]] = defaultdict(dict)
    for taken_at, source, value in sorted(points):
        if value is not None:
            last[taken_at[:10]][source] = value
    if not last:
        return None
    totals = [(day, sum(by_source.values())) for day, by_source in sorted(last.items())]
    first, latest = totals[0][1], totals[-1][1]
    change = round((latest - first) / first * 100, 2) if first else 0.0
    data = [{"total": str(total), "date": day} for day, total in totals]
    return {"label": label, "data": data, "percentageChange": change}


def _since(request: Request) -> datetime:
    query = PostizAnalyticsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return timezone.now() - timedelta(days=query.validated_data["date"])


class IntegrationAnalyticsView(PostizView):
    required_scope = Scope.ACCOUNTS

    @extend_schema(
        tags=TAGS,
        parameters=[PostizAnalyticsQuerySerializer],
        responses={200: PostizChartSerializer(many=True), **ERRORS},
        description="Followers over the last `date` days, one point per day.",
    )
    def get(self, request: Request, integration_id: str) -> Response:
        account = integration_get(request, integration_id)
        since = _since(request)
        series = analytics.account_series(account, since, timezone.now())
        followers = chart(
            "Followers", ((row["taken_at"], account.pk, row["followers"]) for row in series)
        )
        return Response(PostizChartSerializer([followers] if followers else [], many=True).data)


class PostAnalyticsView(PostizView):
    @extend_schema(
        tags=TAGS,
        parameters=[PostizAnalyticsQuerySerializer],
        responses={200: PostizChartSerializer(many=True), **ERRORS},
        description="Impressions, likes, comments, shares and clicks where the platform "
        "offers them, one point per day.",
    )
    def get(self, request: Request, post_id: str) -> Response:
        post = post_get(request, post_id)
        since = _since(request)
        series = [
            row
            for row in analytics.post_series(post)
            if datetime.fromisoformat(row["taken_at"]) >= since
        ]
        charts = [
            chart(
                name.capitalize(),
                ((row["taken_at"], row["delivery_id"], row[name]) for row in series),
            )
            for name in analytics.POST_FIELDS
        ]
        return Response(PostizChartSerializer([c for c in charts if c], many=True).data)
