"""What bounds one Postiz request: the scopes and number of URLs `POST /postsurl` may
fetch within one deadline, and the window `GET /posts` may read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, Scope
from media.models import MediaAsset
from posts.models import Post
from tests.compat.test_postiz import BASE, create_body, postiz_client
from tests.conftest import Caller, make_caller
from tests.factories import MemberFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def postiz(owner: Caller) -> APIClient:
    return postiz_client(owner.secret)


def test_posts_with_urls_needs_the_media_scope_like_upload_from_url(workspace, picture_site):
    account = SocialAccountFactory(workspace=workspace)
    posts_only = make_caller(
        MemberFactory(workspace=workspace, role=Role.EDITOR), scopes=[Scope.POSTS]
    )
    body = create_body(account.pk)
    body["posts"][0]["value"][0]["imageUrls"] = [picture_site.url("/image1.png")]

    refused = postiz_client(posts_only.secret).post(f"{BASE}/postsurl", body, format="json")

    assert refused.status_code == 403, refused.content
    assert refused.json() == {"msg": "This API key lacks the 'media' scope."}
    assert picture_site.requested == []
    assert not MediaAsset.objects.exists()
    assert not Post.objects.exists()


def test_posts_with_urls_naming_more_urls_than_the_limit_is_a_400_before_any_fetch(
    postiz, workspace, picture_site, settings
):
    settings.POSTIZ_MAX_IMAGE_URLS = 2
    accounts = [SocialAccountFactory(workspace=workspace) for _ in range(2)]
    body = create_body(*(account.pk for account in accounts))
    # Counted over the whole request, not per value.
    body["posts"][0]["value"][0]["imageUrls"] = [picture_site.url("/image1.png")]
    body["posts"][1]["value"][0]["imageUrls"] = [
        picture_site.url("/image2.png"),
        picture_site.url("/image3.png"),
    ]

    refused = postiz.post(f"{BASE}/postsurl", body, format="json")

    assert refused.status_code == 400, refused.content
    assert refused.json()["msg"].startswith("imageUrls: at most 2 in one request (3 given)")
    assert picture_site.requested == []
    assert not MediaAsset.objects.exists()


def test_posts_with_urls_stops_fetching_once_the_request_deadline_has_passed(
    postiz, account, picture_site, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.POSTIZ_IMAGE_URLS_TIMEOUT = 0.2
    picture_site.delays["/image1.png"] = 0.5  # longer than the whole request may take
    urls = [picture_site.url("/image1.png"), picture_site.url("/image2.png")]
    body = create_body(account.pk)
    body["posts"][0]["value"][0]["imageUrls"] = urls

    with django_capture_on_commit_callbacks(execute=True):
        refused = postiz.post(f"{BASE}/postsurl", body, format="json")

    assert refused.status_code == 400, refused.content
    assert refused.json()["msg"].startswith("imageUrls: ")
    assert "/image2.png" not in picture_site.requested
    assert not MediaAsset.objects.exists()
    assert not Post.objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_upload_from_url_gives_up_at_the_request_deadline_not_the_workers(
    postiz, picture_site, settings, tmp_path
):
    # A web process waits for this fetch: the Postiz budget bounds it, not the worker's
    # CRIER_MEDIA_FETCH_TIMEOUT (300 s), so a slow site cannot hold the web for minutes.
    settings.POSTIZ_IMAGE_URLS_TIMEOUT = 0.2
    picture_site.delays["/image1.png"] = 2

    refused = postiz.post(
        f"{BASE}/upload-from-url", {"url": picture_site.url("/image1.png")}, format="json"
    )

    assert refused.status_code == 400, refused.content
    assert "could not be fetched in time" in refused.json()["msg"]
    assert not MediaAsset.objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_list_posts_refuses_a_window_longer_than_three_months(postiz, account):
    start = timezone.now().replace(microsecond=0)
    end = start + timedelta(days=93, seconds=1)

    refused = postiz.get(
        f"{BASE}/posts", {"startDate": start.isoformat(), "endDate": end.isoformat()}
    )

    assert refused.status_code == 400, refused.content
    assert refused.json() == {
        "msg": "endDate: at most 93 days after startDate: ask for a longer period in "
        "several windows."
    }


def test_list_posts_answers_a_window_of_three_months(postiz, account):
    start = timezone.now().replace(microsecond=0)
    end = start + timedelta(days=93)

    listed = postiz.get(
        f"{BASE}/posts", {"startDate": start.isoformat(), "endDate": end.isoformat()}
    )

    assert listed.status_code == 200, listed.content
