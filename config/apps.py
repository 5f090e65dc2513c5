"""Settings that configure framework-free libraries: the egress policy of core.netguard."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin.apps import AdminConfig
from django.core.signals import setting_changed
from django.dispatch import receiver

from core import netguard

_EGRESS_SETTINGS = frozenset({"CRIER_ALLOW_PRIVATE_URLS", "CRIER_MEDIA_ORIGINS"})


def apply_egress_policy() -> None:
    netguard.configure(
        allow_private=settings.CRIER_ALLOW_PRIVATE_URLS,
        media_urls=settings.CRIER_MEDIA_ORIGINS,
    )


@receiver(setting_changed)
def _egress_setting_changed(*, setting: str, **kwargs: Any) -> None:
    # override_settings(CRIER_ALLOW_PRIVATE_URLS=...) in tests reaches the guard too.
    if setting in _EGRESS_SETTINGS:
        apply_egress_policy()


class CrierConfig(AppConfig):
    name = "config"
    label = "crier_config"
    verbose_name = "Crier configuration"

    def ready(self) -> None:
        # Every Django process (web, manage.py, tests) gets Crier's Celery app as the
        # current one, so `shared_task`s send through its broker, not Celery's default.
        import config.celery  # noqa: F401

        apply_egress_policy()


class CrierAdminConfig(AdminConfig):
    """The admin with the pipeline overview as its index (posts.admin_site)."""

    default_site = "posts.admin_site.CrierAdminSite"
