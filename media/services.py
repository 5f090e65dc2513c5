"""Writes of the media app: the three ways in (multipart, signed URL, from URL), checking
and measuring the bytes, renditions, deletion and the sweep. Views and tasks call these.

Every asset row exists before its object is written, and every object to remove is
recorded (StorageDeletion) in the transaction that drops its owner: so the sweep can
always tell, and clean, whatever a crash or a storage outage left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import av
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from rest_framework import exceptions

from accounts.models import Workspace
from core import netguard
from core.errors import Conflict, PayloadTooLarge, Unprocessable
from media import fetching, probing, renditions, storage
from media.models import MediaAsset, StorageDeletion
from media.probing import MediaRejected
from media.selectors import MediaFacts, media_facts
from media.usage import links_release, posts_using

if TYPE_CHECKING:
    from _typeshed import SupportsRead

logger = logging.getLogger(__name__)
Status = MediaAsset.Status
# What a storage backend raises when it cannot be reached or refuses (local disk or S3).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
CHUNK = 1024 * 1024
MAX_FILENAME = 200


class StorageUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "Media storage is unavailable; try again shortly."
    default_code = "storage_unavailable"


@dataclass(frozen=True, slots=True)
class Verified:
    """A file whose bytes were sniffed, size-checked and probed."""

    mime_type: str
    size: int
    sha256: str
    facts: probing.Facts


def sanitize_filename(name: str) -> str:
    """`my photo (1).jpg` → `my_photo_1.jpg`: no directories, spaces or special characters."""
    base = os.path.basename(name.replace("\\", "/"))
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:  # nothing usable was left ("", ".", "..")
        return "file"
    if len(cleaned) <= MAX_FILENAME:
        return cleaned
    stem, extension = os.path.splitext(cleaned)
    extension = extension if len(extension) <= 10 else ""  # a long tail is no extension
    return stem[: MAX_FILENAME - len(extension)] + extension


# --- Multipart upload (POST /media)


def media_upload(
    *, workspace: Workspace, upload: TemporaryUploadedFile, content_type: str | None, file_name: str
) -> MediaAsset:
    """Accept a file the request spooled to disk (media.uploads): checked before it is
    stored, so a refused file leaves nothing behind."""
    # The spool goes now, whether or not the server closes the request's files later.
    with upload:
        return _upload(workspace, upload, content_type, file_name)


def _upload(
    workspace: Workspace, upload: TemporaryUploadedFile, content_type: str | None, file_name: str
) -> MediaAsset:
    declared = probing.declared_type(content_type, file_name)
    path = Path(upload.temporary_file_path())
    try:
        verified = _verify(path, declared=declared, sha256=getattr(upload, "sha256", None))
    except MediaRejected as exc:
        raise Unprocessable(str(exc)) from exc
    asset = MediaAsset.objects.create(
        workspace=workspace,
        status=Status.PENDING_UPLOAD,
        kind=probing.kind_of(verified.mime_type),
        storage_key=storage.new_key(workspace.pk, probing.extension_of(verified.mime_type)),
        original_filename=file_name[:255],
        filename=sanitize_filename(file_name),
        declared_type=declared,
        # Should this process die before the row says `ready`, the sweep removes the object.
        upload_expires_at=timezone.now() + settings.CRIER_UPLOAD_URL_TTL,
    )
    try:
        storage.save(asset.storage_key, upload)
    except STORAGE_ERRORS as exc:
        logger.exception("storing an upload failed", extra={"media_id": asset.pk})
        _reject(asset, "Media storage was unavailable while the file was stored.")
        raise StorageUnavailable() from exc
    _accept(asset.pk, verified)
    asset.refresh_from_db()
    return asset


# --- Signed upload URL (POST /media/upload-url, PUT, POST /media/{id}/complete)


def media_upload_url_create(
    *,
    workspace: Workspace,
    file_name: str,
    content_type: str,
    kind: str | None,
    ttl: timedelta | None = None,
) -> tuple[MediaAsset, str]:
    """A pending asset and the URL to PUT its bytes to, valid for `ttl` (at most, and by
    default, CRIER_UPLOAD_URL_TTL: Publora's URLs last 15 minutes)."""
    try:
        declared = probing.check_declared(content_type)
    except MediaRejected as exc:
        raise exceptions.ValidationError({"contentType": [str(exc)]}) from exc
    declared_kind = probing.kind_of(declared)
    if kind and kind != declared_kind:
        named = {"image": "an image", "video": "a video"}
        raise exceptions.ValidationError(
            {"type": [f"{content_type} is {named[declared_kind]}, not {named[kind]}."]}
        )
    ttl = min(ttl or settings.CRIER_UPLOAD_URL_TTL, settings.CRIER_UPLOAD_URL_TTL)
    asset = MediaAsset.objects.create(
        workspace=workspace,
        status=Status.PENDING_UPLOAD,
        kind=declared_kind,
        storage_key=storage.new_key(workspace.pk, probing.extension_of(declared)),
        original_filename=file_name[:255],
        filename=sanitize_filename(file_name),
        declared_type=declared,
        upload_expires_at=timezone.now() + ttl,
    )
    url = storage.upload_url(
        key=asset.storage_key, media_id=asset.pk, content_type=content_type, ttl=ttl
    )
    return asset, url


def media_receive_upload(
    *, token: str, body: SupportsRead[bytes], length: int | None
) -> MediaAsset:
    """The PUT to a local signed upload URL: store the body as the asset's object.

    The bytes are checked by `complete`, as they are after a PUT to S3.
    """
    try:
        media_id = storage.upload_token_media_id(token, ttl=settings.CRIER_UPLOAD_URL_TTL)
    except signing.SignatureExpired as exc:
        raise exceptions.PermissionDenied(
            "This upload URL has expired; ask for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise exceptions.PermissionDenied("This upload URL is not valid.") from exc
    asset = MediaAsset.objects.filter(
        pk=media_id, status=Status.PENDING_UPLOAD, source_url=""
    ).first()
    if asset is None:
        raise exceptions.NotFound("No upload is waiting at this URL.")
    if asset.upload_expires_at and asset.upload_expires_at <= timezone.now():
        # The token's own age limit is the longest TTL; a shorter one was asked for.
        raise exceptions.PermissionDenied("This upload URL has expired; ask for a new one.")
    limit = probing.max_bytes(asset.kind)
    if length is not None and length > limit:
        raise PayloadTooLarge(f"The {asset.kind} is {length} bytes; the limit is {limit} bytes.")
    with TemporaryUploadedFile(asset.filename, asset.declared_type, 0, None) as spool:
        received = 0
        while chunk := body.read(CHUNK):
            received += len(chunk)
            if received > limit:
                raise PayloadTooLarge(f"The {asset.kind} is larger than {limit} bytes.")
            spool.write(chunk)
        spool.flush()
        try:
            storage.save(storage.upload_key(asset.storage_key), spool)
        except STORAGE_ERRORS as exc:
            logger.exception("storing a signed upload failed", extra={"media_id": asset.pk})
            raise StorageUnavailable() from exc
    return asset


class CompletionInProgress(Conflict):
    """Another `complete` of the same upload is copying and checking it right now."""


# Longer than copying and checking the largest file should ever take; a `complete` whose
# process died frees the upload after it.
COMPLETION_CLAIM = timedelta(minutes=15)


def media_complete(*, asset: MediaAsset) -> MediaAsset:
    """Check the object PUT for a pending asset: there, within limits, of an accepted type
    that matches the declared one, readable by the prober. Completing twice is harmless.

    The bytes are copied from the upload key to the served key first and the copy is what
    is checked and served: the upload URL stays valid until it expires (S3 cannot revoke a
    presigned URL), but nothing PUT to it can reach the served key any more.
    """
    if asset.status in (Status.READY, Status.PROCESSING):
        return asset
    if asset.status == Status.FAILED:
        raise Conflict(f"Media {asset.pk} failed: {asset.error}")
    if asset.source_url:
        raise Conflict(f"Media {asset.pk} is being fetched from its URL; it completes by itself.")
    if not _claim_completion(asset.pk):
        current = MediaAsset.objects.filter(pk=asset.pk).first()
        if current is None:
            raise exceptions.NotFound(f"Media {asset.pk} was deleted.")
        if current.status != Status.PENDING_UPLOAD:
            return media_complete(asset=current)  # finished meanwhile: answer as for it
        raise CompletionInProgress(f"Media {asset.pk} is being completed; read it again.")
    try:
        verified = _verify_stored(asset)
    except MediaRejected as exc:
        _reject(asset, str(exc))
        raise Unprocessable(str(exc)) from exc
    except Exception as exc:
        _release_completion(asset.pk)  # still pending: the next `complete` may try at once
        if isinstance(exc, FileNotFoundError):
            raise Unprocessable(
                f"Nothing has been uploaded for media {asset.pk} yet: "
                "PUT the file to its upload URL."
            ) from exc
        if isinstance(exc, STORAGE_ERRORS):
            logger.exception("reading an upload failed", extra={"media_id": asset.pk})
            raise StorageUnavailable() from exc
        raise
    if not _accept(asset.pk, verified, uploaded=asset):
        raise Conflict(f"Media {asset.pk} changed while it was checked; read it again.")
    asset.refresh_from_db()
    return asset


def _claim_completion(media_id: str) -> bool:
    now = timezone.now()
    free = Q(completing_until__isnull=True) | Q(completing_until__lt=now)
    return bool(
        MediaAsset.objects.filter(free, pk=media_id, status=Status.PENDING_UPLOAD).update(
            completing_until=now + COMPLETION_CLAIM
        )
    )


def _release_completion(media_id: str) -> None:
    MediaAsset.objects.filter(pk=media_id).update(completing_until=None)


def media_lock(*, workspace_id: str, ids: Iterable[str]) -> None:
    """Lock the listed assets of one workspace (in id order) until the transaction ends:
    a post checks them, then links them, and none can be deleted in between
    (`media_delete` takes the same lock before it looks for posts using one)."""
    if ids := set(ids):
        locked = MediaAsset.objects.select_for_update().filter(
            workspace_id=workspace_id, pk__in=ids
        )
        list(locked.order_by("pk").values_list("pk", flat=True))


def media_resolve(*, workspace_id: str, ids: Iterable[str]) -> dict[str, MediaFacts]:
    """Facts of the assets a post names. Signed uploads that were PUT but never completed
    are completed here: scheduling a post that uses one checks its bytes the same way."""
    ids = set(ids)
    pending = MediaAsset.objects.filter(
        workspace_id=workspace_id, pk__in=ids, status=Status.PENDING_UPLOAD, source_url=""
    )
    for asset in pending:
        # On failure the asset's status and error say why; the post reports it from there.
        with contextlib.suppress(Unprocessable, Conflict, StorageUnavailable):
            media_complete(asset=asset)
    return media_facts(workspace_id=workspace_id, ids=ids)


def _verify_stored(asset: MediaAsset) -> Verified:
    """Cheap checks on the uploaded object first (size, a ranged read of its head), then
    its copy at the served key, downloaded whole for the hash and the probe."""
    uploaded = storage.upload_key(asset.storage_key)
    size = storage.size(uploaded)  # FileNotFoundError / 404 when nothing was PUT
    probing.check_size(asset.kind, size)  # an oversize PUT is never copied nor downloaded
    mime_type = probing.sniff(storage.read_head(uploaded), declared=asset.declared_type)
    storage.copy(uploaded, asset.storage_key)
    # From here on only the copy counts: a PUT to the upload URL cannot change it.
    with storage.local_path(asset.storage_key) as path:
        return _verify(path, declared=mime_type)


def _verify(path: Path, *, declared: str, sha256: str | None = None) -> Verified:
    with path.open("rb") as file:
        head = file.read(storage.HEAD_BYTES)
    mime_type = probing.sniff(head, declared=declared)
    size = path.stat().st_size
    probing.check_size(probing.kind_of(mime_type), size)
    facts = probing.probe(path, mime_type)
    return Verified(mime_type=mime_type, size=size, sha256=sha256 or _sha256(path), facts=facts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- From a URL (POST /media/from-url, then a worker)


def media_from_url_create(*, workspace: Workspace, url: str) -> MediaAsset:
    """A pending asset whose bytes a worker fetches; refused URLs never reach the queue."""
    try:
        fetching.check_source(url)
    except fetching.FetchFailed as exc:
        raise exceptions.ValidationError({"url": [str(exc)]}) from exc
    asset = MediaAsset.objects.create(
        workspace=workspace,
        status=Status.PENDING_UPLOAD,
        source_url=url,
        storage_key=storage.new_key(workspace.pk, ""),  # the extension follows the bytes
        upload_expires_at=timezone.now() + settings.CRIER_UPLOAD_URL_TTL,
    )
    transaction.on_commit(lambda: _send_fetch(asset.pk))
    return asset


def media_from_url_fetch_now(*, workspace: Workspace, url: str, within: float) -> MediaAsset:
    """Fetch a URL's file during the request, for clients that post with image URLs and
    expect them in place at once; the same guards and checks as a worker's fetch, and a
    failure is recorded on the asset (`status`, `error`). Call it outside a transaction.

    The download ends within `within` seconds: a web process waits for it, so the worker's
    allowance (CRIER_MEDIA_FETCH_TIMEOUT) is too long here."""
    asset = media_from_url_create(workspace=workspace, url=url)
    with netguard.deadline(within):
        media_fetch(media_id=asset.pk)  # the queued message finds it done and does nothing
    asset.refresh_from_db()
    return asset


def media_fetch(*, media_id: str) -> None:
    """Fetch, check and store a from-URL asset (the worker's side); failures are recorded
    on the asset. A repeated message for a finished asset does nothing."""
    asset = (
        MediaAsset.objects.filter(pk=media_id, status=Status.PENDING_UPLOAD)
        .exclude(source_url="")
        .first()
    )
    if asset is None:
        return
    with TemporaryUploadedFile("fetch", "application/octet-stream", 0, None) as spool:
        try:
            name = fetching.fetch(asset.source_url, spool, max_bytes=probing.largest_allowed())
            verified = _verify(Path(spool.temporary_file_path()), declared="")
        except (fetching.FetchFailed, MediaRejected) as exc:
            _reject(asset, str(exc))
            return
        key = asset.storage_key + probing.extension_of(verified.mime_type)
        named = _move(
            asset.pk,
            expected=Status.PENDING_UPLOAD,
            storage_key=key,
            kind=probing.kind_of(verified.mime_type),
            original_filename=name[:255],
            filename=sanitize_filename(name),
        )
        if not named:
            return  # deleted or expired meanwhile: nothing was stored
        try:
            storage.save(key, spool)
        except STORAGE_ERRORS:
            logger.exception("storing a fetched file failed", extra={"media_id": asset.pk})
            asset.storage_key = key
            _reject(asset, "Media storage was unavailable while the file was stored.")
            return
    if not _accept(asset.pk, verified):
        _schedule_deletion([key])  # deleted or expired while it was being stored


# --- Accepting, refusing, renditions


def _move(media_id: str, *, expected: str, **fields: object) -> bool:
    """Change an asset only if it is still in `expected` status; False when it is not
    (deleted, expired or finished by someone else meanwhile)."""
    moved = MediaAsset.objects.filter(pk=media_id, status=expected).update(
        updated_at=timezone.now(), **fields
    )
    return bool(moved)


def _accept(media_id: str, verified: Verified, *, uploaded: MediaAsset | None = None) -> bool:
    """Record the verified facts. `uploaded`: a signed upload, whose upload key goes."""
    facts = verified.facts
    needs_renditions = bool(renditions.plans_for(verified.mime_type))
    with transaction.atomic():
        moved = _move(
            media_id,
            expected=Status.PENDING_UPLOAD,
            status=Status.PROCESSING if needs_renditions else Status.READY,
            error="",
            kind=probing.kind_of(verified.mime_type),
            mime_type=verified.mime_type,
            size=verified.size,
            sha256=verified.sha256,
            width=facts.width,
            height=facts.height,
            aspect_ratio=facts.aspect_ratio,
            duration=facts.duration,
            fps=facts.fps,
            codec=facts.codec,
            bit_rate=facts.bit_rate,
            completing_until=None,
        )
        if moved and uploaded is not None:
            # Its URL may still be used until it expires: keep deleting what it puts there.
            _schedule_deletion(
                [storage.upload_key(uploaded.storage_key)], keep_until=uploaded.upload_expires_at
            )
        if moved and needs_renditions:
            transaction.on_commit(lambda: _send_renditions(media_id))
    return moved


def _reject(asset: MediaAsset, message: str) -> bool:
    """Fail a pending asset and remove whatever was stored for it."""
    with transaction.atomic():
        failed = _move(
            asset.pk, expected=Status.PENDING_UPLOAD, status=Status.FAILED, error=message
        )
        if failed:
            # A client may still PUT to its signed URL until it expires: keep deleting.
            _schedule_deletion(asset.storage_keys, keep_until=asset.upload_expires_at)
    return failed


def media_make_renditions(*, media_id: str) -> None:
    """Make the asset's renditions (the media queue's work), then mark it ready."""
    asset = MediaAsset.objects.filter(pk=media_id, status=Status.PROCESSING).first()
    if asset is None:
        return
    made: list[dict] = []
    notes: list[str] = []
    with storage.local_path(asset.storage_key) as source, tempfile.TemporaryDirectory() as tmp:
        for plan in renditions.plans_for(asset.mime_type):
            target = Path(tmp) / f"{plan.name}{plan.extension}"
            try:
                width, height = renditions.make(plan, source, target)
            except (OSError, ValueError, av.FFmpegError) as exc:
                # Probing reads headers; decoding the picture can still fail. The asset
                # stays usable as it is, and says what is missing.
                logger.warning("rendition failed", extra={"media_id": asset.pk, "error": str(exc)})
                notes.append(f"The {plan.name} rendition could not be made: {exc}")
                continue
            key = storage.derived_key(asset.storage_key, plan.name, plan.extension)
            storage.save_path(key, target)
            made.append(
                {
                    "name": plan.name,
                    "key": key,
                    "mime_type": plan.mime_type,
                    "size": target.stat().st_size,
                    "width": width,
                    "height": height,
                }
            )
    _move(
        asset.pk,
        expected=Status.PROCESSING,
        status=Status.READY,
        renditions=made,
        error=" ".join(notes),
    )


# --- Deletion and the sweep


def media_delete(*, asset: MediaAsset) -> None:
    """Delete the asset and its objects; 409 while a post that is not cancelled uses it."""
    with transaction.atomic():
        locked = MediaAsset.objects.select_for_update().filter(pk=asset.pk).first()
        if locked is None:
            return
        using = posts_using(locked)
        if using:
            described = "; ".join(
                f"{post_id} ({', '.join(states)})" for post_id, states in sorted(using.items())
            )
            raise Conflict(
                f"Media {locked.pk} is used by posts: {described}. "
                "Delete those posts, or remove the media from them, first."
            )
        links_release(locked)  # posts deleted (cancelled) before: they lose the link
        locked.delete()  # its objects are owed by `asset_deleted`


def media_discard(*, assets: Iterable[MediaAsset]) -> None:
    """Remove assets a refused request created and their objects: the rows if they are still
    there (a rolled-back transaction took them along), the objects in any case (no rollback
    takes a stored file back). Call it outside that request's transaction."""
    assets = list(assets)
    if not assets:
        return
    with transaction.atomic():
        MediaAsset.objects.filter(pk__in=[asset.pk for asset in assets]).delete()
        # Now, not once a signed URL would have expired: nobody uploads to these.
        _schedule_deletion([key for asset in assets for key in asset.storage_keys])


def asset_deleted(*, instance: MediaAsset, **kwargs: object) -> None:
    """post_delete of any MediaAsset row (the API, a workspace deleted with its media):
    record its objects for deletion in the same transaction."""
    pending = instance.status == Status.PENDING_UPLOAD
    # A client may still PUT to a pending upload's signed URL until it expires.
    _schedule_deletion(
        instance.storage_keys, keep_until=instance.upload_expires_at if pending else None
    )


def _schedule_deletion(keys: list[str], *, keep_until: datetime | None = None) -> None:
    for key in keys:
        StorageDeletion.objects.update_or_create(key=key, defaults={"keep_until": keep_until})
    transaction.on_commit(lambda: storage_deletions_run(keys=keys))


def storage_deletions_run(*, keys: list[str] | None = None) -> int:
    """Delete the recorded objects (all of them, or `keys`); returns how many are done.
    A failure stays recorded for the next sweep."""
    now = timezone.now()
    rows = (
        StorageDeletion.objects.all()
        if keys is None
        else StorageDeletion.objects.filter(key__in=keys)
    )
    done = 0
    for row in rows:
        try:
            storage.delete(row.key)
        except STORAGE_ERRORS as exc:
            logger.warning(
                "deleting a media object failed", extra={"key": row.key, "error": str(exc)}
            )
            StorageDeletion.objects.filter(pk=row.pk).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:1000]
            )
            continue
        done += 1
        if row.keep_until is None or row.keep_until <= now:
            row.delete()
    return done


def media_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Periodic clean-up (beat): fail expired pending uploads and remove their objects,
    re-send renditions whose worker died, and retry failed object deletions."""
    now = now or timezone.now()
    expired = 0
    for asset in MediaAsset.objects.filter(status=Status.PENDING_UPLOAD, upload_expires_at__lt=now):
        if not asset.source_url and posts_using(asset):
            # A post names it: Publora/PostPost clients PUT the file and never call
            # complete, so its bytes are checked now, as scheduling would have.
            try:
                media_complete(asset=asset)
                continue
            except (StorageUnavailable, CompletionInProgress):
                continue  # the next sweep tries again
            except (Unprocessable, Conflict):
                pass  # nothing was PUT (or the bytes were refused and it failed already)
        message = (
            "The file could not be fetched in time."
            if asset.source_url
            else "The upload was not completed before its URL expired."
        )
        expired += _reject(asset, message)
    stale = now - timedelta(seconds=settings.CRIER_MEDIA_SWEEP_INTERVAL)
    stuck = list(
        MediaAsset.objects.filter(status=Status.PROCESSING, updated_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    MediaAsset.objects.filter(pk__in=stuck).update(updated_at=now)
    for media_id in stuck:
        _send_renditions(media_id)
    deleted = storage_deletions_run()
    return {"expired": expired, "renditions_resent": len(stuck), "objects_deleted": deleted}


def _send_fetch(media_id: str) -> None:
    from media.tasks import fetch_from_url

    fetch_from_url.delay(media_id)


def _send_renditions(media_id: str) -> None:
    from media.tasks import make_renditions

    make_renditions.delay(media_id)
