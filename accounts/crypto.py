"""Secrets at rest: MultiFernet over CRIER_ENCRYPTION_KEYS (first key encrypts, all decrypt)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.functions import Cast


class UndecryptableSecret(Exception):
    """Stored ciphertext matches none of the configured keys (a key was removed too early)."""


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("CRIER_ENCRYPTION_KEYS is empty: no key to encrypt secrets.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "CRIER_ENCRYPTION_KEYS must hold url-safe base64 Fernet keys "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.CRIER_ENCRYPTION_KEYS))


def encrypt_json(value: Any) -> str:
    return fernet().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def decrypt_json(token: str) -> Any:
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise UndecryptableSecret(
            "stored secret cannot be decrypted with the configured keys"
        ) from exc


@cache
def _primary_for(key: str) -> Fernet:
    return Fernet(key.encode())


def rotated_token(token: str) -> str | None:
    """`token` re-encrypted under the first key, or None when it already is under it.

    Skipping those makes a rotation that stopped half-way cheap to run again.
    """
    every_key = fernet()  # first: it says so when no key is configured
    try:
        _primary_for(settings.CRIER_ENCRYPTION_KEYS[0]).decrypt(token.encode())
        return None
    except InvalidToken:
        pass
    try:
        return every_key.rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise UndecryptableSecret(
            "stored secret cannot be decrypted with the configured keys"
        ) from exc


class EncryptedJSONField(models.TextField):
    """A JSON value stored as a Fernet token; the clear value never reaches the database."""

    # django-stubs reads these as the model attribute's types: the JSON object, where the
    # text column it is stored in would say str.
    _pyi_private_set_type: dict[str, Any]  # type: ignore[assignment]
    _pyi_private_get_type: dict[str, Any]  # type: ignore[assignment]

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return {}
        return decrypt_json(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_json(value)


def encrypted_fields() -> dict[type[models.Model], list[EncryptedJSONField]]:
    """Every encrypted field of every model, found through the app registry (no list to keep)."""
    found: dict[type[models.Model], list[EncryptedJSONField]] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue  # their rows live in (and are rotated through) another model's table
        fields = [
            field
            for field in model._meta.local_concrete_fields  # a parent's are in its own table
            if isinstance(field, EncryptedJSONField)
        ]
        if fields:
            found[model] = fields
    return found


def rotate_stored_secrets(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted value of every model under the first key.

    Works on the stored tokens (no model instance is loaded or saved), in batches of `batch_size`
    rows in primary-key order, one transaction per batch. A row is rewritten only if its
    token is still the one read, so a secret saved meanwhile (a refreshed access token) is
    never overwritten with an older one. Returns the rows rewritten per `app.Model.field`.
    """
    rewritten: dict[str, int] = {}
    for model, fields in encrypted_fields().items():
        for field in fields:
            label = f"{model._meta.label}.{field.name}"
            rewritten[label] = _rotate_column(model, field, batch_size=batch_size)
    return rewritten


def _rotate_column(model: type[models.Model], field: EncryptedJSONField, *, batch_size: int) -> int:
    # Cast to a plain text column: the raw token, without from_db_value decrypting it.
    token = Cast(field.name, output_field=models.TextField())
    rewritten = 0
    last_pk: Any = None
    while True:
        batch = model._base_manager.annotate(token=token).filter(token__gt="").order_by("pk")
        if last_pk is not None:
            batch = batch.filter(pk__gt=last_pk)
        rows = list(batch.values_list("pk", "token")[:batch_size])
        if not rows:
            return rewritten
        last_pk = rows[-1][0]
        with transaction.atomic():
            for pk, old in rows:
                new_token = rotated_token(old)
                if new_token is None:
                    continue
                still_old = model._base_manager.alias(token=token).filter(pk=pk, token=old)
                as_text = models.Value(new_token, output_field=models.TextField())
                rewritten += still_old.update(**{field.name: as_text})
