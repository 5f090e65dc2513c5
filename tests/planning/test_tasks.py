"""Beat runs planning's tasks: each scheduled planning task is one the workers know."""

from __future__ import annotations

from django.conf import settings

from config.celery import app

PLANNING_TASKS = {
    "planning.tasks.materialize_recurrences",
    "planning.tasks.fill_evergreen_slots",
    "planning.tasks.generate_due_drafts",
}


def test_beat_schedules_every_planning_task_and_workers_have_them():
    app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled >= PLANNING_TASKS
    assert set(app.tasks) >= PLANNING_TASKS | {"planning.tasks.generate_draft"}
