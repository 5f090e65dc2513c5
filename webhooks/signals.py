"""Listeners of the events webhooks carry (the planning app turns some into notifications).

Sent by `webhooks.services.emit` for every event, whether or not an endpoint wants it, inside
the caller's transaction: a listener's rows exist exactly when the change does.
"""

from __future__ import annotations

from django.dispatch import Signal

# Keyword arguments: workspace_id, event, data.
event_emitted = Signal()
