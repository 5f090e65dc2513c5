"""Planning routes. Included before `posts.urls` in config/urls.py, so `posts/validate`
is not taken for a post id by `posts/<post_id>`."""

from __future__ import annotations

from django.urls import path

from planning import views

urlpatterns = [
    path("posting-schedules", views.PostingScheduleListView.as_view(), name="posting-schedules"),
    path(
        "posting-schedules/<str:schedule_id>",
        views.PostingScheduleDetailView.as_view(),
        name="posting-schedule-detail",
    ),
    path("accounts/<str:account_id>/next-slot", views.NextSlotView.as_view(), name="next-slot"),
    path(
        "accounts/<str:account_id>/timezone",
        views.AccountTimezoneView.as_view(),
        name="account-timezone",
    ),
    path("posts/validate", views.ValidateView.as_view(), name="posts-validate"),
    path("notifications", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read", views.NotificationReadView.as_view(), name="notifications-read"),
    path(
        "notifications/<str:notification_id>/read",
        views.NotificationDetailReadView.as_view(),
        name="notification-read",
    ),
    path("planned-posts", views.PlannedPostListView.as_view(), name="planned-posts"),
    path(
        "planned-posts/<str:plan_id>",
        views.PlannedPostDetailView.as_view(),
        name="planned-post-detail",
    ),
    path(
        "planned-posts/<str:plan_id>/draft",
        views.PlannedPostDraftView.as_view(),
        name="planned-post-draft",
    ),
    path(
        "planned-posts/<str:plan_id>/generate",
        views.PlannedPostGenerateView.as_view(),
        name="planned-post-generate",
    ),
    path("workspace/settings", views.WorkspaceSettingsView.as_view(), name="workspace-settings"),
]
