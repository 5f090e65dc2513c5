"""`make run`: the embedded default (SQLite, embedded Redis, local media) in one command.

Prepares var/ (secrets, database, static files, demo data), then hands over to honcho,
which runs the Procfile's processes and stops all of them on Ctrl-C.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from config.embedded import ensure_local_secrets, free_port, redis_command

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CRIER_VAR_DIR", BASE_DIR / "var"))
BIN_DIR = Path(sys.executable).parent


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True)  # noqa: S603


def exec_in_shell(line: str) -> str:
    """`name: command` → `name: exec command`.

    honcho runs each command through `sh -c`; without `exec`, dash forks the command as a
    child of that shell, so on Ctrl-C the shell dies first and the real process finishes
    as an orphan of init, which honcho can no longer reap or report on.
    """
    name, sep, command = line.partition(":")
    if not sep or not name.strip() or line.lstrip().startswith("#"):
        return line
    command = command.strip()
    return line if command.startswith("exec ") else f"{name}: exec {command}"


def procfile_with_redis(env: dict[str, str]) -> Path:
    """The Procfile, plus an embedded Redis process when no broker is configured."""
    lines = (BASE_DIR / "Procfile").read_text().splitlines()
    if not (env.get("REDIS_URL") or env.get("CELERY_BROKER_URL")):
        port = free_port()
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        lines.insert(0, "redis: " + shlex.join(redis_command(port, VAR_DIR / "redis")))
    lines = [exec_in_shell(line) for line in lines]
    path = VAR_DIR / "Procfile.run"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    env = os.environ
    for name, value in ensure_local_secrets(VAR_DIR).items():
        env.setdefault(name, value)
    env.setdefault("SECURE_HTTPS", "0")  # plain HTTP on a laptop; production keeps HTTPS on
    env.setdefault("PORT", "8000")
    env["CRIER_WEB_PORT"] = env["PORT"]  # honcho rewrites PORT for every process it starts
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
    os.execvp(  # noqa: S606 - honcho replaces this process so Ctrl-C reaches it directly
        str(BIN_DIR / "honcho"),
        [str(BIN_DIR / "honcho"), "-f", str(procfile), "-d", str(BASE_DIR), "start"],
    )


if __name__ == "__main__":
    main()
