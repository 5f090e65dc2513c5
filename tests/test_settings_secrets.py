"""Settings read the secrets make run keeps in var/ when the environment has none, so
`manage.py` works by hand; the environment wins, and with neither settings still refuse.

Settings are read once per process, so each case loads them in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = "file-secret-key"
# Fernet keys (32 url-safe base64 bytes), test-only.
FILE_KEY = "m2lq0F8O6xqK0c7L7u8mH2J3Ywz0fJrKQeqz3b2l6vQ="
ENV_KEY = "Zk9rX3Rlc3Rfb25seV9ub3RfYV9yZWFsX2tleV8xMjM="

PRINT_SECRETS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.SECRET_KEY); print(','.join(settings.CRIER_ENCRYPTION_KEYS))"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A production-like environment without secrets: DEBUG off, var/ in tmp_path."""
    environ = dict(os.environ)
    for name in ("SECRET_KEY", "CRIER_ENCRYPTION_KEYS", "DEBUG", "CRIER_VAR_DIR"):
        environ.pop(name, None)
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    environ.update(
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        CRIER_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{tmp_path / 'crier.sqlite3'}",
    )
    return environ


def write_var_secrets(env: dict[str, str]) -> None:
    var_dir = Path(env["CRIER_VAR_DIR"])
    # make run writes them without a newline; an editor may add one, which is stripped.
    (var_dir / "secret_key").write_text(f"{SECRET_FILE}\n")
    (var_dir / "crier_encryption_keys").write_text(f"{FILE_KEY}\n")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_reads_the_secrets_from_var_when_the_environment_has_none(env):
    write_var_secrets(env)

    result = run(env, "-c", PRINT_SECRETS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [SECRET_FILE, FILE_KEY]


def test_it_reads_the_secrets_from_var_when_the_environment_has_them_empty(env):
    write_var_secrets(env)
    env.update(SECRET_KEY="", CRIER_ENCRYPTION_KEYS="")

    result = run(env, "-c", PRINT_SECRETS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [SECRET_FILE, FILE_KEY]


def test_the_environment_wins_over_the_var_files(env):
    write_var_secrets(env)
    env.update(SECRET_KEY="env-secret-key", CRIER_ENCRYPTION_KEYS=f"{ENV_KEY},{FILE_KEY}")

    result = run(env, "-c", PRINT_SECRETS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["env-secret-key", f"{ENV_KEY},{FILE_KEY}"]


def test_it_refuses_to_start_without_a_secret_key_in_env_or_var(env):
    result = run(env, "-c", PRINT_SECRETS)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    assert not any(Path(env["CRIER_VAR_DIR"]).iterdir()), "settings must never create secrets"


def test_it_refuses_to_start_without_encryption_keys_in_env_or_var(env):
    env["SECRET_KEY"] = "env-secret-key"

    result = run(env, "-c", PRINT_SECRETS)

    assert result.returncode != 0
    assert "CRIER_ENCRYPTION_KEYS is required when DEBUG is off" in result.stderr
    assert not any(Path(env["CRIER_VAR_DIR"]).iterdir()), "settings must never create secrets"


def test_manage_py_runs_with_only_the_var_secrets(env):
    write_var_secrets(env)

    result = run(env, "manage.py", "check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
