"""Tests against real servers that run here (WordPress, the Telegram Bot API emulator): where
one cannot start they skip on a developer's machine, and fail in CI, which sets
CRIER_TEST_REAL_SERVERS=1 after installing what they need (.ci/run)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def cannot_start(what: str, reason: str) -> NoReturn:
    if os.environ.get("CRIER_TEST_REAL_SERVERS") == "1":
        pytest.fail(f"{what} cannot run here: {reason}")
    pytest.skip(f"{what} cannot run here: {reason} (.ci/run installs it)")
