"""Real media files, made with Pillow and PyAV, for the media tests."""

from __future__ import annotations

import io
from pathlib import Path

import av
from PIL import Image


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    picture = Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30))
    buffer = io.BytesIO()
    picture.save(buffer, fmt)
    return buffer.getvalue()


def bomb_bytes() -> bytes:
    """A tiny PNG declaring 10000x10000 pixels: more than the guard allows once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
    return buffer.getvalue()


def video_bytes(
    path: Path, *, fps: int, seconds: int = 1, size: tuple[int, int] = (64, 48)
) -> bytes:
    """An H.264 MP4 of `seconds` at `fps` frames per second."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(fps * seconds):
            shade = (index * 7) % 255
            frame = av.VideoFrame.from_image(Image.new("RGB", size, (shade, shade, shade)))
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path.read_bytes()


def huge_video_bytes(path: Path) -> bytes:
    """A ~200 KB MP4 of one black 8192x8192 frame: small to send, 67 million pixels to decode."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=1, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 8192, 8192, "yuv420p"
        frame = av.VideoFrame(8192, 8192, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path.read_bytes()
