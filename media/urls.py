from __future__ import annotations

from django.urls import path

from media import views

# Under /api/v1/.
urlpatterns = [
    path("media", views.MediaListView.as_view(), name="media"),
    path("media/upload-url", views.UploadUrlView.as_view(), name="media-upload-url"),
    path("media/from-url", views.FromUrlView.as_view(), name="media-from-url"),
    path("media/<str:media_id>", views.MediaDetailView.as_view(), name="media-detail"),
    path(
        "media/<str:media_id>/complete",
        views.MediaCompleteView.as_view(),
        name="media-complete",
    ),
]

# At the root: the signed PUT target and local files, both without an API key.
file_urlpatterns = [
    path("uploads/<str:token>", views.signed_upload, name="media-signed-upload"),
    path("media/<path:key>", views.local_file, name="media-file"),
]
