"""Publora/PostPost media: get-upload-url → PUT → schedule → published with the image, and
the flaws their documents admit (no type check, any postGroupId, orphaned files) absent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import SocialAccount
from connectors.simulator import SimulatorServer
from media import storage
from media.models import MediaAsset, StorageDeletion
from media.services import media_sweep
from posts.dispatch import dispatch
from posts.models import Attempt, Delivery, Post
from tests.conftest import make_caller
from tests.factories import SocialAccountFactory
from tests.media import conftest as media_fixtures
from tests.media import files
from tests.media.conftest import stored_files

pytestmark = pytest.mark.django_db
# The media tests' fixtures: storage in a temporary folder (autouse), tasks run eagerly.
media_root = media_fixtures.media_root
eager_tasks = media_fixtures.eager_tasks

PNG = files.image_bytes("PNG")
UPLOAD_URL = "/api/v1/get-upload-url"
PROCESS_VIDEO = "/api/v1/media/process-video"


@pytest.fixture
def simulator() -> Iterator[SimulatorServer]:
    with SimulatorServer() as server:
        yield server


@pytest.fixture
def live_account(owner, simulator) -> SocialAccount:
    """A sandbox account that publishes to this test's simulator."""
    return SocialAccountFactory(
        workspace=owner.workspace,
        credentials={"access_token": "sim-access", "extra": {"base_url": simulator.url}},
    )


def dialect_client(secret: str, header: str) -> APIClient:
    client = APIClient()
    client.credentials(**{header: secret})
    return client


@pytest.fixture(params=["HTTP_X_API_KEY", "HTTP_X_PUBLORA_KEY"], ids=["postpost", "publora"])
def client(request, owner) -> APIClient:
    return dialect_client(owner.secret, request.param)


@pytest.fixture
def postpost(owner) -> APIClient:
    return dialect_client(owner.secret, "HTTP_X_API_KEY")


@pytest.fixture
def publora(owner) -> APIClient:
    return dialect_client(owner.secret, "HTTP_X_PUBLORA_KEY")


@pytest.fixture
def run(eager_tasks, django_capture_on_commit_callbacks) -> Callable:
    """Run `action`, then what it left for after commit (tasks, storage deletions)."""

    def run(action: Callable):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def publish_at(run) -> Callable[[datetime], None]:
    """Move the clock to `when` and run one dispatcher tick there (claim, publish)."""

    def publish_at(when: datetime) -> None:
        with time_machine.travel(when, tick=False):
            run(lambda: dispatch(time_budget=5))

    return publish_at


def soon(minutes: float = 2) -> datetime:
    return (timezone.now() + timedelta(minutes=minutes)).replace(microsecond=0)


def create_post(client: APIClient, account: SocialAccount, when: datetime | None = None) -> str:
    body = {"content": "Look at this", "platforms": [f"sandbox-{account.pk}"]}
    if when is not None:
        body["scheduledTime"] = when.isoformat()
    response = client.post("/api/v1/create-post", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["postGroupId"]


def ask(client: APIClient, group: str, **overrides: str):
    body = {
        "fileName": "product-photo.png",
        "contentType": "image/png",
        "type": "image",
        "postGroupId": group,
        **overrides,
    }
    return client.post(UPLOAD_URL, body, format="json")


def put(upload_url: str, data: bytes, content_type: str):
    return Client().put(upload_url.removeprefix("http://testserver"), data, content_type)


# -- the documented flows, end to end -------------------------------------------------------


def test_postpost_draft_upload_schedule_publishes_the_image(
    client, live_account, simulator, run, publish_at
):
    group = create_post(client, live_account)

    ticket = ask(client, group, fileName="my photo (1).png")

    assert ticket.status_code == 200, ticket.content
    body = ticket.json()
    assert set(body) == {"success", "uploadUrl", "fileUrl", "mediaId"}
    assert body["success"] is True
    assert body["uploadUrl"].startswith("http://testserver/uploads/")
    asset = MediaAsset.objects.get(pk=body["mediaId"])
    assert asset.filename == "my_photo_1.png"
    assert (asset.status, asset.declared_type) == ("pending_upload", "image/png")
    assert body["fileUrl"] == f"http://testserver/media/{asset.storage_key}"
    assert Post.objects.get(pk=group).media == [{"id": asset.pk, "alt": ""}]

    assert put(body["uploadUrl"], PNG, "image/png").status_code == 200
    when = soon(60)
    scheduled = client.put(
        f"/api/v1/update-post/{group}",
        {"status": "scheduled", "scheduledTime": when.isoformat()},
        format="json",
    )
    assert scheduled.status_code == 200, scheduled.content
    asset.refresh_from_db()
    assert (asset.status, asset.mime_type, asset.width, asset.height) == (
        "ready",
        "image/png",
        64,
        48,
    )

    publish_at(when + timedelta(seconds=1))

    delivery = Delivery.objects.get(post_id=group)
    assert (delivery.status, delivery.error_message) == ("published", "")
    feed = simulator.simulator.feed(live_account.external_id)
    assert [(entry["text"], entry["media"]) for entry in feed] == [
        ("Look at this", [{"url": body["fileUrl"], "alt_text": None}])
    ]
    served = Client().get(body["fileUrl"].removeprefix("http://testserver"))
    assert b"".join(served.streaming_content) == PNG


def test_publora_schedule_first_then_upload_publishes_the_image(
    publora, live_account, simulator, publish_at
):
    when = soon(5)
    group = create_post(publora, live_account, when)
    body = ask(publora, group).json()
    assert put(body["uploadUrl"], PNG, "image/png").status_code == 200

    publish_at(when + timedelta(seconds=1))

    delivery = Delivery.objects.get(post_id=group)
    assert delivery.status == "published"
    assert MediaAsset.objects.get(pk=body["mediaId"]).status == "ready"  # checked on the way
    [entry] = simulator.simulator.feed(live_account.external_id)
    assert entry["media"] == [{"url": body["fileUrl"], "alt_text": None}]


@pytest.mark.parametrize(
    ("header", "lifetime"),
    [("HTTP_X_PUBLORA_KEY", timedelta(minutes=15)), ("HTTP_X_API_KEY", timedelta(hours=1))],
    ids=["publora-15-minutes", "postpost-1-hour"],
)
def test_the_upload_url_lasts_as_long_as_the_dialect_says(owner, account, header, lifetime):
    client = dialect_client(owner.secret, header)
    body = ask(client, create_post(client, account)).json()
    asset = MediaAsset.objects.get(pk=body["mediaId"])
    assert lifetime - timedelta(seconds=5) < asset.upload_expires_at - timezone.now() <= lifetime

    with time_machine.travel(timezone.now() + lifetime + timedelta(seconds=1)):
        late = put(body["uploadUrl"], PNG, "image/png")

    assert late.status_code == 403
    assert late.json() == {"errors": ["This upload URL has expired; ask for a new one."]}


def test_an_upload_put_but_never_scheduled_again_is_checked_by_the_sweep_not_failed(
    publora, account, run
):
    # Publora clients never call complete: the post naming the upload keeps it alive.
    group = create_post(publora, account, soon(24 * 60))
    body = ask(publora, group).json()
    put(body["uploadUrl"], PNG, "image/png")

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        counts = run(media_sweep)

    assert counts["expired"] == 0
    assert MediaAsset.objects.get(pk=body["mediaId"]).status == "ready"


# -- requests refused -------------------------------------------------------------------


@pytest.mark.parametrize(
    "missing", [{"fileName": ""}, {"contentType": ""}, {"postGroupId": ""}, {"fileName": None}]
)
def test_missing_fields_are_the_documented_400(postpost, account, missing):
    body = {
        "fileName": "a.png",
        "contentType": "image/png",
        "postGroupId": create_post(postpost, account),
        **missing,
    }
    body = {name: value for name, value in body.items() if value is not None}

    response = postpost.post(UPLOAD_URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "fileName, contentType, and postGroupId are required",
    }
    assert not MediaAsset.objects.exists()


def test_another_workspace_post_group_is_404_and_nothing_is_created(postpost, outsider):
    theirs = make_caller(outsider.member)
    their_client = dialect_client(theirs.secret, "HTTP_X_API_KEY")
    group = create_post(their_client, SocialAccountFactory(workspace=outsider.workspace))

    response = ask(postpost, group)

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Not found."}
    assert not MediaAsset.objects.exists()
    assert Post.objects.get(pk=group).media == []


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"contentType": "video/mp4", "type": "image"},
            "type: video/mp4 is a video, not an image.",
        ),
        (
            {"contentType": "application/pdf"},
            "contentType: application/pdf is not accepted; send JPEG, PNG, GIF and WebP "
            "images; MP4, MOV, WebM, AVI and MKV videos.",
        ),
    ],
)
def test_a_content_type_crier_refuses_or_that_contradicts_type_is_400(
    postpost, account, overrides, error
):
    group = create_post(postpost, account)

    response = ask(postpost, group, **overrides)

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": error}
    assert not MediaAsset.objects.exists()
    assert Post.objects.get(pk=group).media == []


@pytest.mark.parametrize(
    ("declared", "kind", "data", "why"),
    [
        (
            "image/jpeg",
            "image",
            PNG,
            "The file was declared as image/jpeg, but its bytes are image/png.",
        ),
        (
            "video/mp4",
            "video",
            PNG,
            "The file was declared as video/mp4, but its bytes are image/png.",
        ),
        (
            "image/png",
            "image",
            b"just some text, not a picture\n" * 10,
            "The file is not a file type Crier recognizes; send JPEG, PNG, GIF and WebP "
            "images; MP4, MOV, WebM, AVI and MKV videos.",
        ),
    ],
    ids=["png-as-jpeg", "png-as-mp4", "text-as-png"],
)
def test_bytes_that_lie_about_their_type_are_refused_until_the_client_deletes_them(
    postpost,
    account,
    run,
    media_root,
    declared,
    kind,
    data,
    why,
):
    group = create_post(postpost, account)
    body = ask(postpost, group, fileName="clip", contentType=declared, type=kind).json()
    put(body["uploadUrl"], data, declared)

    schedule = {"status": "scheduled", "scheduledTime": soon(60).isoformat()}
    response = run(lambda: postpost.put(f"/api/v1/update-post/{group}", schedule, format="json"))

    media_id = body["mediaId"]
    refusal = {
        "success": False,
        "error": f"Media {media_id} failed: {why} Delete it "
        f"(DELETE /media/post/media/{media_id}) or upload it again.",
    }
    assert (response.status_code, response.json()) == (400, refusal)
    asset = MediaAsset.objects.get(pk=media_id)
    assert (asset.status, asset.error) == ("failed", why)
    assert stored_files(media_root) == []
    # Asking again never schedules the post without its media: refused until deleted.
    again = run(lambda: postpost.put(f"/api/v1/update-post/{group}", schedule, format="json"))
    assert (again.status_code, again.json()) == (400, refusal)
    assert Post.objects.get(pk=group).media == [{"id": media_id, "alt": ""}]
    assert Delivery.objects.get(post_id=group).status == "draft"
    assert run(lambda: postpost.delete(f"/media/post/media/{media_id}")).status_code == 200
    scheduled = run(lambda: postpost.put(f"/api/v1/update-post/{group}", schedule, format="json"))
    assert scheduled.status_code == 200
    assert Delivery.objects.get(post_id=group).status == "scheduled"


def test_lying_bytes_uploaded_after_scheduling_fail_the_delivery_and_nothing_is_sent(
    publora, live_account, simulator, publish_at
):
    when = soon(5)
    group = create_post(publora, live_account, when)
    body = ask(publora, group, contentType="video/mp4", type="video").json()
    put(body["uploadUrl"], PNG, "video/mp4")

    publish_at(when + timedelta(seconds=1))

    delivery = Delivery.objects.get(post_id=group)
    assert (delivery.status, delivery.error_code, delivery.error_message) == (
        "failed",
        "media_gone",
        f"Media {body['mediaId']} failed: The file was declared as video/mp4, but its bytes "
        "are image/png. Edit the post.",
    )
    assert simulator.simulator.feed(None) == []


def test_a_publora_post_group_takes_four_images_then_refuses_a_fifth_and_any_video(
    publora, account
):
    group = create_post(publora, account)
    ids = [ask(publora, group).json()["mediaId"] for _ in range(4)]

    fifth = ask(publora, group)
    video = ask(publora, group, contentType="video/mp4", type="video")

    for response in (fifth, video):
        assert response.status_code == 400
        assert response.json() == {
            "success": False,
            "error": "A post group holds up to 4 images or 1 video; this one has 4 image(s) "
            "and 0 video(s).",
        }
    assert [ref["id"] for ref in Post.objects.get(pk=group).media] == ids
    assert MediaAsset.objects.count() == 4


def test_a_publora_post_group_with_a_video_takes_nothing_else(publora, account):
    group = create_post(publora, account)
    assert ask(publora, group, contentType="video/mp4", type="video").status_code == 200

    response = ask(publora, group)

    assert response.status_code == 400
    assert "this one has 0 image(s) and 1 video(s)" in response.json()["error"]
    assert MediaAsset.objects.count() == 1


def test_postpost_has_no_four_image_cap_only_the_native_limit(postpost, account):
    # PostPost's document sets no per-group cap (Publora's 4 images or 1 video): a fifth
    # image and a video are taken; the platforms' limits apply when the post is scheduled.
    group = create_post(postpost, account)
    answers = [ask(postpost, group) for _ in range(5)]
    answers.append(ask(postpost, group, contentType="video/mp4", type="video"))
    assert [answer.status_code for answer in answers] == [200] * 6
    for _ in range(14):
        ask(postpost, group)

    over = ask(postpost, group)

    assert over.status_code == 400
    assert over.json() == {
        "success": False,
        "error": "A post holds up to 20 media; this one has 20.",
    }
    assert len(Post.objects.get(pk=group).media) == 20


def test_a_post_already_published_takes_no_more_media(postpost, account):
    group = create_post(postpost, account, soon(60))
    Delivery.objects.filter(post_id=group).update(status="published")

    response = ask(postpost, group)

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "Cannot add media to a post that has already been published or failed",
    }
    assert not MediaAsset.objects.exists()


def test_a_deleted_post_group_takes_no_more_media(postpost, account):
    group = create_post(postpost, account, soon(60))
    assert postpost.delete(f"/api/v1/delete-post/{group}").status_code == 200

    response = ask(postpost, group)

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "Cannot add media to a deleted post"}
    assert not MediaAsset.objects.exists()


def test_storage_that_cannot_sign_the_url_is_a_503_and_nothing_is_kept(
    postpost, account, monkeypatch
):
    def cannot_sign(**kwargs: object) -> str:
        raise OSError("no credentials for the bucket")

    monkeypatch.setattr(storage, "upload_url", cannot_sign)
    group = create_post(postpost, account)

    response = ask(postpost, group)

    assert response.status_code == 503
    assert response.json() == {
        "success": False,
        "error": "Failed to create upload URL: media storage is unavailable.",
    }
    assert not MediaAsset.objects.exists()
    assert Post.objects.get(pk=group).media == []


# -- waiting for media at publish time ---------------------------------------------------------


def test_a_delivery_waits_for_media_still_uploading_then_fails_saying_why(
    publora, live_account, simulator, publish_at, settings
):
    settings.CRIER_MEDIA_WAIT = timedelta(seconds=300)
    when = soon(2)
    group = create_post(publora, live_account, when)
    media_id = ask(publora, group).json()["mediaId"]

    publish_at(when + timedelta(seconds=1))

    delivery = Delivery.objects.get(post_id=group)
    assert (delivery.status, delivery.error_code, delivery.attempts) == (
        "retrying",
        "media_pending",
        0,
    )
    assert delivery.error_message == (
        f"Waiting for media {media_id} to be uploaded (until "
        f"{(when + timedelta(seconds=300)).isoformat()})."
    )
    assert delivery.due_at == when + timedelta(seconds=31)  # looked at again, not busy-looping
    assert not Attempt.objects.exists()

    publish_at(when + timedelta(seconds=301))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.error_code) == ("failed", "media_not_uploaded")
    assert delivery.error_message == (
        f"Media {media_id} had still not been uploaded 300 seconds after the scheduled time, "
        "so the post was not published without it. Upload the file, then retry the post."
    )
    assert simulator.simulator.feed(None) == []


def test_media_uploaded_while_the_delivery_waits_is_published_with_it(
    publora, live_account, simulator, publish_at
):
    when = soon(2)
    group = create_post(publora, live_account, when)
    body = ask(publora, group).json()
    publish_at(when + timedelta(seconds=1))
    assert Delivery.objects.get(post_id=group).status == "retrying"

    with time_machine.travel(when + timedelta(seconds=10)):
        assert put(body["uploadUrl"], PNG, "image/png").status_code == 200
    publish_at(when + timedelta(seconds=32))

    delivery = Delivery.objects.get(post_id=group)
    assert (delivery.status, delivery.attempts, delivery.error_message) == ("published", 1, "")
    assert list(delivery.attempt_log.values_list("outcome", flat=True)) == ["published"]
    [entry] = simulator.simulator.feed(live_account.external_id)
    assert entry["media"] == [{"url": body["fileUrl"], "alt_text": None}]


# -- process-video ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mp4(tmp_path_factory) -> bytes:
    return files.video_bytes(tmp_path_factory.mktemp("video") / "clip.mp4", fps=30)


def send_video(client: APIClient, group: str, data: bytes, name: str, content_type: str):
    video = SimpleUploadedFile(name, data, content_type)
    return client.post(PROCESS_VIDEO, {"video": video, "postGroupId": group}, format="multipart")


def test_process_video_stores_measures_and_attaches_the_video(client, account, mp4, run):
    group = create_post(client, account)

    response = run(lambda: send_video(client, group, mp4, "promo video.mp4", "video/mp4"))

    assert response.status_code == 200, response.content
    body = response.json()
    asset = MediaAsset.objects.get(pk=body["mediaId"])
    assert body["sessionId"] == asset.pk
    assert body["fileUrl"] == f"http://testserver/media/{asset.storage_key}"
    metadata = body["metadata"]
    assert (metadata["width"], metadata["height"], metadata["frameRate"]) == (64, 48, 30.0)
    assert (metadata["codecName"], metadata["format"], metadata["size"]) == (
        "h264",
        "video/mp4",
        len(mp4),
    )
    assert metadata["duration"] == pytest.approx(1.0, abs=0.1)
    assert metadata["aspectRatio"] == pytest.approx(64 / 48, abs=0.001)
    assert (asset.status, asset.filename) == ("ready", "promo_video.mp4")
    assert Post.objects.get(pk=group).media == [{"id": asset.pk, "alt": ""}]


@pytest.mark.parametrize(
    ("name", "content_type", "data", "status", "error"),
    [
        (
            "notes.txt",
            "text/plain",
            b"hello",
            400,
            "Unsupported video format. Allowed: MP4, MOV, AVI, MKV, WebM",
        ),
        (
            "logo.png",
            "image/png",
            PNG,
            400,
            "Unsupported video format. Allowed: MP4, MOV, AVI, MKV, WebM",
        ),
        (
            "clip.mp4",
            "video/mp4",
            PNG,
            422,
            "The file was declared as video/mp4, but its bytes are image/png.",
        ),
    ],
    ids=["text", "image", "png-bytes-as-mp4"],
)
def test_process_video_refuses_what_is_not_a_video(
    postpost,
    account,
    media_root,
    name,
    content_type,
    data,
    status,
    error,
):
    group = create_post(postpost, account)

    response = send_video(postpost, group, data, name, content_type)

    assert response.status_code == status
    assert response.json() == {"success": False, "error": error}
    assert not MediaAsset.objects.exists()
    assert Post.objects.get(pk=group).media == []
    assert stored_files(media_root) == []


def test_process_video_without_a_file_or_past_the_limit(postpost, account, mp4, settings):
    group = create_post(postpost, account)

    empty = postpost.post(PROCESS_VIDEO, {"postGroupId": group}, format="multipart")
    settings.CRIER_MEDIA_MAX_VIDEO_BYTES = 100
    too_big = send_video(postpost, group, mp4, "clip.mp4", "video/mp4")

    assert (empty.status_code, empty.json()) == (
        400,
        {"success": False, "error": "No video file uploaded"},
    )
    assert too_big.status_code == 413
    assert not MediaAsset.objects.exists()


def test_process_video_into_another_workspace_group_is_404(postpost, outsider, mp4):
    theirs = dialect_client(make_caller(outsider.member).secret, "HTTP_X_API_KEY")
    group = create_post(theirs, SocialAccountFactory(workspace=outsider.workspace))

    response = send_video(postpost, group, mp4, "clip.mp4", "video/mp4")

    assert response.status_code == 404
    assert not MediaAsset.objects.exists()


# -- delete -------------------------------------------------------------------------------


def uploaded_and_checked(client: APIClient, account: SocialAccount, run) -> tuple[str, str]:
    """A draft with one uploaded PNG whose bytes an update has checked: (group, media id).
    What the check left for after commit runs too: the upload's own key is removed."""
    group = create_post(client, account)
    body = ask(client, group).json()
    put(body["uploadUrl"], PNG, "image/png")
    edited = run(
        lambda: client.put(f"/api/v1/update-post/{group}", {"content": "x"}, format="json")
    )
    assert edited.status_code == 200, edited.content
    assert MediaAsset.objects.get(pk=body["mediaId"]).status == "ready"
    return group, body["mediaId"]


def test_delete_media_takes_it_off_the_post_and_removes_the_file(
    client,
    account,
    run,
    media_root,
):
    group, media_id = uploaded_and_checked(client, account, run)
    assert len(stored_files(media_root)) == 1

    response = run(lambda: client.delete(f"/api/v1/media/post/media/{media_id}"))

    assert (response.status_code, response.json()) == (200, {"success": True})
    assert Post.objects.get(pk=group).media == []
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_delete_while_storage_is_down_leaves_no_orphan_after_the_sweep(
    postpost,
    account,
    run,
    media_root,
    monkeypatch,
):
    group, media_id = uploaded_and_checked(postpost, account, run)
    key = MediaAsset.objects.get(pk=media_id).storage_key

    def storage_down(self, name: str) -> None:
        raise OSError("storage unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(FileSystemStorage, "delete", storage_down)
        response = run(lambda: postpost.delete(f"/api/v1/media/post/media/{media_id}"))
        assert media_sweep()["objects_deleted"] == 0

    assert (response.status_code, response.json()) == (200, {"success": True})
    assert not MediaAsset.objects.exists()
    assert Post.objects.get(pk=group).media == []
    assert len(stored_files(media_root)) == 1  # still there, and still owed a deletion
    assert StorageDeletion.objects.get(key=key).attempts == 2

    # The file, and the upload URL's own key (watched until the URL expires).
    assert media_sweep()["objects_deleted"] == 2

    assert stored_files(media_root) == []
    assert not StorageDeletion.objects.filter(key=key).exists()


@pytest.mark.parametrize("status", ["published", "failed"])
def test_delete_media_of_a_post_published_or_failed_is_the_documented_400(
    postpost,
    account,
    run,
    media_root,
    status,
):
    group, media_id = uploaded_and_checked(postpost, account, run)
    Delivery.objects.filter(post_id=group).update(status=status)

    response = postpost.delete(f"/api/v1/media/post/media/{media_id}")

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "Cannot delete media from a post that has already been published or failed",
    }
    assert Post.objects.get(pk=group).media == [{"id": media_id, "alt": ""}]
    assert MediaAsset.objects.filter(pk=media_id).exists()
    assert len(stored_files(media_root)) == 1


def test_delete_media_of_another_workspace_or_unknown_is_404(postpost, outsider, account, run):
    theirs = dialect_client(make_caller(outsider.member).secret, "HTTP_X_API_KEY")
    _, their_media = uploaded_and_checked(
        theirs, SocialAccountFactory(workspace=outsider.workspace), run
    )

    for media_id in (their_media, "med_nothere"):
        response = postpost.delete(f"/api/v1/media/post/media/{media_id}")
        assert response.status_code == 404
        assert response.json() == {"success": False, "error": "Media file not found"}
    assert MediaAsset.objects.filter(pk=their_media).exists()


def test_postpost_documented_root_paths_serve_the_media_routes(postpost, account, mp4, run):
    # POST https://api.postpost.dev/media/process-video (multipart `video`, `postGroupId`),
    # then DELETE https://api.postpost.dev/media/post/media/:mediaId: the host swapped only.
    group = create_post(postpost, account)
    video = SimpleUploadedFile("promo-video.mp4", mp4, "video/mp4")

    uploaded = run(
        lambda: postpost.post(
            "/media/process-video", {"video": video, "postGroupId": group}, format="multipart"
        )
    )

    assert uploaded.status_code == 200, uploaded.content
    assert "X-RateLimit-Remaining" in uploaded
    media_id = uploaded.json()["sessionId"]
    assert Post.objects.get(pk=group).media == [{"id": media_id, "alt": ""}]
    deleted = run(lambda: postpost.delete(f"/media/post/media/{media_id}"))
    assert (deleted.status_code, deleted.json()) == (200, {"success": True})
    assert "X-RateLimit-Remaining" in deleted
    assert Post.objects.get(pk=group).media == []
    assert not MediaAsset.objects.exists()
    missing = postpost.delete(f"/media/post/media/{media_id}")
    assert (missing.status_code, missing.json()) == (
        404,
        {"success": False, "error": "Media file not found"},
    )


def test_media_routes_need_the_key(account):
    for response in (
        APIClient().post(UPLOAD_URL, {}, format="json"),
        APIClient().post(PROCESS_VIDEO, {}, format="multipart"),
        APIClient().delete("/api/v1/media/post/media/med_x"),
        APIClient().post("/media/process-video", {}, format="multipart"),
        APIClient().delete("/media/post/media/med_x"),
    ):
        assert response.status_code == 401
        assert response.json() == {"success": False, "error": "API key is required"}


def test_the_media_routes_are_in_the_schema_as_publora_operations():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = [
        schema["paths"]["/api/v1/get-upload-url"]["post"],
        schema["paths"]["/api/v1/media/process-video"]["post"],
        schema["paths"]["/api/v1/media/post/media/{media_id}"]["delete"],
        schema["paths"]["/media/process-video"]["post"],
        schema["paths"]["/media/post/media/{media_id}"]["delete"],
    ]
    for operation in operations:
        assert operation["tags"] == ["dialect: Publora / PostPost"]
        assert operation["security"] == [{"PubloraKey": []}]
