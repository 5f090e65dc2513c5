"""Derived files made on the media queue: a JPEG copy of a WebP image for platforms that
refuse WebP, and a poster frame of a video."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
from django.conf import settings
from PIL import Image

JPEG_QUALITY = 90


@dataclass(frozen=True, slots=True)
class Plan:
    """One rendition to make. `alternative`: the same picture in another format, which a
    platform may receive instead of the original (the poster frame is not one)."""

    name: str
    mime_type: str
    extension: str
    alternative: bool


_JPEG_COPY = Plan("jpeg", "image/jpeg", ".jpg", alternative=True)
_POSTER = Plan("poster", "image/jpeg", ".jpg", alternative=False)


def plans_for(mime_type: str) -> tuple[Plan, ...]:
    if mime_type == "image/webp":
        return (_JPEG_COPY,)
    if mime_type.startswith("video/"):
        return (_POSTER,)
    return ()


def make(plan: Plan, source: Path, target: Path) -> tuple[int, int]:
    """Write the rendition of `source` to `target` (JPEG); returns its width and height."""
    if plan.name == "jpeg":
        with Image.open(source) as image:
            picture = _flatten(image)
    else:
        picture = _first_frame(source)
    picture.save(target, "JPEG", quality=JPEG_QUALITY)
    return picture.size


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency, and black behind a logo looks broken."""
    image.seek(0)  # animated WebP: the first frame
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _first_frame(source: Path) -> Image.Image:
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        # The probe checked the declared size; FFmpeg also refuses to allocate any frame
        # past the limit, should the bitstream change size after the first frames.
        stream.codec_context.options = {"max_pixels": str(settings.CRIER_MEDIA_MAX_VIDEO_PIXELS)}
        for frame in container.decode(stream):
            return frame.to_image()
    raise ValueError("the video has no frame to make a poster from")
