"""Media fixtures: real files, storage in a temporary folder, tasks run in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.response import Response

from config.celery import app as celery_app
from tests.conftest import Caller
from tests.media import files

MEDIA = "/api/v1/media"
UPLOAD_URL = f"{MEDIA}/upload-url"


@dataclass(frozen=True)
class Sample:
    name: str
    data: bytes
    content_type: str


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Sample]:
    folder = tmp_path_factory.mktemp("samples")
    jpeg = files.image_bytes("JPEG")
    return {
        "png": Sample("logo.png", files.image_bytes("PNG"), "image/png"),
        "jpeg": Sample("photo.jpg", jpeg, "image/jpeg"),
        "webp": Sample("art.webp", files.image_bytes("WEBP", mode="RGBA"), "image/webp"),
        "mp4_30": Sample("clip.mp4", files.video_bytes(folder / "30.mp4", fps=30), "video/mp4"),
        "mp4_15": Sample("slow.mp4", files.video_bytes(folder / "15.mp4", fps=15), "video/mp4"),
        # JPEG bytes behind a PNG name: the extension lies.
        "lying": Sample("holiday.png", jpeg, "application/octet-stream"),
        "bomb": Sample("bomb.png", files.bomb_bytes(), "image/png"),
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Each test stores media in its own folder, served at http://testserver/media/."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/media/", "allow_overwrite": True},
        },
    }
    settings.CRIER_PUBLIC_URL = "http://testserver"
    settings.CRIER_PUBLIC_MEDIA_URL = "http://testserver/media/"
    return root


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Celery tasks run inside `.delay()`, and their exceptions reach the test."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def run_after_commit(eager_tasks: None, django_capture_on_commit_callbacks: Callable):
    """Run what a block left for after commit (tasks on the media queue), as in production."""

    def run(action: Callable[[], Response]) -> Response:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def upload(run_after_commit) -> Callable[..., Response]:
    """POST a sample through the multipart endpoint, then run its renditions task."""

    def upload(caller: Caller, sample: Sample, **overrides: str) -> Response:
        file = SimpleUploadedFile(
            overrides.get("name", sample.name),
            sample.data,
            overrides.get("content_type", sample.content_type),
        )
        return run_after_commit(
            lambda: caller.client.post(MEDIA, {"file": file}, format="multipart")
        )

    return upload


def ask(caller: Caller, sample: Sample, **overrides: str) -> dict:
    """A signed upload URL for `sample`: {uploadUrl, fileUrl, mediaId, expiresAt}."""
    body = {"fileName": sample.name, "contentType": sample.content_type, **overrides}
    response = caller.client.post(UPLOAD_URL, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def put(upload_url: str, data: bytes, content_type: str = "application/octet-stream"):
    """The client's PUT to a local signed upload URL."""
    return Client().put(upload_url.removeprefix("http://testserver"), data, content_type)


def stored_files(root: Path) -> list[str]:
    """Every object in local storage, as keys."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
