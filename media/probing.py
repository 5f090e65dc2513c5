"""What a file is, decided by its bytes: sniffing (filetype), then probing with Pillow
(images, with its decompression-bomb guard) or PyAV (videos); both sizes are capped in
pixels before anything decodes a picture."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import filetype
from django.conf import settings
from PIL import Image, UnidentifiedImageError

# Sniffed MIME type → (kind, storage extension, Pillow format). AVI and MKV are accepted
# as input; which types each platform takes is in its connector's PlatformLimits.
ALLOWED: dict[str, tuple[str, str, str | None]] = {
    "image/jpeg": ("image", ".jpg", "JPEG"),
    "image/png": ("image", ".png", "PNG"),
    "image/gif": ("image", ".gif", "GIF"),
    "image/webp": ("image", ".webp", "WEBP"),
    "video/mp4": ("video", ".mp4", None),
    "video/quicktime": ("video", ".mov", None),
    "video/webm": ("video", ".webm", None),
    "video/x-msvideo": ("video", ".avi", None),
    "video/x-matroska": ("video", ".mkv", None),
}
ALLOWED_NAMES = "JPEG, PNG, GIF and WebP images; MP4, MOV, WebM, AVI and MKV videos"
# Other spellings clients send for the same types.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "video/avi": "video/x-msvideo",
    "video/msvideo": "video/x-msvideo",
    "video/mkv": "video/x-matroska",
    "video/x-m4v": "video/mp4",
}
# Types that say nothing about the file: the file name's extension is the claim instead.
_UNINFORMATIVE = {"", "application/octet-stream", "binary/octet-stream"}


class MediaRejected(Exception):
    """The file cannot be accepted; the message tells the caller why (API: 422)."""


def normalize_type(content_type: str) -> str:
    bare = content_type.split(";", 1)[0].strip().lower()
    return _ALIASES.get(bare, bare)


def declared_type(content_type: str | None, file_name: str) -> str:
    """What the client claims the file is: its Content-Type, else its name's extension."""
    claimed = normalize_type(content_type or "")
    if claimed in _UNINFORMATIVE:
        guessed, _ = mimetypes.guess_type(file_name, strict=False)
        claimed = normalize_type(guessed or "")
    return claimed


def kind_of(mime_type: str) -> str:
    return ALLOWED[mime_type][0]


def extension_of(mime_type: str) -> str:
    return ALLOWED[mime_type][1]


def max_bytes(kind: str) -> int:
    if kind == "image":
        return settings.CRIER_MEDIA_MAX_IMAGE_BYTES
    return settings.CRIER_MEDIA_MAX_VIDEO_BYTES


def largest_allowed() -> int:
    return max(max_bytes("image"), max_bytes("video"))


def check_declared(declared: str) -> str:
    """A declared type must be one Crier accepts (before any byte is sent)."""
    normalized = normalize_type(declared)
    if normalized not in ALLOWED:
        raise MediaRejected(f"{declared or 'An empty type'} is not accepted; send {ALLOWED_NAMES}.")
    return normalized


def sniff(head: bytes, *, declared: str = "") -> str:
    """The MIME type of the bytes; refuses types Crier does not take, and bytes that
    contradict what the client declared."""
    guess = filetype.guess(head)
    sniffed = guess.mime if guess else ""
    if sniffed not in ALLOWED:
        what = f"a {sniffed} file" if sniffed else "not a file type Crier recognizes"
        raise MediaRejected(f"The file is {what}; send {ALLOWED_NAMES}.")
    if declared and declared != sniffed:
        raise MediaRejected(f"The file was declared as {declared}, but its bytes are {sniffed}.")
    return sniffed


def check_size(kind: str, size: int) -> None:
    limit = max_bytes(kind)
    if size > limit:
        raise MediaRejected(f"The {kind} is {size} bytes; the limit is {limit} bytes.")
    if size == 0:
        raise MediaRejected("The file is empty.")


@dataclass(frozen=True, slots=True)
class Facts:
    """Measurements of one file; None where they do not apply."""

    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    codec: str = ""
    bit_rate: int | None = None

    @property
    def aspect_ratio(self) -> float | None:
        if not self.width or not self.height:
            return None
        return round(self.width / self.height, 4)


def probe(path: Path, mime_type: str) -> Facts:
    if kind_of(mime_type) == "image":
        return _probe_image(path, ALLOWED[mime_type][2])
    return _probe_video(path)


def _probe_image(path: Path, pillow_format: str | None) -> Facts:
    limit = settings.CRIER_MEDIA_MAX_IMAGE_PIXELS
    try:
        # Only the sniffed format's decoder may read it. Opening reads the header, and
        # Pillow itself refuses images past twice its MAX_IMAGE_PIXELS (a bomb).
        with Image.open(path, formats=[pillow_format] if pillow_format else None) as image:
            width, height = image.size
            if width * height > limit:
                raise MediaRejected(
                    f"The image is {width}x{height} pixels; the limit is {limit} pixels."
                )
            image.verify()
    except Image.DecompressionBombError as exc:
        raise MediaRejected(f"The image is too large to decode safely: {exc}") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise MediaRejected(f"The image could not be read: {exc}") from exc
    return Facts(width=width, height=height, codec=(pillow_format or "").lower())


def _probe_video(path: Path) -> Facts:
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaRejected("The file has no video stream.")
            stream = container.streams.video[0]
            rate = stream.average_rate or stream.guessed_rate
            duration = _seconds(container.duration, Fraction(1, av.time_base))
            if duration is None:
                duration = _seconds(stream.duration, stream.time_base)
            facts = Facts(
                width=stream.codec_context.width or None,
                height=stream.codec_context.height or None,
                duration=duration,
                fps=round(float(rate), 3) if rate else None,
                codec=stream.codec_context.name or "",
                bit_rate=container.bit_rate or stream.bit_rate or None,
            )
    except av.FFmpegError as exc:
        raise MediaRejected(f"The video could not be read: {exc}") from exc
    if not facts.width or not facts.height:
        raise MediaRejected("The video has no picture size.")
    limit = settings.CRIER_MEDIA_MAX_VIDEO_PIXELS
    if facts.width * facts.height > limit:
        raise MediaRejected(
            f"The video is {facts.width}x{facts.height} pixels; the limit is {limit} pixels."
        )
    return facts


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return round(float(value * time_base), 3)
