"""LinkedIn connector: exact requests and error mapping, against respx.

Exchanges follow the Posts, Images, Videos and OAuth pages cited in connectors/linkedin.py.
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
from connectors.http import build_client, download, unambiguous
from connectors.linkedin import DEFAULT_VERSION, LinkedInConnector, little_text
from connectors.registry import connector_class

POSTS = "https://api.linkedin.com/rest/posts"
IMAGES_INIT = "https://api.linkedin.com/rest/images?action=initializeUpload"
VIDEOS_INIT = "https://api.linkedin.com/rest/videos?action=initializeUpload"
VIDEOS_FINALIZE = "https://api.linkedin.com/rest/videos?action=finalizeUpload"
TOKEN = "https://www.linkedin.com/oauth/v2/accessToken"
USERINFO = "https://api.linkedin.com/v2/userinfo"
MEMBER = "urn:li:person:abc123"
SHARE = "urn:li:share:7012345678901234567"
# The post URN is encoded in the path (Rest.li 2.0), as for the socialActions metrics.
COMMENTS = (
    "https://api.linkedin.com/rest/socialActions/urn%3Ali%3Ashare%3A7012345678901234567/comments"
)
COMMENT_URN = "urn:li:comment:(urn:li:activity:7012345678901234999,6636062862760562688)"


# Crier's app on LinkedIn, as settings hand it in (CRIER_OAUTH_LINKEDIN_CLIENT_ID / _SECRET).
APP_CONFIG = ConnectorConfig(client_id="li-client", client_secret="li-secret-value")


@pytest.fixture
def connector():
    with LinkedInConnector(timeout=5, config=APP_CONFIG) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id="abc123",
        access_token="li-access-token",
        refresh_token="li-refresh-token",
        extra={"author_urn": MEMBER},
    )


@pytest.fixture
def app() -> OAuthApp:
    return OAuthApp(
        client_id="li-client",
        client_secret="li-secret-value",
        redirect_uri="https://crier.test/api/v1/accounts/callback/linkedin",
    )


def text(content: str = "Hello LinkedIn", **kwargs) -> Content:
    return Content(text=content, idempotency_key="delivery-1", **kwargs)


def posted(route) -> dict:
    return json.loads(route.calls.last.request.content)


def image(name: str, alt: str | None = None) -> MediaItem:
    return MediaItem(url=f"https://media.crier.test/{name}", mime_type="image/png", alt_text=alt)


def created(urn: str = SHARE) -> httpx.Response:
    return httpx.Response(201, headers={"x-restli-id": urn})


def comment_created() -> httpx.Response:
    # The Comments API answers 201 with the comment: its id also in x-restli-id.
    return httpx.Response(
        201,
        headers={"x-restli-id": "6636062862760562688"},
        json={
            "actor": MEMBER,
            "object": SHARE,
            "message": {"text": "Link in the first comment"},
            "id": "6636062862760562688",
            "commentUrn": COMMENT_URN,
        },
    )


# --- publishing -------------------------------------------------------------------------


def test_registry_entry_is_the_linkedin_connector():
    cls = connector_class("linkedin")
    assert cls is LinkedInConnector
    assert cls.limits.max_chars == 3000
    assert cls.connection == "oauth"
    assert cls.idempotent is False


def test_text_post_sends_versioned_headers_and_the_documented_body(
    connector, respx_mock, credentials
):
    route = respx_mock.post(POSTS).mock(return_value=created())

    published = connector.publish(text(), credentials)

    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer li-access-token"
    assert request.headers["LinkedIn-Version"] == DEFAULT_VERSION
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert posted(route) == {
        "author": MEMBER,
        "commentary": "Hello LinkedIn",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    assert published == Published(
        state="published",
        external_id=SHARE,
        url=f"https://www.linkedin.com/feed/update/{SHARE}/",
    )


def test_api_version_comes_from_the_configuration(respx_mock, credentials):
    route = respx_mock.post(POSTS).mock(return_value=created())

    with LinkedInConnector(config=ConnectorConfig(api_version="202610")) as connector:
        connector.publish(text(), credentials)

    assert route.calls.last.request.headers["LinkedIn-Version"] == "202610"


def test_organization_author_and_visibility_option_are_sent(connector, respx_mock):
    route = respx_mock.post(POSTS).mock(return_value=created("urn:li:ugcPost:99"))
    organization = Credentials(
        external_id="abc123",
        access_token="li-access-token",
        extra={"author_urn": "urn:li:organization:5515715"},
    )

    connector.publish(text(options={"visibility": "LOGGED_IN"}), organization)

    assert posted(route)["author"] == "urn:li:organization:5515715"
    assert posted(route)["visibility"] == "LOGGED_IN"


def test_author_defaults_to_the_connected_member(connector, respx_mock):
    route = respx_mock.post(POSTS).mock(return_value=created())

    connector.publish(text(), Credentials(external_id="m-7", access_token="t"))

    assert posted(route)["author"] == "urn:li:person:m-7"


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        ("Launch (beta) @team *now*", r"Launch \(beta\) \@team \*now\*"),
        ("snake_case and a|b {x} [y] <z> ~w \\", r"snake\_case and a\|b \{x\} \[y\] \<z\> \~w \\"),
        (
            "Read https://crier.test/a_b?x=1 #Launch2026 now",
            "Read https://crier.test/a_b?x=1 #Launch2026 now",
        ),
        ("C# and ## are not hashtags", r"C\# and \#\# are not hashtags"),
    ],
)
def test_commentary_escapes_little_format_reserved_characters(raw, sent):
    assert little_text(raw) == sent


def test_escaped_commentary_is_what_is_posted(connector, respx_mock, credentials):
    route = respx_mock.post(POSTS).mock(return_value=created())

    connector.publish(text("Results (Q3)"), credentials)

    assert posted(route)["commentary"] == r"Results \(Q3\)"


def test_single_image_is_registered_uploaded_then_posted_with_alt_text(
    connector, respx_mock, credentials
):
    init = respx_mock.post(IMAGES_INIT).respond(
        200,
        json={
            "value": {
                "uploadUrlExpiresAt": 1650567510704,
                "uploadUrl": "https://www.linkedin.com/dms-uploads/img-1?ca=vector_ads",
                "image": "urn:li:image:C4E10AQFoyyAjHPMQuQ",
            }
        },
    )
    fetch = respx_mock.get("https://media.crier.test/a.png").respond(200, content=b"PNGDATA")
    upload = respx_mock.put("https://www.linkedin.com/dms-uploads/img-1?ca=vector_ads").respond(201)
    route = respx_mock.post(POSTS).mock(return_value=created())

    connector.publish(text(media=(image("a.png", alt="A chart"),)), credentials)

    assert posted(init) == {"initializeUploadRequest": {"owner": MEMBER}}
    assert init.calls.last.request.headers["LinkedIn-Version"] == DEFAULT_VERSION
    assert fetch.called
    assert upload.calls.last.request.content == b"PNGDATA"
    assert upload.calls.last.request.headers["Authorization"] == "Bearer li-access-token"
    assert posted(route)["content"] == {
        "media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ", "altText": "A chart"}
    }


def test_several_images_become_a_multi_image_post(connector, respx_mock, credentials):
    respx_mock.post(IMAGES_INIT).mock(
        side_effect=[
            httpx.Response(
                200,
                json={
                    "value": {
                        "uploadUrl": f"https://up.linkedin.test/{n}",
                        "image": f"urn:li:image:{n}",
                    }
                },
            )
            for n in ("one", "two")
        ]
    )
    respx_mock.get(url__startswith="https://media.crier.test/").respond(200, content=b"img")
    respx_mock.put(url__startswith="https://up.linkedin.test/").respond(201)
    route = respx_mock.post(POSTS).mock(return_value=created())

    connector.publish(text(media=(image("1.png", alt="First"), image("2.png"))), credentials)

    assert posted(route)["content"] == {
        "multiImage": {
            "images": [{"id": "urn:li:image:one", "altText": "First"}, {"id": "urn:li:image:two"}]
        }
    }


def test_video_is_uploaded_in_the_parts_linkedin_asks_for_then_finalized(
    connector, respx_mock, credentials
):
    video_bytes = bytes(range(256)) * 40  # 10,240 bytes
    respx_mock.get("https://media.crier.test/clip.mp4").respond(200, content=video_bytes)
    init = respx_mock.post(VIDEOS_INIT).respond(
        200,
        json={
            "value": {
                "uploadUrlsExpireAt": 1650567510704,
                "video": "urn:li:video:C5F10AQGKQg_6y2a4sQ",
                "uploadInstructions": [
                    {"uploadUrl": "https://up.linkedin.test/p1", "firstByte": 0, "lastByte": 4095},
                    {
                        "uploadUrl": "https://up.linkedin.test/p2",
                        "firstByte": 4096,
                        "lastByte": 10239,
                    },
                ],
                "uploadToken": "",
            }
        },
    )
    part1 = respx_mock.put("https://up.linkedin.test/p1").respond(200, headers={"ETag": "etag-1"})
    part2 = respx_mock.put("https://up.linkedin.test/p2").respond(200, headers={"ETag": "etag-2"})
    finalize = respx_mock.post(VIDEOS_FINALIZE).respond(200)
    route = respx_mock.post(POSTS).mock(return_value=created("urn:li:ugcPost:77"))
    clip = MediaItem(url="https://media.crier.test/clip.mp4", mime_type="video/mp4")

    published = connector.publish(text(media=(clip,)), credentials)

    assert posted(init) == {
        "initializeUploadRequest": {
            "owner": MEMBER,
            "fileSizeBytes": 10240,
            "uploadCaptions": False,
            "uploadThumbnail": False,
        }
    }
    assert part1.calls.last.request.content == video_bytes[:4096]
    assert part2.calls.last.request.content == video_bytes[4096:]
    assert part1.calls.last.request.headers["Content-Type"] == "application/octet-stream"
    assert posted(finalize) == {
        "finalizeUploadRequest": {
            "video": "urn:li:video:C5F10AQGKQg_6y2a4sQ",
            "uploadToken": "",
            "uploadedPartIds": ["etag-1", "etag-2"],
        }
    }
    assert posted(route)["content"] == {"media": {"id": "urn:li:video:C5F10AQGKQg_6y2a4sQ"}}
    assert published.external_id == "urn:li:ugcPost:77"


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("service_code", [65600, 65601, 65602])
def test_token_errors_map_to_auth_expired_with_the_service_code(
    connector, respx_mock, credentials, service_code
):
    respx_mock.post(POSTS).respond(
        401,
        json={
            "message": "The token used in the request has expired",
            "serviceErrorCode": service_code,
            "status": 401,
        },
    )

    with pytest.raises(AuthExpired) as caught:
        connector.publish(text(), credentials)

    assert not isinstance(caught.value, RefreshRefused)
    assert caught.value.code == str(service_code)
    assert caught.value.message == "The token used in the request has expired"


def test_429_is_rate_limited_and_honours_retry_after_when_sent(connector, respx_mock, credentials):
    respx_mock.post(POSTS).respond(
        429,
        headers={"Retry-After": "120"},
        json={
            "message": "Resource level throttle limit for calls to this resource is reached.",
            "status": 429,
        },
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert caught.value.retry_after == 120
    assert caught.value.message.startswith("Resource level throttle limit")


def test_duplicate_content_is_permanent_with_linkedins_message(connector, respx_mock, credentials):
    respx_mock.post(POSTS).respond(
        422,
        json={
            "message": "Content is a duplicate of urn:li:share:7012345678901234000",
            "status": 422,
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.message == "Content is a duplicate of urn:li:share:7012345678901234000"
    assert caught.value.status == 422


def test_inactive_version_is_permanent_and_names_the_code(connector, respx_mock, credentials):
    respx_mock.post(POSTS).respond(
        426,
        json={
            "status": 426,
            "code": "NONEXISTENT_VERSION",
            "message": "Requested version 20240101 is not active",
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.code == "NONEXISTENT_VERSION"
    assert caught.value.message == "Requested version 20240101 is not active"


def test_validation_error_is_permanent_with_the_field_message(connector, respx_mock, credentials):
    message = "ERROR :: /commentary :: field is required but not found and has no default value\n"
    respx_mock.post(POSTS).respond(422, json={"message": message, "status": 422})

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.message == message


def test_unknown_403_is_permanent_not_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(POSTS).respond(
        403,
        json={
            "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE",
            "status": 403,
            "serviceErrorCode": 100,
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert not isinstance(caught.value, AuthExpired)
    assert caught.value.code == "100"


@pytest.mark.parametrize(
    ("status", "ambiguous"), [(500, True), (502, True), (504, True), (503, False)]
)
def test_server_errors_on_the_post_call_are_transient(
    connector, respx_mock, credentials, status, ambiguous
):
    respx_mock.post(POSTS).respond(status, text="upstream error")

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is ambiguous


def test_a_timeout_on_the_post_call_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(POSTS).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is True


@pytest.mark.respx(assert_all_called=False)
def test_upload_failures_are_never_ambiguous_and_nothing_is_posted(
    connector, respx_mock, credentials
):
    respx_mock.post(IMAGES_INIT).respond(
        500, json={"message": "Internal Server Error", "status": 500}
    )
    route = respx_mock.post(POSTS).mock(return_value=created())

    with pytest.raises(TransientError) as caught:
        connector.publish(text(media=(image("a.png"),)), credentials)

    assert caught.value.ambiguous is False
    assert not route.called


@pytest.mark.respx(assert_all_called=False)
def test_media_that_cannot_be_downloaded_fails_before_posting(connector, respx_mock, credentials):
    respx_mock.post(IMAGES_INIT).respond(
        200, json={"value": {"uploadUrl": "https://up.linkedin.test/1", "image": "urn:li:image:1"}}
    )
    respx_mock.get("https://media.crier.test/gone.png").respond(404)
    route = respx_mock.post(POSTS).mock(return_value=created())

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(media=(image("gone.png"),)), credentials)

    assert caught.value.code == "media_unavailable"
    assert not route.called


def test_a_post_answer_without_its_id_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(POSTS).respond(201)

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is True
    assert caught.value.code == "malformed_response"


# --- follow-ups as comments --------------------------------------------------------------


def test_a_follow_up_is_a_comment_on_the_post_with_the_versioned_headers(
    connector, respx_mock, credentials
):
    route = respx_mock.post(COMMENTS).mock(return_value=comment_created())

    published = connector.publish(text("Link in the first comment", reply_to=SHARE), credentials)

    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer li-access-token"
    assert request.headers["LinkedIn-Version"] == DEFAULT_VERSION
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert posted(route) == {
        "actor": MEMBER,
        "object": SHARE,
        "message": {"text": "Link in the first comment"},
    }
    assert published == Published(
        state="published",
        external_id=COMMENT_URN,
        url=f"https://www.linkedin.com/feed/update/{SHARE}/",
    )


def test_an_organization_comments_as_itself(connector, respx_mock):
    route = respx_mock.post(COMMENTS).mock(return_value=comment_created())
    organization = Credentials(
        external_id="abc123",
        access_token="li-access-token",
        extra={"author_urn": "urn:li:organization:2414183"},
    )

    connector.publish(text("More", reply_to=SHARE), organization)

    assert posted(route)["actor"] == "urn:li:organization:2414183"


def test_comment_text_is_sent_as_written_not_little_text(connector, respx_mock, credentials):
    route = respx_mock.post(COMMENTS).mock(return_value=comment_created())

    connector.publish(text("Slides (PDF) [here] #launch", reply_to=SHARE), credentials)

    assert posted(route)["message"] == {"text": "Slides (PDF) [here] #launch"}


def test_a_refused_comment_is_permanent_with_linkedins_message(connector, respx_mock, credentials):
    respx_mock.post(COMMENTS).respond(
        403,
        json={
            "message": "Not enough permissions to access: partnerApiSocialActions.CREATE.20260501",
            "serviceErrorCode": 100,
            "status": 403,
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text("More", reply_to=SHARE), credentials)

    assert not isinstance(caught.value, AuthExpired)
    assert caught.value.message == (
        "Not enough permissions to access: partnerApiSocialActions.CREATE.20260501"
    )
    assert caught.value.code == "100"


@pytest.mark.parametrize(
    ("answer", "error", "ambiguous"),
    [
        (
            httpx.Response(429, json={"message": "Comment create throttled", "status": 429}),
            RateLimited,
            False,
        ),
        (
            httpx.Response(500, json={"message": "Internal error", "status": 500}),
            TransientError,
            True,
        ),
        (
            httpx.Response(401, json={"message": "Expired", "serviceErrorCode": 65602}),
            AuthExpired,
            None,
        ),
    ],
)
def test_comment_failures_map_like_posts(
    connector, respx_mock, credentials, answer, error, ambiguous
):
    respx_mock.post(COMMENTS).mock(return_value=answer)

    with pytest.raises(error) as caught:
        connector.publish(text("More", reply_to=SHARE), credentials)

    if ambiguous is not None:
        assert caught.value.ambiguous is ambiguous


def test_a_timeout_on_the_comment_call_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(COMMENTS).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(text("More", reply_to=SHARE), credentials)

    assert caught.value.ambiguous is True


def test_a_comment_answer_without_its_urn_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(COMMENTS).respond(201, headers={"x-restli-id": "6636062862760562688"})

    with pytest.raises(TransientError) as caught:
        connector.publish(text("More", reply_to=SHARE), credentials)

    assert caught.value.ambiguous is True
    assert caught.value.code == "malformed_response"


# --- validation -------------------------------------------------------------------------


def codes(connector: LinkedInConnector, content: Content) -> list[str]:
    return [problem.code for problem in connector.validate(content)]


def test_validate_counts_3000_characters(connector):
    assert codes(connector, text("x" * 3000)) == []
    assert codes(connector, text("x" * 3001)) == ["text_too_long"]


def test_validate_allows_twenty_images_and_no_more(connector):
    assert codes(connector, text(media=tuple(image(f"{n}.png") for n in range(20)))) == []
    assert codes(connector, text(media=tuple(image(f"{n}.png") for n in range(21)))) == [
        "too_many_images"
    ]


def test_validate_refuses_mixed_media_webp_and_threads(connector):
    clip = MediaItem(url="https://m/c.mp4", mime_type="video/mp4")
    webp = MediaItem(url="https://m/a.webp", mime_type="image/webp")
    assert codes(connector, text(media=(image("a.png"), clip))) == ["mixed_media"]
    assert codes(connector, text(media=(webp,))) == ["unsupported_media_type"]


def test_validate_takes_up_to_24_follow_ups_as_comments(connector):
    assert LinkedInConnector.limits.max_comments == 24
    assert codes(connector, text(thread=tuple(f"c{n}" for n in range(24)))) == []
    problems = connector.validate(text(thread=tuple(f"c{n}" for n in range(25))))
    assert [(p.code, p.field) for p in problems] == [("thread_too_long", "thread")]
    assert problems[0].message == "Thread has 25 follow-ups; LinkedIn allows 24 comments."
    assert codes(connector, text("A comment", reply_to=SHARE)) == []


def test_validate_holds_follow_ups_to_the_comment_length(connector):
    assert codes(connector, text(thread=("x" * 1250,))) == []
    problems = connector.validate(text(thread=("ok", "x" * 1251)))
    assert [(p.code, p.field) for p in problems] == [("text_too_long", "thread[1]")]
    assert problems[0].message == (
        "Thread item 2 is 1251 characters; LinkedIn allows 1250 in a comment."
    )
    assert codes(connector, text(thread=("x" * 3001,))) == ["text_too_long"]


def test_validate_checks_video_length_and_size_bounds(connector):
    def clip(**measures) -> Content:
        return text(media=(MediaItem(url="https://m/c.mp4", mime_type="video/mp4", **measures),))

    assert codes(connector, clip(duration=2.0)) == ["video_too_short"]
    assert codes(connector, clip(duration=1801.0)) == ["video_too_long"]
    assert codes(connector, clip(size=10_000)) == ["video_too_small"]
    assert codes(connector, clip(duration=60.0, size=5_000_000)) == []


def test_validate_checks_the_visibility_option(connector):
    assert codes(connector, text(options={"visibility": "FRIENDS"})) == ["option_choice"]
    assert codes(connector, text(options={"audience": "all"})) == ["unknown_option"]


# --- OAuth ------------------------------------------------------------------------------


def test_authorization_url_carries_client_redirect_state_and_scopes(connector, app):
    url = connector.authorization_url(app, state="state-123", code_challenge="challenge")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://www.linkedin.com/oauth/v2/authorization"
    )
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": ["li-client"],
        "redirect_uri": ["https://crier.test/api/v1/accounts/callback/linkedin"],
        "state": ["state-123"],
        "scope": ["openid profile w_member_social"],
    }


def test_scopes_come_from_the_configuration(app):
    scopes = ConnectorConfig(scopes="openid profile w_member_social w_organization_social")

    with LinkedInConnector(config=scopes) as connector:
        url = connector.authorization_url(app, state="s", code_challenge="c")

    assert parse_qs(urlsplit(url).query)["scope"] == [
        "openid profile w_member_social w_organization_social"
    ]


def test_code_exchange_posts_the_form_and_reads_the_member_profile(connector, respx_mock, app):
    token = respx_mock.post(TOKEN).respond(
        200,
        json={
            "access_token": "AQX-new-token",
            "expires_in": 5184000,
            "refresh_token": "AQW-refresh",
            "refresh_token_expires_in": 31536000,
            "scope": "openid,profile,w_member_social",
        },
    )
    me = respx_mock.get(USERINFO).respond(
        200,
        json={
            "sub": "782bbtaQ",
            "name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "picture": "https://media.licdn.com/ada.jpg",
        },
    )

    credentials, profile = connector.exchange_code(app, code="auth-code", code_verifier="verifier")

    assert parse_qs(token.calls.last.request.content.decode()) == {
        "grant_type": ["authorization_code"],
        "code": ["auth-code"],
        "client_id": ["li-client"],
        "client_secret": ["li-secret-value"],
        "redirect_uri": ["https://crier.test/api/v1/accounts/callback/linkedin"],
    }
    assert me.calls.last.request.headers["Authorization"] == "Bearer AQX-new-token"
    assert credentials.external_id == "782bbtaQ"
    assert credentials.access_token == "AQX-new-token"
    assert credentials.refresh_token == "AQW-refresh"
    assert credentials.extra == {
        "author_urn": "urn:li:person:782bbtaQ",
        "scopes": ["openid", "profile", "w_member_social"],
    }
    expected_expiry = datetime.now(UTC) + timedelta(seconds=5184000)
    assert abs((credentials.expires_at - expected_expiry).total_seconds()) < 5
    assert profile.external_id == "782bbtaQ"
    assert profile.display_name == "Ada Lovelace"
    assert profile.avatar_url == "https://media.licdn.com/ada.jpg"


def member(**extra) -> Credentials:
    return Credentials(
        external_id="782bbtaQ",
        access_token="t",
        extra={"author_urn": "urn:li:person:782bbtaQ", **extra},
    )


def test_missing_analytics_names_the_review_scopes_the_member_did_not_grant(connector):
    lean = connector.missing_analytics(member(scopes=["openid", "profile", "w_member_social"]))
    reviewed = member(scopes=["r_member_profileAnalytics", "r_member_social", "w_member_social"])

    assert lean == (
        "likes and comments of posts (needs the r_member_social scope, which LinkedIn grants "
        "after reviewing the app)",
        "follower count (needs the r_member_profileAnalytics scope, which LinkedIn grants "
        "after reviewing the app)",
    )
    assert connector.missing_analytics(reviewed) == ()


def test_missing_analytics_of_an_organization_names_its_own_scopes(connector):
    organization = Credentials(
        external_id="782bbtaQ",
        access_token="t",
        extra={"author_urn": "urn:li:organization:2414183", "scopes": ["r_organization_social"]},
    )

    missing = connector.missing_analytics(organization)

    assert [entry.split(" (")[0] for entry in missing] == [
        "impressions, clicks and reshares of posts",
        "follower count",
    ]
    assert all("rw_organization_admin" in entry for entry in missing)


def test_missing_analytics_of_an_account_connected_before_falls_back_on_the_scopes_asked():
    asked = ConnectorConfig(scopes="openid profile w_member_social r_member_social")

    with LinkedInConnector(config=asked) as connector:
        missing = connector.missing_analytics(member())

    assert [entry.split(" (")[0] for entry in missing] == ["follower count"]


def test_a_refused_code_is_permanent_with_linkedins_reason(connector, respx_mock, app):
    respx_mock.post(TOKEN).respond(
        400,
        json={
            "error": "invalid_client",
            "error_description": "Client authentication failed",
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.exchange_code(app, code="old", code_verifier="v")

    assert caught.value.message == "Client authentication failed"
    assert caught.value.code == "invalid_client"


# --- refresh ----------------------------------------------------------------------------


def test_refresh_posts_the_grant_with_the_app_credentials(connector, respx_mock, credentials):
    route = respx_mock.post(TOKEN).respond(
        200,
        json={
            "access_token": "li-access-2",
            "expires_in": 5184000,
            "refresh_token": "li-refresh-2",
            "refresh_token_expires_in": 525600,
        },
    )

    refreshed = connector.refresh(credentials)

    assert parse_qs(route.calls.last.request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["li-refresh-token"],
        "client_id": ["li-client"],
        "client_secret": ["li-secret-value"],
    }
    assert (refreshed.access_token, refreshed.refresh_token) == ("li-access-2", "li-refresh-2")
    assert refreshed.extra == credentials.extra


def test_refresh_keeps_a_refresh_token_linkedin_did_not_replace(connector, respx_mock, credentials):
    respx_mock.post(TOKEN).respond(200, json={"access_token": "li-access-2", "expires_in": 60})

    assert connector.refresh(credentials).refresh_token == "li-refresh-token"


@pytest.mark.parametrize("status", [400, 401])
def test_refresh_refusal_is_refresh_refused(connector, respx_mock, credentials, status):
    respx_mock.post(TOKEN).respond(
        status,
        json={
            "error": "invalid_request",
            "error_description": "The provided authorization grant is revoked",
        },
    )

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    assert caught.value.message == "The provided authorization grant is revoked"


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500),
        httpx.Response(429),
        httpx.ConnectError("down"),
        httpx.ReadTimeout("slow"),
    ],
)
def test_refresh_network_and_server_failures_are_transient(
    connector, respx_mock, credentials, failure
):
    route = respx_mock.post(TOKEN)
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)

    with pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert not isinstance(caught.value, RefreshRefused)


def test_refresh_without_a_refresh_token_is_refused_without_a_call(connector):
    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(Credentials(external_id="abc", access_token="t"))

    assert caught.value.code == "no_refresh_token"


def test_refresh_without_app_configuration_is_postponed_not_refused(credentials):
    with LinkedInConnector() as connector, pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert caught.value.code == "not_configured"


# --- shared download helper (connectors/http.py) -----------------------------------------


@pytest.fixture
def client():
    with build_client(timeout=5) as client:
        yield client


def test_download_returns_the_bytes_rewound(client, respx_mock):
    respx_mock.get("https://media.crier.test/a.bin").respond(200, content=b"0123456789")

    with download(client, "https://media.crier.test/a.bin") as file:
        assert file.read() == b"0123456789"


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.Response(404), PermanentError),
        (httpx.Response(403), PermanentError),
        (httpx.Response(500), TransientError),
        (httpx.Response(503, headers={"Retry-After": "9"}), TransientError),
        (httpx.ReadTimeout("slow"), TransientError),
    ],
)
def test_download_failures_are_never_ambiguous_nor_auth_errors(client, respx_mock, failure, error):
    route = respx_mock.get("https://media.crier.test/a.bin")
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)

    with pytest.raises(error) as caught:
        download(client, "https://media.crier.test/a.bin")

    assert not isinstance(caught.value, AuthExpired)
    assert getattr(caught.value, "ambiguous", False) is False


def test_download_refuses_files_over_the_limit(client, respx_mock):
    respx_mock.get("https://media.crier.test/big.bin").respond(200, content=b"x" * 100)

    with pytest.raises(PermanentError) as caught:
        download(client, "https://media.crier.test/big.bin", max_bytes=10)

    assert caught.value.code == "media_too_large"


def test_unambiguous_clears_the_ambiguity_of_a_transient_error():
    with pytest.raises(TransientError) as caught, unambiguous():
        raise TransientError("timeout", ambiguous=True)

    assert caught.value.ambiguous is False
