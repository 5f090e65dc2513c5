"""TikTok connector: exact Content Posting API and Login Kit requests, against respx.

Exchanges follow the Direct Post, Photo, media transfer, status, error and OAuth pages cited
in connectors/tiktok.py.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from connectors.base import Content, Credentials, MediaItem, OAuthApp, Published
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.registry import connector_class
from connectors.tiktok import TikTokConfig, TikTokConnector
from tests.platforms import tiktok_creator as creator

API = "https://open.tiktokapis.com"
CREATOR = f"{API}/v2/post/publish/creator_info/query/"
VIDEO_INIT = f"{API}/v2/post/publish/video/init/"
PHOTO_INIT = f"{API}/v2/post/publish/content/init/"
STATUS = f"{API}/v2/post/publish/status/fetch/"
TOKEN = f"{API}/v2/oauth/token/"
USER = f"{API}/v2/user/info/"
UPLOAD = "https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=Xza123"
VIDEO_URL = "https://media.crier.example.com/clip.mp4"
VIDEO_BYTES = b"0123456789A"  # 11 bytes
PUBLISH_ID = "v_pub_file~v2-1.123456789"
OK = {"code": "ok", "message": "", "log_id": "202611241040"}
APP = OAuthApp(
    client_id="aw1234client",
    client_secret="tiktok-client-secret",
    redirect_uri="https://crier.example.com/api/v1/accounts/callback/tiktok",
)


# Crier's app on TikTok, as settings hand it in (CRIER_OAUTH_TIKTOK_CLIENT_ID / _SECRET).
APP_CONFIG = TikTokConfig(client_id=APP.client_id, client_secret=APP.client_secret)


@pytest.fixture
def connector():
    with TikTokConnector(timeout=5, config=APP_CONFIG) as connector:
        yield connector


@pytest.fixture
def puller():
    """CRIER_TIKTOK_VIDEO_SOURCE=PULL_FROM_URL: TikTok fetches videos from their URLs."""
    with TikTokConnector(timeout=5, config=TikTokConfig(video_source="PULL_FROM_URL")) as puller:
        yield puller


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id="open-id-1",
        access_token="act.example",
        refresh_token="rft.example",
        extra={"open_id": "open-id-1", "username": "old_name"},
    )


def tiktok_error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "log_id": "202611241040"}}


def video_post(text: str = "Launch day #crier", **options) -> Content:
    return Content(
        text=text,
        idempotency_key="d-1",
        media=(MediaItem(url=VIDEO_URL, mime_type="video/mp4", duration=12.0, fps=30),),
        options={"privacy_level": "PUBLIC_TO_EVERYONE", **options},
    )


def photo_post(**options) -> Content:
    return Content(
        text="Gallery",
        idempotency_key="d-1",
        media=(
            MediaItem(url="https://media.crier.example.com/1.jpg", mime_type="image/jpeg"),
            MediaItem(url="https://media.crier.example.com/2.webp", mime_type="image/webp"),
        ),
        options={"privacy_level": "SELF_ONLY", **options},
    )


def body(route) -> dict:
    return json.loads(route.calls.last.request.content)


@pytest.fixture
def file_upload(respx_mock):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    info = respx_mock.post(CREATOR).respond(200, json=creator())
    init = respx_mock.post(VIDEO_INIT).respond(
        200, json={"data": {"publish_id": PUBLISH_ID, "upload_url": UPLOAD}, "error": OK}
    )
    put = respx_mock.put(UPLOAD).respond(201)
    return info, init, put


def test_registry_entry_is_the_tiktok_connector():
    cls = connector_class("tiktok")

    assert cls is TikTokConnector
    assert cls.connection == "oauth"
    assert cls.idempotent is False
    assert cls.limits.min_fps == 23
    assert [option.name for option in cls.options if option.required] == ["privacy_level"]


# --- publishing a video


def test_video_asks_creator_info_then_inits_and_uploads_the_file(
    connector, credentials, file_upload
):
    info, init, put = file_upload

    published = connector.publish(video_post(), credentials)

    asked = info.calls.last.request
    assert asked.headers["Authorization"] == "Bearer act.example"
    assert asked.headers["Content-Type"] == "application/json; charset=UTF-8"
    started = init.calls.last.request
    assert started.headers["Authorization"] == "Bearer act.example"
    assert body(init) == {
        "post_info": {
            "privacy_level": "PUBLIC_TO_EVERYONE",
            "disable_comment": False,
            "title": "Launch day #crier",
            "disable_duet": False,
            "disable_stitch": True,  # the creator turned stitches off in TikTok
        },
        "source_info": {
            "source": "FILE_UPLOAD",
            "video_size": 11,
            "chunk_size": 11,
            "total_chunk_count": 1,
        },
    }
    uploaded = put.calls.last.request
    assert uploaded.headers["Content-Range"] == "bytes 0-10/11"
    assert uploaded.headers["Content-Type"] == "video/mp4"
    assert "authorization" not in uploaded.headers  # the upload URL carries its own token
    assert uploaded.content == VIDEO_BYTES
    assert published.state == "processing"
    publish_id, deadline, username, kind = published.handle.split("|")
    assert (publish_id, username, kind) == (PUBLISH_ID, "crier.app", "video")
    assert int(deadline) > time.time()


def test_large_videos_go_in_chunks_with_the_remainder_in_the_last(
    connector, credentials, respx_mock, file_upload, monkeypatch
):
    monkeypatch.setattr("connectors.tiktok.SINGLE_UPLOAD_BYTES", 8)
    monkeypatch.setattr("connectors.tiktok.CHUNK_BYTES", 4)
    _, init, put = file_upload
    put.mock(side_effect=[httpx.Response(206), httpx.Response(201)])

    connector.publish(video_post(), credentials)

    assert body(init)["source_info"] == {
        "source": "FILE_UPLOAD",
        "video_size": 11,
        "chunk_size": 4,
        "total_chunk_count": 2,
    }
    ranges = [(c.request.headers["Content-Range"], c.request.content) for c in put.calls]
    assert ranges == [("bytes 0-3/11", b"0123"), ("bytes 4-10/11", b"456789A")]


def test_options_and_creator_settings_turn_interactions_off(connector, credentials, file_upload):
    info, init, _ = file_upload
    info.respond(200, json=creator(comment_disabled=True, stitch_disabled=False))

    connector.publish(video_post(disable_duet=True), credentials)

    post_info = body(init)["post_info"]
    assert post_info["disable_comment"] is True
    assert post_info["disable_duet"] is True
    assert post_info["disable_stitch"] is False


def test_a_privacy_level_the_creator_lacks_is_refused_before_posting(
    connector, credentials, respx_mock
):
    respx_mock.post(CREATOR).respond(200, json=creator(privacy_level_options=["SELF_ONLY"]))
    init = respx_mock.post(VIDEO_INIT)

    with pytest.raises(PermanentError) as caught:
        connector.publish(video_post(), credentials)

    assert caught.value.code == "privacy_level_option_mismatch"
    assert "SELF_ONLY" in caught.value.message
    assert not init.called


def test_a_video_longer_than_the_creator_may_post_is_refused(connector, credentials, respx_mock):
    respx_mock.post(CREATOR).respond(200, json=creator(max_video_post_duration_sec=10))
    init = respx_mock.post(VIDEO_INIT)

    with pytest.raises(PermanentError, match="10 s at most"):
        connector.publish(video_post(), credentials)

    assert not init.called


def test_pull_from_url_sends_the_media_url_and_downloads_nothing(puller, credentials, respx_mock):
    respx_mock.post(CREATOR).respond(200, json=creator())
    init = respx_mock.post(VIDEO_INIT).respond(
        200, json={"data": {"publish_id": "v_pub_url~v2.1"}, "error": OK}
    )

    published = puller.publish(video_post(privacy_level="SELF_ONLY"), credentials)

    assert body(init)["source_info"] == {"source": "PULL_FROM_URL", "video_url": VIDEO_URL}
    assert published.handle == "v_pub_url~v2.1|0|crier.app|video"


def test_photos_are_posted_from_their_urls(connector, credentials, respx_mock):
    respx_mock.post(CREATOR).respond(200, json=creator())
    init = respx_mock.post(PHOTO_INIT).respond(
        200, json={"data": {"publish_id": "p_pub_url~v2.9"}, "error": OK}
    )

    published = connector.publish(photo_post(disable_comments=True), credentials)

    assert init.calls.last.request.headers["Authorization"] == "Bearer act.example"
    assert body(init) == {
        "post_info": {
            "privacy_level": "SELF_ONLY",
            "disable_comment": True,
            "description": "Gallery",
        },
        "source_info": {
            "source": "PULL_FROM_URL",
            "photo_cover_index": 0,
            "photo_images": [
                "https://media.crier.example.com/1.jpg",
                "https://media.crier.example.com/2.webp",
            ],
        },
        "post_mode": "DIRECT_POST",
        "media_type": "PHOTO",
    }
    assert published.handle == "p_pub_url~v2.9|0|crier.app|photo"


# --- polling


def status(state: str, post_ids: object = (), reason: str = "") -> dict:
    return {
        "data": {
            "status": state,
            "fail_reason": reason,
            "publicaly_available_post_id": list(post_ids)
            if isinstance(post_ids, tuple)
            else post_ids,
            "uploaded_bytes": 11,
        },
        "error": OK,
    }


@pytest.mark.parametrize("state", ["PROCESSING_UPLOAD", "PROCESSING_DOWNLOAD"])
def test_poll_stays_processing_while_tiktok_works(connector, credentials, respx_mock, state):
    route = respx_mock.post(STATUS).respond(200, json=status(state))
    handle = f"{PUBLISH_ID}|0|crier.app|video"

    published = connector.poll(handle, credentials)

    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer act.example"
    assert json.loads(request.content) == {"publish_id": PUBLISH_ID}
    assert published == Published(state="processing", handle=handle)


@pytest.mark.parametrize("post_ids", [(7301234567890123456,), 7301234567890123456])
def test_poll_publishes_with_the_post_id_and_url(connector, credentials, respx_mock, post_ids):
    respx_mock.post(STATUS).respond(200, json=status("PUBLISH_COMPLETE", post_ids))

    published = connector.poll(
        f"{PUBLISH_ID}|{int(time.time()) + 900}|crier.app|video", credentials
    )

    assert published == Published(
        state="published",
        external_id="7301234567890123456",
        url="https://www.tiktok.com/@crier.app/video/7301234567890123456",
    )


def test_a_public_post_waits_for_moderation_to_name_it(connector, credentials, respx_mock):
    respx_mock.post(STATUS).respond(200, json=status("PUBLISH_COMPLETE"))
    handle = f"{PUBLISH_ID}|{int(time.time()) + 900}|crier.app|video"

    assert connector.poll(handle, credentials).state == "processing"


def test_a_finished_post_without_post_id_is_named_by_its_publish_id_after_the_wait(
    connector, credentials, respx_mock
):
    respx_mock.post(STATUS).respond(200, json=status("PUBLISH_COMPLETE"))

    private = connector.poll(f"{PUBLISH_ID}|0|crier.app|photo", credentials)
    late = connector.poll(f"{PUBLISH_ID}|{int(time.time()) - 1}|crier.app|video", credentials)

    assert private == Published(state="published", external_id=PUBLISH_ID)
    assert late == Published(state="published", external_id=PUBLISH_ID)


def test_poll_fails_the_post_with_tiktok_reason(connector, credentials, respx_mock):
    respx_mock.post(STATUS).respond(200, json=status("FAILED", reason="frame_rate_check_failed"))

    with pytest.raises(PermanentError) as caught:
        connector.poll(f"{PUBLISH_ID}|0||video", credentials)

    assert caught.value.code == "frame_rate_check_failed"
    assert "frame_rate_check_failed" in caught.value.message


def test_a_poll_failure_is_never_ambiguous(connector, credentials, respx_mock):
    respx_mock.post(STATUS).respond(500, json=tiktok_error("internal_error", "Internal error"))

    with pytest.raises(TransientError) as caught:
        connector.poll(PUBLISH_ID, credentials)

    assert caught.value.ambiguous is False


# --- errors


def test_maps_429_to_rate_limited_with_the_one_minute_window(connector, credentials, respx_mock):
    respx_mock.post(CREATOR).respond(
        429, json=tiktok_error("rate_limit_exceeded", "The API rate limit was exceeded.")
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(video_post(), credentials)

    assert caught.value.retry_after == 60
    assert caught.value.code == "rate_limit_exceeded"


def test_a_retry_after_header_wins_over_the_window(connector, credentials, respx_mock):
    respx_mock.post(CREATOR).respond(
        429,
        headers={"Retry-After": "12"},
        json=tiktok_error("rate_limit_exceeded", "The API rate limit was exceeded."),
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(video_post(), credentials)

    assert caught.value.retry_after == 12


def test_an_invalid_token_is_auth_expired(connector, credentials, respx_mock):
    respx_mock.post(CREATOR).respond(
        401,
        json=tiktok_error(
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        ),
    )

    with pytest.raises(AuthExpired):
        connector.publish(video_post(), credentials)


@pytest.mark.parametrize(
    ("status_code", "code", "message"),
    [
        (401, "scope_not_authorized", "The user did not authorize the scope required."),
        (400, "invalid_params", "The video_size must be provided when source is FILE_UPLOAD."),
        (403, "spam_risk_too_many_posts", "The daily post cap from the API is reached."),
        (403, "spam_risk_user_banned_from_posting", "The user is banned from posting."),
        (403, "unaudited_client_can_only_post_to_private_accounts", "Unaudited client."),
        (403, "url_ownership_unverified", "The URL prefix is not verified."),
        (403, "privacy_level_option_mismatch", "privacy_level is not in the options."),
        (403, "reached_active_user_cap", "The daily quota of active publishing users is reached."),
    ],
)
def test_documented_refusals_are_permanent_with_tiktok_words(
    connector, credentials, respx_mock, status_code, code, message
):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    respx_mock.post(CREATOR).respond(200, json=creator())
    respx_mock.post(VIDEO_INIT).respond(status_code, json=tiktok_error(code, message))

    with pytest.raises(PermanentError) as caught:
        connector.publish(video_post(), credentials)

    assert caught.value.message == message
    assert caught.value.code == code
    assert not isinstance(caught.value, AuthExpired)


def test_an_error_inside_a_200_is_not_taken_for_success(connector, credentials, respx_mock):
    respx_mock.post(CREATOR).respond(
        200, json={"data": {}, **tiktok_error("spam_risk_too_many_posts", "Daily cap reached.")}
    )

    with pytest.raises(PermanentError, match="Daily cap reached"):
        connector.publish(video_post(), credentials)


def test_failures_before_the_last_chunk_are_safe_to_retry(
    connector, credentials, respx_mock, file_upload, monkeypatch
):
    monkeypatch.setattr("connectors.tiktok.SINGLE_UPLOAD_BYTES", 8)
    monkeypatch.setattr("connectors.tiktok.CHUNK_BYTES", 4)
    _, _, put = file_upload
    put.mock(side_effect=[httpx.Response(500), httpx.Response(201)])

    with pytest.raises(TransientError) as caught:
        connector.publish(video_post(), credentials)

    assert caught.value.ambiguous is False
    assert put.call_count == 1


def test_an_empty_video_file_is_refused_before_init(
    connector, credentials, file_upload, respx_mock
):
    _, init, _ = file_upload
    respx_mock.get(VIDEO_URL).respond(200, content=b"")

    with pytest.raises(PermanentError, match="empty"):
        connector.publish(video_post(), credentials)

    assert not init.called


@pytest.mark.parametrize("route", [CREATOR, VIDEO_INIT])
def test_a_failing_creator_query_or_upload_init_is_safe_to_retry(
    connector, credentials, file_upload, respx_mock, route
):
    respx_mock.post(route).respond(500, json=tiktok_error("internal_error", "Internal error"))

    with pytest.raises(TransientError) as caught:
        connector.publish(video_post(), credentials)

    assert caught.value.ambiguous is False


@pytest.mark.parametrize(
    "effect",
    [httpx.Response(500, text="error"), httpx.ReadTimeout("slow")],
)
def test_the_last_chunk_may_have_published(connector, credentials, file_upload, effect):
    _, _, put = file_upload
    if isinstance(effect, httpx.Response):
        put.mock(return_value=effect)
    else:
        put.mock(side_effect=effect)

    with pytest.raises(TransientError) as caught:
        connector.publish(video_post(), credentials)

    assert caught.value.ambiguous is True


def test_a_pull_init_that_fails_on_the_server_may_have_published(puller, credentials, respx_mock):
    respx_mock.post(CREATOR).respond(200, json=creator())
    respx_mock.post(VIDEO_INIT).respond(500, json=tiktok_error("internal_error", "Oops"))

    with pytest.raises(TransientError) as caught:
        puller.publish(video_post(), credentials)

    assert caught.value.ambiguous is True


# --- validation


def codes(connector, item: Content) -> list[str]:
    return [problem.code for problem in connector.validate(item)]


def test_valid_posts_pass(connector):
    assert codes(connector, video_post()) == []
    assert codes(connector, photo_post()) == []


def test_privacy_level_is_required_and_checked(connector):
    item = Content(text="x", idempotency_key="k", media=video_post().media)

    assert codes(connector, item) == ["option_required"]
    assert codes(connector, video_post(privacy_level="FRIENDS")) == ["option_choice"]


def test_text_counts_utf16_units_2200_for_videos_4000_for_photos(connector):
    assert codes(connector, video_post("a" * 2200)) == []
    assert codes(connector, video_post("👍" * 1101)) == ["text_too_long"]
    photos = photo_post()
    long_photo = Content(
        text="a" * 4000, idempotency_key="k", media=photos.media, options=photos.options
    )
    too_long = Content(
        text="a" * 4001, idempotency_key="k", media=photos.media, options=photos.options
    )
    assert codes(connector, long_photo) == []
    assert codes(connector, too_long) == ["text_too_long"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (MediaItem(url=VIDEO_URL, mime_type="video/mp4", fps=15), ["frame_rate_too_low"]),
        (MediaItem(url=VIDEO_URL, mime_type="video/mp4", fps=120), ["frame_rate_too_high"]),
        (MediaItem(url=VIDEO_URL, mime_type="video/mp4", width=320), ["video_size"]),
        (MediaItem(url=VIDEO_URL, mime_type="video/x-msvideo"), ["unsupported_media_type"]),
        (MediaItem(url=VIDEO_URL, mime_type="video/mp4", size=5 * 1024**3), ["media_too_large"]),
        (
            MediaItem(url="https://media.crier.example.com/a.png", mime_type="image/png"),
            ["unsupported_media_type"],
        ),
        (
            MediaItem(url="http://localhost:8000/media/a.jpg", mime_type="image/jpeg"),
            ["media_not_public"],
        ),
    ],
)
def test_media_rules_are_checked(connector, item, expected):
    content = Content(
        text="x", idempotency_key="k", media=(item,), options={"privacy_level": "SELF_ONLY"}
    )

    assert codes(connector, content) == expected


def test_pulled_videos_need_a_public_url_but_uploaded_ones_do_not(connector, puller):
    local = Content(
        text="x",
        idempotency_key="k",
        media=(MediaItem(url="http://localhost:8000/m/clip.mp4", mime_type="video/mp4"),),
        options={"privacy_level": "SELF_ONLY"},
    )

    assert codes(connector, local) == []
    assert codes(puller, local) == ["media_not_public"]


def test_text_only_posts_and_mixed_media_are_refused(connector):
    text_only = Content(text="x", idempotency_key="k", options={"privacy_level": "SELF_ONLY"})
    mixed = Content(
        text="x",
        idempotency_key="k",
        media=(*video_post().media, *photo_post().media),
        options={"privacy_level": "SELF_ONLY"},
    )

    assert codes(connector, text_only) == ["media_required"]
    assert codes(connector, mixed) == ["mixed_media"]


# --- OAuth


def test_authorization_url_names_the_app_scopes_redirect_and_state(connector):
    url = connector.authorization_url(APP, state="st-1", code_challenge="ignored")

    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == "https://www.tiktok.com/v2/auth/authorize/"
    )
    assert parse_qs(parts.query) == {
        "client_key": ["aw1234client"],
        "response_type": ["code"],
        "scope": ["user.info.basic,user.info.profile,video.publish,video.list"],
        "redirect_uri": [APP.redirect_uri],
        "state": ["st-1"],
    }


def token_answer(**overrides) -> dict:
    return {
        "access_token": "act.new",
        "expires_in": 86400,
        "open_id": "open-id-1",
        "refresh_expires_in": 31536000,
        "refresh_token": "rft.new",
        "scope": "user.info.basic,user.info.profile,video.publish,video.list",
        "token_type": "Bearer",
        **overrides,
    }


def test_exchange_code_trades_the_code_and_reads_the_user(connector, respx_mock):
    token = respx_mock.post(TOKEN).respond(200, json=token_answer())
    user = respx_mock.get(USER).respond(
        200,
        json={
            "data": {
                "user": {
                    "open_id": "open-id-1",
                    "union_id": "union-1",
                    "avatar_url": "https://p16.tiktokcdn.com/avatar.jpeg",
                    "display_name": "Crier",
                    "username": "crier.app",
                }
            },
            "error": OK,
        },
    )

    credentials, profile = connector.exchange_code(APP, code="auth-code", code_verifier="unused")

    request = token.calls.last.request
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {
        "client_key": ["aw1234client"],
        "client_secret": ["tiktok-client-secret"],
        "code": ["auth-code"],
        "grant_type": ["authorization_code"],
        "redirect_uri": [APP.redirect_uri],
    }
    me = user.calls.last.request
    assert me.headers["Authorization"] == "Bearer act.new"
    assert me.url.params["fields"] == "open_id,union_id,avatar_url,display_name,username"
    assert credentials.external_id == "open-id-1"
    assert credentials.access_token == "act.new"
    assert credentials.refresh_token == "rft.new"
    assert credentials.extra["username"] == "crier.app"
    assert "refresh_expires_at" in credentials.extra
    assert profile.username == "crier.app"
    assert profile.display_name == "Crier"
    assert profile.avatar_url == "https://p16.tiktokcdn.com/avatar.jpeg"


def test_without_the_profile_scope_the_username_is_not_asked(respx_mock):
    respx_mock.post(TOKEN).respond(200, json=token_answer())
    user = respx_mock.get(USER).respond(
        200, json={"data": {"user": {"open_id": "open-id-1", "display_name": "C"}}, "error": OK}
    )
    scopes = TikTokConfig(scopes="user.info.basic,video.publish")

    with TikTokConnector(config=scopes) as connector:
        connector.exchange_code(APP, code="c", code_verifier="v")

    assert (
        user.calls.last.request.url.params["fields"] == "open_id,union_id,avatar_url,display_name"
    )


@pytest.mark.parametrize("status_code", [200, 400])
def test_exchange_code_refusal_is_permanent_with_tiktok_words(connector, respx_mock, status_code):
    respx_mock.post(TOKEN).respond(
        status_code,
        json={
            "error": "invalid_grant",
            "error_description": "Authorization code is expired.",
            "log_id": "1",
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.exchange_code(APP, code="old", code_verifier="v")

    assert caught.value.message == "Authorization code is expired."
    assert caught.value.code == "invalid_grant"


# --- refresh


def test_refresh_sends_the_refresh_token_and_takes_the_new_ones(connector, credentials, respx_mock):
    route = respx_mock.post(TOKEN).respond(200, json=token_answer())

    fresh = connector.refresh(credentials)

    assert parse_qs(route.calls.last.request.content.decode()) == {
        "client_key": ["aw1234client"],
        "client_secret": ["tiktok-client-secret"],
        "grant_type": ["refresh_token"],
        "refresh_token": ["rft.example"],
    }
    assert fresh.access_token == "act.new"
    assert fresh.refresh_token == "rft.new"
    assert fresh.extra["username"] == "old_name"


def test_refresh_keeps_a_refresh_token_tiktok_did_not_send(connector, credentials, respx_mock):
    respx_mock.post(TOKEN).respond(200, json=token_answer(refresh_token=None))

    assert connector.refresh(credentials).refresh_token == "rft.example"


@pytest.mark.parametrize("status_code", [200, 400, 401])
def test_refresh_refused_by_tiktok_needs_reconnection(
    connector, credentials, respx_mock, status_code
):
    respx_mock.post(TOKEN).respond(
        status_code,
        json={
            "error": "invalid_grant",
            "error_description": "Refresh token is invalid or expired.",
        },
    )

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    assert caught.value.message == "Refresh token is invalid or expired."


@pytest.mark.parametrize(
    "effect", [httpx.Response(502, text="bad gateway"), httpx.ConnectTimeout("slow")]
)
def test_refresh_that_could_not_ask_is_transient(connector, credentials, respx_mock, effect):
    route = respx_mock.post(TOKEN)
    if isinstance(effect, httpx.Response):
        route.mock(return_value=effect)
    else:
        route.mock(side_effect=effect)

    with pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert not isinstance(caught.value, RefreshRefused)


# --- recent videos (video/list), to pick the id of a post whose outcome is unknown

VIDEO_LIST = f"{API}/v2/video/list/"


def test_recent_posts_asks_video_list_for_ids_share_urls_and_covers(
    connector, credentials, respx_mock
):
    route = respx_mock.post(VIDEO_LIST).respond(
        json={
            "data": {
                "videos": [
                    {
                        "id": "7301234567890123456",
                        "share_url": "https://www.tiktok.com/@old_name/video/7301234567890123456",
                        "cover_image_url": "https://p16-sign.tiktokcdn-us.com/cover1.jpeg",
                    },
                    {"id": "7301234567890000001"},  # no share_url: built from the username
                ],
                "cursor": 1700000000000,
                "has_more": False,
            },
            "error": OK,
        }
    )

    recent = connector.recent_posts(credentials, limit=20)

    request = route.calls.last.request
    assert request.url.params["fields"] == "id,share_url,cover_image_url"
    assert request.headers["authorization"] == "Bearer act.example"
    assert json.loads(request.content) == {"max_count": 20}
    assert [(item.external_id, item.url, item.preview_url) for item in recent] == [
        (
            "7301234567890123456",
            "https://www.tiktok.com/@old_name/video/7301234567890123456",
            "https://p16-sign.tiktokcdn-us.com/cover1.jpeg",
        ),
        (
            "7301234567890000001",
            "https://www.tiktok.com/@old_name/video/7301234567890000001",
            None,
        ),
    ]


def test_recent_posts_asks_for_at_most_twenty_videos(connector, credentials, respx_mock):
    route = respx_mock.post(VIDEO_LIST).respond(json={"data": {"videos": []}, "error": OK})

    assert connector.recent_posts(credentials, limit=50) == []
    assert json.loads(route.calls.last.request.content) == {"max_count": 20}


@pytest.mark.parametrize(
    ("status", "code", "raised"),
    [
        (401, "access_token_invalid", AuthExpired),
        (401, "scope_not_authorized", PermanentError),
        (429, "rate_limit_exceeded", RateLimited),
    ],
)
def test_recent_posts_maps_tiktok_errors(connector, credentials, respx_mock, status, code, raised):
    respx_mock.post(VIDEO_LIST).respond(status, json=tiktok_error(code, "No."))

    with pytest.raises(raised):
        connector.recent_posts(credentials, limit=20)


def test_a_video_list_that_broke_off_is_not_ambiguous(connector, credentials, respx_mock):
    respx_mock.post(VIDEO_LIST).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.recent_posts(credentials, limit=20)

    assert caught.value.ambiguous is False
