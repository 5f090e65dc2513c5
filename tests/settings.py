"""Test settings: the production settings module with test-only secrets.

DATABASE_URL / REDIS_URL from the environment are used when set (CI sets them to real
PostgreSQL and Redis); otherwise SQLite and a private embedded Redis per test process.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from config.embedded import use_embedded_redis_unless_configured


def _isolated_redis_db(url: str) -> str:
    """Each xdist process gets its own Redis database, so their queues never mix."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw-1")
    index = (int(worker.removeprefix("gw")) + 2) % 16
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{index}"))


os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# A fixed, test-only Fernet key; real deployments generate their own.
os.environ.setdefault("CRIER_ENCRYPTION_KEYS", "m2lq0F8O6xqK0c7L7u8mH2J3Ywz0fJrKQeqz3b2l6vQ=")
os.environ.setdefault("SECURE_HTTPS", "0")
# Worker processes started by tests inherit REDIS_URL already isolated: keep it as it is.
if not os.environ.get("CRIER_TEST_CHILD"):
    use_embedded_redis_unless_configured()
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if os.environ.get(name):
            os.environ[name] = _isolated_redis_db(os.environ[name])

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES  # noqa: E402

# One test database per pytest session (xdist adds _gwN), so sessions never collide.
_SESSION = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so worker processes started by tests see the same data.
    _path = Path(tempfile.gettempdir()) / f"crier-test-{_SESSION}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(_path)}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_crier_{_SESSION}"}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# High enough that unrelated tests sharing one address never meet them; rate-limit tests
# lower them with override_settings.
API_RATE_LIMIT = "100000/minute"
API_FAILED_AUTH_LIMIT = "100000/minute"
WHITENOISE_AUTOREFRESH = True  # serve static from finders; tests never run collectstatic
