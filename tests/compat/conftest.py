"""Fixtures the Postiz dialect's test files share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fileserver import FileServer, serving
from tests.media import files


@pytest.fixture
def picture_site(settings, tmp_path) -> Iterator[FileServer]:
    settings.CRIER_ALLOW_PRIVATE_URLS = True  # the site is on loopback in the test
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/"},
        },
    }
    pictures = {f"/image{n}.png": files.image_bytes("PNG") for n in range(1, 4)}
    pictures["/notes.txt"] = b"not a picture"
    with serving(pictures) as server:
        yield server
