"""Web and worker processes freeze the objects they loaded at start: a full collection then
walks only what requests and tasks made since (~9 ms instead of ~100 ms on this heap, a
pause every request of the process waited out: docs/performance.md)."""

from __future__ import annotations

import gc

import pytest
from celery import signals

import config.celery  # noqa: F401 - connects the worker's signal handlers
from config import gunicorn


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process keeps collecting as it did


def test_a_web_worker_freezes_what_it_loaded_once_the_app_is_in(unfrozen):
    assert gc.get_freeze_count() == 0

    gunicorn.post_worker_init(worker=None)

    assert gc.get_freeze_count() > 10_000  # Django, DRF, the apps


def test_a_celery_worker_freezes_what_it_loaded_once_ready(unfrozen):
    assert gc.get_freeze_count() == 0

    signals.worker_ready.send(sender=None)

    assert gc.get_freeze_count() > 10_000
