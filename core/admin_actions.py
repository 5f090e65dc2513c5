"""Admin actions that ask first: a page says what will happen to each selected row and
which rows are refused and why; only "Yes" runs the action, and each change is recorded
in the admin log (who, when, what), shown on the object's history and the index.

The rules stay in the apps' services: `refusal` and `apply` are theirs, this only asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from rest_framework.exceptions import APIException

from core.errors import flatten_errors


@dataclass(frozen=True)
class ConfirmedAction:
    """`apply(obj, form_data, by)` returns the log message of what it changed, or "" when
    the row had moved on by the time it ran (a race: reported, not logged)."""

    verb: str
    what_happens: str
    refusal: Callable[[Any], str]
    apply: Callable[[Any, dict, str], str]
    form_class: type[forms.Form] | None = None


def run_confirmed(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    action: ConfirmedAction,
) -> HttpResponse | None:
    rows = [(obj, action.refusal(obj)) for obj in queryset]
    confirmed = request.POST.get("confirm") == "yes"
    form = None
    if action.form_class is not None:
        form = action.form_class(request.POST if confirmed else None)
    if confirmed and (form is None or form.is_valid()):
        by = request.user.get_username()
        data = form.cleaned_data if form is not None else {}
        done, moved_on = 0, []
        for obj, refused in rows:
            if refused:
                continue
            change = action.apply(obj, data, by)
            if change:
                model_admin.log_change(request, obj, change)
                done += 1
            else:
                moved_on.append(str(obj))
        level = messages.SUCCESS if done else messages.WARNING
        model_admin.message_user(request, f"{action.verb}: {done} done.", level)
        refused_count = sum(1 for _, refused in rows if refused)
        if refused_count:
            model_admin.message_user(
                request,
                f"{refused_count} refused (see the reasons before confirming).",
                messages.WARNING,
            )
        if moved_on:
            model_admin.message_user(
                request,
                f"Changed meanwhile, left alone: {', '.join(moved_on)}.",
                messages.WARNING,
            )
        return None
    return TemplateResponse(
        request,
        "admin/crier/confirm_action.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": f"{action.verb}: are you sure?",
            "action": action,
            "action_name": request.POST.get("action", ""),
            "rows": rows,
            "allowed": sum(1 for _, refused in rows if not refused),
            "form": form,
            "opts": model_admin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": [obj.pk for obj, _ in rows],
        },
    )


def each_applied(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, act: Callable
) -> int:
    """Apply a service to each selected row at once (no confirmation page); a refusal is
    shown, the others still go. Returns how many went."""
    done = 0
    for item in queryset:
        try:
            act(item)
            done += 1
        except APIException as exc:
            problems = "; ".join(flatten_errors(exc.detail))
            model_admin.message_user(request, f"{item.pk}: {problems}", messages.ERROR)
    return done


def log_entries(objects: Iterable[Model]) -> QuerySet[LogEntry]:
    """Operator actions recorded on these objects, newest first."""
    by_type: dict[int, list[str]] = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(obj).pk, []).append(str(obj.pk))
    entries = LogEntry.objects.none()
    for type_id, ids in by_type.items():
        entries |= LogEntry.objects.filter(content_type_id=type_id, object_id__in=ids)
    return entries.select_related("user").order_by("-action_time")


def log_table(objects: Iterable[Model]) -> str:
    """The operator actions on these objects as a small HTML table (a read-only field)."""
    entries = list(log_entries(objects)[:50])
    if not entries:
        return "None yet."
    return format_html(
        "<table class='operator-actions'><tr><th>when</th><th>who</th><th>on</th>"
        "<th>what</th></tr>{}</table>",
        format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    _when(entry),
                    entry.user.get_username(),
                    entry.object_repr,
                    entry.get_change_message(),
                )
                for entry in entries
            ),
        ),
    )


def _when(entry: LogEntry) -> str:
    return formats.date_format(timezone.localtime(entry.action_time), "DATETIME_FORMAT")
