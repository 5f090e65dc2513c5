"""The models and their migrations agree: a fresh `migrate` builds what the code expects."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import MonthlyUsage, OAuthState, SocialAccount
from connectors.registry import CONNECTORS
from posts.models import ApprovalDecision


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


BEFORE_THE_MOVE = [
    ("accounts", "0008_wordpress_account_per_user"),
    ("posts", "0007_delivery_requested_at"),
    ("planning", "0004_repostra_fields"),
]


def _migrate(targets: list[tuple[str, str]]) -> Apps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_approvals_and_usage_change_app_with_their_rows_and_permissions():
    old = _migrate(BEFORE_THE_MOVE)
    workspace = old.get_model("accounts", "Workspace").objects.create(name="A")
    post = old.get_model("posts", "Post").objects.create(workspace=workspace)
    old.get_model("planning", "ApprovalDecision").objects.create(
        workspace=workspace, post=post, verdict="rejected", comment="Too long."
    )
    old.get_model("planning", "MonthlyUsage").objects.create(
        workspace=workspace, month=date(2026, 6, 1), posts=3
    )
    moved = {  # as post_migrate left them, with the admin permissions pointing at them
        model: ContentType.objects.get_or_create(app_label="planning", model=model)[0]
        for model in ("approvaldecision", "monthlyusage")
    }

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    decision = ApprovalDecision.objects.get()
    assert (decision.post_id, decision.comment) == (post.pk, "Too long.")
    assert MonthlyUsage.objects.get().posts == 3
    assert ContentType.objects.get_for_model(ApprovalDecision).pk == moved["approvaldecision"].pk
    assert ContentType.objects.get_for_model(MonthlyUsage).pk == moved["monthlyusage"].pk
    assert not ContentType.objects.filter(app_label="planning", model__in=moved).exists()
