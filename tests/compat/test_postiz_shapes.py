"""Crier's Postiz answers against the shapes read from Postiz's source (postiz_shapes.py):
one test per route, each asserting the status, the field names and the JSON types."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import SocialAccount
from analytics.models import AccountMetricsSnapshot, PostMetricsSnapshot
from compat import postiz_urls
from connectors.simulator import SimulatorServer
from planning.models import Notification
from posts.models import Delivery, Post
from tests.compat.postiz_requests import (
    CREATE_POST_FIELDS,
    DTO_FILES,
    PROVIDER_SETTINGS,
    SETTINGS_REFUSALS,
)
from tests.compat.postiz_shapes import COMMIT, CRIER_ROUTES, ROUTES, Route
from tests.compat.shapes import problems
from tests.compat.test_postiz import BASE, create_body, postiz_client
from tests.factories import SocialAccountFactory
from tests.media import files

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """A workspace holding one of everything a Postiz route answers about."""

    client: APIClient
    account: SocialAccount
    post: Post
    media: dict
    url: str  # a picture on the loopback file server


@pytest.fixture
def world(owner, account, picture_site, settings) -> World:
    settings.CRIER_OAUTH_APPS = {"sandbox": {"client_id": "client-1", "client_secret": "s"}}
    client = postiz_client(owner.secret)
    png = SimpleUploadedFile("logo.png", files.image_bytes("PNG"), content_type="image/png")
    media = client.post(f"{BASE}/upload", {"file": png}, format="multipart").json()
    body = create_body(account.pk, tags=[{"value": "news", "label": "News"}])
    body["posts"][0]["value"][0]["image"] = [{"id": media["id"], "path": media["path"]}]
    body["posts"][0]["value"].append({"content": "A follow-up", "image": []})
    created = client.post(f"{BASE}/posts", body, format="json")
    assert created.status_code == 201, created.content
    post = Post.objects.get(pk=created.json()[0]["postId"])
    Notification.objects.create(
        workspace=account.workspace,
        event="post.published",
        message="Published",
        data={"url": "https://sandbox.test/1"},
    )
    taken = timezone.now() - timedelta(hours=1)
    AccountMetricsSnapshot.objects.create(
        workspace=account.workspace, account=account, taken_at=taken, followers=12
    )
    PostMetricsSnapshot.objects.create(
        workspace=account.workspace, delivery=post.deliveries.get(), taken_at=taken, likes=3
    )
    return World(client, account, post, media, picture_site.url("/image1.png"))


def _published_then_deleted(world: World, path: str) -> Response:
    Delivery.objects.filter(post=world.post).update(
        status="published", external_url="https://sandbox.test/1"
    )
    return world.client.delete(path)


def _release(world: World) -> Response:
    Delivery.objects.filter(post=world.post).update(status="unknown")
    return world.client.put(
        f"{BASE}/posts/{world.post.pk}/release-id", {"releaseId": "17841"}, format="json"
    )


# Postiz's method and path → Crier's answer to the route, in `world`.
SCENARIOS: dict[tuple[str, str], Callable[[World], Response]] = {
    ("POST", "/upload"): lambda w: w.client.post(
        f"{BASE}/upload",
        {"file": SimpleUploadedFile("a.png", files.image_bytes("PNG"), content_type="image/png")},
        format="multipart",
    ),
    ("POST", "/upload-from-url"): lambda w: w.client.post(
        f"{BASE}/upload-from-url", {"url": w.url}, format="json"
    ),
    ("GET", "/find-slot/:id"): lambda w: w.client.get(f"{BASE}/find-slot/{w.account.pk}"),
    ("GET", "/posts"): lambda w: w.client.get(
        f"{BASE}/posts",
        {
            "startDate": timezone.now().date().isoformat(),
            "endDate": (timezone.now() + timedelta(days=30)).date().isoformat(),
        },
    ),
    ("POST", "/posts"): lambda w: w.client.post(
        f"{BASE}/posts", create_body(w.account.pk), format="json"
    ),
    ("DELETE", "/posts/:id"): lambda w: _published_then_deleted(w, f"{BASE}/posts/{w.post.pk}"),
    ("DELETE", "/posts/group/:group"): lambda w: _published_then_deleted(
        w, f"{BASE}/posts/group/{w.post.job_id}"
    ),
    ("GET", "/is-connected"): lambda w: w.client.get(f"{BASE}/is-connected"),
    ("GET", "/groups"): lambda w: w.client.get(f"{BASE}/groups"),
    ("GET", "/integrations"): lambda w: w.client.get(f"{BASE}/integrations"),
    ("GET", "/social/:integration"): lambda w: w.client.get(f"{BASE}/social/sandbox"),
    ("GET", "/notifications"): lambda w: w.client.get(f"{BASE}/notifications"),
    ("DELETE", "/integrations/:id"): lambda w: w.client.delete(
        f"{BASE}/integrations/{w.account.pk}"
    ),
    ("GET", "/integration-settings/:id"): lambda w: w.client.get(
        f"{BASE}/integration-settings/{w.account.pk}"
    ),
    ("GET", "/posts/:id/missing"): lambda w: _missing(w),
    ("PUT", "/posts/:id/settings"): lambda w: w.client.put(
        f"{BASE}/posts/{w.post.pk}/settings", {"settings": {}}, format="json"
    ),
    ("PUT", "/posts/:id/status"): lambda w: w.client.put(
        f"{BASE}/posts/{w.post.pk}/status", {"status": "draft"}, format="json"
    ),
    ("PUT", "/posts/:id/release-id"): _release,
    ("GET", "/analytics/:integration"): lambda w: w.client.get(f"{BASE}/analytics/{w.account.pk}"),
    ("GET", "/analytics/post/:postId"): lambda w: w.client.get(
        f"{BASE}/analytics/post/{w.post.pk}"
    ),
    ("POST", "/integration-trigger/:id"): lambda w: w.client.post(
        f"{BASE}/integration-trigger/{w.account.pk}",
        {"methodName": "listBoards", "data": {}},
        format="json",
    ),
    ("GET", "/users"): lambda w: w.client.get(f"{BASE}/users", {"name": "a"}),
    ("POST", "/generate-video"): lambda w: w.client.post(
        f"{BASE}/generate-video", {}, format="json"
    ),
    ("POST", "/video/function"): lambda w: w.client.post(
        f"{BASE}/video/function", {}, format="json"
    ),
    ("POST", "/postsurl"): lambda w: w.client.post(
        f"{BASE}/postsurl",
        {**create_body(w.account.pk), "posts": [_with_image_url(w)]},
        format="json",
    ),
}


def _missing(world: World) -> Response:
    """The post's outcome is unknown, and its channel (on the simulator) has a post."""
    with SimulatorServer() as server:
        world.account.credentials = {"access_token": "t", "extra": {"base_url": server.url}}
        world.account.save()
        server.simulator.publish(
            account=world.account.external_id,
            token="t",
            idempotency_key=None,
            body={"text": "posted"},
            base_url=server.url,
        )
        world.post.deliveries.update(status="unknown")
        return world.client.get(f"{BASE}/posts/{world.post.pk}/missing")


def _with_image_url(world: World) -> dict:
    entry = create_body(world.account.pk)["posts"][0]
    entry["value"][0]["imageUrls"] = [world.url]
    return entry


def _id(route: Route) -> str:
    return f"{route.method} {route.path}"


@pytest.mark.parametrize("route", [*ROUTES, *CRIER_ROUTES], ids=_id)
def test_crier_answers_each_postiz_route_with_postiz_fields_and_types(world, route):
    response = SCENARIOS[route.method, route.path](world)

    if route.crier_status is not None:
        # A deliberate difference (the table says why): Postiz's {msg} envelope all the same.
        assert response.status_code == route.crier_status[0], response.content
        assert set(response.json()) == {"msg"}
        return
    assert response.status_code == route.status, response.content
    found, empty = problems(response.json(), route.body)
    assert found == [], f"{_id(route)} differs from Postiz at {COMMIT[:7]} ({route.source})"
    # Every array's items were checked, unless the table says Crier's is always empty.
    assert empty <= route.empty.keys(), f"{_id(route)}: fill {empty - route.empty.keys()}"


def _served_routes(patterns: list, prefix: str = "") -> set[str]:
    found = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found |= _served_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.add("/" + prefix + re.sub(r"<(?:\w+:)?\w+>", ":_", str(entry.pattern)))
    return found


def test_the_table_covers_every_route_crier_serves_in_the_dialect():
    served = _served_routes(postiz_urls.urlpatterns)
    tabled = {re.sub(r":\w+", ":_", route.path) for route in [*ROUTES, *CRIER_ROUTES]}

    assert served - tabled == set()
    assert set(SCENARIOS) == {(route.method, route.path) for route in [*ROUTES, *CRIER_ROUTES]}


# -- request bodies ------------------------------------------------------------------------


def _every_create_post_field(world: World) -> dict:
    """A create-post body setting every field CREATE_POST_FIELDS lists."""
    media = world.media
    return {
        "type": "schedule",
        "order": "",
        "shortLink": False,
        "inter": None,
        "republish": False,
        "date": "2099-12-06",
        "tags": [{"value": "news", "label": "News"}],
        "posts": [
            {
                "integration": {"id": world.account.pk},
                "group": "a-client-group",
                "type": "post",
                "settings": {"__type": "sandbox"},
                "value": [
                    {
                        "content": "<p>Hello</p>",
                        "id": "a-client-id",
                        "image": [
                            {
                                "id": media["id"],
                                "path": media["path"],
                                "alt": "A logo",
                                "thumbnail": "https://uploads.example/t.png",
                            }
                        ],
                    },
                    {"content": "A follow-up", "id": "", "delay": 5000, "image": []},
                ],
            }
        ],
    }


def test_create_post_accepts_every_field_of_postiz_create_post_dto(world):
    body = _every_create_post_field(world)

    response = world.client.post(f"{BASE}/posts", body, format="json")

    assert response.status_code == 201, response.content
    post = Post.objects.get(pk=response.json()[0]["postId"])
    assert post.media == [{"id": world.media["id"], "alt": "A logo"}]  # Postiz's `alt`
    assert post.block_for("sandbox")["thread"] == ["A follow-up"]
    assert post.labels == ["News"]


def test_the_table_lists_every_field_the_body_sets():
    def paths(value: object, prefix: str) -> set[str]:
        if isinstance(value, list):
            return {p for item in value for p in paths(item, prefix + "[]")}
        if isinstance(value, dict) and not prefix.endswith("settings"):
            return {p for k, v in value.items() for p in paths(v, f"{prefix}.{k}".lstrip("."))}
        return {prefix}

    world = World(APIClient(), SocialAccount(pk="acc"), Post(), {"id": "m", "path": "p"}, "")

    assert paths(_every_create_post_field(world), "") == CREATE_POST_FIELDS.keys()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "update"}, 'type: "update" is not a valid choice.'),
        ({"inter": 7}, "inter: repeating posts are not supported here"),
    ],
)
def test_create_post_refuses_what_it_cannot_do_with_msg(world, change, message):
    body = {**_every_create_post_field(world), **change}

    response = world.client.post(f"{BASE}/posts", body, format="json")

    assert response.status_code == 400
    assert response.json()["msg"].startswith(message)


def _media_for(world: World, platform: str, tmp_path: Path) -> list[dict]:
    """Media each platform takes: Facebook shows a link preview only without media,
    Instagram takes JPEG, TikTok and YouTube a video."""
    if platform == "facebook":
        return []
    if platform == "instagram":
        upload = SimpleUploadedFile("a.jpg", files.image_bytes("JPEG"), "image/jpeg")
    elif platform in ("tiktok", "youtube"):  # TikTok: 23 fps or more, 360 px or more
        video = files.video_bytes(tmp_path / "a.mp4", fps=24, size=(360, 640))
        upload = SimpleUploadedFile("a.mp4", video, "video/mp4")
    else:
        return [{"id": world.media["id"], "path": ""}]
    media = world.client.post(f"{BASE}/upload", {"file": upload}, format="multipart").json()
    return [{"id": media["id"], "path": media["path"]}]


@pytest.mark.parametrize("platform", sorted(PROVIDER_SETTINGS))
def test_each_provider_settings_dto_is_applied_or_named_as_ignored(world, platform, tmp_path):
    settings, options, ignored = PROVIDER_SETTINGS[platform]
    account = SocialAccountFactory(workspace=world.account.workspace, platform=platform)
    body = create_body(account.pk)
    body["posts"][0]["settings"] = settings
    body["posts"][0]["value"][0]["image"] = _media_for(world, platform, tmp_path)

    response = world.client.post(f"{BASE}/posts", body, format="json")

    assert response.status_code == 201, response.content
    block = Post.objects.get(pk=response.json()[0]["postId"]).block_for(platform)
    applied = {**block.get("options", {}), "type": block["type"]}
    assert {name: applied.get(name) for name in options} == options
    header = response.get("X-Crier-Ignored-Settings")
    assert (json.loads(header) if header else {}) == ({account.pk: ignored} if ignored else {})


@pytest.mark.parametrize(
    ("path", "component"),
    [("/public/v1/groups", "PostizGroup"), ("/public/v1/posts/{post_id}/missing", None)],
)
def test_the_schema_of_a_list_crier_may_answer_empty_names_postiz_fields(path, component):
    """A list Crier may answer empty is checked against the table in its schema: a typed
    client is generated from that, not from an empty answer."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    reference = answer["schema"]["items"]["$ref"]
    properties = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"]
    [route] = [r for r in ROUTES if f"/public/v1{r.path}" == re.sub(r"\{\w+\}", ":id", path)]

    assert set(properties) == {key.rstrip("?") for key in route.body[0]}


def test_every_crier_platform_with_a_postiz_settings_dto_has_its_fields_tabled():
    assert DTO_FILES.keys() <= PROVIDER_SETTINGS.keys()
    assert {platform for platform, _, _ in SETTINGS_REFUSALS} == DTO_FILES.keys()


@pytest.mark.parametrize(
    ("platform", "sent", "message"),
    SETTINGS_REFUSALS,
    ids=[f"{platform}-{message.split()[0]}" for platform, _, message in SETTINGS_REFUSALS],
)
def test_settings_postiz_refuses_are_refused_with_postiz_message(world, platform, sent, message):
    account = SocialAccountFactory(workspace=world.account.workspace, platform=platform)
    body = create_body(account.pk)
    body["posts"][0]["settings"] = {"__type": platform, **sent}

    response = world.client.post(f"{BASE}/posts", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"msg": message}
    assert not Post.objects.filter(deliveries__account=account).exists()


def test_a_draft_entry_settings_are_not_checked_as_postiz_does(world):
    account = SocialAccountFactory(workspace=world.account.workspace, platform="x")
    body = create_body(account.pk, kind="draft")
    body["posts"][0]["type"] = "draft"
    body["posts"][0]["settings"] = {"__type": "x", "made_with_ai": "yes"}

    response = world.client.post(f"{BASE}/posts", body, format="json")

    assert response.status_code == 201, response.content
    assert json.loads(response["X-Crier-Ignored-Settings"]) == {account.pk: ["made_with_ai"]}
