"""The admin site: its index is the pipeline at a glance (posts.overview), not a model list.

Named by dotted path from `config.apps.CrierAdminConfig.default_site`, so every app's
`admin.register` lands here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from posts.overview import pipeline_overview


class CrierAdminSite(admin.AdminSite):
    site_header = "Crier operations"
    site_title = "Crier operations"
    index_title = "Pipeline health"
    index_template = "admin/crier/index.html"
    # The model sidebar takes 300 px that the delivery lists need for the error column.
    enable_nav_sidebar = False

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        context = {"overview": pipeline_overview(), **(extra_context or {})}
        return super().index(request, extra_context=context)
