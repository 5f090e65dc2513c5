"""A planned post's accounts are the caller's: another workspace's id is a 404, the same
answer as an id that does not exist, and Repostra never loads another workspace's."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import MonthlyUsage
from compat.repostra import ids
from planning.models import PlannedPost
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/planned-posts"


def plan_for(caller, *account_ids: str):
    body = {"topic": "SEO tips", "account_ids": list(account_ids)}
    return caller.client.post(URL, body, format="json")


def test_planned_post_with_another_workspaces_account_is_not_found(
    editor, account, outsider_account
):
    theirs = plan_for(editor, account.pk, outsider_account.pk)
    nowhere = plan_for(editor, account.pk, "acc_nothere")

    assert theirs.status_code == nowhere.status_code == 404
    assert theirs.json() == {"errors": [f"Account {outsider_account.pk} not found."]}
    assert nowhere.json() == {"errors": ["Account acc_nothere not found."]}
    assert not PlannedPost.objects.exists()
    assert not MonthlyUsage.objects.filter(posts__gt=0).exists()  # no quota taken


def test_planned_post_with_the_callers_accounts_is_stored(editor, account):
    response = plan_for(editor, account.pk)

    assert response.status_code == 201, response.content
    assert PlannedPost.objects.get().account_ids == [account.pk]


def test_repostra_approve_topic_never_loads_another_workspaces_account(owner, outsider, settings):
    # A topic stored before the check above (or by any other way in) names their account.
    theirs = SocialAccountFactory(workspace=outsider.workspace, platform="linkedin")
    plan = PlannedPost.objects.create(
        workspace=owner.workspace, kind="post", topic="SEO tips", account_ids=[theirs.pk]
    )
    settings.CRIER_GENERATOR_URL = "https://generator.example/draft"
    settings.CRIER_GENERATOR_KIND = "webhook"
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=owner.secret)
    number = ids.number_of(ids.Kind.SOCIAL_POST, plan)

    response = client.post(
        f"/api/v1/approvals/social/{number}/approve-topic", {"topic": "SEO"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["data"]["platform"] is None
