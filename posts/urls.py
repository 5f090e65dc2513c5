from __future__ import annotations

from django.urls import path

from posts import views

urlpatterns = [
    path("posts/schedule", views.ScheduleView.as_view(), name="posts-schedule"),
    path("posts/schedule/publish", views.PublishNowView.as_view(), name="posts-publish"),
    path("job_status/<str:job_id>", views.JobStatusView.as_view(), name="job-status"),
    path("posts", views.PostListView.as_view(), name="posts"),
    path("posts/<str:post_id>", views.PostDetailView.as_view(), name="post-detail"),
    path("posts/<str:post_id>/retry", views.PostRetryView.as_view(), name="post-retry"),
    path("posts/<str:post_id>/approve", views.ApproveView.as_view(), name="post-approve"),
    path("posts/<str:post_id>/reject", views.RejectView.as_view(), name="post-reject"),
    path("approvals", views.ApprovalListView.as_view(), name="approvals"),
]
