"""Opaque public ids: a type prefix, then time-ordered hex (keeps B-tree inserts local)."""

from __future__ import annotations

import secrets
import time
from functools import partial

from django.db import models


def new_public_id(prefix: str) -> str:
    return f"{prefix}_{int(time.time() * 1000):012x}{secrets.token_hex(8)}"


def public_id_field(prefix: str) -> models.CharField:
    """Primary key holding an opaque, non-sequential id such as `acc_0192ab...`."""
    return models.CharField(
        primary_key=True, max_length=40, editable=False, default=partial(new_public_id, prefix)
    )
