"""The media storage (`STORAGES["media"]`): keys, public URLs, signed uploads, local copies.

Two backends: the local filesystem (uploads PUT to a signed, expiring Crier URL) and S3
through django-storages (uploads PUT straight to a presigned S3 URL). Everything else in
the media app goes through these helpers, so it never needs to know which one is in use.

A signed upload lands under `upload_key(key)`, never under the key that is served: a
presigned S3 URL cannot be revoked, so `complete` copies the bytes to the served key and
checks that copy, and whatever is PUT to the URL afterwards changes nothing served.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, Protocol, cast
from urllib.parse import quote

from botocore.exceptions import ClientError
from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.urls import reverse

UPLOAD_SALT = "crier.media.upload"
# Enough for any sniffer: filetype reads at most 8 KiB.
HEAD_BYTES = 8192


def media_storage() -> Storage:
    return storages["media"]


class _S3Storage(Protocol):
    """What Crier uses of django-storages' S3Storage, which ships no types."""

    bucket_name: str

    @property
    def connection(self) -> Any: ...  # boto3's S3 resource


def _s3(storage: Storage) -> _S3Storage:
    # Settings allow local files or S3 (config/settings.py): a storage not local is S3's.
    return cast(_S3Storage, storage)


def new_key(workspace_id: str, extension: str) -> str:
    """A fresh key; nothing in it comes from the caller (extension: from our own table)."""
    return f"{workspace_id}/{secrets.token_hex(16)}{extension}"


def derived_key(key: str, name: str, extension: str) -> str:
    """The key of a rendition: fixed by the original's key, so it is known before it exists."""
    stem = key.rsplit(".", 1)[0]
    return f"{stem}-{name}{extension}"


def upload_key(key: str) -> str:
    """Where the signed upload URL of the asset served at `key` puts its bytes. Under its own
    prefix, so a bucket lifecycle rule can expire abandoned uploads."""
    return f"uploads/{key}"


def public_url(key: str) -> str:
    """Where platforms fetch the object."""
    base = settings.CRIER_PUBLIC_MEDIA_URL
    if base:
        return f"{base.rstrip('/')}/{quote(key)}"
    return media_storage().url(key)


def upload_url(*, key: str, media_id: str, content_type: str, ttl: timedelta) -> str:
    """Where the client PUTs the bytes: presigned for S3, a signed Crier URL for local files."""
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        token = signing.dumps(media_id, salt=UPLOAD_SALT)
        path = reverse("media-signed-upload", kwargs={"token": token})
        return f"{settings.CRIER_PUBLIC_URL}{path}"
    # S3 signs the Content-Type too: the PUT must send the type that was declared. A PUT
    # URL cannot bound the size without knowing it exactly (which the Publora-style request
    # does not say): the size is checked at `complete`, before the bytes are copied.
    s3 = _s3(storage)
    return s3.connection.meta.client.generate_presigned_url(
        "put_object",
        Params={"Bucket": s3.bucket_name, "Key": upload_key(key), "ContentType": content_type},
        ExpiresIn=int(ttl.total_seconds()),
    )


def upload_token_media_id(token: str, *, ttl: timedelta) -> str:
    """The media id a local upload token was issued for; raises signing.BadSignature
    (tampered) or signing.SignatureExpired (too old)."""
    return signing.loads(token, salt=UPLOAD_SALT, max_age=ttl)


def exists(key: str) -> bool:
    return media_storage().exists(key)


def size(key: str) -> int:
    """The object's size; FileNotFoundError when nothing is stored there, on both backends."""
    try:
        return media_storage().size(key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            raise FileNotFoundError(key) from exc
        raise


def read_head(key: str) -> bytes:
    """The first bytes of an object, without downloading the rest (a ranged GET on S3)."""
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        with storage.open(key, "rb") as stored:
            return stored.read(HEAD_BYTES)
    s3 = _s3(storage)
    answer = s3.connection.meta.client.get_object(
        Bucket=s3.bucket_name, Key=key, Range=f"bytes=0-{HEAD_BYTES - 1}"
    )
    return answer["Body"].read()


@contextmanager
def local_path(key: str) -> Iterator[Path]:
    """A path on this machine holding the object: the file itself when storage is local,
    else a temporary download, streamed to disk and removed afterwards."""
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        yield Path(storage.path(key))
        return
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        s3 = _s3(storage)
        s3.connection.meta.client.download_fileobj(s3.bucket_name, key, spool)
        spool.flush()
        yield Path(spool.name)


def save(key: str, content: IO[bytes]) -> None:
    """Store `content` under exactly `key` (both backends overwrite, never rename)."""
    # A File with a temporary path (an upload spooled to disk) is moved, not copied.
    stored = media_storage().save(key, content if isinstance(content, File) else File(content))
    if stored != key:  # a misconfigured storage would silently break the no-orphan rule
        raise RuntimeError(f"storage saved {key} as {stored}; enable overwriting")


def copy(source: str, target: str) -> None:
    """Store the object at `source` under `target` too (server-side on S3)."""
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        with storage.open(source, "rb") as original:
            save(target, original)
        return
    # The managed copy: CopyObject, or a multipart copy past CopyObject's 5 GB.
    s3 = _s3(storage)
    s3.connection.meta.client.copy(
        {"Bucket": s3.bucket_name, "Key": source}, s3.bucket_name, target
    )


def save_path(key: str, path: Path) -> None:
    with path.open("rb") as source:
        save(key, source)


def delete(key: str) -> None:
    """Remove the object; a missing object is not an error on either backend."""
    media_storage().delete(key)
