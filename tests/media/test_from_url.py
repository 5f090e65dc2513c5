"""POST /api/v1/media/from-url: a worker fetches the file, never from Crier's own network."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import pytest

from core import netguard
from media import fetching
from media.models import MediaAsset
from tests.dns import FakeNetwork
from tests.fileserver import FileServer, serving
from tests.media.conftest import MEDIA, stored_files

FROM_URL = f"{MEDIA}/from-url"
PUBLIC = "93.184.216.34"  # what the fake DNS answers for the test's public names


@pytest.fixture
def file_server(samples) -> Iterator[FileServer]:
    files = {"/pictures/summer%20logo.png": samples["png"].data, "/clip": samples["mp4_15"].data}
    with serving(files) as server:
        yield server


def fetch(caller, url: str, run_after_commit):
    """Ask for the fetch and run the worker's task, as the media queue would."""
    return run_after_commit(lambda: caller.client.post(FROM_URL, {"url": url}, format="json"))


def test_fetches_a_file_and_probes_it(
    editor, file_server, private_urls_allowed, run_after_commit, samples
):
    response = fetch(editor, file_server.url("/pictures/summer%20logo.png"), run_after_commit)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["job_id"] == body["media_id"]
    asset = editor.client.get(f"{MEDIA}/{body['job_id']}").json()
    assert asset["status"] == "ready", asset
    assert (asset["mime_type"], asset["width"], asset["height"]) == ("image/png", 64, 48)
    assert asset["size"] == len(samples["png"].data)
    assert asset["file_name"] == "summer_logo.png"
    assert asset["source_url"] == file_server.url("/pictures/summer%20logo.png")
    assert asset["url"].endswith(".png")


def test_follows_redirects_and_takes_the_type_from_the_bytes(
    editor, file_server, private_urls_allowed, run_after_commit
):
    file_server.redirects["/latest"] = "/clip"

    body = fetch(editor, file_server.url("/latest"), run_after_commit).json()

    asset = editor.client.get(f"{MEDIA}/{body['media_id']}").json()
    assert (asset["status"], asset["mime_type"], asset["fps"]) == ("ready", "video/mp4", 15)
    assert file_server.requested == ["/latest", "/clip"]


def test_a_loopback_url_is_refused_before_anything_is_fetched(editor, file_server):
    response = editor.client.post(
        FROM_URL, {"url": file_server.url("/pictures/summer%20logo.png")}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            "url: The host 127.0.0.1 resolves to 127.0.0.1, a private or reserved address; "
            "Crier does not call those."
        ]
    }
    assert file_server.requested == []
    assert MediaAsset.objects.count() == 0


@pytest.mark.parametrize("url", ["ftp://example.com/a.png", "http://169.254.169.254/latest"])
def test_other_schemes_and_the_metadata_service_are_refused(editor, url):
    response = editor.client.post(FROM_URL, {"url": url}, format="json")

    assert response.status_code == 400
    assert MediaAsset.objects.count() == 0


@pytest.fixture
def network(monkeypatch) -> FakeNetwork:
    return FakeNetwork(monkeypatch)


def test_a_redirect_to_loopback_is_refused(editor, samples, run_after_commit, network, media_root):
    with serving({"/logo.png": samples["png"].data}) as server:
        network.answer("files.example", PUBLIC)
        network.route(PUBLIC, server.port)
        server.redirects["/go"] = f"http://127.0.0.1:{server.port}/logo.png"
        body = fetch(editor, f"http://files.example:{server.port}/go", run_after_commit).json()

    asset = MediaAsset.objects.get(pk=body["media_id"])
    assert asset.status == "failed"
    assert asset.error == (
        "The host 127.0.0.1 resolves to 127.0.0.1, a private or reserved address; "
        "Crier does not call those."
    )
    assert server.requested == ["/go"]
    assert network.connected == [PUBLIC]
    assert stored_files(media_root) == []


def test_the_address_connected_to_is_the_address_checked(editor, monkeypatch, run_after_commit):
    # DNS rebinding: the name passes the first check, then resolves to loopback.
    answers = iter(["93.184.216.34", "127.0.0.1"])

    def resolve(host: str, port: int, **kwargs: object):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), port))]

    monkeypatch.setattr(netguard.socket, "getaddrinfo", resolve)

    body = fetch(editor, "http://rebind.example/logo.png", run_after_commit).json()

    asset = MediaAsset.objects.get(pk=body["media_id"])
    assert asset.status == "failed"
    assert "resolves to 127.0.0.1" in asset.error


def test_the_worker_connects_to_the_checked_address_and_sends_the_name_as_host(samples, network):
    target = io.BytesIO()
    with serving({"/logo.png": samples["png"].data}) as server:
        network.answer("files.example", PUBLIC)
        network.route(PUBLIC, server.port)
        name = fetching.fetch(
            f"http://user:pw@files.example:{server.port}/logo.png", target, max_bytes=10**6
        )

    assert (name, target.getvalue()) == ("logo.png", samples["png"].data)
    assert network.connected == [PUBLIC]
    # The server saw its own name (never the credentials) as Host.
    assert server.hosts == [f"files.example:{server.port}"]


def test_the_worker_fetches_from_the_next_checked_address_when_the_first_refuses(samples, network):
    target = io.BytesIO()
    with serving({"/logo.png": samples["png"].data}) as server:
        network.answer("round-robin.example", "151.101.1.140", PUBLIC)
        network.route(PUBLIC, server.port)
        name = fetching.fetch(
            f"http://round-robin.example:{server.port}/logo.png", target, max_bytes=10**6
        )

    assert (name, target.getvalue()) == ("logo.png", samples["png"].data)
    assert network.connected == ["151.101.1.140", PUBLIC]


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/missing", "answered HTTP 404."),
        ("/clip", "The file is 1"),  # over the limit set below
    ],
)
def test_a_failed_fetch_is_recorded_on_the_media(
    editor, file_server, private_urls_allowed, run_after_commit, settings, path, error
):
    settings.CRIER_MEDIA_MAX_VIDEO_BYTES = settings.CRIER_MEDIA_MAX_IMAGE_BYTES = 1000

    body = fetch(editor, file_server.url(path), run_after_commit).json()

    asset = editor.client.get(f"{MEDIA}/{body['media_id']}").json()
    assert asset["status"] == "failed"
    assert error in asset["error"]


def test_a_fetched_file_whose_bytes_are_not_media_is_refused(
    editor, file_server, private_urls_allowed, run_after_commit
):
    file_server.files["/page"] = b"<html><body>not an image</body></html>"

    body = fetch(editor, file_server.url("/page"), run_after_commit).json()

    asset = MediaAsset.objects.get(pk=body["media_id"])
    assert asset.status == "failed"
    assert asset.error.startswith("The file is not a file type Crier recognizes")


def test_another_workspace_cannot_see_the_fetch(
    editor, outsider, file_server, private_urls_allowed, run_after_commit
):
    body = fetch(editor, file_server.url("/clip"), run_after_commit).json()

    assert outsider.client.get(f"{MEDIA}/{body['media_id']}").status_code == 404
