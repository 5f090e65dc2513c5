from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from compat.envelopes import error_response_for
from compat.urls import postpost_root_urlpatterns, publora_urlpatterns, repostra_urlpatterns
from config import metrics
from core import health
from media.urls import file_urlpatterns as media_file_urlpatterns

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    # Repostra first: it shares two paths with planning (compat.routing picks the view).
    path("api/v1/", include(repostra_urlpatterns)),
    # planning before posts: `posts/validate` must not be read as a post id.
    path("api/v1/", include("planning.urls")),
    path("api/v1/", include("accounts.urls")),
    path("api/v1/", include("posts.urls")),
    path("api/v1/", include("webhooks.urls")),
    # Publora's `media/process-video` before the native `media/<id>`, which would take it.
    path("api/v1/", include(publora_urlpatterns)),
    path("api/v1/", include("media.urls")),
    path("api/v1/", include("analytics.urls")),
    # PostPost's media routes at the root, before the root `media/<key>` file route.
    path("", include(postpost_root_urlpatterns)),
    path("", include(media_file_urlpatterns)),
    # Postiz's cloud base path, and the one its documentation gives for self-hosting.
    path("public/v1/", include("compat.postiz_urls")),
    path("api/public/v1/", include("compat.postiz_urls")),
]


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response_for(request, [f"No route for {request.method} {request.path}."], 404)


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response_for(request, ["Internal server error: it has been logged."], 500)


handler404 = not_found
handler500 = server_error
