from __future__ import annotations

from django.apps import AppConfig


class CompatConfig(AppConfig):
    name = "compat"
    verbose_name = "API dialects of other services"
