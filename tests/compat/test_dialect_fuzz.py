"""The Publora/PostPost and Postiz operations fuzzed with their own key headers (the schema
fuzzer's `Authorization: Bearer-API` only meets their 401), in a workspace holding a
connected sandbox account, post groups and an upload, whose ids the generated requests use
in some examples so they reach the dialects' validation and the native services."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from planning.models import PostingSchedule
from posts.models import Delivery, Post
from posts.states import DeliveryStatus
from tests.conftest import Caller
from tests.factories import SocialAccountFactory
from tests.media import files
from tests.media.conftest import media_root
from tests.reliability.fuzzing import fuzz_operations, offline_netguard, tagged, wsgi_app

__all__ = ["media_root", "offline_netguard", "wsgi_app"]  # fixtures

pytestmark = pytest.mark.django_db


def client(**credentials: str) -> APIClient:
    api = APIClient()
    api.credentials(**credentials)
    return api


def moment(hours: float) -> str:
    return (timezone.now() + timedelta(hours=hours)).replace(microsecond=0).isoformat()


@pytest.fixture
def deep(owner: Caller, offline_netguard, settings) -> dict[str, list[str]]:
    """Two connected sandbox accounts (one with a posting schedule), a draft post group,
    another with a pending upload, a Postiz group whose delivery was published, and a
    ready image: their ids, by the names requests carry them in."""
    settings.POSTIZ_API_LIMIT = 100_000
    account, plain = SocialAccountFactory.create_batch(2, workspace=owner.workspace)
    PostingSchedule.objects.create(
        workspace=owner.workspace, account=account, day_of_week=1, time=time(9)
    )
    platform_ids = [f"{each.platform}-{each.pk}" for each in (account, plain)]
    publora = client(HTTP_X_PUBLORA_KEY=owner.secret)
    groups = [
        publora.post(
            "/api/v1/create-post", {"content": "Draft", "platforms": [platform_id]}, format="json"
        ).json()["postGroupId"]
        for platform_id in platform_ids
    ]
    pending = publora.post(
        "/api/v1/get-upload-url",
        {"fileName": "a.png", "contentType": "image/png", "postGroupId": groups[1]},
        format="json",
    )
    assert pending.status_code == 200, pending.content
    postiz = client(HTTP_AUTHORIZATION=owner.secret)
    png = SimpleUploadedFile("logo.png", files.image_bytes("PNG"), content_type="image/png")
    ready = postiz.post("/public/v1/upload", {"file": png}, format="multipart")
    assert ready.status_code == 201, ready.content
    scheduled = postiz.post(
        "/public/v1/posts",
        {
            "type": "schedule",
            "date": moment(2),
            "posts": [{"integration": {"id": account.pk}, "value": [{"content": "Hi"}]}],
        },
        format="json",
    )
    assert scheduled.status_code == 201, scheduled.content
    postiz_post = Post.objects.get(pk=scheduled.json()[0]["postId"])
    published = Delivery.objects.get(post=postiz_post)
    Delivery.objects.filter(pk=published.pk).update(
        status=DeliveryStatus.PUBLISHED, external_id="1", external_url="https://example.com/1"
    )
    media = [pending.json()["mediaId"], ready.json()["id"]]
    return {
        # Publora / PostPost
        "platforms": platform_ids,
        "post_group_id": groups,
        "postGroupId": groups,
        "media_id": media,
        "contentType": ["image/png", "video/mp4"],
        "scheduledTime": [moment(3)],
        # Postiz
        "integration_id": [account.pk, plain.pk],
        "integration.id": [account.pk, plain.pk],
        "integration": ["sandbox", "x", "bluesky"],
        "post_id": [*groups, postiz_post.pk, published.pk],
        "group": [postiz_post.job_id],
        "image.id": media,
        "date": [moment(3)],
        "startDate": [moment(-24)],
        "endDate": [moment(24)],
    }


def test_fuzzed_publora_operations_answer_without_5xx_and_as_documented(wsgi_app, owner, deep):
    tried = fuzz_operations(
        wsgi_app,
        headers=[{"x-publora-key": owner.secret}, {"x-api-key": owner.secret}],
        include=tagged("dialect: Publora / PostPost"),
        known=deep,
        negative=True,
    )
    assert tried >= 9  # at least the 9 of this writing: the filter found them


def test_fuzzed_postiz_operations_answer_without_5xx_and_as_documented(wsgi_app, owner, deep):
    tried = fuzz_operations(
        wsgi_app,
        headers={"Authorization": owner.secret},
        include=tagged("dialect: Postiz"),
        known=deep,
        negative=True,
    )
    assert tried >= 20  # at least the 20 of this writing: the filter found them
