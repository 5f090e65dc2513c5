from __future__ import annotations

from django.urls import path

from compat import publora

# Publora and PostPost share these routes under /api/v1/.
publora_urlpatterns = [
    path(
        "platform-connections",
        publora.PlatformConnectionsView.as_view(),
        name="publora-connections",
    ),
    path("create-post", publora.CreatePostView.as_view(), name="publora-create-post"),
    path(
        "update-post/<str:post_group_id>",
        publora.UpdatePostView.as_view(),
        name="publora-update-post",
    ),
    path(
        "delete-post/<str:post_group_id>",
        publora.DeletePostView.as_view(),
        name="publora-delete-post",
    ),
]
