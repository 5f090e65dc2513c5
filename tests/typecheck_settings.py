"""Settings for mypy's django-stubs plugin, which imports them and sets Django up.

The production module with placeholder secrets: unlike tests.settings it starts no Redis,
and unlike config.settings alone it needs no SECRET_KEY in the environment or under var/.
"""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "typecheck-only-secret-key")
# A fixed, typecheck-only Fernet key: settings require one when DEBUG is off.
os.environ.setdefault("CRIER_ENCRYPTION_KEYS", "m2lq0F8O6xqK0c7L7u8mH2J3Ywz0fJrKQeqz3b2l6vQ=")

from config.settings import *  # noqa: F403
