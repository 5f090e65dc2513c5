"""What accounts tell the apps above them, which it may not import (one-way layers).

Sent inside the transaction that makes the change, so what a receiver writes (webhooks'
outbox: `webhooks.receivers`, connected in `WebhooksConfig.ready()`) exists exactly when
the change does.
"""

from __future__ import annotations

from django.dispatch import Signal

# The platform refused the account's tokens and the account was just flagged needs_reauth.
# Keyword arguments: account (SocialAccount), reason (str).
account_needs_reauth = Signal()

# A usage of the workspace's plan reached the warning ratio of its limit.
# Keyword arguments: workspace_id, quota (its name: "accounts", "posts_per_month"), used,
# limit.
quota_warning = Signal()
