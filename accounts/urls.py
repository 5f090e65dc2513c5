from __future__ import annotations

from django.urls import path

from accounts import connect_views, views

urlpatterns = [
    path("users/me", views.MeView.as_view(), name="users-me"),
    path("workspaces", views.WorkspaceListView.as_view(), name="workspaces"),
    path("accounts", views.SocialAccountListView.as_view(), name="accounts"),
    path(
        "accounts/connect/<str:platform>",
        connect_views.OAuthStartView.as_view(),
        name="account-connect",
    ),
    path(
        "accounts/callback/<str:platform>",
        connect_views.OAuthCallbackView.as_view(),
        name="account-callback",
    ),
    path(
        "accounts/<str:account_id>",
        views.SocialAccountDetailView.as_view(),
        name="account-detail",
    ),
]
