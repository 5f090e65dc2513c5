"""Ids a stored row names are read back within the caller's workspace only, even when the
row was written before the checks that keep another workspace's ids out."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from media.models import MediaAsset
from posts.models import Post, PostMedia

pytestmark = pytest.mark.django_db


def test_postiz_post_list_never_shows_another_workspaces_media(owner, outsider, account):
    theirs = MediaAsset.objects.create(
        workspace=outsider.workspace,
        status=MediaAsset.Status.READY,
        kind=MediaAsset.Kind.IMAGE,
        storage_key=f"{outsider.workspace.pk}/private.png",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=owner.secret)  # Postiz: the raw key
    created = client.post(
        "/public/v1/posts",
        {
            "type": "schedule",
            "date": "2099-03-01T14:00:00Z",
            "shortLink": False,
            "tags": [],
            "posts": [{"integration": {"id": account.pk}, "value": [{"content": "hi"}]}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    # A link no API writes (each checks the asset is the workspace's), made by hand.
    PostMedia.objects.create(
        post=Post.objects.get(workspace=owner.workspace), asset=theirs, position=0
    )

    listed = client.get(
        "/public/v1/posts",
        {"startDate": "2099-03-01T00:00:00Z", "endDate": "2099-03-02T00:00:00Z"},
    )

    assert listed.status_code == 200, listed.content
    assert [post["image"] for post in listed.json()["posts"]] == [[{"id": theirs.pk, "path": None}]]
