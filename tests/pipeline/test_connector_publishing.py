"""One post through the whole pipeline to each platform, against its documented exchange.

`POST /api/v1/posts/schedule/publish` → job task → publish task → (for two-phase platforms)
the dispatcher's poll tasks, all run in this process with eager tasks, so the respx routes
of tests/platforms.py answer every platform request. Each test checks where the delivery
ends, what `GET /api/v1/job_status/{id}` says and what the platform received. The failure
paths run once each: a rate limit, an expired token, a permanent refusal.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import respx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from accounts.models import SocialAccount
from connectors.errors import PermanentError
from connectors.registry import CONNECTORS
from posts import content, tasks
from posts.models import Delivery
from tests.conftest import Caller
from tests.factories import SocialAccountFactory
from tests.media import files
from tests.platforms import (
    ALT_TEXT,
    FACEBOOK,
    FACEBOOK_FEED,
    LINKEDIN,
    LINKEDIN_POSTS,
    PINTEREST_PINS,
    PINTEREST_VIDEO,
    PLATFORMS,
    SCENARIOS,
    TELEGRAM,
    TELEGRAM_API,
    TEXT,
    X_TOKEN_URL,
    X_TWEETS,
    Platform,
    X,
    bearer,
    form_body,
    graph_error,
    json_body,
    linkedin_created,
    pinterest_media_status,
    pinterest_video_routes,
    x_created,
)

pytestmark = pytest.mark.django_db

PUBLISH_NOW = "/api/v1/posts/schedule/publish"
MEDIA_URL = "http://testserver/media/"
UPLOADS = {
    "jpeg": ("rocket.jpg", "image/jpeg"),
    "png": ("rocket.png", "image/png"),
    "mp4": ("launch.mp4", "video/mp4"),
}


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("platform-samples")
    return {
        "jpeg": files.image_bytes("JPEG", size=(320, 320)),
        "png": files.image_bytes("PNG", size=(320, 320)),
        "mp4": files.video_bytes(folder / "launch.mp4", fps=30, seconds=5, size=(360, 640)),
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Media stored in this test's folder and served at http://testserver/media/."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/media/", "allow_overwrite": True},
        },
    }
    settings.CRIER_PUBLIC_URL = "http://testserver"
    settings.CRIER_PUBLIC_MEDIA_URL = MEDIA_URL
    return root


@pytest.fixture(autouse=True)
def immediate_polls(settings) -> None:
    # A processing delivery is due for its next poll at once: each dispatcher run is a round.
    settings.CRIER_POLL_INTERVAL = timedelta(0)


def serve_media(respx_mock: respx.MockRouter, media_root: Path) -> respx.Route:
    """Crier serving its stored files to the platforms that download them."""

    def serve(request: httpx.Request) -> httpx.Response:
        path = media_root / request.url.path.removeprefix("/media/")
        if not path.is_file():
            return httpx.Response(404)
        return httpx.Response(200, content=path.read_bytes())

    return respx_mock.get(url__startswith=MEDIA_URL).mock(side_effect=serve)


@pytest.fixture
def run(
    eager_tasks: None, django_capture_on_commit_callbacks: Callable
) -> Callable[[Callable], object]:
    """Do something, then what it left for after commit (the tasks it sent), as workers would."""

    def run(action: Callable[[], object]) -> object:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def connect(caller: Caller, platform: Platform) -> SocialAccount:
    return SocialAccountFactory(
        workspace=caller.workspace,
        platform=platform.slug,
        external_id=platform.external_id,
        credentials=platform.credentials,
    )


def upload(caller: Caller, run, kind: str, data: bytes) -> str:
    name, mime_type = UPLOADS[kind]
    file = SimpleUploadedFile(name, data, mime_type)
    response = run(lambda: caller.client.post("/api/v1/media", {"file": file}, format="multipart"))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def publish_now(
    caller: Caller,
    run,
    account: SocialAccount,
    *,
    network: dict | None = None,
    media_id: str | None = None,
    thread: tuple[str, ...] = (),
) -> str:
    block: dict = {"type": "photo" if media_id else "status", "text": TEXT, **(network or {})}
    if thread:
        block["thread"] = list(thread)
    item: dict = {"networks": {account.platform: block}, "accounts": [{"id": account.pk}]}
    if media_id:
        item["media"] = [{"id": media_id, "alt": ALT_TEXT}]
    body = {"bulk": {"state": "scheduled", "posts": [item]}}
    response = run(lambda: caller.client.post(PUBLISH_NOW, body, format="json"))
    assert response.status_code == 202, response.content
    return response.json()["job_id"]


def dispatcher_round(run) -> None:
    """One beat of the dispatcher: claims due retries, sends polls for processing posts."""
    run(lambda: tasks.dispatch.delay())


def job_status(caller: Caller, job_id: str) -> dict:
    response = caller.client.get(f"/api/v1/job_status/{job_id}")
    assert response.status_code == 200, response.content
    return response.json()


def only_delivery(account: SocialAccount) -> Delivery:
    (delivery,) = Delivery.objects.filter(account=account)
    return delivery


def test_every_registered_platform_has_an_end_to_end_scenario():
    # The manual connector sends nothing (tests/connectors/test_manual.py; the Repostra
    # tests publish through it in the pipeline).
    assert set(PLATFORMS) == set(CONNECTORS) - {"sandbox", "sandbox_plain", "manual"}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_post_is_published_through_the_pipeline_with_the_documented_exchange(
    scenario, editor, run, respx_mock, media_root, sample_files
):
    platform = SCENARIOS[scenario]
    account = connect(editor, platform)
    media_id = None
    if platform.media:
        media_id = upload(editor, run, platform.media, sample_files[platform.media])
    routes = platform.mock(respx_mock)
    if platform.downloads:
        routes["crier media"] = serve_media(respx_mock, media_root)

    job_id = publish_now(
        editor, run, account, network=platform.network, media_id=media_id, thread=platform.thread
    )

    assert job_status(editor, job_id)["payload"]["failures"] == {}
    for _ in range(platform.polls):
        assert only_delivery(account).status == "processing"
        assert job_status(editor, job_id)["status"] == "working"
        dispatcher_round(run)
    delivery = only_delivery(account)
    assert (delivery.status, delivery.error_message) == ("published", "")
    assert delivery.external_id == platform.published.external_id
    assert delivery.external_url == platform.published.url
    status = job_status(editor, job_id)
    assert status["status"] == "completed"
    assert status["payload"]["failures"] == {}
    assert [(post["state"], post["url"]) for post in status["payload"]["posts"]] == [
        ("published", platform.published.url)
    ]
    media_url = content.content_for(delivery).media[0].url if media_id else ""
    platform.check(routes, media_url)


# --- one failure path per error family ------------------------------------------------------


def attempt_outcomes(delivery: Delivery) -> list[str]:
    return list(delivery.attempt_log.order_by("number").values_list("outcome", flat=True))


def test_a_rate_limited_post_waits_out_retry_after_then_is_published(editor, run, respx_mock):
    account = connect(editor, LINKEDIN)
    throttled = {
        "message": "Resource level throttle limit for calls to this resource is reached.",
        "status": 429,
    }
    posts = respx_mock.post(LINKEDIN_POSTS).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "120"}, json=throttled),
            linkedin_created(),
        ]
    )
    before = timezone.now()

    job_id = publish_now(editor, run, account)

    delivery = only_delivery(account)
    assert delivery.status == "retrying"
    assert delivery.due_at >= before + timedelta(seconds=120)
    assert delivery.error_message.startswith("Resource level throttle limit")
    status = job_status(editor, job_id)
    assert status["status"] == "working"
    assert [post["state"] for post in status["payload"]["posts"]] == ["retrying"]
    dispatcher_round(run)  # not due yet: LinkedIn is not asked again
    assert posts.call_count == 1
    assert only_delivery(account).status == "retrying"

    Delivery.objects.filter(pk=delivery.pk).update(due_at=timezone.now())  # 120 s later
    dispatcher_round(run)

    delivery = only_delivery(account)
    assert (delivery.status, delivery.external_id) == ("published", LINKEDIN.published.external_id)
    assert posts.call_count == 2
    assert json_body(posts, 0) == json_body(posts, 1)
    assert attempt_outcomes(delivery) == ["rate_limited", "published"]
    status = job_status(editor, job_id)
    assert status["status"] == "completed"
    assert status["payload"]["posts"][0]["url"] == LINKEDIN.published.url


def test_an_expired_token_is_refreshed_once_and_the_post_goes_out(
    editor, run, respx_mock, settings
):
    settings.CRIER_OAUTH_APPS = {
        "x": {"client_id": "x-client-id", "client_secret": "x-client-secret"}
    }
    account = connect(editor, X)
    unauthorized = {"title": "Unauthorized", "type": "about:blank", "status": 401}
    tweets = respx_mock.post(X_TWEETS).mock(
        side_effect=[httpx.Response(401, json=unauthorized), x_created()]
    )
    token = respx_mock.post(X_TOKEN_URL).respond(
        200,
        json={
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": "x-access-token-2",
            "scope": "tweet.read tweet.write users.read media.write offline.access",
            "refresh_token": "x-refresh-token-2",
        },
    )

    job_id = publish_now(editor, run, account)

    delivery = only_delivery(account)
    assert (delivery.status, delivery.external_id) == ("published", X.published.external_id)
    assert token.call_count == 1
    assert form_body(token) == {
        "refresh_token": "x-refresh-token",
        "grant_type": "refresh_token",
        "client_id": "x-client-id",
    }
    pair = base64.b64encode(b"x-client-id:x-client-secret").decode()
    assert token.calls.last.request.headers["Authorization"] == f"Basic {pair}"
    assert [call.request.headers["Authorization"] for call in tweets.calls] == [
        "Bearer x-access-token",
        "Bearer x-access-token-2",
    ]
    assert attempt_outcomes(delivery) == ["published"]  # the refresh is part of the attempt
    account.refresh_from_db()
    assert account.credentials["access_token"] == "x-access-token-2"
    assert account.credentials["refresh_token"] == "x-refresh-token-2"
    assert account.token_expires_at > timezone.now()
    with connection.cursor() as cursor:  # stored encrypted, as every credential
        cursor.execute(
            f"SELECT credentials FROM {SocialAccount._meta.db_table} WHERE id = %s",  # noqa: S608
            [account.pk],
        )
        (raw,) = cursor.fetchone()
    assert "x-access-token-2" not in str(raw)
    assert job_status(editor, job_id)["status"] == "completed"


def test_a_post_the_platform_refuses_fails_at_once_with_its_message(editor, run, respx_mock):
    account = connect(editor, FACEBOOK)
    feed = respx_mock.post(FACEBOOK_FEED).respond(
        400, json=graph_error(506, "Duplicate status message")
    )

    job_id = publish_now(editor, run, account)

    delivery = only_delivery(account)
    assert (delivery.status, delivery.error_code) == ("failed", "506")
    assert feed.call_count == 1  # never retried
    assert attempt_outcomes(delivery) == ["failed"]
    status = job_status(editor, job_id)
    assert status["status"] == "completed"
    (post,) = status["payload"]["posts"]
    assert (post["state"], post["error"]) == ("failed", "Duplicate status message")
    shown = editor.client.get(f"/api/v1/posts/{delivery.post_id}").json()
    (error,) = [item["error"] for item in shown["deliveries"]]
    assert error["code"] == "506"
    assert error["message"] == "Duplicate status message"
    assert "Duplicate status message" in error["platform_response"]


def test_a_poll_that_cannot_rebuild_the_post_lets_the_connector_say_what_it_lacked(
    editor, run, respx_mock, media_root, sample_files, monkeypatch
):
    account = connect(editor, PINTEREST_VIDEO)
    media_id = upload(editor, run, "mp4", sample_files["mp4"])
    routes = pinterest_video_routes(respx_mock, "registered", "succeeded")
    serve_media(respx_mock, media_root)
    pins = respx_mock.post(PINTEREST_PINS)
    publish_now(editor, run, account, network=PINTEREST_VIDEO.network, media_id=media_id)
    assert only_delivery(account).status == "processing"

    def gone(delivery):
        raise PermanentError("Media was deleted; edit the post.", code="media_gone")

    monkeypatch.setattr(content, "content_for", gone)
    dispatcher_round(run)

    delivery = only_delivery(account)
    assert (delivery.status, delivery.error_code) == ("failed", "pin_needs_content")
    assert "no Pin was created" in delivery.error_message
    assert routes["status"].call_count == 2
    assert not pins.called


PINTEREST_TOKEN_URL = "https://api.pinterest.com/v5/oauth/token"
PINTEREST_EXPIRED = httpx.Response(401, json={"code": 2, "message": "Authentication failed."})


@pytest.fixture
def pinterest_app(settings):
    settings.CRIER_OAUTH_APPS = {
        "pinterest": {"client_id": "pin-client", "client_secret": "pin-secret"}
    }


def test_a_poll_refused_for_an_expired_token_refreshes_once_and_finishes_the_post(
    editor, run, respx_mock, media_root, sample_files, pinterest_app
):
    account = connect(editor, PINTEREST_VIDEO)
    media_id = upload(editor, run, "mp4", sample_files["mp4"])
    routes = pinterest_video_routes(respx_mock, "registered")
    routes["status"].mock(
        side_effect=[
            pinterest_media_status("registered"),  # publish(): still processing
            PINTEREST_EXPIRED,  # the token expired while the video was processed
            pinterest_media_status("succeeded"),
        ]
    )
    serve_media(respx_mock, media_root)
    token = respx_mock.post(PINTEREST_TOKEN_URL).respond(
        200, json={"access_token": "pina_access_2", "expires_in": 2592000}
    )
    pins = respx_mock.post(PINTEREST_PINS).respond(201, json={"id": "4242", "board_id": "b"})
    job_id = publish_now(editor, run, account, network=PINTEREST_VIDEO.network, media_id=media_id)
    assert only_delivery(account).status == "processing"

    dispatcher_round(run)

    delivery = only_delivery(account)
    assert (delivery.status, delivery.external_id) == ("published", "4242")
    assert token.call_count == 1
    assert form_body(token) == {"grant_type": "refresh_token", "refresh_token": "pinr_refresh"}
    status_tokens = [call.request.headers["Authorization"] for call in routes["status"].calls]
    assert status_tokens == ["Bearer pina_access", "Bearer pina_access", "Bearer pina_access_2"]
    bearer(pins, "pina_access_2")
    account.refresh_from_db()
    assert (account.status, account.credentials["access_token"]) == ("active", "pina_access_2")
    assert account.credentials["refresh_token"] == "pinr_refresh"  # kept: none came back
    assert job_status(editor, job_id)["status"] == "completed"


def test_a_poll_whose_refresh_is_refused_fails_the_post_and_flags_the_account(
    editor, run, respx_mock, media_root, sample_files, pinterest_app
):
    account = connect(editor, PINTEREST_VIDEO)
    media_id = upload(editor, run, "mp4", sample_files["mp4"])
    routes = pinterest_video_routes(respx_mock, "registered")
    routes["status"].mock(side_effect=[pinterest_media_status("registered"), PINTEREST_EXPIRED])
    serve_media(respx_mock, media_root)
    respx_mock.post(PINTEREST_TOKEN_URL).respond(
        400, json={"code": 1, "message": "Refresh token has been revoked."}
    )
    pins = respx_mock.post(PINTEREST_PINS)
    job_id = publish_now(editor, run, account, network=PINTEREST_VIDEO.network, media_id=media_id)

    dispatcher_round(run)

    delivery = only_delivery(account)
    assert (delivery.status, delivery.error_code) == ("failed", "needs_reauth")
    assert "needs to be reconnected" in delivery.error_message
    assert "Refresh token has been revoked." in delivery.error_message
    assert routes["status"].call_count == 2  # not polled again with a token known to be dead
    assert not pins.called
    account.refresh_from_db()
    assert account.status == "needs_reauth"
    (post,) = job_status(editor, job_id)["payload"]["posts"]
    assert post["state"] == "failed"


def test_a_revoked_bot_token_keeps_telegrams_refusal_and_claims_no_refresh(editor, run, respx_mock):
    account = connect(editor, TELEGRAM)
    revoked = {"ok": False, "error_code": 401, "description": "Unauthorized"}
    send = respx_mock.post(f"{TELEGRAM_API}/sendMessage").respond(401, json=revoked)

    publish_now(editor, run, account)

    delivery = only_delivery(account)
    assert send.call_count == 1  # no refresh flow: nothing to retry with
    assert (delivery.status, delivery.error_code) == ("failed", "needs_reauth")
    assert delivery.error_message == ("The telegram account needs to be reconnected: Unauthorized")
    assert delivery.error_response == json.dumps(revoked, separators=(",", ":"))
    account.refresh_from_db()
    assert account.status == "needs_reauth"
    assert account.status_reason == "The platform refused the stored credentials: Unauthorized"


def test_a_refused_token_without_a_stored_refresh_token_keeps_the_platforms_refusal(
    editor, run, respx_mock
):
    account = SocialAccountFactory(
        workspace=editor.workspace,
        platform="x",
        external_id=X.external_id,
        credentials={"access_token": "x-access-token", "extra": {"username": "ada"}},
    )
    unauthorized = {"title": "Unauthorized", "detail": "Unauthorized", "status": 401}
    tweets = respx_mock.post(X_TWEETS).respond(401, json=unauthorized)
    token = respx_mock.post(X_TOKEN_URL)

    publish_now(editor, run, account)

    delivery = only_delivery(account)
    assert tweets.call_count == 1
    assert not token.called
    assert (delivery.status, delivery.error_code) == ("failed", "needs_reauth")
    assert "refresh" not in delivery.error_message
    assert delivery.error_response == json.dumps(unauthorized, separators=(",", ":"))
    account.refresh_from_db()
    assert account.status_reason.startswith("The platform refused the stored credentials: ")


# --- follow-ups as comments -------------------------------------------------------------------

LINKEDIN_COMMENTS = (
    "https://api.linkedin.com/rest/socialActions/urn%3Ali%3Ashare%3A7012345678901234567/comments"
)
COMMENT_URN = "urn:li:comment:(urn:li:activity:7012345678901234999,6636062862760562688)"


def test_linkedin_follow_ups_become_comments_on_the_published_post(editor, run, respx_mock):
    account = connect(editor, LINKEDIN)
    posts = respx_mock.post(LINKEDIN_POSTS).mock(linkedin_created())
    comments = respx_mock.post(LINKEDIN_COMMENTS).respond(
        201, json={"id": "6636062862760562688", "commentUrn": COMMENT_URN}
    )

    job_id = publish_now(editor, run, account, thread=("The link: https://crier.example",))

    root = Delivery.objects.get(account=account, thread_index=None)
    assert (root.status, posts.call_count, comments.call_count) == ("published", 1, 0)
    assert "commentary" in json_body(posts, 0)  # the post alone, its follow-up waits
    comment = Delivery.objects.get(reply_to=root)
    assert (comment.status, comment.due_at) == ("scheduled", root.published_at)
    assert job_status(editor, job_id)["status"] == "working"

    dispatcher_round(run)

    comment.refresh_from_db()
    assert (comment.status, comment.external_id) == ("published", COMMENT_URN)
    assert json_body(comments, 0) == {
        "actor": "urn:li:person:abc123",
        "object": "urn:li:share:7012345678901234567",
        "message": {"text": "The link: https://crier.example"},
    }
    status = job_status(editor, job_id)
    assert status["status"] == "completed"
    assert [(post["state"], post["reply_to"]) for post in status["payload"]["posts"]] == [
        ("published", None),
        ("published", root.pk),
    ]
