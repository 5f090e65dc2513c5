"""Facebook Pages connector: exact Graph requests and error mapping, against respx.

Exchanges follow the Pages API, Page feed/photos/videos and Facebook Login pages cited in
connectors/facebook.py.
"""

from __future__ import annotations

import json
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
from connectors.facebook import DEFAULT_GRAPH_VERSION, FacebookConnector, usage_retry_after
from connectors.registry import connector_class
from tests.platforms import graph_error

V = DEFAULT_GRAPH_VERSION
PAGE = "1234567890"
FEED = f"https://graph.facebook.com/{V}/{PAGE}/feed"
PHOTOS = f"https://graph.facebook.com/{V}/{PAGE}/photos"
VIDEOS = f"https://graph.facebook.com/{V}/{PAGE}/videos"
TOKEN_URL = f"https://graph.facebook.com/{V}/oauth/access_token"
ACCOUNTS = f"https://graph.facebook.com/{V}/me/accounts"
POST_ID = f"{PAGE}_987654321"
COMMENTS = f"https://graph.facebook.com/{V}/{POST_ID}/comments"


@pytest.fixture
def connector():
    with FacebookConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id=PAGE, access_token="EAAB-page-token")


@pytest.fixture
def app() -> OAuthApp:
    return OAuthApp(
        client_id="fb-app",
        client_secret="fb-secret-value",
        redirect_uri="https://crier.test/api/v1/accounts/callback/facebook",
    )


def text(content: str = "Hello Page", **kwargs) -> Content:
    return Content(text=content, idempotency_key="delivery-1", **kwargs)


def body(route) -> dict:
    return json.loads(route.calls.last.request.content)


def photo(name: str, alt: str | None = None) -> MediaItem:
    return MediaItem(url=f"https://media.crier.test/{name}", mime_type="image/jpeg", alt_text=alt)


# --- publishing -------------------------------------------------------------------------


def test_registry_entry_is_the_facebook_connector():
    cls = connector_class("facebook")
    assert cls is FacebookConnector
    assert cls.limits.max_chars == 63206
    assert cls.connection == "oauth"
    assert cls.idempotent is False


def test_text_post_goes_to_the_page_feed_with_the_page_token(connector, respx_mock, credentials):
    route = respx_mock.post(FEED).respond(200, json={"id": f"{PAGE}_987654321"})

    published = connector.publish(text(), credentials)

    assert body(route) == {"message": "Hello Page", "access_token": "EAAB-page-token"}
    assert published == Published(
        state="published",
        external_id=f"{PAGE}_987654321",
        url=f"https://www.facebook.com/{PAGE}_987654321",
    )


def test_link_option_is_shared_with_a_text_post(connector, respx_mock, credentials):
    route = respx_mock.post(FEED).respond(200, json={"id": f"{PAGE}_1"})

    connector.publish(text(options={"link": "https://crier.test/blog"}), credentials)

    assert body(route)["link"] == "https://crier.test/blog"


def test_graph_version_comes_from_the_configuration(respx_mock, credentials):
    route = respx_mock.post(f"https://graph.facebook.com/v27.0/{PAGE}/feed").respond(
        200, json={"id": f"{PAGE}_1"}
    )

    with FacebookConnector(config=ConnectorConfig(api_version="v27.0")) as connector:
        connector.publish(text(), credentials)

    assert route.called


def test_photos_are_uploaded_unpublished_then_attached_to_one_feed_post(
    connector, respx_mock, credentials
):
    photos = respx_mock.post(PHOTOS).mock(
        side_effect=[
            httpx.Response(200, json={"id": "111"}),
            httpx.Response(200, json={"id": "222"}),
        ]
    )
    feed = respx_mock.post(FEED).respond(200, json={"id": f"{PAGE}_333"})

    published = connector.publish(
        text(media=(photo("a.jpg", alt="A red bicycle"), photo("b.jpg"))), credentials
    )

    assert [json.loads(call.request.content) for call in photos.calls] == [
        {
            "url": "https://media.crier.test/a.jpg",
            "published": False,
            "access_token": "EAAB-page-token",
            "alt_text_custom": "A red bicycle",
        },
        {
            "url": "https://media.crier.test/b.jpg",
            "published": False,
            "access_token": "EAAB-page-token",
        },
    ]
    assert body(feed) == {
        "message": "Hello Page",
        "access_token": "EAAB-page-token",
        "attached_media": [{"media_fbid": "111"}, {"media_fbid": "222"}],
    }
    assert published.external_id == f"{PAGE}_333"


def test_video_is_published_from_its_url_and_left_processing(connector, respx_mock, credentials):
    route = respx_mock.post(VIDEOS).respond(200, json={"id": "5550001"})
    clip = MediaItem(url="https://media.crier.test/clip.mp4", mime_type="video/mp4")

    published = connector.publish(text("Watch this", media=(clip,)), credentials)

    assert body(route) == {
        "file_url": "https://media.crier.test/clip.mp4",
        "description": "Watch this",
        "published": True,
        "access_token": "EAAB-page-token",
    }
    assert published == Published(state="processing", external_id="5550001", handle="5550001")


def test_poll_publishes_the_video_once_facebook_says_ready(connector, respx_mock, credentials):
    route = respx_mock.get(f"https://graph.facebook.com/{V}/5550001").respond(
        200,
        json={
            "status": {"video_status": "ready", "processing_phase": {"status": "complete"}},
            "permalink_url": "/crierpage/videos/5550001/",
            "id": "5550001",
        },
    )

    published = connector.poll("5550001", credentials)

    assert parse_qs(urlsplit(str(route.calls.last.request.url)).query) == {
        "fields": ["status,permalink_url"],
        "access_token": ["EAAB-page-token"],
    }
    assert published == Published(
        state="published",
        external_id="5550001",
        url="https://www.facebook.com/crierpage/videos/5550001/",
    )


def test_poll_keeps_a_processing_video_processing(connector, respx_mock, credentials):
    respx_mock.get(f"https://graph.facebook.com/{V}/5550001").respond(
        200, json={"status": {"video_status": "processing"}, "id": "5550001"}
    )

    assert connector.poll("5550001", credentials) == Published(
        state="processing", external_id="5550001", handle="5550001"
    )


def test_poll_fails_a_video_facebook_could_not_process(connector, respx_mock, credentials):
    respx_mock.get(f"https://graph.facebook.com/{V}/5550001").respond(
        200,
        json={
            "status": {
                "video_status": "error",
                "processing_phase": {
                    "status": "error",
                    "errors": [{"code": 1363008, "message": "Video format is not supported"}],
                },
            }
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.poll("5550001", credentials)

    assert caught.value.code == "video_error"
    assert "Video format is not supported" in caught.value.message


# --- errors -----------------------------------------------------------------------------


def test_expired_token_error_190_is_auth_expired_even_with_status_400(
    connector, respx_mock, credentials
):
    respx_mock.post(FEED).respond(
        400,
        json=graph_error(
            190,
            "Error validating access token: Session has expired on Friday, 06-Nov-26.",
            error_subcode=463,
            fbtrace_id="AbC",
        ),
    )

    with pytest.raises(AuthExpired) as caught:
        connector.publish(text(), credentials)

    assert not isinstance(caught.value, RefreshRefused)
    assert caught.value.code == "190/463"


def test_page_rate_limit_waits_for_the_usage_header(connector, respx_mock, credentials):
    usage = {
        PAGE: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 40,
                "total_time": 35,
                "estimated_time_to_regain_access": 7,
            }
        ]
    }
    respx_mock.post(FEED).respond(
        400,
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
        json=graph_error(32, "Page request limit reached"),
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert caught.value.retry_after == 420
    assert caught.value.message == "Page request limit reached"


@pytest.mark.parametrize("code", [4, 17, 613, 80001])
def test_graph_rate_limit_codes_are_rate_limited(connector, respx_mock, credentials, code):
    respx_mock.post(FEED).respond(400, json=graph_error(code, "Application request limit reached"))

    with pytest.raises(RateLimited):
        connector.publish(text(), credentials)


def test_posting_too_fast_block_is_rate_limited(connector, respx_mock, credentials):
    respx_mock.post(FEED).respond(
        400,
        json=graph_error(
            368,
            "It looks like you were misusing this feature by going too fast.",
            error_subcode=1390008,
            error_user_msg="You can't post this right now",
        ),
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert caught.value.code == "368/1390008"


def test_duplicate_post_is_permanent_with_facebooks_message(connector, respx_mock, credentials):
    respx_mock.post(FEED).respond(400, json=graph_error(506, "Duplicate status message"))

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.message == "Duplicate status message"
    assert caught.value.code == "506"


def test_invalid_parameter_is_permanent_and_quotes_the_user_message(
    connector, respx_mock, credentials
):
    respx_mock.post(PHOTOS).respond(
        400,
        json=graph_error(
            100,
            "Invalid parameter",
            error_subcode=1366046,
            error_user_msg="Your photos couldn't be uploaded. Photos should be smaller than 4 MB.",
        ),
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(media=(photo("big.jpg"),)), credentials)

    assert caught.value.message == (
        "Invalid parameter (Your photos couldn't be uploaded. Photos should be smaller than 4 MB.)"
    )
    assert caught.value.code == "100/1366046"


def test_missing_permission_is_permanent_not_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(FEED).respond(
        403,
        json=graph_error(
            200, "(#200) The user hasn't authorized the application to perform this action"
        ),
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert not isinstance(caught.value, AuthExpired)


def test_transient_graph_error_on_the_feed_call_is_ambiguous_only_for_5xx(
    connector, respx_mock, credentials
):
    respx_mock.post(FEED).respond(
        500, json=graph_error(1, "An unknown error occurred", is_transient=True)
    )

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is True


def test_service_unavailable_code_2_with_400_is_transient_and_unambiguous(
    connector, respx_mock, credentials
):
    respx_mock.post(FEED).respond(400, json=graph_error(2, "Service temporarily unavailable"))

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is False


@pytest.mark.respx(assert_all_called=False)
def test_photo_upload_failure_is_unambiguous_and_posts_nothing(connector, respx_mock, credentials):
    respx_mock.post(PHOTOS).respond(502, text="Bad Gateway")
    feed = respx_mock.post(FEED).respond(200, json={"id": "x"})

    with pytest.raises(TransientError) as caught:
        connector.publish(text(media=(photo("a.jpg"),)), credentials)

    assert caught.value.ambiguous is False
    assert not feed.called


def test_a_timeout_on_the_video_call_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(VIDEOS).mock(side_effect=httpx.ReadTimeout("slow"))
    clip = MediaItem(url="https://media.crier.test/clip.mp4", mime_type="video/mp4")

    with pytest.raises(TransientError) as caught:
        connector.publish(text(media=(clip,)), credentials)

    assert caught.value.ambiguous is True


# --- follow-ups as comments --------------------------------------------------------------


def test_a_follow_up_is_a_comment_by_the_page_on_the_post(connector, respx_mock, credentials):
    route = respx_mock.post(COMMENTS).respond(200, json={"id": f"{POST_ID}_555"})

    published = connector.publish(text("Link in the first comment", reply_to=POST_ID), credentials)

    assert route.calls.last.request.headers["content-type"] == "application/json"
    assert body(route) == {
        "message": "Link in the first comment",
        "access_token": "EAAB-page-token",
    }
    assert published == Published(
        state="published",
        external_id=f"{POST_ID}_555",
        url=f"https://www.facebook.com/{POST_ID}",
    )


def test_a_comment_on_a_video_goes_to_the_video(connector, respx_mock, credentials):
    route = respx_mock.post(f"https://graph.facebook.com/{V}/778899/comments").respond(
        200, json={"id": "778899_1"}
    )

    published = connector.publish(text("More", reply_to="778899"), credentials)

    assert route.called
    assert published.external_id == "778899_1"


def test_a_refused_comment_is_permanent_with_facebooks_message(connector, respx_mock, credentials):
    respx_mock.post(COMMENTS).respond(
        400,
        json=graph_error(
            100,
            "Unsupported post request. Object with ID '1234567890_987654321' does not exist",
            error_subcode=33,
        ),
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text("More", reply_to=POST_ID), credentials)

    assert caught.value.message == (
        "Unsupported post request. Object with ID '1234567890_987654321' does not exist"
    )
    assert caught.value.code == "100/33"


def test_a_comment_without_pages_manage_engagement_is_permanent(connector, respx_mock, credentials):
    respx_mock.post(COMMENTS).respond(403, json=graph_error(200, "(#200) Permissions error"))

    with pytest.raises(PermanentError) as caught:
        connector.publish(text("More", reply_to=POST_ID), credentials)

    assert not isinstance(caught.value, AuthExpired)
    assert caught.value.message == "(#200) Permissions error"


@pytest.mark.parametrize(
    ("answer", "error", "ambiguous"),
    [
        (
            httpx.Response(500, json=graph_error(1, "An unknown error occurred")),
            TransientError,
            True,
        ),
        (
            httpx.Response(400, json=graph_error(32, "Page request limit reached")),
            RateLimited,
            False,
        ),
        (httpx.Response(400, json=graph_error(190, "Session has expired")), AuthExpired, None),
    ],
)
def test_comment_failures_map_like_posts(
    connector, respx_mock, credentials, answer, error, ambiguous
):
    respx_mock.post(COMMENTS).mock(return_value=answer)

    with pytest.raises(error) as caught:
        connector.publish(text("More", reply_to=POST_ID), credentials)

    if ambiguous is not None:
        assert caught.value.ambiguous is ambiguous


def test_a_timeout_on_the_comment_call_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(COMMENTS).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(text("More", reply_to=POST_ID), credentials)

    assert caught.value.ambiguous is True


def test_a_comment_answer_without_its_id_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(COMMENTS).respond(200, json={"success": True})

    with pytest.raises(TransientError) as caught:
        connector.publish(text("More", reply_to=POST_ID), credentials)

    assert caught.value.ambiguous is True
    assert caught.value.code == "malformed_response"


def test_the_token_never_reaches_error_messages(connector, respx_mock, credentials):
    respx_mock.post(FEED).respond(400, text='{"error": "bad", "echo": "EAAB-page-token"}')

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert "EAAB-page-token" not in (caught.value.platform_response or "")
    assert "EAAB-page-token" not in caught.value.message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            {
                "x-business-use-case-usage": json.dumps(
                    {
                        "1": [
                            {"estimated_time_to_regain_access": 3},
                            {"estimated_time_to_regain_access": 10},
                        ]
                    }
                )
            },
            600.0,
        ),
        (
            {
                "x-business-use-case-usage": json.dumps(
                    {"1": [{"estimated_time_to_regain_access": 0}]}
                )
            },
            None,
        ),
        ({"x-business-use-case-usage": "not json"}, None),
        ({}, None),
    ],
)
def test_usage_header_wait_is_the_longest_entry_in_seconds(header, expected):
    assert usage_retry_after(httpx.Headers(header)) == expected


# --- validation -------------------------------------------------------------------------


def codes(connector: FacebookConnector, content: Content) -> list[str]:
    return [problem.code for problem in connector.validate(content)]


def test_validate_limits_photos_size_type_and_mixing(connector):
    clip = MediaItem(url="https://m/c.mp4", mime_type="video/mp4")
    big = MediaItem(url="https://m/a.jpg", mime_type="image/jpeg", size=5_000_000)
    assert codes(connector, text(media=tuple(photo(f"{n}.jpg") for n in range(10)))) == []
    assert codes(connector, text(media=tuple(photo(f"{n}.jpg") for n in range(11)))) == [
        "too_many_images"
    ]
    assert codes(connector, text(media=(photo("a.jpg"), clip))) == ["mixed_media"]
    assert codes(connector, text(media=(big,))) == ["media_too_large"]
    assert codes(connector, text("x" * 63207)) == ["text_too_long"]


def test_validate_refuses_a_link_on_a_post_with_media(connector):
    assert codes(connector, text(media=(photo("a.jpg"),), options={"link": "https://x"})) == [
        "link_with_media"
    ]


def test_validate_refuses_unknown_options(connector):
    assert codes(connector, text(options={"privacy": "friends"})) == ["unknown_option"]


def test_validate_takes_up_to_24_follow_ups_as_comments(connector):
    assert FacebookConnector.limits.max_comments == 24
    assert codes(connector, text(thread=tuple(f"c{n}" for n in range(24)))) == []
    problems = connector.validate(text(thread=tuple(f"c{n}" for n in range(25))))
    assert [(p.code, p.field) for p in problems] == [("thread_too_long", "thread")]
    assert problems[0].message == "Thread has 25 follow-ups; Facebook allows 24 comments."
    assert codes(connector, text("A comment", reply_to=POST_ID)) == []


def test_validate_holds_follow_ups_to_the_comment_length(connector):
    assert codes(connector, text(thread=("x" * 8000,))) == []
    problems = connector.validate(text(thread=("ok", "x" * 8001)))
    assert [(p.code, p.field) for p in problems] == [("text_too_long", "thread[1]")]
    assert problems[0].message == (
        "Thread item 2 is 8001 characters; Facebook allows 8000 in a comment."
    )
    assert codes(connector, text(thread=("x" * 63207,))) == ["text_too_long"]


# --- connection -------------------------------------------------------------------------


def test_authorization_url_asks_for_page_scopes_with_state_and_pkce(connector, app):
    url = connector.authorization_url(app, state="state-1", code_challenge="challenge-abc")

    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == f"https://www.facebook.com/{V}/dialog/oauth"
    )
    assert parse_qs(parts.query) == {
        "client_id": ["fb-app"],
        "redirect_uri": ["https://crier.test/api/v1/accounts/callback/facebook"],
        "state": ["state-1"],
        "response_type": ["code"],
        "scope": [
            "pages_show_list,pages_manage_posts,pages_read_engagement,pages_manage_engagement,"
            "read_insights"
        ],
        "code_challenge": ["challenge-abc"],
        "code_challenge_method": ["S256"],
    }


def query(route, index: int = -1) -> dict[str, list[str]]:
    return parse_qs(urlsplit(str(route.calls[index].request.url)).query)


def test_code_exchange_gets_a_long_lived_token_then_the_page_token(connector, respx_mock, app):
    tokens = respx_mock.get(TOKEN_URL).mock(
        side_effect=[
            httpx.Response(
                200, json={"access_token": "EAA-short", "token_type": "bearer", "expires_in": 5183}
            ),
            httpx.Response(
                200,
                json={"access_token": "EAA-long", "token_type": "bearer", "expires_in": 5183944},
            ),
        ]
    )
    accounts = respx_mock.get(ACCOUNTS).respond(
        200,
        json={
            "data": [
                {"id": "111", "name": "Read only", "access_token": "EAA-p1", "tasks": ["ANALYZE"]},
                {
                    "id": PAGE,
                    "name": "Crier Café",
                    "username": "criercafe",
                    "access_token": "EAA-page",
                    "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
                    "picture": {"data": {"url": "https://scontent.test/p.jpg"}},
                },
            ],
            "paging": {"cursors": {"before": "a", "after": "b"}},
        },
    )

    credentials, profile = connector.exchange_code(
        app, code="auth-code", code_verifier="verifier-xyz"
    )

    assert query(tokens, 0) == {
        "client_id": ["fb-app"],
        "redirect_uri": ["https://crier.test/api/v1/accounts/callback/facebook"],
        "client_secret": ["fb-secret-value"],
        "code": ["auth-code"],
        "code_verifier": ["verifier-xyz"],
    }
    assert query(tokens, 1) == {
        "grant_type": ["fb_exchange_token"],
        "client_id": ["fb-app"],
        "client_secret": ["fb-secret-value"],
        "fb_exchange_token": ["EAA-short"],
    }
    assert query(accounts) == {
        "fields": ["id,name,username,access_token,tasks,picture"],
        "access_token": ["EAA-long"],
    }
    assert credentials == Credentials(
        external_id=PAGE, access_token="EAA-page", extra={"page_name": "Crier Café"}
    )
    assert credentials.expires_at is None
    assert (profile.external_id, profile.username, profile.display_name, profile.avatar_url) == (
        PAGE,
        "criercafe",
        "Crier Café",
        "https://scontent.test/p.jpg",
    )


def test_code_exchange_without_a_publishable_page_is_refused(connector, respx_mock, app):
    respx_mock.get(TOKEN_URL).respond(200, json={"access_token": "EAA-t"})
    respx_mock.get(ACCOUNTS).respond(200, json={"data": []})

    with pytest.raises(PermanentError) as caught:
        connector.exchange_code(app, code="c", code_verifier="v")

    assert caught.value.code == "no_page"


def test_a_spent_code_is_permanent_with_facebooks_reason(connector, respx_mock, app):
    respx_mock.get(TOKEN_URL).respond(
        400, json=graph_error(100, "This authorization code has been used.", error_subcode=36009)
    )

    with pytest.raises(PermanentError) as caught:
        connector.exchange_code(app, code="c", code_verifier="v")

    assert caught.value.message == "This authorization code has been used."


def test_page_tokens_have_no_refresh_so_reconnecting_is_required(connector, credentials):
    with pytest.raises(RefreshRefused):
        connector.refresh(credentials)
