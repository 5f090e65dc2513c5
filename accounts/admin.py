from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from accounts.models import (
    ApiKey,
    ApiKeyQuerySet,
    Member,
    MonthlyUsage,
    Scope,
    SocialAccount,
    Workspace,
)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "created_at"]
    search_fields = ["name", "id"]
    inlines = [MemberInline]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]


class ApiKeyCreationForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=list(Scope.values)
    )

    class Meta:
        model = ApiKey
        fields = ["name", "member", "scopes"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Creating a key shows its secret once; only the prefix is ever shown again."""

    list_display = [
        "name",
        "prefix",
        "member",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "member__user__username"]
    readonly_fields = ["prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "member", *readonly_fields]
    actions = ["revoke"]

    def get_form(
        self, request: HttpRequest, obj: ApiKey | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ApiKeyCreationForm
            kwargs["fields"] = ["name", "member", "scopes"]
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None):
        return ["name", "member", "scopes"] if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None):
        return [] if obj is None else [*self.readonly_fields, "member"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = ApiKey.issue(
            member=form.cleaned_data["member"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
        )
        obj.pk = issued.api_key.pk
        obj.refresh_from_db()
        messages.warning(request, f"Copy this key now, it will not be shown again: {issued.secret}")

    @admin.action(description="Revoke selected keys")
    def revoke(self, request: HttpRequest, queryset: ApiKeyQuerySet) -> None:
        for api_key in queryset.active():
            api_key.revoke()
        self.message_user(request, "Selected keys are revoked.")


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    """Read-only: accounts are connected, reconnected and moved through the API (OAuth
    gives them their credentials and status). Credentials are never shown."""

    list_display = ["__str__", "platform", "workspace", "status", "token_expires_at", "id"]
    list_filter = ["status", "platform", "workspace"]
    search_fields = ["username", "display_name", "external_id", "id"]
    fields = readonly_fields = (
        "platform",
        "workspace",
        "external_id",
        "username",
        "display_name",
        "status",
        "status_reason",
        "timezone",
        "token_expires_at",
        "created_at",
        "updated_at",
        "disconnected_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an account without credentials could never publish

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # its deliveries are history; DELETE /accounts/{id} disconnects it


@admin.register(MonthlyUsage)
class MonthlyUsageAdmin(admin.ModelAdmin):
    list_display = ["workspace", "month", "posts", "warned_at"]
    readonly_fields = ["workspace", "month", "posts", "warned_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
