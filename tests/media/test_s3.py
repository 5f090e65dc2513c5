"""The presigned flow against a real S3 HTTP server (moto's), with CRIER_STORAGE=s3 settings."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from media.models import MediaAsset
from media.services import media_sweep
from tests.media.conftest import MEDIA

BUCKET = "crier-media"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint: str):
    """Media storage is that S3 server, as `CRIER_STORAGE=s3` configures it."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": "us-east-1",
                "endpoint_url": s3_endpoint,
                "file_overwrite": True,
                "signature_version": "s3v4",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
            },
        },
    }
    settings.CRIER_PUBLIC_MEDIA_URL = ""  # presigned GET URLs from the storage itself
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_presigned_put_then_complete_gives_ready_media_with_its_measurements(
    editor, samples, s3, s3_endpoint, run_after_commit
):
    sample = samples["mp4_30"]
    ticket = editor.client.post(
        f"{MEDIA}/upload-url",
        {"fileName": "launch clip.mp4", "contentType": "video/mp4", "type": "video"},
        format="json",
    ).json()
    assert ticket["uploadUrl"].startswith(f"{s3_endpoint}/{BUCKET}/uploads/{editor.workspace.pk}/")
    assert "X-Amz-Signature=" in ticket["uploadUrl"]

    put = httpx.put(ticket["uploadUrl"], content=sample.data, headers={"Content-Type": "video/mp4"})
    assert put.status_code == 200, put.text
    completed = run_after_commit(
        lambda: editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete")
    )

    assert completed.status_code == 200, completed.content
    body = editor.client.get(f"{MEDIA}/{ticket['mediaId']}").json()
    assert body["status"] == "ready"
    assert body["mime_type"] == "video/mp4"
    assert (body["width"], body["height"], body["fps"], body["codec"]) == (64, 48, 30, "h264")
    assert body["duration"] == pytest.approx(1.0, abs=0.1)
    assert body["size"] == len(sample.data)
    assert body["file_name"] == "launch_clip.mp4"
    asset = MediaAsset.objects.get(pk=ticket["mediaId"])
    poster = asset.storage_key.removesuffix(".mp4") + "-poster.jpg"
    assert keys(s3) == sorted([asset.storage_key, poster])
    assert httpx.get(body["url"]).content == sample.data  # the URL a platform would fetch


def test_bytes_that_contradict_the_declared_type_are_refused_and_removed_from_s3(
    editor, samples, s3, run_after_commit
):
    ticket = editor.client.post(
        f"{MEDIA}/upload-url", {"fileName": "a.png", "contentType": "image/png"}, format="json"
    ).json()
    httpx.put(
        ticket["uploadUrl"], content=samples["jpeg"].data, headers={"Content-Type": "image/png"}
    )

    response = run_after_commit(lambda: editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete"))

    assert response.status_code == 422
    assert response.json() == {
        "errors": ["The file was declared as image/png, but its bytes are image/jpeg."]
    }
    assert keys(s3) == []


def test_multipart_uploads_and_deletion_reach_s3(editor, samples, s3, upload, run_after_commit):
    media_id = upload(editor, samples["webp"]).json()["id"]
    assert len(keys(s3)) == 2  # original and JPEG copy

    response = run_after_commit(lambda: editor.client.delete(f"{MEDIA}/{media_id}"))

    assert response.status_code == 204
    assert keys(s3) == []


def test_completing_before_the_put_says_nothing_was_uploaded(editor, s3):
    ticket = editor.client.post(
        f"{MEDIA}/upload-url", {"fileName": "a.png", "contentType": "image/png"}, format="json"
    ).json()

    response = editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete")

    assert response.status_code == 422
    assert response.json()["errors"][0].startswith("Nothing has been uploaded")


def test_a_put_to_the_upload_url_after_complete_changes_nothing_that_is_served(
    editor, samples, s3, run_after_commit
):
    original = samples["png"].data
    ticket = editor.client.post(
        f"{MEDIA}/upload-url", {"fileName": "a.png", "contentType": "image/png"}, format="json"
    ).json()
    httpx.put(ticket["uploadUrl"], content=original, headers={"Content-Type": "image/png"})
    body = run_after_commit(
        lambda: editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete")
    ).json()
    assert body["status"] == "ready"
    served_key = MediaAsset.objects.get(pk=ticket["mediaId"]).storage_key
    assert httpx.URL(ticket["uploadUrl"]).path != f"/{BUCKET}/{served_key}"

    # S3 cannot revoke a presigned URL: the PUT is taken, but lands away from what is served.
    swapped = samples["jpeg"].data
    late = httpx.put(ticket["uploadUrl"], content=swapped, headers={"Content-Type": "image/png"})
    assert late.status_code == 200

    assert httpx.get(body["url"]).content == original
    assert s3.get_object(Bucket=BUCKET, Key=served_key)["Body"].read() == original
    assert editor.client.get(f"{MEDIA}/{ticket['mediaId']}").json()["sha256"] == body["sha256"]
    run_after_commit(lambda: media_sweep())  # and the late object is cleaned up
    assert keys(s3) == [served_key]


def test_an_oversize_put_to_s3_is_refused_at_complete_before_it_is_copied(
    editor, samples, s3, settings, run_after_commit
):
    data = samples["png"].data
    settings.CRIER_MEDIA_MAX_IMAGE_BYTES = len(data) - 1
    ticket = editor.client.post(
        f"{MEDIA}/upload-url", {"fileName": "a.png", "contentType": "image/png"}, format="json"
    ).json()
    httpx.put(ticket["uploadUrl"], content=data, headers={"Content-Type": "image/png"})

    response = run_after_commit(lambda: editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete"))

    assert response.status_code == 422
    assert response.json() == {
        "errors": [f"The image is {len(data)} bytes; the limit is {len(data) - 1} bytes."]
    }
    assert MediaAsset.objects.get(pk=ticket["mediaId"]).status == "failed"
    assert keys(s3) == []
