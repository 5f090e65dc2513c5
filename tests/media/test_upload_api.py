"""POST /api/v1/media (multipart), GET/DELETE /api/v1/media[/{id}]: bytes decide the type."""

from __future__ import annotations

import hashlib

import av
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media import renditions
from media.models import MediaAsset
from media.services import sanitize_filename
from tests.media import files
from tests.media.conftest import MEDIA, Sample, stored_files


def test_uploads_a_png_and_measures_it(editor, samples, upload, media_root):
    response = upload(editor, samples["png"])

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("med_")
    assert body["status"] == "ready"
    assert body["type"] == "image"
    assert body["mime_type"] == "image/png"
    assert (body["width"], body["height"], body["aspect_ratio"]) == (64, 48, 1.3333)
    assert body["size"] == len(samples["png"].data)
    assert body["sha256"] == hashlib.sha256(samples["png"].data).hexdigest()
    assert body["file_name"] == "logo.png"
    key = MediaAsset.objects.get(pk=body["id"]).storage_key
    assert key.startswith(f"{editor.workspace.pk}/") and key.endswith(".png")
    assert body["url"] == f"http://testserver/media/{key}"
    assert (media_root / key).read_bytes() == samples["png"].data


def test_a_webp_gets_a_jpeg_copy_on_the_media_queue(editor, samples, upload, media_root):
    uploaded = upload(editor, samples["webp"]).json()
    assert uploaded["status"] == "processing"  # answered before the media queue ran

    body = editor.client.get(f"{MEDIA}/{uploaded['id']}").json()
    assert body["status"] == "ready"
    assert body["mime_type"] == "image/webp"
    [rendition] = body["renditions"]
    assert rendition["name"] == "jpeg"
    assert rendition["mime_type"] == "image/jpeg"
    assert (rendition["width"], rendition["height"]) == (64, 48)
    key = rendition["url"].removeprefix("http://testserver/media/")
    assert (media_root / key).read_bytes()[:3] == b"\xff\xd8\xff"


def test_a_video_is_probed_and_gets_a_poster_frame(editor, samples, upload):
    media_id = upload(editor, samples["mp4_30"]).json()["id"]

    body = editor.client.get(f"{MEDIA}/{media_id}").json()

    assert body["status"] == "ready", body
    assert body["type"] == "video"
    assert body["mime_type"] == "video/mp4"
    assert (body["width"], body["height"]) == (64, 48)
    assert body["fps"] == 30
    assert body["duration"] == pytest.approx(1.0, abs=0.1)
    assert body["codec"] == "h264"
    assert body["bit_rate"] > 0
    assert [r["name"] for r in body["renditions"]] == ["poster"]


def test_a_file_name_is_sanitized_and_the_original_kept(editor, samples, upload):
    body = upload(editor, samples["jpeg"], name="../my photo (1).jpg").json()

    assert body["file_name"] == "my_photo_1.jpg"
    assert body["original_file_name"] == "my photo (1).jpg"


@pytest.mark.parametrize(
    ("name", "sanitized"),
    [("..", "file"), ("a" * 300 + ".jpg", "a" * 196 + ".jpg"), ("C:\\x\\é t.png", "é_t.png")],
)
def test_file_names_are_cut_to_safe_names(name, sanitized):
    assert sanitize_filename(name) == sanitized


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("sample", "overrides", "message"),
    [
        ("lying", {}, "The file was declared as image/png, but its bytes are image/jpeg."),
        (
            "jpeg",
            {"content_type": "image/png"},
            "The file was declared as image/png, but its bytes are image/jpeg.",
        ),
        ("bomb", {}, "The image is 10000x10000 pixels; the limit is 89478485 pixels."),
    ],
    ids=["lying extension", "lying content type", "decompression bomb"],
)
def test_a_file_whose_bytes_do_not_hold_up_is_refused_and_nothing_is_kept(
    editor, samples, upload, media_root, sample, overrides, message
):
    response = upload(editor, samples[sample], **overrides)

    assert response.status_code == 422
    assert response.json() == {"errors": [message]}
    assert MediaAsset.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.fixture(scope="module")
def huge_video(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    path = tmp_path_factory.mktemp("huge") / "huge.mp4"
    return Sample("huge.mp4", files.huge_video_bytes(path), "video/mp4")


def test_a_video_declaring_more_pixels_than_the_limit_is_refused_before_any_decoding(
    editor, huge_video, upload, media_root
):
    response = upload(editor, huge_video)

    assert response.status_code == 422
    assert response.json() == {
        "errors": ["The video is 8192x8192 pixels; the limit is 33177600 pixels."]
    }
    assert MediaAsset.objects.count() == 0
    assert stored_files(media_root) == []


def test_the_video_pixel_limit_is_a_setting(editor, samples, upload, media_root, settings):
    settings.CRIER_MEDIA_MAX_VIDEO_PIXELS = 64 * 48 - 1

    response = upload(editor, samples["mp4_30"])

    assert response.status_code == 422
    assert response.json() == {"errors": ["The video is 64x48 pixels; the limit is 3071 pixels."]}
    assert stored_files(media_root) == []


def test_the_poster_decoder_refuses_frames_past_the_video_pixel_limit(samples, settings, tmp_path):
    source = tmp_path / "clip.mp4"
    source.write_bytes(samples["mp4_30"].data)
    (poster,) = renditions.plans_for("video/mp4")
    assert renditions.make(poster, source, tmp_path / "poster.jpg") == (64, 48)

    settings.CRIER_MEDIA_MAX_VIDEO_PIXELS = 64 * 48 - 1
    with pytest.raises(av.FFmpegError):
        renditions.make(poster, source, tmp_path / "refused.jpg")
    assert not (tmp_path / "refused.jpg").exists()


def test_a_type_crier_does_not_take_is_refused(editor, upload, media_root, samples):
    pdf = samples["png"].__class__("doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "")

    response = upload(editor, pdf)

    assert response.status_code == 422
    [message] = response.json()["errors"]
    assert message.startswith("The file is a application/pdf file; send JPEG, PNG, GIF")


def test_an_image_over_its_limit_is_refused_though_under_the_video_limit(
    editor, samples, upload, settings
):
    settings.CRIER_MEDIA_MAX_IMAGE_BYTES = 100

    response = upload(editor, samples["png"])

    assert response.status_code == 422
    size = len(samples["png"].data)
    assert response.json() == {"errors": [f"The image is {size} bytes; the limit is 100 bytes."]}


def test_a_body_over_every_limit_is_refused_before_it_is_read(editor, settings):
    settings.CRIER_MEDIA_MAX_IMAGE_BYTES = settings.CRIER_MEDIA_MAX_VIDEO_BYTES = 10
    file = SimpleUploadedFile("big.png", b"x" * 200_000, "image/png")

    response = editor.client.post(MEDIA, {"file": file}, format="multipart")

    assert response.status_code == 413
    assert "the limit is 10 bytes" in response.json()["errors"][0]


def test_a_file_part_passing_the_limit_stops_the_upload(editor, settings):
    settings.CRIER_MEDIA_MAX_IMAGE_BYTES = settings.CRIER_MEDIA_MAX_VIDEO_BYTES = 70_000
    file = SimpleUploadedFile("big.png", b"x" * 100_000, "image/png")

    response = editor.client.post(MEDIA, {"file": file}, format="multipart")

    assert response.status_code == 413
    assert response.json() == {"errors": ["The file is larger than the limit of 70000 bytes."]}
    assert MediaAsset.objects.count() == 0


def test_uploads_larger_than_the_json_body_limit_are_accepted(editor, settings, upload, samples):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the 413 for JSON bodies must not apply

    response = upload(editor, samples["mp4_15"])

    assert response.status_code == 201, response.content


def test_a_content_length_that_is_no_number_is_a_400(editor):
    response = editor.client.post(
        MEDIA, b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH="many"
    )

    assert response.status_code == 400
    assert response.json() == {"errors": ["Content-Length header is not a number."]}


def test_json_instead_of_a_form_is_refused_with_a_hint(editor):
    response = editor.client.post(MEDIA, {"url": "x"}, format="json")

    assert response.status_code == 415
    assert response.json() == {
        "errors": ["Send the file as multipart/form-data in a field named 'file'."]
    }


def test_a_form_without_a_file_is_refused(editor):
    response = editor.client.post(MEDIA, {"other": "x"}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"errors": ["file: No file was submitted."]}


def test_a_viewer_can_list_but_not_upload(viewer, samples, upload):
    assert viewer.client.get(MEDIA).status_code == 200
    response = upload(viewer, samples["png"])
    assert response.status_code == 403


def test_a_key_without_the_media_scope_is_refused(editor, samples, upload):
    from tests.conftest import make_caller

    limited = make_caller(editor.member, scopes=["posts"])
    response = upload(limited, samples["png"])
    assert response.status_code == 403
    assert response.json() == {"errors": ["This API key lacks the 'media' scope."]}


def test_lists_newest_first_in_pages_and_filters_by_status(editor, samples, upload):
    first = upload(editor, samples["png"]).json()["id"]
    second = upload(editor, samples["jpeg"]).json()["id"]
    editor.client.post(
        f"{MEDIA}/upload-url", {"fileName": "a.png", "contentType": "image/png"}, format="json"
    )

    page = editor.client.get(MEDIA, {"per_page": 2}).json()
    ready = editor.client.get(MEDIA, {"status": "ready"}).json()

    assert page["count"] == 3
    assert [item["id"] for item in page["results"]][1] == second
    assert [item["id"] for item in ready["results"]] == [second, first]
    assert editor.client.get(MEDIA, {"status": "bogus"}).status_code == 400


def test_reads_one_and_deletes_it_with_its_objects(
    editor, samples, upload, media_root, run_after_commit
):
    media_id = upload(editor, samples["webp"]).json()["id"]
    assert len(stored_files(media_root)) == 2  # original and JPEG copy

    assert editor.client.get(f"{MEDIA}/{media_id}").json()["id"] == media_id
    response = run_after_commit(lambda: editor.client.delete(f"{MEDIA}/{media_id}"))
    assert response.status_code == 204

    assert editor.client.get(f"{MEDIA}/{media_id}").status_code == 404
    assert stored_files(media_root) == []


def test_another_workspace_sees_none_of_it(editor, outsider, samples, upload, media_root):
    media_id = upload(editor, samples["png"]).json()["id"]

    assert outsider.client.get(MEDIA).json()["count"] == 0
    for method, path in [
        ("get", f"{MEDIA}/{media_id}"),
        ("delete", f"{MEDIA}/{media_id}"),
        ("post", f"{MEDIA}/{media_id}/complete"),
    ]:
        response = getattr(outsider.client, method)(path)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"errors": ["Not found."]}
    assert MediaAsset.objects.filter(pk=media_id, status="ready").exists()
    assert len(stored_files(media_root)) == 1


def test_local_files_are_served_at_their_url(editor, samples, upload, client):
    url = upload(editor, samples["png"]).json()["url"]

    response = client.get(url.removeprefix("http://testserver"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == samples["png"].data


def test_a_deleted_workspace_takes_its_stored_files_along(
    editor, samples, upload, media_root, run_after_commit
):
    upload(editor, samples["webp"])

    run_after_commit(lambda: editor.workspace.delete())

    assert MediaAsset.objects.count() == 0
    assert stored_files(media_root) == []


def test_the_size_limit_counts_every_file_part_of_a_request(editor, settings):
    settings.CRIER_MEDIA_MAX_IMAGE_BYTES = settings.CRIER_MEDIA_MAX_VIDEO_BYTES = 150_000
    parts = {
        name: SimpleUploadedFile(f"{name}.png", b"x" * 100_000, "image/png")
        for name in ("file", "other")
    }

    response = editor.client.post(MEDIA, parts, format="multipart")

    assert response.status_code == 413
