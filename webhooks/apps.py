from __future__ import annotations

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from accounts import signals
        from webhooks import receivers

        signals.account_needs_reauth.connect(
            receivers.on_account_needs_reauth, dispatch_uid="webhooks.account_needs_reauth"
        )
        signals.quota_warning.connect(
            receivers.on_quota_warning, dispatch_uid="webhooks.quota_warning"
        )
