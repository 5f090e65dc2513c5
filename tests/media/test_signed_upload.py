"""Signed upload URLs on local storage: upload-url → PUT to Crier → complete."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from media import storage
from media.models import MediaAsset, StorageDeletion
from media.services import media_sweep
from tests.media.conftest import MEDIA, UPLOAD_URL, ask, put, stored_files


def test_the_signed_url_flow_ends_with_ready_media(editor, samples, run_after_commit):
    sample = samples["png"]
    ticket = ask(editor, sample, type="image")

    assert ticket["uploadUrl"].startswith("http://testserver/uploads/")
    assert ticket["fileUrl"].startswith(f"http://testserver/media/{editor.workspace.pk}/")
    assert ticket["mediaId"].startswith("med_")
    expires = timezone.datetime.fromisoformat(ticket["expiresAt"])
    assert timedelta(minutes=59) < expires - timezone.now() <= timedelta(hours=1)
    pending = editor.client.get(f"{MEDIA}/{ticket['mediaId']}").json()
    assert (pending["status"], pending["url"]) == ("pending_upload", None)

    assert put(ticket["uploadUrl"], sample.data, sample.content_type).status_code == 200
    completed = run_after_commit(
        lambda: editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete")
    )

    assert completed.status_code == 200, completed.content
    body = completed.json()
    assert body["status"] == "ready"
    assert (body["mime_type"], body["width"], body["height"]) == ("image/png", 64, 48)
    assert body["url"] == ticket["fileUrl"]
    assert Client().get(ticket["fileUrl"].removeprefix("http://testserver")).status_code == 200
    # Completing again changes nothing.
    assert editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete").json() == body


def test_a_put_to_the_upload_url_after_complete_is_refused_and_changes_nothing(
    editor, samples, media_root, run_after_commit
):
    ticket = ask(editor, samples["png"])
    put(ticket["uploadUrl"], samples["png"].data)
    run_after_commit(lambda: editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete"))
    asset = MediaAsset.objects.get(pk=ticket["mediaId"])

    late = put(ticket["uploadUrl"], samples["jpeg"].data)

    assert late.status_code == 404
    assert (media_root / asset.storage_key).read_bytes() == samples["png"].data
    assert stored_files(media_root) == [asset.storage_key]  # the upload's own copy is gone


def test_a_second_complete_while_one_is_checking_the_upload_waits_its_turn(editor, samples):
    ticket = ask(editor, samples["png"])
    put(ticket["uploadUrl"], samples["png"].data)
    # Another request has claimed the upload and is copying and checking it.
    MediaAsset.objects.filter(pk=ticket["mediaId"]).update(
        completing_until=timezone.now() + timedelta(minutes=5)
    )

    response = editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete")

    assert response.status_code == 409
    assert response.json() == {
        "errors": [f"Media {ticket['mediaId']} is being completed; read it again."]
    }
    assert MediaAsset.objects.get(pk=ticket["mediaId"]).status == "pending_upload"
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):  # its process died
        retried = editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete")
    assert retried.status_code == 200


def test_an_expired_upload_url_is_refused(editor, samples):
    ticket = ask(editor, samples["png"])

    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        response = put(ticket["uploadUrl"], samples["png"].data)

    assert response.status_code == 403
    assert response.json() == {"errors": ["This upload URL has expired; ask for a new one."]}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url[:-1] + ("A" if url[-1] != "A" else "B"),
        lambda url: url.replace("/uploads/", "/uploads/x"),
    ],
    ids=["signature", "payload"],
)
def test_a_tampered_upload_url_is_refused(editor, samples, media_root, tamper):
    ticket = ask(editor, samples["png"])

    response = put(tamper(ticket["uploadUrl"]), samples["png"].data)

    assert response.status_code == 403
    assert response.json() == {"errors": ["This upload URL is not valid."]}
    assert stored_files(media_root) == []


def test_a_put_larger_than_the_declared_kind_allows_is_refused(editor, samples, settings):
    settings.CRIER_MEDIA_MAX_IMAGE_BYTES = 10
    ticket = ask(editor, samples["png"])

    response = put(ticket["uploadUrl"], samples["png"].data)

    assert response.status_code == 413


def test_bytes_that_contradict_the_declared_type_fail_the_media(
    editor, samples, media_root, run_after_commit
):
    ticket = ask(editor, samples["png"])  # declared image/png
    put(ticket["uploadUrl"], samples["jpeg"].data)

    response = run_after_commit(lambda: editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete"))

    assert response.status_code == 422
    message = "The file was declared as image/png, but its bytes are image/jpeg."
    assert response.json() == {"errors": [message]}
    asset = MediaAsset.objects.get(pk=ticket["mediaId"])
    assert (asset.status, asset.error) == ("failed", message)
    assert stored_files(media_root) == []
    # The URL stays valid for a while: its key keeps being cleaned until it expires.
    assert StorageDeletion.objects.filter(key=asset.storage_key).exists()
    conflict = editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete")
    assert conflict.status_code == 409
    assert conflict.json() == {"errors": [f"Media {asset.pk} failed: {message}"]}


def test_completing_before_the_put_says_so_and_keeps_waiting(editor, samples):
    ticket = ask(editor, samples["png"])

    response = editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete")

    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            f"Nothing has been uploaded for media {ticket['mediaId']} yet: "
            "PUT the file to its upload URL."
        ]
    }
    assert MediaAsset.objects.get(pk=ticket["mediaId"]).status == "pending_upload"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"contentType": "application/pdf"}, "contentType: application/pdf is not accepted"),
        (
            {"contentType": "video/mp4", "type": "image"},
            "type: video/mp4 is a video, not an image.",
        ),
        ({"fileName": ""}, "fileName: This field may not be blank."),
    ],
)
def test_an_upload_url_for_a_type_crier_refuses_is_not_issued(editor, body, message):
    response = editor.client.post(
        UPLOAD_URL, {"fileName": "a.png", "contentType": "image/png", **body}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0].startswith(message)
    assert MediaAsset.objects.count() == 0


def test_a_key_only_ever_comes_from_crier(editor, samples):
    ticket = ask(editor, samples["png"], fileName="../../etc/passwd.png")

    asset = MediaAsset.objects.get(pk=ticket["mediaId"])
    assert asset.storage_key.startswith(f"{editor.workspace.pk}/")
    assert "passwd" not in asset.storage_key and ".." not in asset.storage_key
    assert asset.filename == "passwd.png"


def test_an_upload_never_completed_is_failed_and_removed_by_the_sweep(
    editor, samples, media_root, run_after_commit
):
    ticket = ask(editor, samples["png"])
    put(ticket["uploadUrl"], samples["png"].data)
    assert len(stored_files(media_root)) == 1

    later = timezone.now() + timedelta(hours=1, minutes=1)
    with time_machine.travel(later):
        counts = run_after_commit(lambda: media_sweep())

    assert counts["expired"] == 1
    asset = MediaAsset.objects.get(pk=ticket["mediaId"])
    assert (asset.status, asset.error) == (
        "failed",
        "The upload was not completed before its URL expired.",
    )
    assert stored_files(media_root) == []
    assert not StorageDeletion.objects.exists()  # its URL has expired too: nothing to watch


def test_a_late_put_after_a_failure_is_removed_by_the_sweep_until_the_url_expires(
    editor, samples, media_root, run_after_commit
):
    ticket = ask(editor, samples["png"])
    put(ticket["uploadUrl"], samples["jpeg"].data)
    run_after_commit(lambda: editor.client.post(f"{MEDIA}/{ticket['mediaId']}/complete"))
    asset = MediaAsset.objects.get(pk=ticket["mediaId"])
    # A PUT straight to storage (as to S3, which cannot be stopped): the sweep removes it.
    late = media_root / storage.upload_key(asset.storage_key)
    late.parent.mkdir(parents=True, exist_ok=True)
    late.write_bytes(samples["png"].data)

    media_sweep()
    assert stored_files(media_root) == []
    assert StorageDeletion.objects.filter(key=asset.storage_key).exists()

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        media_sweep()
    assert not StorageDeletion.objects.exists()


def test_another_workspace_cannot_complete_or_read_a_pending_upload(editor, outsider, samples):
    ticket = ask(editor, samples["png"])
    put(ticket["uploadUrl"], samples["png"].data)

    assert outsider.client.post(f"{MEDIA}/{ticket['mediaId']}/complete").status_code == 404
    assert outsider.client.get(f"{MEDIA}/{ticket['mediaId']}").status_code == 404
    assert MediaAsset.objects.get(pk=ticket["mediaId"]).status == "pending_upload"


def test_the_upload_url_takes_only_a_put(editor, samples):
    ticket = ask(editor, samples["png"])

    response = Client().post(ticket["uploadUrl"].removeprefix("http://testserver"))

    assert response.status_code == 405
    assert response["Allow"] == "PUT"
    assert response.json() == {"errors": ["Method POST not allowed: PUT the file."]}
