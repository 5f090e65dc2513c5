"""Instagram connector: containers, status polling, media_publish and errors, against respx.

Exchanges follow the content publishing guide, the IG User media / media_publish / IG
Container references and Business Login for Instagram, cited in connectors/instagram.py.
"""

from __future__ import annotations

import json
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
from connectors.facebook import DEFAULT_GRAPH_VERSION
from connectors.instagram import InstagramConnector, caption_digest
from connectors.registry import connector_class
from tests.platforms import graph_error, instagram_quota_route

IG = "17841400000000001"
BASE = f"https://graph.instagram.com/{DEFAULT_GRAPH_VERSION}"
MEDIA = f"{BASE}/{IG}/media"
PUBLISH = f"{BASE}/{IG}/media_publish"
QUOTA = f"{BASE}/{IG}/content_publishing_limit"
CONTAINER = "17889455560051444"
MEDIA_ID = "17920238422030506"
COMMENTS = f"{BASE}/{MEDIA_ID}/comments"
PERMALINK = "https://www.instagram.com/p/Cx1/"


@pytest.fixture
def connector():
    with InstagramConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id=IG, access_token="IGAA-long-token", refresh_token="IGAA-long-token"
    )


@pytest.fixture
def app() -> OAuthApp:
    return OAuthApp(
        client_id="ig-app",
        client_secret="ig-secret-value",
        redirect_uri="https://crier.test/api/v1/accounts/callback/instagram",
    )


@pytest.fixture
def quota(respx_mock):
    return instagram_quota_route(respx_mock)


def jpeg(name: str, alt: str | None = None) -> MediaItem:
    return MediaItem(url=f"https://media.crier.test/{name}", mime_type="image/jpeg", alt_text=alt)


def mp4(name: str, **measures) -> MediaItem:
    return MediaItem(url=f"https://media.crier.test/{name}", mime_type="video/mp4", **measures)


def content(text: str = "Sunset #travel", *media: MediaItem, **kwargs) -> Content:
    return Content(text=text, idempotency_key="delivery-1", media=media, **kwargs)


def sent(call) -> dict:
    return json.loads(call.request.content)


# --- publish: containers ----------------------------------------------------------------


def test_registry_entry_is_the_instagram_connector():
    cls = connector_class("instagram")
    assert cls is InstagramConnector
    assert cls.limits.requires_media is True
    assert cls.limits.per_account_rate.requests == 100
    assert cls.idempotent is True


def test_image_post_checks_the_quota_then_creates_a_container_and_waits(
    connector, respx_mock, credentials, quota
):
    route = respx_mock.post(MEDIA).respond(200, json={"id": CONTAINER})

    published = connector.publish(
        content("Sunset #travel", jpeg("a.jpg", alt="A beach")), credentials
    )

    assert quota.calls.last.request.headers["Authorization"] == "Bearer IGAA-long-token"
    assert parse_qs(urlsplit(str(quota.calls.last.request.url)).query) == {
        "fields": ["quota_usage,config"]
    }
    assert route.calls.last.request.headers["Authorization"] == "Bearer IGAA-long-token"
    assert sent(route.calls.last) == {
        "image_url": "https://media.crier.test/a.jpg",
        "alt_text": "A beach",
        "caption": "Sunset #travel",
    }
    assert published == Published(
        state="processing", handle=f"{CONTAINER}:{caption_digest('Sunset #travel')}"
    )


def test_a_single_video_becomes_a_reel(connector, respx_mock, credentials, quota):
    route = respx_mock.post(MEDIA).respond(200, json={"id": CONTAINER})

    connector.publish(content("Behind the scenes", mp4("clip.mp4")), credentials)

    assert sent(route.calls.last) == {
        "media_type": "REELS",
        "video_url": "https://media.crier.test/clip.mp4",
        "caption": "Behind the scenes",
    }


def test_story_container_carries_the_media_only(connector, respx_mock, credentials, quota):
    route = respx_mock.post(MEDIA).respond(200, json={"id": CONTAINER})

    connector.publish(content("ignored", jpeg("s.jpg"), options={"type": "story"}), credentials)

    assert sent(route.calls.last) == {
        "media_type": "STORIES",
        "image_url": "https://media.crier.test/s.jpg",
    }


def test_carousel_creates_item_containers_then_the_parent(
    connector, respx_mock, credentials, quota
):
    route = respx_mock.post(MEDIA).mock(
        side_effect=[
            httpx.Response(200, json={"id": "101"}),
            httpx.Response(200, json={"id": "102"}),
            httpx.Response(200, json={"id": "900"}),
        ]
    )

    published = connector.publish(
        content("Three of them", jpeg("1.jpg", alt="One"), mp4("2.mp4")), credentials
    )

    assert [sent(call) for call in route.calls] == [
        {
            "image_url": "https://media.crier.test/1.jpg",
            "alt_text": "One",
            "is_carousel_item": True,
        },
        {
            "media_type": "VIDEO",
            "video_url": "https://media.crier.test/2.mp4",
            "is_carousel_item": True,
        },
        {"media_type": "CAROUSEL", "children": "101,102", "caption": "Three of them"},
    ]
    assert published.handle.startswith("900:")


@pytest.mark.respx(assert_all_called=False)
def test_an_exhausted_publishing_quota_is_rate_limited_before_any_container(
    connector, respx_mock, credentials
):
    respx_mock.get(QUOTA).respond(
        200,
        json={
            "data": [{"quota_usage": 100, "config": {"quota_total": 100, "quota_duration": 86400}}]
        },
    )
    route = respx_mock.post(MEDIA).respond(200, json={"id": CONTAINER})

    with pytest.raises(RateLimited) as caught:
        connector.publish(content("x", jpeg("a.jpg")), credentials)

    assert caught.value.code == "publishing_limit"
    assert not route.called


def test_container_failures_are_never_ambiguous(connector, respx_mock, credentials, quota):
    respx_mock.post(MEDIA).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(content("x", jpeg("a.jpg")), credentials)

    assert caught.value.ambiguous is False


def test_media_instagram_cannot_fetch_is_permanent_with_its_message(
    connector, respx_mock, credentials, quota
):
    respx_mock.post(MEDIA).respond(
        400,
        json=graph_error(
            9004,
            "The media could not be fetched from this uri: https://media.crier.test/a.jpg",
            error_subcode=2207052,
            error_user_title="Media download has failed.",
            error_user_msg="The media could not be fetched from this URI.",
        ),
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(content("x", jpeg("a.jpg")), credentials)

    assert caught.value.code == "9004/2207052"
    assert caught.value.message.startswith("The media could not be fetched from this uri")


@pytest.mark.parametrize("subcode", [2207003, 2207001, 2207032])
def test_instagram_says_try_again_errors_are_transient(
    connector, respx_mock, credentials, quota, subcode
):
    respx_mock.post(MEDIA).respond(400, json=graph_error(-2, "Try again", error_subcode=subcode))

    with pytest.raises(TransientError):
        connector.publish(content("x", jpeg("a.jpg")), credentials)


def test_expired_token_is_auth_expired(connector, respx_mock, credentials):
    respx_mock.get(QUOTA).respond(
        400,
        json=graph_error(
            190, "Error validating access token: Session has expired", error_subcode=463
        ),
    )

    with pytest.raises(AuthExpired):
        connector.publish(content("x", jpeg("a.jpg")), credentials)


# --- poll: status then media_publish ----------------------------------------------------


def handle(text: str = "Sunset #travel") -> str:
    return f"{CONTAINER}:{caption_digest(text)}"


def status(code: str, message: str = "") -> httpx.Response:
    body = {"status_code": code, "id": CONTAINER}
    if message:
        body["status"] = message
    return httpx.Response(200, json=body)


def test_poll_keeps_an_in_progress_container_processing(connector, respx_mock, credentials):
    route = respx_mock.get(f"{BASE}/{CONTAINER}").mock(return_value=status("IN_PROGRESS"))

    assert connector.poll(handle(), credentials) == Published(state="processing", handle=handle())
    assert parse_qs(urlsplit(str(route.calls.last.request.url)).query) == {
        "fields": ["status_code,status"]
    }


def test_poll_publishes_a_finished_container_and_reads_its_permalink(
    connector, respx_mock, credentials
):
    respx_mock.get(f"{BASE}/{CONTAINER}").mock(return_value=status("FINISHED"))
    publish = respx_mock.post(PUBLISH).respond(200, json={"id": "17920238422030506"})
    respx_mock.get(f"{BASE}/17920238422030506").respond(
        200, json={"permalink": "https://www.instagram.com/p/Cx1/", "id": "17920238422030506"}
    )

    published = connector.poll(handle(), credentials)

    assert sent(publish.calls.last) == {"creation_id": CONTAINER}
    assert publish.calls.last.request.headers["Authorization"] == "Bearer IGAA-long-token"
    assert published == Published(
        state="published",
        external_id="17920238422030506",
        url="https://www.instagram.com/p/Cx1/",
    )


def test_a_failing_permalink_lookup_never_fails_a_live_post(connector, respx_mock, credentials):
    respx_mock.get(f"{BASE}/{CONTAINER}").mock(return_value=status("FINISHED"))
    respx_mock.post(PUBLISH).respond(200, json={"id": "179"})
    respx_mock.get(f"{BASE}/179").mock(side_effect=httpx.ReadTimeout("slow"))

    assert connector.poll(handle(), credentials) == Published(state="published", external_id="179")


def test_publishing_limit_at_media_publish_is_rate_limited(connector, respx_mock, credentials):
    respx_mock.get(f"{BASE}/{CONTAINER}").mock(return_value=status("FINISHED"))
    respx_mock.post(PUBLISH).respond(
        400,
        json=graph_error(
            9,
            "Application request limit reached",
            error_subcode=2207042,
            error_user_msg="You reached maximum number of posts that is allowed to be "
            "published by Content Publishing API.",
        ),
    )

    with pytest.raises(RateLimited) as caught:
        connector.poll(handle(), credentials)

    assert caught.value.code == "9/2207042"


def test_a_lost_media_publish_answer_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.get(f"{BASE}/{CONTAINER}").mock(return_value=status("FINISHED"))
    respx_mock.post(PUBLISH).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.poll(handle(), credentials)

    assert caught.value.ambiguous is True


@pytest.mark.respx(assert_all_called=False)
def test_a_container_already_published_is_found_instead_of_published_again(
    connector, respx_mock, credentials
):
    respx_mock.get(f"{BASE}/{CONTAINER}").mock(return_value=status("PUBLISHED"))
    publish = respx_mock.post(PUBLISH).respond(200, json={"id": "never"})
    recent = respx_mock.get(MEDIA).respond(
        200,
        json={
            "data": [
                {
                    "id": "555",
                    "caption": "Something else",
                    "permalink": "https://www.instagram.com/p/A/",
                },
                {
                    "id": "556",
                    "caption": "Sunset #travel",
                    "permalink": "https://www.instagram.com/p/B/",
                },
            ]
        },
    )

    published = connector.poll(handle(), credentials)

    assert not publish.called
    assert parse_qs(urlsplit(str(recent.calls.last.request.url)).query) == {
        "fields": ["id,caption,permalink,timestamp"],
        "limit": ["25"],
    }
    assert published == Published(
        state="published", external_id="556", url="https://www.instagram.com/p/B/"
    )


def test_a_published_container_not_found_is_reported_not_published_again(
    connector, respx_mock, credentials
):
    respx_mock.get(f"{BASE}/{CONTAINER}").mock(return_value=status("PUBLISHED"))
    respx_mock.get(MEDIA).respond(200, json={"data": []})

    with pytest.raises(PermanentError) as caught:
        connector.poll(handle(), credentials)

    assert caught.value.code == "published_not_found"


@pytest.mark.parametrize(
    ("code", "expected"), [("ERROR", "container_error"), ("EXPIRED", "container_expired")]
)
def test_failed_or_expired_containers_are_permanent(
    connector, respx_mock, credentials, code, expected
):
    respx_mock.get(f"{BASE}/{CONTAINER}").mock(return_value=status(code, "Error: 2207026"))

    with pytest.raises(PermanentError) as caught:
        connector.poll(handle(), credentials)

    assert caught.value.code == expected
    assert "2207026" in caught.value.message


# --- follow-ups as comments --------------------------------------------------------------


def follow_up(text: str = "Link in the first comment") -> Content:
    return content(text, reply_to=MEDIA_ID)


@pytest.fixture
def permalink(respx_mock):
    return respx_mock.get(f"{BASE}/{MEDIA_ID}").respond(
        200, json={"permalink": PERMALINK, "id": MEDIA_ID}
    )


def comments(*items: dict) -> httpx.Response:
    return httpx.Response(200, json={"data": list(items)})


def test_a_follow_up_is_a_comment_by_the_account_on_the_media(
    connector, respx_mock, credentials, permalink
):
    lookup = respx_mock.get(COMMENTS).mock(
        return_value=comments({"id": "1790", "text": "Nice!", "timestamp": "2026-11-30T20:00:00"})
    )
    route = respx_mock.post(COMMENTS).respond(200, json={"id": "17870913679156914"})

    published = connector.publish(follow_up(), credentials)

    assert parse_qs(urlsplit(str(lookup.calls.last.request.url)).query) == {
        "fields": ["id,text,user"],
        "limit": ["50"],
    }
    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer IGAA-long-token"
    assert sent(route.calls.last) == {"message": "Link in the first comment"}
    assert published == Published(state="published", external_id="17870913679156914", url=PERMALINK)


@pytest.mark.respx(assert_all_called=False)
def test_a_comment_an_earlier_attempt_made_is_found_not_posted_again(
    connector, respx_mock, credentials, permalink
):
    respx_mock.get(COMMENTS).mock(
        return_value=comments(
            {"id": "1790", "text": "Link in the first comment"},  # someone else's
            {"id": "1791", "text": " Link in the first comment\n", "user": {"id": IG}},
        )
    )
    route = respx_mock.post(COMMENTS).respond(200, json={"id": "1792"})

    published = connector.publish(follow_up(), credentials)

    assert not route.called
    assert published == Published(state="published", external_id="1791", url=PERMALINK)


def test_a_refused_comment_is_permanent_with_instagrams_message(connector, respx_mock, credentials):
    respx_mock.get(COMMENTS).mock(return_value=comments())
    respx_mock.post(COMMENTS).respond(
        403,
        json=graph_error(10, "(#10) Application does not have permission for this action"),
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(follow_up(), credentials)

    assert caught.value.message == "(#10) Application does not have permission for this action"
    assert caught.value.code == "10"


def test_a_timeout_on_the_comment_call_is_ambiguous(connector, respx_mock, credentials):
    # Ambiguous, and retried (the connector is idempotent): the retry finds the comment.
    respx_mock.get(COMMENTS).mock(return_value=comments())
    respx_mock.post(COMMENTS).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(follow_up(), credentials)

    assert caught.value.ambiguous is True


@pytest.mark.respx(assert_all_called=False)
def test_a_failed_comment_lookup_is_unambiguous_and_comments_nothing(
    connector, respx_mock, credentials
):
    respx_mock.get(COMMENTS).respond(500, json=graph_error(2, "Service temporarily unavailable"))
    route = respx_mock.post(COMMENTS).respond(200, json={"id": "1792"})

    with pytest.raises(TransientError) as caught:
        connector.publish(follow_up(), credentials)

    assert caught.value.ambiguous is False
    assert not route.called


def test_comment_rate_limits_and_expired_tokens_map_like_posts(connector, respx_mock, credentials):
    respx_mock.get(COMMENTS).mock(return_value=comments())
    post = respx_mock.post(COMMENTS)

    post.respond(400, json=graph_error(4, "Application request limit reached"))
    with pytest.raises(RateLimited):
        connector.publish(follow_up(), credentials)

    post.respond(400, json=graph_error(190, "Error validating access token"))
    with pytest.raises(AuthExpired):
        connector.publish(follow_up(), credentials)


def test_a_failing_permalink_lookup_never_fails_a_live_comment(connector, respx_mock, credentials):
    respx_mock.get(COMMENTS).mock(return_value=comments())
    respx_mock.post(COMMENTS).respond(200, json={"id": "1792"})
    respx_mock.get(f"{BASE}/{MEDIA_ID}").mock(side_effect=httpx.ReadTimeout("slow"))

    assert connector.publish(follow_up(), credentials) == Published(
        state="published", external_id="1792"
    )


# --- validation -------------------------------------------------------------------------


def codes(connector: InstagramConnector, item: Content) -> list[str]:
    return [problem.code for problem in connector.validate(item)]


def test_validate_needs_media_and_a_caption_within_limits(connector):
    assert codes(connector, content("text only")) == ["media_required"]
    assert codes(connector, content("x" * 2201, jpeg("a.jpg"))) == ["text_too_long"]
    tags = " ".join(f"#t{n}" for n in range(31))
    assert codes(connector, content(tags, jpeg("a.jpg"))) == ["too_many_hashtags"]
    mentions = " ".join(f"@user{n}" for n in range(21))
    assert codes(connector, content(mentions, jpeg("a.jpg"))) == ["too_many_mentions"]


def test_validate_takes_jpeg_only_and_checks_reel_frame_rate(connector):
    png = MediaItem(url="https://m/a.png", mime_type="image/png")
    assert codes(connector, content("x", png)) == ["unsupported_media_type"]
    assert codes(connector, content("x", mp4("c.mp4", fps=15))) == ["frame_rate_too_low"]
    assert codes(connector, content("x", mp4("c.mp4", fps=30, duration=60))) == []


def test_validate_takes_up_to_24_follow_ups_as_comments(connector):
    assert InstagramConnector.limits.max_comments == 24
    many = tuple(f"c{n}" for n in range(25))
    assert codes(connector, content("x", jpeg("a.jpg"), thread=many[:24])) == []
    problems = connector.validate(content("x", jpeg("a.jpg"), thread=many))
    assert [(p.code, p.field) for p in problems] == [("thread_too_long", "thread")]
    assert problems[0].message == "Thread has 25 follow-ups; Instagram allows 24 comments."


def test_validate_holds_comments_to_2200_characters_like_captions(connector):
    assert codes(connector, content("x", jpeg("a.jpg"), thread=("y" * 2200,))) == []
    assert codes(connector, content("x", jpeg("a.jpg"), thread=("y" * 2201,))) == ["text_too_long"]


def test_validate_refuses_the_same_follow_up_twice(connector):
    problems = connector.validate(content("x", jpeg("a.jpg"), thread=("a", "b", "a ")))

    assert [(p.code, p.field) for p in problems] == [("duplicate_comment", "thread[2]")]
    assert problems[0].message == (
        "Thread item 3 repeats item 1; Instagram comments on one post must differ."
    )


def test_validate_refuses_comments_on_a_story(connector):
    item = content("x", jpeg("a.jpg"), options={"type": "story"}, thread=("more",))

    assert codes(connector, item) == ["story_comments"]


def test_validate_takes_a_comment_without_media(connector):
    assert codes(connector, follow_up()) == []


def test_validate_checks_each_post_type_against_its_media(connector):
    assert codes(connector, content("x", mp4("c.mp4"), options={"type": "post"})) == ["post_media"]
    assert codes(connector, content("x", jpeg("a.jpg"), options={"type": "reel"})) == ["reel_media"]
    assert codes(connector, content("x", jpeg("a.jpg"), options={"type": "carousel"})) == [
        "carousel_size"
    ]
    assert codes(
        connector, content("x", jpeg("a.jpg"), jpeg("b.jpg"), options={"type": "story"})
    ) == ["story_media"]
    assert codes(connector, content("x", mp4("c.mp4", duration=61), options={"type": "story"})) == [
        "video_too_long"
    ]
    assert codes(connector, content("x", *(jpeg(f"{n}.jpg") for n in range(11)))) == [
        "too_many_images",
        "carousel_size",
    ]
    assert codes(connector, content("x", jpeg("a.jpg"), options={"type": "igtv"})) == [
        "option_choice"
    ]


# --- connection -------------------------------------------------------------------------


def test_authorization_url_uses_business_login_scopes_and_state(connector, app):
    url = connector.authorization_url(app, state="state-9", code_challenge="unused")

    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == "https://www.instagram.com/oauth/authorize"
    )
    assert parse_qs(parts.query) == {
        "client_id": ["ig-app"],
        "redirect_uri": ["https://crier.test/api/v1/accounts/callback/instagram"],
        "response_type": ["code"],
        "scope": [
            "instagram_business_basic,instagram_business_content_publish,"
            "instagram_business_manage_comments,instagram_business_manage_insights"
        ],
        "state": ["state-9"],
    }


def test_code_exchange_gets_a_long_lived_token_and_the_professional_account(
    connector, respx_mock, app
):
    short = respx_mock.post("https://api.instagram.com/oauth/access_token").respond(
        200,
        json={
            "data": [
                {
                    "access_token": "IGAA-short",
                    "user_id": IG,
                    "permissions": "instagram_business_basic",
                }
            ]
        },
    )
    long = respx_mock.get("https://graph.instagram.com/access_token").respond(
        200, json={"access_token": "IGAA-long", "token_type": "bearer", "expires_in": 5183944}
    )
    me = respx_mock.get(f"{BASE}/me").respond(
        200,
        json={
            "user_id": IG,
            "username": "crier.cafe",
            "name": "Crier Café",
            "profile_picture_url": "https://cdn.test/p.jpg",
            "id": "app-scoped-1",
        },
    )

    credentials, profile = connector.exchange_code(app, code="auth-code", code_verifier="unused")

    assert parse_qs(short.calls.last.request.content.decode()) == {
        "client_id": ["ig-app"],
        "client_secret": ["ig-secret-value"],
        "grant_type": ["authorization_code"],
        "redirect_uri": ["https://crier.test/api/v1/accounts/callback/instagram"],
        "code": ["auth-code"],
    }
    assert parse_qs(urlsplit(str(long.calls.last.request.url)).query) == {
        "grant_type": ["ig_exchange_token"],
        "client_secret": ["ig-secret-value"],
        "access_token": ["IGAA-short"],
    }
    assert me.calls.last.request.headers["Authorization"] == "Bearer IGAA-long"
    assert credentials.external_id == IG
    assert credentials.access_token == credentials.refresh_token == "IGAA-long"
    assert credentials.expires_at is not None
    assert (profile.external_id, profile.username, profile.display_name) == (
        IG,
        "crier.cafe",
        "Crier Café",
    )


def test_a_refused_code_is_permanent_with_instagrams_message(connector, respx_mock, app):
    respx_mock.post("https://api.instagram.com/oauth/access_token").respond(
        400,
        json={
            "error_type": "OAuthException",
            "code": 400,
            "error_message": "Invalid authorization code",
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.exchange_code(app, code="bad", code_verifier="v")

    assert caught.value.message == "Invalid authorization code"
    assert caught.value.code == "OAuthException"


def test_refresh_exchanges_the_long_lived_token_for_a_new_one(connector, respx_mock, credentials):
    route = respx_mock.get("https://graph.instagram.com/refresh_access_token").respond(
        200, json={"access_token": "IGAA-renewed", "token_type": "bearer", "expires_in": 5183944}
    )

    refreshed = connector.refresh(credentials)

    assert parse_qs(urlsplit(str(route.calls.last.request.url)).query) == {
        "grant_type": ["ig_refresh_token"],
        "access_token": ["IGAA-long-token"],
    }
    assert refreshed.access_token == refreshed.refresh_token == "IGAA-renewed"
    assert refreshed.external_id == IG


def test_refresh_refusal_is_refresh_refused(connector, respx_mock, credentials):
    respx_mock.get("https://graph.instagram.com/refresh_access_token").respond(
        400, json=graph_error(190, "Error validating access token: Session has expired")
    )

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    # errors.redact() takes "token: Session" for a credential; the start survives.
    assert caught.value.message.startswith("Error validating access token")


@pytest.mark.parametrize("failure", [httpx.Response(500), httpx.ConnectError("down")])
def test_refresh_server_or_network_failure_is_transient(
    connector, respx_mock, credentials, failure
):
    route = respx_mock.get("https://graph.instagram.com/refresh_access_token")
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)

    with pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert not isinstance(caught.value, RefreshRefused)
