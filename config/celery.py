from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("crier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _install_heartbeat() -> None:
    from config.heartbeats import WorkerHeartbeat

    app.steps["worker"].add(WorkerHeartbeat)


_install_heartbeat()
