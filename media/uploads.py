"""Multipart uploads streamed to disk: the file part is spooled to a temporary file in
chunks while it is hashed and measured, so a request never holds a file in memory."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from core.errors import PayloadTooLarge


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Like Django's temporary-file handler, plus a running sha256 and a size limit that
    stops reading as soon as the file passes it (not after it has been spooled whole)."""

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.sha256 = hashlib.sha256()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        # The size counts every file part of the request, so many parts cannot fill the disk.
        self.sha256 = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            raise PayloadTooLarge(f"The file is larger than the limit of {self.max_bytes} bytes.")
        self.sha256.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> TemporaryUploadedFile:
        uploaded = super().file_complete(file_size)
        assert isinstance(uploaded, TemporaryUploadedFile)  # the one new_file spooled to
        # An attribute of our own (media.services reads it), unknown to django-stubs.
        uploaded.sha256 = self.sha256.hexdigest()  # type: ignore[attr-defined]
        return uploaded
