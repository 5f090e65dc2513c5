"""`Idempotency-Key` on POST: the same key and body within 24 hours replays the first answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Workspace
from core.errors import Unprocessable
from posts.models import IdempotencyRecord

HEADER = "Idempotency-Key"


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise Unprocessable(
            f"This {HEADER} was already used with a different request; use a new key."
        )
    return Response(
        record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"}
    )


def _live_record(workspace: Workspace, key: str) -> IdempotencyRecord | None:
    cutoff = timezone.now() - settings.CRIER_IDEMPOTENCY_TTL
    return IdempotencyRecord.objects.filter(
        workspace=workspace, key=key, created_at__gte=cutoff
    ).first()


def idempotent(request: Request, workspace: Workspace, handle: Callable[[], Response]) -> Response:
    """Run `handle` once per key; concurrent duplicates wait for the first and replay it."""
    key = request.headers.get(HEADER)
    if key is None:
        return handle()
    if not key.strip() or len(key) > 255:
        raise ValidationError(f"{HEADER} must be 1 to 255 characters.")
    fingerprint = _fingerprint(request)
    record = _live_record(workspace, key)
    if record is not None:
        return _replay(record, fingerprint)
    try:
        with transaction.atomic():
            # An expired record of the same key makes way for the new request.
            IdempotencyRecord.objects.filter(workspace=workspace, key=key).delete()
            response = handle()
            IdempotencyRecord.objects.create(
                workspace=workspace,
                key=key,
                request_fingerprint=fingerprint,
                response_status=response.status_code,
                response_body=response.data,
            )
        return response
    except IntegrityError:
        # A concurrent request with this key committed first; our work was rolled back.
        record = _live_record(workspace, key)
        if record is None:
            raise
        return _replay(record, fingerprint)
