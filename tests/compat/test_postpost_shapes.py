"""Crier's PostPost answers against the shapes read from PostPost's document
(postpost_shapes.py): the document's own requests and examples (only host, key, ids and dates
changed), one test per documented route, example and error row."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.response import Response
from rest_framework.test import APIClient

from media import storage
from media.models import MediaAsset
from posts.models import Delivery, Post
from tests.compat.postpost_shapes import ERRORS, NOT_SERVED, ROUTES, SEED, DocumentedError
from tests.compat.shapes import check_answer
from tests.compat.test_publora_media import dialect_client, eager_tasks, media_root, mp4, put, run
from tests.conftest import Caller, make_caller
from tests.factories import MemberFactory, SocialAccountFactory
from tests.media import files

__all__ = ["eager_tasks", "media_root", "mp4", "run"]  # fixtures
pytestmark = pytest.mark.django_db
BASE = "/api/v1"
JPEG = files.image_bytes("JPEG")
PRODUCT = "Check out our new product! 🚀"


@dataclass
class World:
    """A draft post group (the document's step 1) with one JPEG uploaded to it (steps 2-3)."""

    client: APIClient
    platforms: list[str]
    group: str
    media: str
    upload_url: str
    run: Callable
    mp4: bytes


def _create_draft(client: APIClient, platforms: list[str]) -> str:
    response = client.post(
        f"{BASE}/create-post", {"content": PRODUCT, "platforms": platforms}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["postGroupId"]


def _ask(client: APIClient, group: str, name: str = "product-photo.jpg", kind: str = "image"):
    content_type = "image/jpeg" if kind == "image" else "video/mp4"
    body = {"fileName": name, "contentType": content_type, "type": kind, "postGroupId": group}
    return client.post(f"{BASE}/get-upload-url", body, format="json")


@pytest.fixture
def postpost(owner) -> APIClient:
    return dialect_client(owner.secret, "HTTP_X_API_KEY")


@pytest.fixture
def platforms(owner) -> list[str]:
    # The document's `['twitter-123456789', 'linkedin-ABC123']`: two connections.
    accounts = [SocialAccountFactory(workspace=owner.workspace) for _ in range(2)]
    return [f"{account.platform}-{account.pk}" for account in accounts]


@pytest.fixture
def world(postpost, platforms, run, mp4) -> World:
    group = _create_draft(postpost, platforms)
    asked = _ask(postpost, group).json()
    assert put(asked["uploadUrl"], JPEG, "image/jpeg").status_code == 200
    return World(postpost, platforms, group, asked["mediaId"], asked["uploadUrl"], run, mp4)


def _process_video(w: World) -> Response:
    video = SimpleUploadedFile("promo-video.mp4", w.mp4, "video/mp4")
    return w.run(
        lambda: w.client.post(
            "/media/process-video", {"video": video, "postGroupId": w.group}, format="multipart"
        )
    )


def _schedule(client: APIClient, group: str) -> Response:
    # Step 4, the document's body (its 2026-03-01 moved to the future).
    return client.put(
        f"{BASE}/update-post/{group}",
        {"status": "scheduled", "scheduledTime": "2099-03-01T14:00:00.000Z"},
        format="json",
    )


# The document's method and path → Crier's answer to its request, in `world`.
SCENARIOS: dict[tuple[str, str], Callable[[World], Response]] = {
    ("POST", "/api/v1/create-post"): lambda w: w.client.post(
        f"{BASE}/create-post", {"content": PRODUCT, "platforms": w.platforms}, format="json"
    ),
    ("POST", "/api/v1/get-upload-url"): lambda w: _ask(w.client, w.group, "photo2.jpg"),
    ("PUT", "{uploadUrl}"): lambda w: put(w.upload_url, JPEG, "image/jpeg"),
    ("PUT", "/api/v1/update-post/:postGroupId"): lambda w: w.run(
        lambda: _schedule(w.client, w.group)
    ),
    ("POST", "/media/process-video"): _process_video,
    ("DELETE", "/media/post/media/:mediaId"): lambda w: w.run(
        lambda: w.client.delete(f"/media/post/media/{w.media}")
    ),
}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_crier_answers_each_documented_route_with_its_fields_and_types(world, route):
    response = SCENARIOS[route.method, route.path](world)

    check_answer(response, route, SEED)
    if route.path != "{uploadUrl}":  # the signed URL is the credential: no key, no quota
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining"} <= set(response.headers)


# -- the document's examples ----------------------------------------------------------------


def test_example_complete_workflow_post_with_image_schedules_it_with_its_image(
    postpost, platforms, run
):
    group = _create_draft(postpost, platforms)
    assert set(Delivery.objects.filter(post_id=group).values_list("status", flat=True)) == {"draft"}
    data = _ask(postpost, group).json()
    assert put(data["uploadUrl"], JPEG, "image/jpeg").status_code == 200

    scheduled = run(lambda: _schedule(postpost, group))

    assert scheduled.status_code == 200, scheduled.content
    assert Post.objects.get(pk=group).media == [{"id": data["mediaId"], "alt": ""}]
    assert MediaAsset.objects.get(pk=data["mediaId"]).status == "ready"
    deliveries = Delivery.objects.filter(post_id=group)
    assert {(d.status, d.scheduled_at.isoformat()) for d in deliveries} == {
        ("scheduled", "2099-03-01T14:00:00+00:00")
    }


def test_example_upload_a_video_through_get_upload_url(postpost, platforms, run, mp4):
    group = _create_draft(postpost, platforms)
    response = _ask(postpost, group, "promo-video.mp4", kind="video")
    assert response.status_code == 200, response.content

    assert put(response.json()["uploadUrl"], mp4, "video/mp4").status_code == 200

    assert run(lambda: _schedule(postpost, group)).status_code == 200
    assert MediaAsset.objects.get(pk=response.json()["mediaId"]).kind == "video"


def test_example_four_images_are_all_attached_to_the_post_group(postpost, platforms, run):
    group = _create_draft(postpost, platforms)
    for image in ["photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg"]:
        response = _ask(postpost, group, image)
        assert response.status_code == 200, response.content
        assert put(response.json()["uploadUrl"], JPEG, "image/jpeg").status_code == 200

    # "All 4 images now attached to the post group"
    assert len(Post.objects.get(pk=group).media) == 4
    assert run(lambda: _schedule(postpost, group)).status_code == 200


def test_example_file_names_are_sanitised_as_the_document_says(postpost, platforms):
    group = _create_draft(postpost, platforms)

    response = _ask(postpost, group, "my photo (1).jpg")

    assert response.status_code == 200, response.content
    assert MediaAsset.objects.get(pk=response.json()["mediaId"]).filename == "my_photo_1.jpg"


def test_an_upload_url_asked_without_type_still_takes_the_file(postpost, platforms, run):
    # PostPost's documented flaw: without `type` its upload fails ("Always include this
    # parameter"). Crier reads the kind from contentType.
    group = _create_draft(postpost, platforms)
    body = {"fileName": "product-photo.jpg", "contentType": "image/jpeg", "postGroupId": group}

    response = postpost.post(f"{BASE}/get-upload-url", body, format="json")

    assert response.status_code == 200, response.content
    assert put(response.json()["uploadUrl"], JPEG, "image/jpeg").status_code == 200
    assert run(lambda: _schedule(postpost, group)).status_code == 200
    assert MediaAsset.objects.get(pk=response.json()["mediaId"]).kind == "image"


# -- the document's error rows ----------------------------------------------------------------


def _acting_as(caller: Caller, member_id: str) -> Response:
    client = dialect_client(caller.secret, "HTTP_X_API_KEY")
    return client.get(f"{BASE}/platform-connections", HTTP_X_POSTPOST_USER_ID=member_id)


def _published_media(w: World) -> Response:
    w.run(lambda: _schedule(w.client, w.group))  # the bytes are checked
    Delivery.objects.filter(post_id=w.group).update(status="published")
    return w.client.delete(f"/media/post/media/{w.media}")


def _cannot_sign(w: World, monkeypatch: pytest.MonkeyPatch) -> Response:
    def cannot_sign(**kwargs: object) -> str:
        raise OSError("no credentials for the bucket")  # the storage service refuses

    monkeypatch.setattr(storage, "upload_url", cannot_sign)
    return _ask(w.client, w.group, "photo2.jpg")


# The document's error message → the request that meets its cause, in `world`.
REFUSALS: dict[str, Callable[..., Response]] = {
    "fileName, contentType, and postGroupId are required": lambda w, **_: w.client.post(
        f"{BASE}/get-upload-url",
        {"fileName": "product-photo.jpg", "contentType": "image/jpeg"},
        format="json",
    ),
    "Invalid x-postpost-user-id": lambda w, **_: w.client.get(
        f"{BASE}/platform-connections", HTTP_X_POSTPOST_USER_ID="42"
    ),
    "API key is required": lambda w, **_: APIClient().post(
        f"{BASE}/get-upload-url", {}, format="json"
    ),
    "Invalid API key": lambda w, **_: APIClient().post(
        f"{BASE}/get-upload-url", {}, format="json", HTTP_X_API_KEY="crier_nope_nope"
    ),
    "MCP access is not enabled for this account": lambda w, **_: w.client.post(
        f"{BASE}/get-upload-url", {}, format="json", HTTP_X_POSTPOST_CLIENT="mcp"
    ),
    "Workspace access is not enabled for this key": lambda w, viewer, owner, **_: _acting_as(
        viewer, owner.member.pk
    ),
    "User is not managed by key": lambda w, owner, outsider, **_: _acting_as(
        owner, outsider.member.pk
    ),
    "Failed to create upload URL": lambda w, monkeypatch, **_: _cannot_sign(w, monkeypatch),
    "No video file uploaded": lambda w, **_: w.client.post(
        "/media/process-video", {"postGroupId": w.group}, format="multipart"
    ),
    "Unsupported video format. Allowed: MP4, MOV, AVI, MKV, WebM": lambda w, **_: w.client.post(
        "/media/process-video",
        {
            "video": SimpleUploadedFile("notes.txt", b"not a video", "text/plain"),
            "postGroupId": w.group,
        },
        format="multipart",
    ),
    "Cannot delete media from a post that has already been published or failed": lambda w, **_: (
        _published_media(w)
    ),
    "Unauthorized": lambda w, **_: APIClient().delete(f"/media/post/media/{w.media}"),
    "Media file not found": lambda w, **_: w.client.delete("/media/post/media/med_0000"),
}


def _error_id(row: DocumentedError) -> str:
    return f"{row.status} {row.error}"


@pytest.mark.parametrize("row", [row for row in ERRORS if row.answer], ids=_error_id)
def test_each_documented_error_is_answered_as_the_table_says(
    world, owner, viewer, outsider, monkeypatch, row
):
    before = (Post.objects.count(), MediaAsset.objects.count())

    response = REFUSALS[row.error](
        world, owner=owner, viewer=viewer, outsider=outsider, monkeypatch=monkeypatch
    )

    assert (response.status_code, response.json()) == (
        row.answer[0],
        {"success": False, "error": row.answer[1]},
    )
    assert (Post.objects.count(), MediaAsset.objects.count()) == before  # nothing changed


def test_error_rows_crier_answers_differently_or_never_say_why():
    for row in ERRORS:
        if row.answer != (row.status, row.error):
            assert row.why, _error_id(row)


def test_the_dashboard_route_crier_does_not_serve_is_refused_in_the_envelope(postpost):
    # The root `/media/<key>` file route takes the path: a PostPost client still reads
    # `{success, error}`, not an HTML page.
    response = postpost.post(
        "/media/generate-upload-url",
        {"fileName": "product-photo.jpg", "contentType": "image/jpeg"},
        format="json",
    )
    assert 400 <= response.status_code < 500
    assert response.json() == {"success": False, "error": "Method not allowed."}
    assert "/media/generate-upload-url" in NOT_SERVED


def test_a_managed_user_header_with_a_member_id_acts_as_that_member(owner, platforms):
    member = make_caller(MemberFactory(workspace=owner.workspace))
    assert _acting_as(owner, member.member.pk).status_code == 200


# -- the table against the document ------------------------------------------------------------


def test_the_table_has_one_route_per_scenario():
    assert {(route.method, route.path) for route in ROUTES} == SCENARIOS.keys()


def _under_base(path: str) -> str:
    """The upload flow writes `/create-post` for `${BASE_URL}/create-post`."""
    return path if path.startswith(("/api/", "/media/", "{")) else f"{BASE}{path}"


def test_the_table_covers_every_route_of_the_seed_document():
    with open(SEED, encoding="utf-8") as document:
        text = document.read()
    endpoints = re.findall(r"^(GET|POST|PUT|DELETE) https://api\.postpost\.dev(/\S+)$", text, re.M)
    flow = re.findall(r"^\d\. (GET|POST|PUT|DELETE) (\S+)", text, re.M)
    documented = set(endpoints) | {(method, _under_base(path)) for method, path in flow}
    assert documented == {(route.method, route.path) for route in ROUTES}


def test_the_error_table_has_every_error_row_of_the_seed_document():
    with open(SEED, encoding="utf-8") as document:
        text = document.read()
    rows = {(int(status), error) for status, error in re.findall(r'^(\d{3})"([^"]+)"', text, re.M)}
    rows |= {
        (int(status), "Unauthorized") for status in re.findall(r"^(\d{3})Unauthorized", text, re.M)
    }
    assert rows == {(row.status, row.error) for row in ERRORS}
