"""`make run`: the embedded default (SQLite, embedded Redis, local media) in one command.

Prepares var/ (secrets, database, static files, demo data), then hands over to
config/supervise.py, which runs the processes of Procfile.embedded (or of CRIER_PROCFILE,
e.g. the production `Procfile`) and stops all of them on Ctrl-C.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import MutableMapping
from pathlib import Path

from config.embedded import ensure_local_secrets, free_port, redis_command

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CRIER_VAR_DIR", BASE_DIR / "var"))
BIN_DIR = Path(sys.executable).parent


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True)  # noqa: S603


def procfile_with_redis(env: MutableMapping[str, str]) -> Path:
    """The processes to run, plus an embedded Redis process when no broker is configured."""
    lines = (BASE_DIR / env.get("CRIER_PROCFILE", "Procfile.embedded")).read_text().splitlines()
    if not (env.get("REDIS_URL") or env.get("CELERY_BROKER_URL")):
        port = free_port()
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        lines.insert(0, "redis: " + shlex.join(redis_command(port, VAR_DIR / "redis")))
    path = VAR_DIR / "Procfile.run"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    env = os.environ
    for name, value in ensure_local_secrets(VAR_DIR).items():
        env.setdefault(name, value)
    env.setdefault("SECURE_HTTPS", "0")  # plain HTTP on a laptop; production keeps HTTPS on
    env.setdefault("PORT", "8000")
    # The Procfiles bind CRIER_WEB_PORT: honcho and foreman rewrite PORT for every process.
    env["CRIER_WEB_PORT"] = env["PORT"]
    env.setdefault("CRIER_PUBLIC_URL", f"http://127.0.0.1:{env['PORT']}")  # upload and media URLs
    env.setdefault("CRIER_SIMULATOR_PORT", "8025")
    env.setdefault("CRIER_SIMULATOR_URL", f"http://127.0.0.1:{env['CRIER_SIMULATOR_PORT']}")
    # The simulator's OAuth provider accepts any client: the sandbox connect flow works as is.
    env.setdefault("CRIER_OAUTH_SANDBOX_CLIENT_ID", "crier-demo")
    env.setdefault("CRIER_OAUTH_SANDBOX_CLIENT_SECRET", "crier-demo-secret")
    env["PATH"] = f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}"
    procfile = procfile_with_redis(env)
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("demo")
    print(
        f"Metrics: curl http://127.0.0.1:{env['PORT']}/metrics (loopback clients only "
        "while CRIER_METRICS_TOKEN is unset)",
        flush=True,
    )
    # The supervisor replaces this process, so Ctrl-C reaches it directly. Run as a file,
    # not `-m config.supervise`: the config package imports Celery and Django (~60 MB).
    supervise = str(BASE_DIR / "config" / "supervise.py")
    os.execv(sys.executable, [sys.executable, supervise, str(procfile)])  # noqa: S606


if __name__ == "__main__":
    main()
