from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from accounts.crypto import UndecryptableSecret
from accounts.models import SocialAccount
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


def _raw_credentials(account_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM accounts_socialaccount WHERE id = %s", [account_id])
        return cursor.fetchone()[0]


def test_secrets_written_under_an_old_key_still_decrypt_after_rotation(settings, workspace):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CRIER_ENCRYPTION_KEYS = [old]
    account = SocialAccountFactory(workspace=workspace)
    written_under_old = _raw_credentials(account.id)

    settings.CRIER_ENCRYPTION_KEYS = [new, old]
    assert SocialAccount.objects.get(pk=account.pk).credentials["access_token"] == (
        "access-secret-token"
    )

    call_command("rotate_encryption_keys")
    rotated = _raw_credentials(account.id)
    assert rotated != written_under_old
    settings.CRIER_ENCRYPTION_KEYS = [new]  # the old key is gone: rotated data still reads
    assert SocialAccount.objects.get(pk=account.pk).credentials["refresh_token"] == (
        "refresh-secret-token"
    )


def test_a_secret_under_a_removed_key_fails_loudly(settings, workspace):
    settings.CRIER_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    account = SocialAccountFactory(workspace=workspace)
    settings.CRIER_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UndecryptableSecret):
        SocialAccount.objects.get(pk=account.pk)
