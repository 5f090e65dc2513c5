"""One post through the whole pipeline to each platform, against its documented exchange.

`POST /api/v1/posts/schedule/publish` → job task → publish task → (for two-phase platforms)
the dispatcher's poll tasks, all run in this process with eager tasks, so the respx routes
of tests/platforms.py answer every platform request. Each test checks where the delivery
ends, what `GET /api/v1/job_status/{id}` says and what the platform received. The failure
paths run once each: a rate limit, an expired token, a permanent refusal.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import respx
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import SocialAccount
from connectors.registry import CONNECTORS
from posts import content, tasks
from posts.models import Delivery
from tests.conftest import Caller
from tests.factories import SocialAccountFactory
from tests.media import files
from tests.platforms import (
    ALT_TEXT,
    PLATFORMS,
    TEXT,
    WEBHOOK_URL,
    Platform,
)

pytestmark = pytest.mark.django_db

PUBLISH_NOW = "/api/v1/posts/schedule/publish"
MEDIA_URL = "http://testserver/media/"
UPLOADS = {
    "jpeg": ("rocket.jpg", "image/jpeg"),
    "png": ("rocket.png", "image/png"),
    "mp4": ("launch.mp4", "video/mp4"),
}


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("platform-samples")
    return {
        "jpeg": files.image_bytes("JPEG", size=(320, 320)),
        "png": files.image_bytes("PNG", size=(320, 320)),
        "mp4": files.video_bytes(folder / "launch.mp4", fps=30, seconds=4, size=(360, 640)),
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Media stored in this test's folder and served at http://testserver/media/."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/media/", "allow_overwrite": True},
        },
    }
    settings.CRIER_PUBLIC_URL = "http://testserver"
    settings.CRIER_PUBLIC_MEDIA_URL = MEDIA_URL
    return root


@pytest.fixture(autouse=True)
def immediate_polls(settings) -> None:
    # A processing delivery is due for its next poll at once: each dispatcher run is a round.
    settings.CRIER_POLL_INTERVAL = timedelta(0)


@pytest.fixture(autouse=True)
def public_dns(monkeypatch) -> None:
    """The webhook connector's address guard resolves hooks.example.com to a public address
    (the suite never asks a real resolver); every other name resolves as usual (Redis)."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == urlsplit(WEBHOOK_URL).hostname:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]
        return resolve(host, port, *args, **kwargs)

    monkeypatch.setattr("connectors.webhook.socket.getaddrinfo", getaddrinfo)


def serve_media(respx_mock: respx.MockRouter, media_root: Path) -> respx.Route:
    """Crier serving its stored files to the platforms that download them."""

    def serve(request: httpx.Request) -> httpx.Response:
        path = media_root / request.url.path.removeprefix("/media/")
        if not path.is_file():
            return httpx.Response(404)
        return httpx.Response(200, content=path.read_bytes())

    return respx_mock.get(url__startswith=MEDIA_URL).mock(side_effect=serve)


@pytest.fixture
def run(
    eager_tasks: None, django_capture_on_commit_callbacks: Callable
) -> Callable[[Callable], object]:
    """Do something, then what it left for after commit (the tasks it sent), as workers would."""

    def run(action: Callable[[], object]) -> object:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    from config import celery_app

    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


def connect(caller: Caller, platform: Platform) -> SocialAccount:
    return SocialAccountFactory(
        workspace=caller.workspace,
        platform=platform.slug,
        external_id=platform.external_id,
        credentials=platform.credentials,
    )


def upload(caller: Caller, run, kind: str, data: bytes) -> str:
    name, mime_type = UPLOADS[kind]
    file = SimpleUploadedFile(name, data, mime_type)
    response = run(lambda: caller.client.post("/api/v1/media", {"file": file}, format="multipart"))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def publish_now(
    caller: Caller,
    run,
    account: SocialAccount,
    *,
    network: dict | None = None,
    media_id: str | None = None,
    thread: tuple[str, ...] = (),
) -> str:
    block: dict = {"type": "photo" if media_id else "status", "text": TEXT, **(network or {})}
    if thread:
        block["thread"] = list(thread)
    item: dict = {"networks": {account.platform: block}, "accounts": [{"id": account.pk}]}
    if media_id:
        item["media"] = [{"id": media_id, "alt": ALT_TEXT}]
    body = {"bulk": {"state": "scheduled", "posts": [item]}}
    response = run(lambda: caller.client.post(PUBLISH_NOW, body, format="json"))
    assert response.status_code == 202, response.content
    return response.json()["job_id"]


def dispatcher_round(run) -> None:
    """One beat of the dispatcher: claims due retries, sends polls for processing posts."""
    run(lambda: tasks.dispatch.delay())


def job_status(caller: Caller, job_id: str) -> dict:
    response = caller.client.get(f"/api/v1/job_status/{job_id}")
    assert response.status_code == 200, response.content
    return response.json()


def only_delivery(account: SocialAccount) -> Delivery:
    (delivery,) = Delivery.objects.filter(account=account)
    return delivery


def test_every_registered_platform_has_an_end_to_end_scenario():
    assert set(PLATFORMS) == set(CONNECTORS) - {"sandbox", "sandbox_plain"}


@pytest.mark.parametrize("slug", sorted(PLATFORMS))
def test_a_post_is_published_through_the_pipeline_with_the_documented_exchange(
    slug, editor, run, respx_mock, media_root, sample_files
):
    platform = PLATFORMS[slug]
    account = connect(editor, platform)
    media_id = None
    if platform.media:
        media_id = upload(editor, run, platform.media, sample_files[platform.media])
    routes = platform.mock(respx_mock)
    if platform.downloads:
        routes["crier media"] = serve_media(respx_mock, media_root)

    job_id = publish_now(
        editor, run, account, network=platform.network, media_id=media_id, thread=platform.thread
    )

    assert job_status(editor, job_id)["payload"]["failures"] == {}
    for _ in range(platform.polls):
        assert only_delivery(account).status == "processing"
        assert job_status(editor, job_id)["status"] == "working"
        dispatcher_round(run)
    delivery = only_delivery(account)
    assert (delivery.status, delivery.error_message) == ("published", "")
    assert delivery.external_id == platform.published.external_id
    assert delivery.external_url == platform.published.url
    status = job_status(editor, job_id)
    assert status["status"] == "completed"
    assert status["payload"]["failures"] == {}
    assert [(post["state"], post["url"]) for post in status["payload"]["posts"]] == [
        ("published", platform.published.url)
    ]
    media_url = content.content_for(delivery).media[0].url if media_id else ""
    platform.check(routes, media_url)
