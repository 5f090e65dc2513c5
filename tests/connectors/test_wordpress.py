"""WordPress connector: exact REST requests and error mapping, against respx.

Exchanges follow the wp/v2 reference pages cited in connectors/wordpress.py.
"""

from __future__ import annotations

import base64
import json
from email.parser import BytesParser
from email.policy import default as default_policy

import httpx
import pytest

from connectors.base import Content, Credentials, MediaItem, Published
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.registry import connector_class
from connectors.wordpress import WordPressConnector

SITE = "https://blog.example.com"
ROOT = f"{SITE}/wp-json"
POSTS = f"{ROOT}/wp/v2/posts"
MEDIA = f"{ROOT}/wp/v2/media"
TAGS = f"{ROOT}/wp/v2/tags"
CATEGORIES = f"{ROOT}/wp/v2/categories"
PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"
BASIC = "Basic " + base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
PHOTO = "https://crier.test/media/cover.jpg"
SECOND = "https://crier.test/media/inline.png"
VIDEO = "https://crier.test/media/clip.mp4"


@pytest.fixture
def connector():
    with WordPressConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id=f"{SITE}#user-3",
        access_token=PASSWORD,
        extra={"site_url": SITE, "api_root": f"{ROOT}/", "username": "editor", "user_id": 3},
    )


def created(post_id: int = 42, link: str = f"{SITE}/2026/11/launch/") -> dict:
    return {"id": post_id, "status": "publish", "link": link, "type": "post"}


def sent(route) -> dict:
    return json.loads(route.calls.last.request.content)


def multipart(request: httpx.Request) -> dict[str, tuple[str | None, str, bytes]]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    parsed = BytesParser(policy=default_policy).parsebytes(head + request.content)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in parsed.iter_parts()
    }


def test_registry_entry_is_the_wordpress_connector():
    cls = connector_class("wordpress")

    assert cls is WordPressConnector
    assert cls.connect_fields == ("site_url", "username", "application_password")
    assert cls.idempotent is False
    assert {option.name for option in cls.options} == {
        "title",
        "status",
        "date",
        "categories",
        "tags",
    }


# --- publishing


def test_text_post_takes_its_title_from_the_first_line_which_leaves_the_body(
    connector, credentials, respx_mock
):
    route = respx_mock.post(POSTS).respond(201, json=created())

    published = connector.publish(
        Content(text="Launch day\n\nWe shipped <b>it</b>.", idempotency_key="d-1"), credentials
    )

    assert route.calls.last.request.headers["Authorization"] == BASIC
    assert sent(route) == {
        "title": "Launch day",
        "content": "We shipped <b>it</b>.",
        "status": "publish",
    }
    assert published == Published(
        state="published", external_id="42", url=f"{SITE}/2026/11/launch/"
    )


def test_a_long_first_line_is_cut_at_a_word_for_the_title(connector, credentials, respx_mock):
    route = respx_mock.post(POSTS).respond(201, json=created())
    words = "word " * 40

    connector.publish(Content(text=words, idempotency_key="d-1"), credentials)

    title = sent(route)["title"]
    assert len(title) <= 100
    assert title.endswith("word…")
    assert sent(route)["content"] == words  # the line was cut: all of it stays in the body


def test_options_set_title_status_date_and_existing_term_ids(connector, credentials, respx_mock):
    route = respx_mock.post(POSTS).respond(201, json=created())

    connector.publish(
        Content(
            text="Body",
            idempotency_key="d-1",
            options={
                "title": "Our news",
                "status": "private",
                "date": "2020-12-01T09:30:00+01:00",
                "categories": [7],
                "tags": [11, 12],
            },
        ),
        credentials,
    )

    assert sent(route) == {
        "title": "Our news",
        "content": "Body",
        "status": "private",
        "date_gmt": "2020-12-01T08:30:00",
        "categories": [7],
        "tags": [11, 12],
    }


def test_a_post_wordpress_holds_as_scheduled_is_processing_not_published(
    connector, credentials, respx_mock
):
    # WordPress answers `future` when the date it gets is ahead of its own clock.
    respx_mock.post(POSTS).respond(201, json={**created(), "status": "future"})

    published = connector.publish(Content(text="Body", idempotency_key="d-1"), credentials)

    assert published == Published(state="processing", handle="42")


def test_poll_reports_a_scheduled_post_published_once_wordpress_publishes_it(
    connector, credentials, respx_mock
):
    post = respx_mock.get(f"{POSTS}/42", params={"context": "edit"}).mock(
        side_effect=[
            httpx.Response(200, json={**created(), "status": "future"}),
            httpx.Response(200, json=created()),
        ]
    )

    waiting = connector.poll("42", credentials)
    published = connector.poll("42", credentials)

    assert post.calls.last.request.headers["Authorization"] == BASIC
    assert waiting == Published(state="processing", handle="42")
    assert published == Published(
        state="published", external_id="42", url=f"{SITE}/2026/11/launch/"
    )


def test_poll_of_a_scheduled_post_turned_draft_fails_permanently(
    connector, credentials, respx_mock
):
    respx_mock.get(f"{POSTS}/42").respond(200, json={**created(), "status": "draft"})

    with pytest.raises(PermanentError, match="as 'draft' instead of publishing") as caught:
        connector.poll("42", credentials)

    assert caught.value.code == "not_published"


def test_term_names_are_looked_up_and_missing_tags_created(connector, credentials, respx_mock):
    categories = respx_mock.get(CATEGORIES).respond(
        200, json=[{"id": 5, "name": "Company News", "slug": "company-news"}]
    )
    lookups = respx_mock.get(TAGS).mock(
        side_effect=[
            httpx.Response(200, json=[{"id": 21, "name": "launch", "slug": "launch"}]),
            httpx.Response(200, json=[{"id": 30, "name": "rocket science", "slug": "rocket"}]),
        ]
    )
    creation = respx_mock.post(TAGS).respond(201, json={"id": 31, "name": "rockets"})
    route = respx_mock.post(POSTS).respond(201, json=created())

    connector.publish(
        Content(
            text="Body",
            idempotency_key="d-1",
            options={"categories": ["company news"], "tags": ["Launch", "rockets"]},
        ),
        credentials,
    )

    assert categories.calls.last.request.url.params["search"] == "company news"
    assert [call.request.url.params["search"] for call in lookups.calls] == ["Launch", "rockets"]
    assert creation.calls.last.request.headers["Authorization"] == BASIC
    assert sent(creation) == {"name": "rockets"}
    assert sent(route)["categories"] == [5]
    assert sent(route)["tags"] == [21, 31]


def test_a_category_name_with_an_ampersand_matches_the_escaped_name_wordpress_returns(
    connector, credentials, respx_mock
):
    # WordPress 6.1 stores "News & Events" as "News &amp; Events", and searches that form.
    escaped = [{"id": 8, "name": "News &amp; Events", "slug": "news-events"}]
    lookups = respx_mock.get(CATEGORIES).mock(
        side_effect=[httpx.Response(200, json=[]), httpx.Response(200, json=escaped)]
    )
    route = respx_mock.post(POSTS).respond(201, json=created())

    connector.publish(
        Content(text="Body", idempotency_key="d-1", options={"categories": ["News & Events"]}),
        credentials,
    )

    assert [call.request.url.params["search"] for call in lookups.calls] == [
        "News & Events",
        "News &amp; Events",
    ]
    assert sent(route)["categories"] == [8]


def test_a_category_found_by_its_plain_name_is_compared_unescaped(
    connector, credentials, respx_mock
):
    respx_mock.get(CATEGORIES).respond(
        200, json=[{"id": 8, "name": "R&amp;D &lt;lab&gt;", "slug": "rd-lab"}]
    )
    route = respx_mock.post(POSTS).respond(201, json=created())

    connector.publish(
        Content(text="Body", idempotency_key="d-1", options={"categories": ["R&D <lab>"]}),
        credentials,
    )

    assert sent(route)["categories"] == [8]


def test_a_tag_created_meanwhile_is_reused(connector, credentials, respx_mock):
    respx_mock.get(TAGS).respond(200, json=[])
    respx_mock.post(TAGS).respond(
        400,
        json={
            "code": "term_exists",
            "message": "A term with the name provided already exists in this taxonomy.",
            "data": {"status": 400, "term_id": 44},
        },
    )
    route = respx_mock.post(POSTS).respond(201, json=created())

    connector.publish(
        Content(text="Body", idempotency_key="d-1", options={"tags": ["new"]}), credentials
    )

    assert sent(route)["tags"] == [44]


def test_an_unknown_category_fails_before_anything_is_posted(connector, credentials, respx_mock):
    respx_mock.get(CATEGORIES).respond(200, json=[{"id": 9, "name": "Other", "slug": "other"}])
    route = respx_mock.post(POSTS).respond(201, json=created())

    with pytest.raises(PermanentError, match="no category named 'Nope'"):
        connector.publish(
            Content(text="Body", idempotency_key="d-1", options={"categories": ["Nope"]}),
            credentials,
        )

    assert not route.called


def test_first_image_is_featured_and_other_files_become_blocks(connector, credentials, respx_mock):
    respx_mock.get(PHOTO).respond(200, content=b"cover-bytes")
    respx_mock.get(SECOND).respond(200, content=b"inline-bytes")
    respx_mock.get(VIDEO).respond(200, content=b"video-bytes")
    uploads = respx_mock.post(MEDIA).mock(
        side_effect=[
            httpx.Response(201, json={"id": 101, "source_url": f"{SITE}/up/cover.jpg"}),
            httpx.Response(201, json={"id": 102, "source_url": f"{SITE}/up/inline.png"}),
            httpx.Response(201, json={"id": 103, "source_url": f"{SITE}/up/clip.mp4"}),
        ]
    )
    route = respx_mock.post(POSTS).respond(201, json=created())

    connector.publish(
        Content(
            text="Gallery",
            idempotency_key="d-1",
            media=(
                MediaItem(url=PHOTO, mime_type="image/jpeg", alt_text="Cover"),
                MediaItem(url=SECOND, mime_type="image/png", alt_text='Say "hi"'),
                MediaItem(url=VIDEO, mime_type="video/mp4"),
            ),
        ),
        credentials,
    )

    first, second, third = (call.request for call in uploads.calls)
    assert first.headers["Authorization"] == BASIC
    assert multipart(first) == {
        "alt_text": (None, "text/plain", b"Cover"),
        "file": ("cover.jpg", "image/jpeg", b"cover-bytes"),
    }
    assert multipart(second)["file"] == ("inline.png", "image/png", b"inline-bytes")
    assert multipart(third) == {"file": ("clip.mp4", "video/mp4", b"video-bytes")}
    assert sent(route) == {
        "title": "Gallery",
        "content": '<!-- wp:image {"id": 102} -->\n'
        f'<figure class="wp-block-image"><img src="{SITE}/up/inline.png" '
        'alt="Say &quot;hi&quot;" class="wp-image-102"/></figure>\n'
        "<!-- /wp:image -->\n\n"
        '<!-- wp:video {"id": 103} -->\n'
        f'<figure class="wp-block-video"><video controls src="{SITE}/up/clip.mp4"></video>'
        "</figure>\n"
        "<!-- /wp:video -->",
        "status": "publish",
        "featured_media": 101,
    }


def test_sites_without_pretty_permalinks_use_rest_route(connector, respx_mock):
    route = respx_mock.post(f"{SITE}/", params={"rest_route": "/wp/v2/posts"}).respond(
        201, json=created(7, f"{SITE}/?p=7")
    )

    published = connector.publish(
        Content(text="Hi", idempotency_key="d-1"),
        Credentials(
            external_id=SITE,
            access_token=PASSWORD,
            extra={"site_url": SITE, "api_root": f"{SITE}/?rest_route=/", "username": "editor"},
        ),
    )

    assert route.called
    assert published.url == f"{SITE}/?p=7"


def test_a_failed_upload_is_safe_to_retry_and_posts_nothing(connector, credentials, respx_mock):
    respx_mock.get(PHOTO).respond(200, content=b"x")
    respx_mock.post(MEDIA).respond(
        500, json={"code": "rest_upload_unknown_error", "message": "Could not write file"}
    )
    route = respx_mock.post(POSTS).respond(201, json=created())

    with pytest.raises(TransientError) as caught:
        connector.publish(
            Content(
                text="x",
                idempotency_key="d-1",
                media=(MediaItem(url=PHOTO, mime_type="image/jpeg"),),
            ),
            credentials,
        )

    assert caught.value.ambiguous is False
    assert not route.called


def test_a_refused_file_type_is_permanent_despite_the_500(connector, credentials, respx_mock):
    respx_mock.get(PHOTO).respond(200, content=b"x")
    respx_mock.post(MEDIA).respond(
        500,
        json={
            "code": "rest_upload_sideload_error",
            "message": "Sorry, you are not allowed to upload this file type.",
            "data": {"status": 500},
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(
            Content(
                text="x",
                idempotency_key="d-1",
                media=(MediaItem(url=PHOTO, mime_type="image/jpeg"),),
            ),
            credentials,
        )

    assert caught.value.message == "Sorry, you are not allowed to upload this file type."


# --- errors


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("incorrect_password", "The provided password is an invalid application password."),
        ("invalid_username", "Unknown username. Check again or try your email address."),
        ("rest_not_logged_in", "You are not currently logged in."),
    ],
)
def test_refused_application_passwords_are_auth_expired(
    connector, credentials, respx_mock, code, message
):
    respx_mock.post(POSTS).respond(
        401, json={"code": code, "message": message, "data": {"status": 401}}
    )

    with pytest.raises(AuthExpired) as caught:
        connector.publish(Content(text="x", idempotency_key="d-1"), credentials)

    assert caught.value.code == code
    assert caught.value.message == message
    with pytest.raises(RefreshRefused):
        connector.refresh(credentials)


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (403, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user."),
        (400, "rest_invalid_param", "Invalid parameter(s): status"),
        (400, "empty_content", "Content, title, and excerpt are empty."),
        (404, "rest_no_route", "No route was found matching the URL and request method."),
    ],
)
def test_validation_and_permission_errors_are_permanent_with_the_site_message(
    connector, credentials, respx_mock, status, code, message
):
    respx_mock.post(POSTS).respond(
        status, json={"code": code, "message": message, "data": {"status": status}}
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(Content(text="x", idempotency_key="d-1"), credentials)

    assert caught.value.message == message
    assert caught.value.code == code
    assert not isinstance(caught.value, AuthExpired)


def test_maps_429_to_rate_limited_with_retry_after(connector, credentials, respx_mock):
    respx_mock.post(POSTS).respond(429, headers={"Retry-After": "120"}, text="Too Many Requests")

    with pytest.raises(RateLimited) as caught:
        connector.publish(Content(text="x", idempotency_key="d-1"), credentials)

    assert caught.value.retry_after == 120


@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (502, True), (503, False)])
def test_server_errors_creating_the_post_are_transient(
    connector, credentials, respx_mock, status, ambiguous
):
    respx_mock.post(POSTS).respond(status, text="<html>error</html>")

    with pytest.raises(TransientError) as caught:
        connector.publish(Content(text="x", idempotency_key="d-1"), credentials)

    assert caught.value.ambiguous is ambiguous


def test_a_created_answer_without_an_id_is_ambiguous(connector, credentials, respx_mock):
    respx_mock.post(POSTS).respond(201, text="<html>Cached page</html>")

    with pytest.raises(TransientError) as caught:
        connector.publish(Content(text="x", idempotency_key="d-1"), credentials)

    assert caught.value.ambiguous is True


# --- validation


def codes(connector, **options) -> list[str]:
    item = Content(text="Body", idempotency_key="d-1", options=options)
    return [problem.code for problem in connector.validate(item)]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"status": "draft", "categories": [1, "News"], "tags": ["a"]}, []),
        ({"status": "private", "date": "2020-12-01T09:00:00Z"}, []),
        # Crier schedules: WordPress would hold either as scheduled, not publish it.
        ({"status": "future"}, ["option_choice"]),
        ({"date": "2099-12-01T09:00:00Z"}, ["option_date"]),
        ({"date": "2026-12-01T09:00:00"}, ["option_date"]),
        ({"date": "next tuesday"}, ["option_date"]),
        ({"status": "scheduled"}, ["option_choice"]),
        ({"categories": [True]}, ["option_type"]),
        ({"tags": [""]}, ["option_type"]),
        ({"tags": "news"}, ["option_type"]),
        ({"sticky": True}, ["unknown_option"]),
    ],
)
def test_options_are_validated(connector, options, expected):
    assert codes(connector, **options) == expected


def test_threads_and_unsupported_files_are_refused(connector):
    item = Content(
        text="x",
        idempotency_key="d-1",
        thread=("more",),
        media=(MediaItem(url="https://crier.test/a.pdf", mime_type="application/pdf"),),
    )

    assert [problem.code for problem in connector.validate(item)] == [
        "threads_unsupported",
        "unsupported_media_type",
    ]


# --- connecting


FIELDS = {"site_url": f" {SITE}/ ", "username": "editor", "application_password": PASSWORD}
INDEX = {"name": "Example Blog", "namespaces": ["oembed/1.0", "wp/v2"]}
ME = {
    "id": 3,
    "name": "Ed Itor",
    "slug": "editor",
    "avatar_urls": {"24": "https://gravatar.test/24", "96": "https://gravatar.test/96"},
    "capabilities": {"publish_posts": True},
}


def test_connect_discovers_the_api_and_checks_the_password(connector, respx_mock):
    head = respx_mock.head(f"{SITE}/").respond(
        200, headers={"Link": f'<{ROOT}/>; rel="https://api.w.org/"'}
    )
    index = respx_mock.get(f"{ROOT}/").respond(200, json=INDEX)
    me = respx_mock.get(f"{ROOT}/wp/v2/users/me", params={"context": "edit"}).respond(200, json=ME)

    credentials, profile = connector.connect(FIELDS)

    assert head.called
    assert "authorization" not in index.calls.last.request.headers
    assert me.calls.last.request.headers["Authorization"] == BASIC
    assert credentials.external_id == f"{SITE}#user-3"
    assert credentials.access_token == PASSWORD
    assert dict(credentials.extra) == {
        "site_url": SITE,
        "api_root": f"{ROOT}/",
        "username": "editor",
        "user_id": 3,
    }
    assert profile.external_id == f"{SITE}#user-3"
    assert profile.username == "editor"
    assert profile.display_name == "Example Blog"
    assert profile.avatar_url == "https://gravatar.test/96"


def test_connect_keeps_the_rest_route_root_of_plain_permalink_sites(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(
        200, headers={"Link": f'<{SITE}/?rest_route=/>; rel="https://api.w.org/"'}
    )
    respx_mock.get(f"{SITE}/", params={"rest_route": "/"}).respond(200, json=INDEX)
    respx_mock.get(f"{SITE}/", params={"rest_route": "/wp/v2/users/me"}).respond(200, json=ME)

    credentials, _ = connector.connect(FIELDS)

    assert credentials.extra["api_root"] == f"{SITE}/?rest_route=/"


def test_connect_refuses_an_api_root_on_another_host_and_sends_it_no_password(
    connector, respx_mock
):
    respx_mock.head(f"{SITE}/").respond(
        200, headers={"Link": '<https://collector.example/wp-json/>; rel="https://api.w.org/"'}
    )
    elsewhere = respx_mock.route(host="collector.example").respond(200, json=INDEX)

    with pytest.raises(PermanentError) as caught:
        connector.connect(FIELDS)

    assert caught.value.code == "foreign_api_root"
    assert not elsewhere.called


def test_a_stored_api_root_on_another_host_is_never_sent_the_password(connector, respx_mock):
    elsewhere = respx_mock.route(host="collector.example").respond(201, json={"id": 1})
    credentials = Credentials(
        external_id=SITE,
        access_token=PASSWORD,
        extra={
            "site_url": SITE,
            "api_root": "https://collector.example/wp-json/",
            "username": "editor",
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(Content(text="Hello", idempotency_key="d-1"), credentials)

    assert caught.value.code == "foreign_api_root"
    assert not elsewhere.called


def test_connect_keeps_a_relative_api_root_on_the_site(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(
        200, headers={"Link": '</wp-json/>; rel="https://api.w.org/"'}
    )
    respx_mock.get(f"{ROOT}/").respond(200, json=INDEX)
    respx_mock.get(f"{ROOT}/wp/v2/users/me").respond(200, json=ME)

    credentials, _ = connector.connect(FIELDS)

    assert credentials.extra["api_root"] == f"{ROOT}/"


def test_connect_falls_back_to_wp_json_without_a_link_header(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(405)
    respx_mock.get(f"{ROOT}/").respond(200, json=INDEX)
    respx_mock.get(f"{ROOT}/wp/v2/users/me").respond(200, json=ME)

    credentials, _ = connector.connect(FIELDS)

    assert credentials.extra["api_root"] == f"{ROOT}/"


def test_connect_uses_rest_route_where_wp_json_is_a_web_page_and_no_link_says_otherwise(
    connector, respx_mock
):
    # A security plugin strips the Link header; without pretty permalinks /wp-json/ is the
    # front page. tests/connectors/test_wordpress_server.py shows it on a real site.
    respx_mock.head(f"{SITE}/").respond(200)
    respx_mock.get(f"{ROOT}/").respond(200, html="<html></html>")
    respx_mock.get(f"{SITE}/", params={"rest_route": "/"}).respond(200, json=INDEX)
    respx_mock.get(f"{SITE}/", params={"rest_route": "/wp/v2/users/me"}).respond(200, json=ME)

    credentials, _ = connector.connect(FIELDS)

    assert credentials.extra["api_root"] == f"{SITE}/?rest_route=/"


def test_connect_with_a_wrong_password_is_permanent_with_the_site_reason(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(200, headers={"Link": f'<{ROOT}/>; rel="{ROOT}"'})
    respx_mock.get(f"{ROOT}/").respond(200, json=INDEX)
    respx_mock.get(f"{ROOT}/wp/v2/users/me").respond(
        401,
        json={
            "code": "incorrect_password",
            "message": "The provided password is an invalid application password.",
            "data": {"status": 401},
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.connect(FIELDS)

    assert not isinstance(caught.value, AuthExpired)
    assert caught.value.message == "The provided password is an invalid application password."
    assert PASSWORD not in repr(caught.value)


NOT_LOGGED_IN = {"code": "rest_not_logged_in", "message": "You are not currently logged in."}
# What WordPress adds to its index where application passwords are available.
WITH_APP_PASSWORDS = {
    **INDEX,
    "authentication": {
        "application-passwords": {
            "endpoints": {"authorization": f"{SITE}/wp-admin/authorize-application.php"}
        }
    },
}


def test_connect_says_a_site_without_application_passwords_offers_none(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(200)
    respx_mock.get(f"{ROOT}/").respond(200, json=INDEX)
    respx_mock.get(f"{ROOT}/wp/v2/users/me").respond(401, json=NOT_LOGGED_IN)

    with pytest.raises(PermanentError) as caught:
        connector.connect(FIELDS)

    assert caught.value.message == (
        "You are not currently logged in. (this site does not offer application passwords: "
        "WordPress enables them over HTTPS or in a local environment, and a plugin can turn "
        "them off)"
    )


def test_connect_does_not_claim_a_stripped_header_where_application_passwords_exist(
    connector, respx_mock
):
    respx_mock.head(f"{SITE}/").respond(200)
    respx_mock.get(f"{ROOT}/").respond(200, json=WITH_APP_PASSWORDS)
    respx_mock.get(f"{ROOT}/wp/v2/users/me").respond(401, json=NOT_LOGGED_IN)

    with pytest.raises(PermanentError) as caught:
        connector.connect(FIELDS)

    assert caught.value.message.startswith(
        "You are not currently logged in. (WordPress accepted no user with this name and "
        "password: use an application password from Users > Profile, not the login "
        "password, and check that it was not revoked; if it is right,"
    )


def test_connect_refuses_a_user_who_cannot_publish(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(200)
    respx_mock.get(f"{ROOT}/").respond(200, json=INDEX)
    respx_mock.get(f"{ROOT}/wp/v2/users/me").respond(
        200, json={**ME, "capabilities": {"publish_posts": False}}
    )

    with pytest.raises(PermanentError, match="cannot publish posts"):
        connector.connect(FIELDS)


def test_connect_refuses_a_contributor_whose_capabilities_lack_publish_posts(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(200)
    respx_mock.get(f"{ROOT}/").respond(200, json=INDEX)
    # As WordPress 6.1 answers for a Contributor: only the capabilities the user has.
    contributor = {**ME, "capabilities": {"edit_posts": True, "read": True, "contributor": True}}
    respx_mock.get(f"{ROOT}/wp/v2/users/me").respond(200, json=contributor)

    with pytest.raises(PermanentError) as caught:
        connector.connect(FIELDS)

    assert caught.value.code == "cannot_publish"
    assert caught.value.message == (
        "The WordPress user editor cannot publish posts; use an author, editor or "
        "administrator account."
    )


def test_connect_refuses_a_site_without_the_wp_v2_api(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(200)
    respx_mock.get(f"{ROOT}/").respond(200, json={"name": "x", "namespaces": ["oembed/1.0"]})

    with pytest.raises(PermanentError, match="no wp/v2 API"):
        connector.connect(FIELDS)


def test_connect_names_the_address_a_site_redirects_to(connector, respx_mock):
    respx_mock.head(f"{SITE}/").respond(301, headers={"Location": "https://www.example.com/"})

    with pytest.raises(PermanentError, match=r"redirects to https://www\.example\.com/"):
        connector.connect(FIELDS)


@pytest.mark.parametrize(
    ("site", "code"),
    [
        ("http://blog.example.com", "insecure_url"),
        ("ftp://blog.example.com", "invalid_url"),
        # A trailing ? or # would turn the route Crier appends into a query or fragment.
        ("https://blog.example.com/?", "invalid_url"),
        ("https://blog.example.com/news#", "invalid_url"),
        ("https://admin:secret@blog.example.com", "invalid_url"),
        ("https://blog.example.com:99999", "invalid_url"),
    ],
)
def test_connect_refuses_urls_that_would_leak_or_cannot_work(connector, site, code):
    with pytest.raises(PermanentError) as caught:
        connector.connect({**FIELDS, "site_url": site})

    assert caught.value.code == code


def test_connect_allows_plain_http_on_localhost(connector, respx_mock):
    respx_mock.head("http://localhost:8080/").respond(200)
    respx_mock.get("http://localhost:8080/wp-json/").respond(200, json=INDEX)
    respx_mock.get("http://localhost:8080/wp-json/wp/v2/users/me").respond(200, json=ME)

    credentials, _ = connector.connect({**FIELDS, "site_url": "http://localhost:8080"})

    assert credentials.extra["site_url"] == "http://localhost:8080"
