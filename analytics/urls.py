from __future__ import annotations

from django.urls import path

from analytics import views

urlpatterns = [
    path("analytics/posts/<str:post_id>", views.PostAnalyticsView.as_view(), name="analytics-post"),
    path(
        "analytics/accounts/<str:account_id>",
        views.AccountAnalyticsView.as_view(),
        name="analytics-account",
    ),
]
