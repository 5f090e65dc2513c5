"""YouTube connector: exact Data API v3 and Google OAuth requests, against respx.

Exchanges follow the videos.insert, resumable upload, videos.list, channels.list, errors and
Google OAuth pages cited in connectors/youtube.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem, OAuthApp, Published
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.registry import connector_class
from connectors.youtube import YouTubeConnector, _seconds_to_quota_reset

UPLOAD = "https://www.googleapis.com/upload/youtube/v3/videos"
SESSION = f"{UPLOAD}?uploadType=resumable&part=snippet%2Cstatus&upload_id=xa298sd_f"
VIDEOS = "https://www.googleapis.com/youtube/v3/videos"
CHANNELS = "https://www.googleapis.com/youtube/v3/channels"
TOKEN = "https://oauth2.googleapis.com/token"
VIDEO_URL = "https://crier.test/media/launch.mp4"
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + b"x" * 100
APP = OAuthApp(
    client_id="123.apps.googleusercontent.com",
    client_secret="google-client-secret",
    redirect_uri="https://crier.example.com/api/v1/accounts/callback/youtube",
)


# Crier's app on Google, as settings hand it in (CRIER_OAUTH_YOUTUBE_CLIENT_ID / _SECRET).
APP_CONFIG = ConnectorConfig(client_id=APP.client_id, client_secret=APP.client_secret)


@pytest.fixture
def connector():
    with YouTubeConnector(timeout=5, config=APP_CONFIG) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id="UC_x5XG1OV2P6uZZ5FSM9Ttw",
        access_token="ya29.access",
        refresh_token="1//refresh",
        extra={"channel_id": "UC_x5XG1OV2P6uZZ5FSM9Ttw"},
    )


def video(**measurements) -> MediaItem:
    return MediaItem(url=VIDEO_URL, mime_type="video/mp4", **measurements)


def post(text: str = "Launch day\nAll about the launch.", **options) -> Content:
    return Content(text=text, idempotency_key="d-1", media=(video(),), options=options)


def google_error(status: int, reason: str, message: str, domain: str = "youtube.video") -> dict:
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }


@pytest.fixture
def upload_routes(respx_mock):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    session = respx_mock.post(url__startswith=UPLOAD).respond(200, headers={"Location": SESSION})
    put = respx_mock.put(SESSION).respond(
        200,
        json={"kind": "youtube#video", "id": "dQw4w9WgXcQ", "status": {"uploadStatus": "uploaded"}},
    )
    return session, put


def test_registry_entry_is_the_youtube_connector():
    cls = connector_class("youtube")

    assert cls is YouTubeConnector
    assert cls.connection == "oauth"
    assert cls.idempotent is False
    assert cls.limits.max_videos == 1
    assert cls.limits.requires_media is True


# --- publishing


def test_publish_opens_a_session_then_puts_the_bytes_and_returns_processing(
    connector, credentials, upload_routes
):
    session, put = upload_routes

    published = connector.publish(post(), credentials)

    opened = session.calls.last.request
    query = parse_qs(urlsplit(str(opened.url)).query)
    assert query == {"uploadType": ["resumable"], "part": ["snippet,status"]}
    assert opened.headers["Authorization"] == "Bearer ya29.access"
    assert opened.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert opened.headers["X-Upload-Content-Length"] == str(len(VIDEO_BYTES))
    assert opened.headers["X-Upload-Content-Type"] == "video/mp4"
    assert json.loads(opened.content) == {
        "snippet": {
            "title": "Launch day",
            "description": "Launch day\nAll about the launch.",
            "categoryId": "22",
        },
        "status": {"privacyStatus": "public", "selfDeclaredMadeForKids": False},
    }
    uploaded = put.calls.last.request
    assert uploaded.headers["Authorization"] == "Bearer ya29.access"
    assert uploaded.headers["Content-Type"] == "video/mp4"
    assert uploaded.headers["Content-Length"] == str(len(VIDEO_BYTES))
    assert uploaded.content == VIDEO_BYTES
    assert published == Published(
        state="processing",
        external_id="dQw4w9WgXcQ",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        handle="dQw4w9WgXcQ",
    )


def test_options_fill_the_metadata_and_the_notify_parameter(connector, credentials, upload_routes):
    session, _ = upload_routes

    connector.publish(
        post(
            title="Our launch",
            description="Everything about it.",
            privacy="unlisted",
            tags=["launch", "rocket science"],
            notify_subscribers=False,
            category_id="28",
            made_for_kids=True,
        ),
        credentials,
    )

    opened = session.calls.last.request
    assert parse_qs(urlsplit(str(opened.url)).query)["notifySubscribers"] == ["false"]
    assert json.loads(opened.content) == {
        "snippet": {
            "title": "Our launch",
            "description": "Everything about it.",
            "categoryId": "28",
            "tags": ["launch", "rocket science"],
        },
        "status": {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": True},
    }


def test_notify_subscribers_true_is_sent_as_true(connector, credentials, upload_routes):
    session, _ = upload_routes

    connector.publish(post(notify_subscribers=True), credentials)

    query = parse_qs(urlsplit(str(session.calls.last.request.url)).query)
    assert query["notifySubscribers"] == ["true"]


def test_a_long_first_line_becomes_a_title_cut_at_a_word(connector, credentials, upload_routes):
    session, _ = upload_routes

    connector.publish(post("word " * 40), credentials)

    title = json.loads(session.calls.last.request.content)["snippet"]["title"]
    assert len(title) <= 100
    assert title.endswith("word…")


# --- polling


def status_answer(upload_status: str, **fields) -> dict:
    return {
        "items": [
            {
                "id": "dQw4w9WgXcQ",
                "status": {"uploadStatus": upload_status, **fields},
                "processingDetails": {"processingStatus": "processing"},
            }
        ]
    }


def test_poll_keeps_processing_until_youtube_has_processed(connector, credentials, respx_mock):
    route = respx_mock.get(VIDEOS).respond(200, json=status_answer("uploaded"))

    published = connector.poll("dQw4w9WgXcQ", credentials)

    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer ya29.access"
    assert dict(request.url.params) == {"part": "status,processingDetails", "id": "dQw4w9WgXcQ"}
    assert published.state == "processing"
    assert published.handle == "dQw4w9WgXcQ"


def test_poll_reports_published_once_processed(connector, credentials, respx_mock):
    respx_mock.get(VIDEOS).respond(200, json=status_answer("processed"))

    assert connector.poll("dQw4w9WgXcQ", credentials) == Published(
        state="published",
        external_id="dQw4w9WgXcQ",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )


@pytest.mark.parametrize(
    ("answer", "code", "words"),
    [
        (status_answer("rejected", rejectionReason="duplicate"), "rejected_duplicate", "duplicate"),
        (status_answer("failed", failureReason="codec"), "failed_codec", "codec"),
        (status_answer("deleted"), "video_deleted", "deleted"),
        ({"items": []}, "video_missing", "no longer has"),
        (
            {
                "items": [
                    {
                        "status": {"uploadStatus": "uploaded"},
                        "processingDetails": {
                            "processingStatus": "terminated",
                            "processingFailureReason": "transcodeFailed",
                        },
                    }
                ]
            },
            "processing_failed",
            "transcodeFailed",
        ),
    ],
)
def test_poll_fails_the_post_when_youtube_gives_up(
    connector, credentials, respx_mock, answer, code, words
):
    respx_mock.get(VIDEOS).respond(200, json=answer)

    with pytest.raises(PermanentError) as caught:
        connector.poll("dQw4w9WgXcQ", credentials)

    assert caught.value.code == code
    assert words in caught.value.message


def test_a_poll_failure_is_never_ambiguous(connector, credentials, respx_mock):
    respx_mock.get(VIDEOS).respond(500, json=google_error(500, "backendError", "Backend Error"))

    with pytest.raises(TransientError) as caught:
        connector.poll("dQw4w9WgXcQ", credentials)

    assert caught.value.ambiguous is False


# --- errors


def test_quota_exceeded_waits_until_midnight_pacific(connector, credentials, respx_mock):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    respx_mock.post(url__startswith=UPLOAD).respond(
        403,
        json=google_error(
            403,
            "quotaExceeded",
            "The request cannot be completed because you have exceeded your quota.",
            domain="youtube.quota",
        ),
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(post(), credentials)

    assert caught.value.code == "quotaExceeded"
    assert abs(caught.value.retry_after - _seconds_to_quota_reset()) < 5


def test_quota_reset_is_the_next_pacific_midnight():
    # 2026-11-24 10:00 UTC is 02:00 in Los Angeles (PST): 22 hours to go.
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

    assert _seconds_to_quota_reset(now) == 22 * 3600


def test_channel_upload_limit_waits_a_day(connector, credentials, respx_mock):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    respx_mock.post(url__startswith=UPLOAD).respond(
        400,
        json=google_error(
            400,
            "uploadLimitExceeded",
            "The user has exceeded the number of videos they may upload.",
        ),
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(post(), credentials)

    assert caught.value.retry_after == 24 * 3600


def test_invalid_credentials_are_auth_expired(connector, credentials, respx_mock):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    respx_mock.post(url__startswith=UPLOAD).respond(
        401, json=google_error(401, "authError", "Invalid Credentials", domain="global")
    )

    with pytest.raises(AuthExpired) as caught:
        connector.publish(post(), credentials)

    assert caught.value.code == "authError"


def test_an_account_without_a_channel_is_permanent_despite_the_401(
    connector, credentials, respx_mock
):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    respx_mock.post(url__startswith=UPLOAD).respond(
        401,
        json=google_error(401, "youtubeSignupRequired", "This request requires a YouTube account."),
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(post(), credentials)

    assert not isinstance(caught.value, AuthExpired)


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        (400, "invalidTitle", "The request metadata specifies an invalid or empty video title."),
        (
            400,
            "invalidCategoryId",
            "The snippet.categoryId property specifies an invalid category ID.",
        ),
        (403, "forbidden", "Access forbidden. The request may not be properly authorized."),
        (403, "insufficientPermissions", "Request had insufficient authentication scopes."),
    ],
)
def test_metadata_and_permission_errors_are_permanent_with_youtube_words(
    connector, credentials, respx_mock, status, reason, message
):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    respx_mock.post(url__startswith=UPLOAD).respond(
        status, json=google_error(status, reason, message)
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.message == message
    assert caught.value.code == reason


def test_a_failing_session_is_safe_to_retry(connector, credentials, respx_mock):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    respx_mock.post(url__startswith=UPLOAD).respond(
        500, json=google_error(500, "backendError", "Backend Error", domain="global")
    )

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.ambiguous is False


def test_a_session_without_location_is_safe_to_retry(connector, credentials, respx_mock):
    respx_mock.get(VIDEO_URL).respond(200, content=VIDEO_BYTES)
    respx_mock.post(url__startswith=UPLOAD).respond(200)

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.ambiguous is False


@pytest.mark.parametrize(
    ("answer", "ambiguous"),
    [
        (httpx.Response(500, json=google_error(500, "backendError", "Backend Error")), True),
        (httpx.Response(503, json=google_error(503, "backendError", "Unavailable")), False),
        (httpx.Response(308, headers={"Range": "bytes=0-49"}), False),
        (httpx.Response(200, json={"kind": "youtube#video"}), True),
    ],
)
def test_the_upload_put_is_the_step_that_may_have_made_the_video(
    connector, credentials, upload_routes, respx_mock, answer, ambiguous
):
    respx_mock.put(SESSION).mock(return_value=answer)

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.ambiguous is ambiguous


def test_a_timeout_during_the_upload_is_ambiguous(
    connector, credentials, upload_routes, respx_mock
):
    respx_mock.put(SESSION).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.ambiguous is True


# --- validation


def codes(connector, item: Content) -> list[str]:
    return [problem.code for problem in connector.validate(item)]


def test_a_video_with_text_is_valid(connector):
    assert codes(connector, post(privacy="private", tags=["a", "b c"])) == []


def test_a_post_needs_one_video_and_no_images(connector):
    image = MediaItem(url="https://crier.test/a.jpg", mime_type="image/jpeg")

    assert codes(connector, Content(text="x", idempotency_key="k")) == ["media_required"]
    assert codes(connector, Content(text="x", idempotency_key="k", media=(image,))) == [
        "too_many_images",
        "unsupported_media_type",
    ]
    assert codes(connector, Content(text="x", idempotency_key="k", media=(video(), video()))) == [
        "too_many_videos"
    ]


def test_a_title_is_required_from_text_or_option(connector):
    assert codes(connector, Content(text="", idempotency_key="k", media=(video(),))) == [
        "title_required"
    ]
    titled = Content(text="", idempotency_key="k", media=(video(),), options={"title": "T"})
    assert codes(connector, titled) == []


def test_titles_stop_at_100_characters(connector):
    assert codes(connector, post(title="t" * 100)) == []
    assert codes(connector, post(title="t" * 101)) == ["title_too_long"]


def test_the_description_counts_utf8_bytes_up_to_5000(connector):
    assert connector.text_length("é") == 2
    assert codes(connector, post("é" * 2500)) == []
    assert codes(connector, post("é" * 2501)) == ["text_too_long"]
    assert codes(connector, post(description="é" * 2501)) == ["text_too_long"]


def test_angle_brackets_are_refused_where_youtube_refuses_them(connector):
    problems = connector.validate(post("Use <b>\nmore"))
    assert [(p.code, p.field) for p in problems] == [
        ("angle_brackets", "text"),
        ("angle_brackets", "text"),
    ]
    problems = connector.validate(post(title="a > b", description="fine"))
    assert [(p.code, p.field) for p in problems] == [("angle_brackets", "options.title")]


def test_tags_count_commas_and_quotes_up_to_500(connector):
    fits = ["x" * 99] * 5  # 495 + 4 commas
    assert codes(connector, post(tags=fits)) == []
    assert codes(connector, post(tags=[*fits, "y"])) == ["tags_too_long"]
    assert codes(connector, post(tags=["a b" * 166])) == []  # 498 + 2 quotes
    assert codes(connector, post(tags=["a b" * 166 + "c"])) == ["tags_too_long"]
    assert codes(connector, post(tags=["ok", 3])) == ["option_type"]


def test_options_are_checked(connector):
    assert codes(connector, post(privacy="friends")) == ["option_choice"]
    assert codes(connector, post(notify_subscribers="no")) == ["option_type"]
    assert codes(connector, post(playlist="x")) == ["unknown_option"]


def test_video_length_and_type_are_checked(connector):
    long = Content(text="x", idempotency_key="k", media=(video(duration=12 * 3600 + 1),))
    gif = Content(
        text="x", idempotency_key="k", media=(MediaItem(url=VIDEO_URL, mime_type="video/x-foo"),)
    )

    assert codes(connector, long) == ["video_too_long"]
    assert codes(connector, gif) == ["unsupported_media_type"]


# --- OAuth


def test_authorization_url_asks_for_upload_offline_access_and_pkce(connector):
    url = connector.authorization_url(APP, state="st-1", code_challenge="challenge-abc")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://accounts.google.com/o/oauth2/v2/auth"
    )
    assert parse_qs(parts.query) == {
        "client_id": [APP.client_id],
        "redirect_uri": [APP.redirect_uri],
        "response_type": ["code"],
        "scope": [
            "https://www.googleapis.com/auth/youtube.upload "
            "https://www.googleapis.com/auth/youtube.readonly"
        ],
        "state": ["st-1"],
        "code_challenge": ["challenge-abc"],
        "code_challenge_method": ["S256"],
        "access_type": ["offline"],
        "prompt": ["consent"],
        "include_granted_scopes": ["true"],
    }


def token_answer(**extra) -> dict:
    return {
        "access_token": "ya29.new",
        "expires_in": 3599,
        "refresh_token": "1//new-refresh",
        "scope": "https://www.googleapis.com/auth/youtube.upload "
        "https://www.googleapis.com/auth/youtube.readonly",
        "token_type": "Bearer",
        **extra,
    }


CHANNEL = {
    "items": [
        {
            "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
            "snippet": {
                "title": "Crier Channel",
                "customUrl": "@crier",
                "thumbnails": {"default": {"url": "https://yt3.ggpht.com/a.jpg"}},
            },
        }
    ]
}


def test_exchange_code_sends_the_verifier_and_reads_the_channel(connector, respx_mock):
    token = respx_mock.post(TOKEN).respond(200, json=token_answer())
    channels = respx_mock.get(CHANNELS).respond(200, json=CHANNEL)

    credentials, profile = connector.exchange_code(APP, code="4/code", code_verifier="verifier-1")

    assert parse_qs(token.calls.last.request.content.decode()) == {
        "grant_type": ["authorization_code"],
        "code": ["4/code"],
        "code_verifier": ["verifier-1"],
        "client_id": [APP.client_id],
        "client_secret": [APP.client_secret],
        "redirect_uri": [APP.redirect_uri],
    }
    me = channels.calls.last.request
    assert me.headers["Authorization"] == "Bearer ya29.new"
    assert dict(me.url.params) == {"part": "snippet", "mine": "true"}
    assert credentials.external_id == "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    assert credentials.access_token == "ya29.new"
    assert credentials.refresh_token == "1//new-refresh"
    assert credentials.expires_at > datetime.now(UTC) + timedelta(minutes=55)
    assert dict(credentials.extra) == {"channel_id": "UC_x5XG1OV2P6uZZ5FSM9Ttw"}
    assert profile.username == "@crier"
    assert profile.display_name == "Crier Channel"
    assert profile.avatar_url == "https://yt3.ggpht.com/a.jpg"


def test_exchange_code_refused_is_permanent_with_google_words(connector, respx_mock):
    respx_mock.post(TOKEN).respond(
        400, json={"error": "invalid_grant", "error_description": "Bad Request"}
    )

    with pytest.raises(PermanentError) as caught:
        connector.exchange_code(APP, code="old", code_verifier="v")

    assert caught.value.code == "invalid_grant"


def test_exchange_code_without_the_upload_scope_is_refused(connector, respx_mock):
    respx_mock.post(TOKEN).respond(
        200, json=token_answer(scope="https://www.googleapis.com/auth/youtube.readonly")
    )

    with pytest.raises(PermanentError, match="upload videos was not granted"):
        connector.exchange_code(APP, code="c", code_verifier="v")


def test_exchange_code_for_an_account_without_channel_is_refused(connector, respx_mock):
    respx_mock.post(TOKEN).respond(200, json=token_answer())
    respx_mock.get(CHANNELS).respond(200, json={"kind": "youtube#channelListResponse", "items": []})

    with pytest.raises(PermanentError, match="no YouTube channel"):
        connector.exchange_code(APP, code="c", code_verifier="v")


# --- refresh


def test_refresh_keeps_the_refresh_token_google_did_not_replace(connector, credentials, respx_mock):
    route = respx_mock.post(TOKEN).respond(
        200, json={"access_token": "ya29.fresh", "expires_in": 3599, "token_type": "Bearer"}
    )

    fresh = connector.refresh(credentials)

    assert parse_qs(route.calls.last.request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["1//refresh"],
        "client_id": [APP.client_id],
        "client_secret": [APP.client_secret],
    }
    assert fresh.access_token == "ya29.fresh"
    assert fresh.refresh_token == "1//refresh"
    assert fresh.external_id == credentials.external_id
    assert fresh.extra == credentials.extra


def test_refresh_takes_a_rotated_refresh_token(connector, credentials, respx_mock):
    respx_mock.post(TOKEN).respond(200, json=token_answer())

    assert connector.refresh(credentials).refresh_token == "1//new-refresh"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (
            400,
            {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
        ),
        (401, {"error": "invalid_client", "error_description": "Unauthorized"}),
    ],
)
def test_refresh_refused_by_google_needs_reconnection(
    connector, credentials, respx_mock, status, body
):
    respx_mock.post(TOKEN).respond(status, json=body)

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    assert caught.value.message == body["error_description"]


@pytest.mark.parametrize(
    "effect",
    [httpx.Response(503, text="unavailable"), httpx.ConnectError("refused")],
)
def test_refresh_that_could_not_ask_is_transient(connector, credentials, respx_mock, effect):
    route = respx_mock.post(TOKEN)
    if isinstance(effect, httpx.Response):
        route.mock(return_value=effect)
    else:
        route.mock(side_effect=effect)

    with pytest.raises(TransientError):
        connector.refresh(credentials)


def test_refresh_without_app_settings_is_transient_not_a_refusal(credentials):
    with YouTubeConnector() as connector, pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert caught.value.code == "not_configured"


def test_refresh_without_a_refresh_token_is_refused(connector, credentials):
    with pytest.raises(RefreshRefused):
        connector.refresh(Credentials(external_id="UC", access_token="a"))
