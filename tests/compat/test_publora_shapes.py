"""Crier's Publora answers against the shapes read from Publora's document
(publora_shapes.py): the document's own requests (only host, key, ids and dates changed),
one test per documented route, each asserting the status, the field names and JSON types."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework.response import Response
from rest_framework.test import APIClient

from posts.models import Delivery
from tests.compat.publora_shapes import ROUTES, SEED
from tests.compat.shapes import check_answer
from tests.compat.test_publora_media import PNG, dialect_client, eager_tasks, media_root, put, run
from tests.factories import SocialAccountFactory

__all__ = ["eager_tasks", "media_root", "run"]  # fixtures
pytestmark = pytest.mark.django_db
BASE = "/api/v1"


@dataclass
class World:
    """A workspace with two connections and a post group holding an upload URL."""

    client: APIClient
    platforms: list[str]
    group: str
    upload_url: str
    run: Callable


@pytest.fixture
def world(owner, run) -> World:
    client = dialect_client(owner.secret, "HTTP_X_PUBLORA_KEY")
    accounts = [
        SocialAccountFactory(
            workspace=owner.workspace,
            username=name,
            display_name="Example User",
            avatar_url=f"https://cdn.example/{name}.png",
        )
        for name in ("example", "other")
    ]
    platforms = [f"{account.platform}-{account.pk}" for account in accounts]
    group = client.post(
        f"{BASE}/create-post",
        {
            "content": "Your post content",
            "scheduledTime": "2099-04-07T10:00:00Z",
            "platforms": platforms,
        },
        format="json",
    ).json()["postGroupId"]
    upload_url = client.post(
        f"{BASE}/get-upload-url",
        {
            "fileName": "photo.png",
            "contentType": "image/png",
            "type": "image",
            "postGroupId": group,
        },
        format="json",
    ).json()["uploadUrl"]
    return World(client, platforms, group, upload_url, run)


def _create_post(w: World) -> Response:
    # The document's request body; its 2025 date moved to the future.
    return w.client.post(
        f"{BASE}/create-post",
        {
            "content": "Your post content",
            "scheduledTime": "2099-04-07T10:00:00Z",
            "platforms": w.platforms,
        },
        format="json",
    )


def _get_upload_url(w: World) -> Response:
    return w.client.post(
        f"{BASE}/get-upload-url",
        {
            "fileName": "photo2.png",
            "contentType": "image/png",
            "type": "image",
            "postGroupId": w.group,
        },
        format="json",
    )


def _delete_post(w: World) -> Response:
    # One platform has published already: the answer says so.
    first = Delivery.objects.filter(post_id=w.group).order_by("created_at").first()
    Delivery.objects.filter(pk=first.pk).update(status="published", external_url="https://x/1")
    return w.client.delete(f"{BASE}/delete-post/{w.group}")


# The document's method and path → Crier's answer to its request, in `world`.
SCENARIOS: dict[tuple[str, str], Callable[[World], Response]] = {
    ("GET", "/api/v1/platform-connections"): lambda w: w.client.get(f"{BASE}/platform-connections"),
    ("POST", "/api/v1/create-post"): _create_post,
    ("POST", "/api/v1/get-upload-url"): _get_upload_url,
    # The document's `fetch(uploadUrl, {method: 'PUT', headers: {'Content-Type': ...}})`.
    ("PUT", "{uploadUrl}"): lambda w: w.run(lambda: put(w.upload_url, PNG, "image/png")),
    ("DELETE", "/api/v1/delete-post/:postId"): _delete_post,
}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_crier_answers_each_documented_route_with_its_fields_and_types(world, route):
    response = SCENARIOS[route.method, route.path](world)

    check_answer(response, route, SEED)


def test_the_connections_carry_what_the_platform_gave(world):
    [first, _] = world.client.get(f"{BASE}/platform-connections").json()["connections"]
    assert (first["displayName"], first["profileImageUrl"]) == (
        "Example User",
        "https://cdn.example/example.png",
    )


def test_the_table_has_one_route_per_scenario():
    assert {(route.method, route.path) for route in ROUTES} == SCENARIOS.keys()


def test_the_table_covers_every_route_of_the_seed_document():
    # The document names each route as `METHOD/api/v1/...` (no space), and the upload's PUT
    # in its `fetch(uploadUrl, {method: 'PUT', ...})` example.
    with open(SEED, encoding="utf-8") as document:
        text = document.read()
    documented = set(re.findall(r"^(GET|POST|PUT|DELETE)(/api/v1/\S+)$", text, re.M))
    if "fetch(uploadUrl, {\n  method: 'PUT'" in text:
        documented.add(("PUT", "{uploadUrl}"))
    assert documented == {(route.method, route.path) for route in ROUTES}
