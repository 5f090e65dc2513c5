"""The models and their migrations agree: a fresh `migrate` builds what the code expects."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import OAuthState, SocialAccount
from connectors.registry import CONNECTORS


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    # --check exits non-zero (SystemExit) when makemigrations would write a file.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_a_new_platform_needs_no_migration(monkeypatch):
    # The choices are the registry's callable, read when used: a new entry shows at once
    # and the migration state (a reference to the callable) does not change.
    monkeypatch.setitem(CONNECTORS, "myspace", "connectors.sandbox.SandboxConnector")
    for model in (SocialAccount, OAuthState):
        assert "myspace" in dict(model._meta.get_field("platform").choices)
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
