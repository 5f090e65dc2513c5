"""Postiz / PostSider routes, mounted at `public/v1/` and `api/public/v1/` in config/urls.py."""

from __future__ import annotations

from django.urls import path

from compat import postiz, postiz_analytics, postiz_posts

urlpatterns = [
    path("posts", postiz_posts.PostsView.as_view(), name="postiz-posts"),
    path("postsurl", postiz_posts.PostsWithUrlsView.as_view(), name="postiz-posts-with-urls"),
    # `str` stops at a slash, so `posts/group/<group>` and `posts/<id>` never overlap.
    path(
        "posts/group/<str:group>",
        postiz_posts.GroupDeleteView.as_view(),
        name="postiz-post-group",
    ),
    path("posts/<str:post_id>", postiz_posts.PostDetailView.as_view(), name="postiz-post"),
    path(
        "posts/<str:post_id>/missing",
        postiz_posts.MissingView.as_view(),
        name="postiz-post-missing",
    ),
    path(
        "posts/<str:post_id>/status", postiz_posts.StatusView.as_view(), name="postiz-post-status"
    ),
    path(
        "posts/<str:post_id>/release-id",
        postiz_posts.ReleaseIdView.as_view(),
        name="postiz-post-release-id",
    ),
    path("find-slot/<str:integration_id>", postiz.FindSlotView.as_view(), name="postiz-find-slot"),
    path("integrations", postiz.IntegrationListView.as_view(), name="postiz-integrations"),
    path(
        "integrations/<str:integration_id>",
        postiz.IntegrationDetailView.as_view(),
        name="postiz-integration",
    ),
    path("groups", postiz.GroupListView.as_view(), name="postiz-groups"),
    path("is-connected", postiz.IsConnectedView.as_view(), name="postiz-is-connected"),
    path("social/<str:integration>", postiz.SocialConnectView.as_view(), name="postiz-social"),
    path(
        "integration-settings/<str:integration_id>",
        postiz.IntegrationSettingsView.as_view(),
        name="postiz-integration-settings",
    ),
    path(
        "integration-trigger/<str:integration_id>",
        postiz.IntegrationTriggerView.as_view(),
        name="postiz-integration-trigger",
    ),
    path("notifications", postiz.NotificationListView.as_view(), name="postiz-notifications"),
    path("upload", postiz.UploadView.as_view(), name="postiz-upload"),
    path("upload-from-url", postiz.UploadFromUrlView.as_view(), name="postiz-upload-from-url"),
    path(
        "analytics/post/<str:post_id>",
        postiz_analytics.PostAnalyticsView.as_view(),
        name="postiz-post-analytics",
    ),
    path(
        "analytics/<str:integration_id>",
        postiz_analytics.IntegrationAnalyticsView.as_view(),
        name="postiz-integration-analytics",
    ),
]


def document_one_prefix(endpoints: list[tuple]) -> list[tuple]:
    """drf-spectacular preprocessing hook: the schema documents `/public/v1/` once; the
    self-hosted `/api/public/v1/` alias serves the same operations (README says so)."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith("/api/public/v1/")]
