from __future__ import annotations

from django.urls import path
from django.views import View

from compat import publora, repostra
from compat.routing import SHARED_PATHS, by_auth_header
from planning import views as planning_views
from posts import views as posts_views

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
    path("get-upload-url", publora.GetUploadUrlView.as_view(), name="publora-upload-url"),
    path(
        "media/process-video",
        publora.ProcessVideoView.as_view(),
        name="publora-process-video",
    ),
    path(
        "media/post/media/<str:media_id>",
        publora.DeletePostMediaView.as_view(),
        name="publora-delete-media",
    ),
]

# PostPost serves its two media routes at the root (`https://api.postpost.dev/media/...`),
# beside `/api/v1/`: a client that swaps only the host finds them there too. Mounted before
# the root `media/<key>` file route; stored keys are `<workspace>/<hex>`, never these paths.
postpost_root_urlpatterns = [
    path(
        "media/process-video",
        publora.RootProcessVideoView.as_view(),
        name="postpost-process-video",
    ),
    path(
        "media/post/media/<str:media_id>",
        publora.RootDeletePostMediaView.as_view(),
        name="postpost-delete-media",
    ),
]


def _shared(path_name: str, repostra_view: type[View], native_view: type[View], note: str):
    SHARED_PATHS["/api/v1/" + path_name.replace("<str:", "{").replace(">", "}")] = note
    return by_auth_header(repostra=repostra_view.as_view(), native=native_view.as_view())


# Repostra under /api/v1/; included before planning's routes, whose paths two of these share.
repostra_urlpatterns = [
    path(
        "social-accounts",
        repostra.SocialAccountListView.as_view(),
        name="repostra-social-accounts",
    ),
    path(
        "social-accounts/<str:account_id>",
        repostra.SocialAccountDetailView.as_view(),
        name="repostra-social-account",
    ),
    path(
        "posting-schedules",
        _shared(
            "posting-schedules",
            repostra.ScheduleListView,
            planning_views.PostingScheduleListView,
            "Repostra's schedule list `{data, meta}` (GET) and create with account_id, "
            "platform, day_of_week, time, content_type, blog_column_index, is_active (POST).",
        ),
        name="repostra-posting-schedules",
    ),
    path(
        "posting-schedules/<str:schedule_id>",
        _shared(
            "posting-schedules/<str:schedule_id>",
            repostra.ScheduleDetailView,
            planning_views.PostingScheduleDetailView,
            "Repostra's schedule `{data}` (GET), update of day_of_week, time, content_type, "
            "blog_column_index, is_active (PUT) and delete (DELETE); PATCH is native only.",
        ),
        name="repostra-posting-schedule",
    ),
    path(
        "approvals",
        _shared(
            "approvals",
            repostra.ApprovalListView,
            posts_views.ApprovalListView,
            "`{data: {pending_blog, pending_social}, meta: {pending_blog_count, "
            "pending_social_count}}`.",
        ),
        name="repostra-approvals",
    ),
    path(
        "approvals/blog/<str:content_id>/approve",
        repostra.BlogApproveView.as_view(),
        name="repostra-approve-blog",
    ),
    path(
        "approvals/social/<str:post_id>/approve-topic",
        repostra.SocialTopicApproveView.as_view(),
        name="repostra-approve-topic",
    ),
    path(
        "approvals/social/<str:post_id>/approve-content",
        repostra.SocialContentApproveView.as_view(),
        name="repostra-approve-content",
    ),
    path("content", repostra.ContentListView.as_view(), name="repostra-content"),
    path(
        "content/<str:content_id>",
        repostra.ContentDetailView.as_view(),
        name="repostra-content-detail",
    ),
    path(
        "content/<str:content_id>/approve",
        repostra.ContentApproveView.as_view(),
        name="repostra-content-approve",
    ),
]
