"""Memory of the web process while a 500 MB video is uploaded through `POST /api/v1/media`.

Runs gunicorn as the Procfile does (here one worker, so its memory is the one measured)
on local storage, makes a valid MP4 padded to the size with an ISO BMFF `free` box (so the
upload is sniffed, probed and stored like any video), uploads it as multipart with httpx,
and reports the worker's resident memory before, during (sampled) and at its peak
(`VmHWM`, the kernel's high-water mark). The target: growth under 100 MB.

    python -m bench.upload_memory [--quick] [--size-mb 500]
"""

from __future__ import annotations

import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

from bench.common import (
    Processes,
    bench_database,
    bench_redis,
    configure_django,
    free_port,
    machine,
    parse_args,
    publish_result,
    time_budget,
    wait_for_http,
)

REDIS_INDEX = 13
TARGET_MB = 100
MB = 1024 * 1024


def main() -> None:
    args = parse_args(
        __doc__.splitlines()[0], size_mb={"type": int, "help": "file size (default 500)"}
    )
    size_mb = args.size_mb or (100 if args.quick else 500)
    with (
        time_budget(115 if args.quick else 15 * 60),
        tempfile.TemporaryDirectory(prefix="crier-upload-bench-") as scratch,
        bench_database("upload_memory") as database_url,
        bench_redis(REDIS_INDEX) as redis_url,
        Processes() as processes,
    ):
        folder = Path(scratch)
        configure_django(
            database_url, redis_url, CRIER_STORAGE="local", MEDIA_ROOT=str(folder / "media")
        )
        secret = seed_key()
        video = padded_video(folder / "upload.mp4", size_mb * MB)
        url, worker = start_gunicorn(processes)
        result = measure(url, secret, video, worker)
        result["machine"] = machine(database_url)
    publish_result("upload_memory", result)


def seed_key() -> str:
    from accounts.services import api_key_issue, workspace_create

    workspace = workspace_create(name="bench", owner_username="bench")
    return api_key_issue(workspace=workspace, name="bench").secret


def padded_video(path: Path, size: int) -> Path:
    """One second of real H.264 video, then a `free` box filling the file up to `size`."""
    import av
    from PIL import Image

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for index in range(30):
            frame = av.VideoFrame.from_image(Image.new("RGB", (320, 240), (index * 8, 0, 0)))
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    padding = size - path.stat().st_size
    with path.open("ab") as file:
        file.write(struct.pack(">I4s", padding, b"free"))
        chunk = bytes(MB)
        remaining = padding - 8
        while remaining > 0:
            file.write(chunk[: min(MB, remaining)])
            remaining -= MB
    return path


def start_gunicorn(processes: Processes) -> tuple[str, psutil.Process]:
    port = free_port()
    processes.start(
        "gunicorn",
        [
            *(sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
        ],
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/healthz")
    [worker] = psutil.Process(processes.running["gunicorn"].pid).children()
    return url, worker


def measure(url: str, secret: str, video: Path, worker: psutil.Process) -> dict:
    headers = {"Authorization": f"Bearer-API {secret}"}
    with httpx.Client(base_url=url, headers=headers, timeout=600) as client:
        client.get("/api/v1/media").raise_for_status()  # warm: imports, connections
        baseline = worker.memory_info().rss
        peak = baseline
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, worker.memory_info().rss)
                time.sleep(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        with video.open("rb") as file:
            response = client.post("/api/v1/media", files={"file": ("big.mp4", file, "video/mp4")})
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    high_water = _high_water_mark(worker.pid)
    size_mb = video.stat().st_size / MB
    growth = max(peak, high_water) - baseline
    body = response.json()
    return {
        "file_mb": round(size_mb, 1),
        "status": response.status_code,
        "media": {key: body.get(key) for key in ("status", "mime_type", "size", "fps", "codec")},
        "upload_seconds": round(seconds, 2),
        "throughput_mb_per_s": round(size_mb / seconds, 1),
        "web_rss_baseline_mb": round(baseline / MB, 1),
        "web_rss_peak_sampled_mb": round(peak / MB, 1),
        "web_rss_high_water_mb": round(high_water / MB, 1),
        "web_rss_peak_growth_mb": round(growth / MB, 1),
        "target_growth_mb": TARGET_MB,
        "within_target": response.status_code == 201 and growth < TARGET_MB * MB,
    }


def _high_water_mark(pid: int) -> int:
    """Peak resident memory of the process so far (Linux `VmHWM`), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM: this benchmark needs Linux")


if __name__ == "__main__":
    main()
