"""WordPress connector against the routes a real WordPress 6.1 describes (wp_routes.py).

The description is the running server's own REST API index (tests/wordpress_server.py:
Debian's package on the machine's MariaDB), read at the start of the module. The connector
talks to that same server (respx lets the site's requests through and records them), so
each request is both answered by WordPress and checked against its index. The media files
come from a file server on loopback too. WordPress has no threads, metrics or token
refresh: connect, publish (text, terms, an image, images and a video) and poll are all its
operations.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import httpx
import pytest

from connectors.base import Content, Credentials, MediaItem
from connectors.wordpress import WordPressConnector
from tests.contracts.openapi import call_problems
from tests.contracts.wp_routes import RouteIndex
from tests.fileserver import FileServer, serving
from tests.media import files
from tests.wordpress_server import Site

# respx at httpx's level: at httpcore's (its default) a request let through to a server is
# recorded twice, by the connection pool and by the connection.
pytestmark = [pytest.mark.slow, pytest.mark.respx(using="httpx")]

UNIQUE = itertools.count()


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Iterator[FileServer]:
    folder = tmp_path_factory.mktemp("wordpress-contract")
    with serving(
        {
            "/cover.png": files.image_bytes("PNG"),
            "/inline.jpg": files.image_bytes("JPEG"),
            "/clip.mp4": files.video_bytes(folder / "clip.mp4", fps=10),
        }
    ) as server:
        yield server


@pytest.fixture
def connector(private_urls_allowed) -> Iterator[WordPressConnector]:
    with WordPressConnector(timeout=30) as connector:
        # An upload streams the file once: read it into the request first, so the request
        # respx records can still be read after the site has taken it.
        connector.client.event_hooks["request"].append(lambda request: request.read())
        yield connector


def index_of(site: Site) -> RouteIndex:
    """The site's own description of its routes (the index is public)."""
    answer = httpx.get(f"{site.url}/?rest_route=/", timeout=30)
    answer.raise_for_status()
    return RouteIndex(answer.json(), site.url)


def connected(connector: WordPressConnector, site: Site) -> Credentials:
    user = site.users["author"]
    credentials, _ = connector.connect(
        {"site_url": site.url, "username": user.login, "application_password": user.password}
    )
    return credentials


# --- the operations: each returns the site it used ----------------------------------------


def connect(which: str) -> Callable:
    def operation(connector, wordpress, respx_mock, media) -> Site:
        site = getattr(wordpress, which)
        connected(connector, site)
        return site

    return operation


def publish_text(which: str) -> Callable:
    def operation(connector, wordpress, respx_mock, media) -> Site:
        site = getattr(wordpress, which)
        credentials = connected(connector, site)
        respx_mock.calls.clear()
        options = {
            "title": "Launch",
            "status": "publish",
            "date": "2026-01-02T09:00:00+01:00",
            # An escaped category name, an existing tag and a tag WordPress has not seen.
            "categories": ["News & Events"],
            "tags": ["crier", f"Launch Notes {next(UNIQUE)}"],
        }
        post = Content(text="We shipped <em>it</em>.", idempotency_key="wp-c-1", options=options)
        connector.publish(post, credentials)  # makes "crier", then finds it on the next run
        assert connector.publish(post, credentials).state == "published"
        return site

    return operation


def publish_media(*names: str) -> Callable:
    def operation(connector, wordpress, respx_mock, media) -> Site:
        site = wordpress.pretty
        credentials = connected(connector, site)
        respx_mock.calls.clear()
        items = []
        for name in names:
            mime = {"png": "image/png", "jpg": "image/jpeg", "mp4": "video/mp4"}[name[-3:]]
            items.append(MediaItem(url=media.url(f"/{name}"), mime_type=mime, alt_text="A rocket"))
        post = Content(text="Launch day", idempotency_key="wp-c-2", media=tuple(items))
        assert connector.publish(post, credentials).state == "published"
        return site

    return operation


def poll(connector, wordpress, respx_mock, media) -> Site:
    site = wordpress.pretty
    credentials = connected(connector, site)
    published = connector.publish(Content(text="Polled", idempotency_key="wp-c-3"), credentials)
    respx_mock.calls.clear()
    assert connector.poll(published.external_id, credentials).state == "published"
    return site


# What the connector knowingly sends otherwise than the index says, and why. The test fails
# when a divergence appears and when one listed here goes away.
STRING_TITLE_AND_CONTENT = [
    # The index describes title and content as objects ({"raw": ...}); the posts controller
    # takes a plain string as well (WP_REST_Posts_Controller::prepare_item_for_database, and
    # these two arguments' own validation is switched off in its schema's arg_options), as
    # the REST handbook's examples send them.
    "POST /wp/v2/posts: 'title' at .: {!r} is not of type 'object'",
    "POST /wp/v2/posts: 'content' at .: {!r} is not of type 'object'",
]
# An upload's file arrives as the request's file part, which WordPress reads from PHP's
# $_FILES (WP_REST_Attachments_Controller::create_item); no route's arguments describe it.
FILE_PART = "POST /wp/v2/media: file part 'file': no argument of the route is a file"


def strings(title: str, content: str) -> list[str]:
    return [
        STRING_TITLE_AND_CONTENT[0].format(title),
        STRING_TITLE_AND_CONTENT[1].format(content),
    ]


BLOCKS = "<!-- wp:"  # the start of the media blocks the connector appends to the content
OPERATIONS = {
    "connect": (connect("pretty"), []),
    "connect_without_link_or_permalinks": (connect("bare"), []),
    "publish_text_with_terms": (
        publish_text("pretty"),
        strings("Launch", "We shipped <em>it</em>.") * 2,
    ),
    "publish_text_without_permalinks": (
        publish_text("bare"),
        strings("Launch", "We shipped <em>it</em>.") * 2,
    ),
    "publish_featured_image": (
        publish_media("cover.png"),
        [FILE_PART, *strings("Launch day", "")],
    ),
    "publish_images_and_video": (
        publish_media("cover.png", "inline.jpg", "clip.mp4"),
        [FILE_PART] * 3 + strings("Launch day", BLOCKS),
    ),
    "poll": (poll, []),
}


@pytest.mark.parametrize(("operation", "divergences"), OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_request_is_one_the_site_index_describes(
    operation, divergences, connector, wordpress, respx_mock, media
):
    # Everything goes to real servers on loopback (the sites, the media files): respx only
    # records what the connector sent.
    respx_mock.route(host="127.0.0.1").pass_through()

    site = operation(connector, wordpress, respx_mock, media)

    problems = call_problems(index_of(site), respx_mock.calls, set())
    assert [_shorten(problem) for problem in problems] == divergences


def _shorten(problem: str) -> str:
    """A content with media blocks, cut to its first block: the blocks carry upload ids."""
    start = problem.find(BLOCKS)
    return problem if start == -1 else problem[:start] + BLOCKS + "' is not of type 'object'"


def test_the_options_offered_are_values_the_index_allows(wordpress):
    index = index_of(wordpress.pretty)
    create, _ = index.endpoint("POST", "/wp/v2/posts")
    (status,) = (o for o in WordPressConnector.options if o.name == "status")

    assert set(status.choices) <= set(create["args"]["status"]["enum"])
    assert create["args"]["categories"]["items"]["type"] == "integer"
    assert create["args"]["tags"]["items"]["type"] == "integer"
    assert "application-passwords" in index.index["authentication"]


BASIC = {"Authorization": "Basic YXV0aG9yOnBhc3N3b3Jk"}


@pytest.mark.parametrize(
    ("method", "route", "sent", "complaint"),
    [
        ("POST", "/wp/v2/stories", {"headers": BASIC}, "no such route and method"),
        ("DELETE", "/", {}, "no such route and method"),
        ("GET", "/wp/v2/posts/x1", {"headers": BASIC}, "no such route and method"),
        ("POST", "/wp/v2/posts", {"json": {"status": "live"}}, "'live' is not one of"),
        ("POST", "/wp/v2/posts", {"json": {"tags": ["x"]}}, "'x' is not of type 'integer'"),
        ("POST", "/wp/v2/posts", {"json": {"title_": "a"}}, "'title_' is not an argument"),
        ("POST", "/wp/v2/posts", {"json": {"date_gmt": "May 1"}}, "is not a 'date-time'"),
        ("POST", "/wp/v2/tags", {"json": {"slug": "a"}}, "required argument 'name' missing"),
        ("GET", "/wp/v2/tags", {"params": {"per_page": 500}}, "greater than the maximum of 100"),
        ("GET", "/wp/v2/users/me", {"headers": {}}, "sent without Basic credentials"),
    ],
)
def test_the_check_reports_what_the_index_does_not_allow(wordpress, method, route, sent, complaint):
    site = wordpress.bare
    # Query parameters are appended: httpx's params= would replace rest_route.
    query = "".join(f"&{name}={value}" for name, value in sent.get("params", {}).items())
    request = httpx.Request(
        method,
        f"{site.url}/?rest_route={route}{query}",
        headers=sent.get("headers", BASIC),
        json=sent.get("json"),
    )

    problems = index_of(site).problems(request)

    assert any(complaint in problem for problem in problems), problems
