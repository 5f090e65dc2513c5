"""Behind a transaction-mode pooler (docs/deploy.md), `DATABASE_PREPARE_THRESHOLD=0` turns
server-side binding and prepared statements off: a prepared statement lives on one server
connection, and the pooler hands the next transaction to another.

Settings are read once per process, so each case loads them in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRINT_DATABASE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'options': db.get('OPTIONS', {})}))"
)


def database_settings(**env: str) -> dict:
    inherited = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARE_THRESHOLD"}
    environ = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "pooler-test",
        "CRIER_ENCRYPTION_KEYS": "A" * 43 + "=",
        # No connection is made: settings only parse the URL.
        "DATABASE_URL": "postgres://crier@pgbouncer.invalid:6432/crier",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_statements_are_prepared_on_a_direct_connection_by_default():
    database = database_settings()
    assert database["engine"] == "core.fastpaths.postgresql"
    assert database["options"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_zero_turns_server_side_binding_and_prepared_statements_off():
    database = database_settings(DATABASE_PREPARE_THRESHOLD="0")
    assert database["engine"] == "core.fastpaths.postgresql"
    assert "prepare_threshold" not in database["options"]
    assert "server_side_binding" not in database["options"]
