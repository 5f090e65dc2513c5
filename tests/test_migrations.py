"""The models and their migrations agree: a fresh `migrate` builds what the code expects."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import MonthlyUsage, OAuthState, SocialAccount
from connectors.registry import CONNECTORS
from posts.models import ApprovalDecision, PostMedia
from tests.factories import WorkspaceFactory


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
BEFORE_LINKS = [("posts", "0009_postmedia"), ("media", "0002_completing_until")]
LATEST = [("posts", "0011_remove_post_media"), ("media", "0002_completing_until")]


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


@pytest.mark.django_db(transaction=True)
def test_post_media_lists_become_ordered_rows_and_back(caplog):
    old = _migrate(BEFORE_LINKS)
    workspace, other = WorkspaceFactory(), WorkspaceFactory()
    Asset = old.get_model("media", "MediaAsset")
    mine = [
        Asset.objects.create(workspace_id=workspace.pk, status="ready", storage_key=f"k/{n}")
        for n in range(2)
    ]
    theirs = Asset.objects.create(workspace_id=other.pk, status="ready", storage_key="k/other")
    OldPost = old.get_model("posts", "Post")
    listed = [
        {"id": mine[1].pk, "alt": "second first"},
        {"id": "med_gone", "alt": "deleted long ago"},
        {"id": theirs.pk, "alt": ""},
        {"id": mine[0].pk},
    ]
    post = OldPost.objects.create(workspace_id=workspace.pk, media=listed)
    plain = OldPost.objects.create(workspace_id=workspace.pk, media=[])

    with caplog.at_level(logging.WARNING, logger="posts.migrations"):
        new = _migrate(LATEST)

    rows = new.get_model("posts", "PostMedia").objects.order_by("position")
    assert list(rows.values_list("post_id", "position", "asset_id", "alt")) == [
        (post.pk, 0, mine[1].pk, "second first"),
        (post.pk, 1, mine[0].pk, ""),
    ]
    left_out = [r.getMessage() for r in caplog.records if r.name == "posts.migrations"]
    assert len(left_out) == 2
    assert "'med_gone'" in left_out[0] and post.pk in left_out[0]
    assert repr(theirs.pk) in left_out[1]

    back = _migrate(BEFORE_LINKS)

    restored = back.get_model("posts", "Post").objects.in_bulk([post.pk, plain.pk])
    assert restored[post.pk].media == [
        {"id": mine[1].pk, "alt": "second first"},
        {"id": mine[0].pk, "alt": ""},
    ]
    assert restored[plain.pk].media == []
    assert not back.get_model("posts", "PostMedia").objects.exists()
    _migrate(LATEST)  # and forward again: each list moves once
    assert PostMedia.objects.filter(post_id=post.pk).count() == 2
