"""Crier's native answers against the shapes read from Publer's document (publer_shapes.py):
the document's own requests (only host, key, ids and dates changed), each answer checked for
its status, field names, JSON types and time format, and the rate-limit headers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.response import Response
from rest_framework.test import APIClient

from connectors.simulator import SimulatorServer
from tests.compat.publer_shapes import ERROR_STATUSES, ERRORS, ROUTES, SEED
from tests.compat.shapes import check_answer, problems
from tests.conftest import Caller
from tests.media import conftest as media_fixtures
from tests.media import files
from tests.posts.conftest import PUBLISH_NOW, bulk, future, live_account, post_item, simulator

__all__ = ["live_account", "simulator"]  # fixtures
pytestmark = pytest.mark.django_db
media_root = media_fixtures.media_root  # storage in a temporary folder (autouse)
BASE = "/api/v1"


@dataclass
class World:
    """A workspace with a scheduled post (media, a label) and a post whose publish failed
    (the same, and a follow-up with media)."""

    caller: Caller
    scheduled: dict  # the document's bulk body, as sent
    failed: str  # a post id
    job: str  # the scheduled post's job


@pytest.fixture
def world(
    owner,
    account,
    live_account,
    simulator: SimulatorServer,
    eager_tasks,
    django_capture_on_commit_callbacks,
) -> World:
    picture = SimpleUploadedFile("photo.png", files.image_bytes("PNG"), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        media = owner.client.post(f"{BASE}/media", {"file": picture}, format="multipart")
    assert media.status_code == 201, media.content
    extras = {"labels": ["launch"], "media": [{"id": media.json()["id"]}]}
    # Crier's own: a follow-up with the picture, so DELETE's answer shows `thread_media`.
    thread = {"type": "status", "text": "Hello", "thread": ["And more"]}
    follow_up = {"networks": {"default": thread}, "thread_media": [[{"id": media.json()["id"]}]]}
    scheduled = bulk(post_item(account.pk, when=future(), **extras))
    with django_capture_on_commit_callbacks(execute=True):
        job = owner.client.post(f"{BASE}/posts", scheduled, format="json")
    assert job.status_code == 202, job.content
    simulator.simulator.configure("*", {"reject": "Duplicate content"})
    with django_capture_on_commit_callbacks(execute=True):
        failed_job = owner.client.post(
            PUBLISH_NOW, bulk(post_item(live_account.pk, **extras, **follow_up)), format="json"
        )
    [failed] = owner.client.get(f"{BASE}/posts?state=failed").json()["results"]
    assert failed_job.status_code == 202 and failed["deliveries"][0]["attempt_log"]
    return World(owner, scheduled, failed["id"], job.json()["job_id"])


def _create(w: World) -> Response:
    # The document's `POST /posts {"bulk": {"state": "scheduled", "posts": [...]}}`.
    return w.caller.client.post(f"{BASE}/posts", w.scheduled, format="json")


# The document's method and path → Crier's answer to its request, in `world`.
SCENARIOS: dict[tuple[str, str], Callable[[World], Response]] = {
    ("GET", "/posts?state=scheduled&from=2025-04-20"): lambda w: w.caller.client.get(
        f"{BASE}/posts?state=scheduled&from=2025-04-20"
    ),
    ("POST", "/posts"): _create,
    ("DELETE", "/posts/{post_id}"): lambda w: w.caller.client.delete(f"{BASE}/posts/{w.failed}"),
    ("GET", "/job_status/{job_id}"): lambda w: w.caller.client.get(f"{BASE}/job_status/{w.job}"),
}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_crier_answers_each_documented_route_with_its_fields_and_types(world, route):
    response = SCENARIOS[route.method, route.path](world)

    check_answer(response, route, SEED)
    # Crier's README: every response past the key check carries the rate-limit headers.
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining"} <= set(response.headers)


def test_the_documented_date_filter_finds_the_post_scheduled_after_it(world):
    answer = world.caller.client.get(f"{BASE}/posts?state=scheduled&from=2025-04-20").json()
    assert [post["labels"] for post in answer["results"]] == [["launch"]]


def _refusal(status: int, caller: Caller, viewer: Caller) -> Response:
    return {
        400: lambda: caller.client.get(f"{BASE}/posts?state=scheduled&from=20-04-2025"),
        401: lambda: APIClient().get(f"{BASE}/posts", HTTP_AUTHORIZATION="Bearer-API wrong"),
        403: lambda: viewer.client.post(f"{BASE}/posts", {"bulk": {}}, format="json"),
        404: lambda: caller.client.delete(f"{BASE}/posts/post_0000"),
    }[status]()


@pytest.mark.parametrize("status", ERROR_STATUSES)
def test_each_documented_error_status_answers_the_documented_errors_array(owner, viewer, status):
    response = _refusal(status, owner, viewer)

    assert response.status_code == status, response.content
    assert problems(response.json(), ERRORS)[0] == []
    assert response.json()["errors"][0]
    # Every answer carries them; a 401's count the client address's failed authentications.
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining"} <= set(response.headers)


def test_the_workspace_header_the_document_sends_is_accepted(owner):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer-API {owner.secret}",
        HTTP_PUBLER_WORKSPACE_ID=owner.workspace.pk,
    )
    assert client.get(f"{BASE}/posts?state=scheduled&from=2025-04-20").status_code == 200


def test_the_table_has_one_route_per_scenario():
    assert {(route.method, route.path) for route in ROUTES} == SCENARIOS.keys()


def test_the_table_covers_every_route_of_the_seed_document():
    # The document names its routes as `METHOD /path` lines in its examples.
    with open(SEED, encoding="utf-8") as document:
        documented = set(
            re.findall(r"^\s*(GET|POST|PUT|PATCH|DELETE) (/\S+)$", document.read(), re.M)
        )
    assert documented == {(route.method, route.path) for route in ROUTES}
