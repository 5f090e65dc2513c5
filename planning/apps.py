from __future__ import annotations

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Planning: schedules, approvals, recurrence, notifications, quotas"

    def ready(self) -> None:
        from planning import notifications
        from planning.services import PostsPlanning
        from posts import extensions
        from webhooks.signals import event_emitted

        # One listener: notifications come from the very events webhooks carry.
        event_emitted.connect(notifications.on_event, dispatch_uid="planning.notifications")
        # Queue slots, approvals, quotas and recurrence in the posts pipeline.
        extensions.planning_register(PostsPlanning())
