from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.crypto import UndecryptableSecret, encrypted_fields
from accounts.models import Member, OAuthState, SocialAccount
from tests.factories import SocialAccountFactory
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint, new_signing_secret
from webhooks.services import emit, signed_request

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


def _social_account(member: Member, n: int) -> models.Model:
    return SocialAccountFactory(workspace=member.workspace, credentials={"access_token": f"t{n}"})


def _oauth_state(member: Member, n: int) -> models.Model:
    return OAuthState.objects.create(
        workspace=member.workspace,
        member=member,
        platform="sandbox",
        state_hash=OAuthState.hash_state(f"state-{n}"),
        secrets={"code_verifier": f"verifier-{n}"},
        expires_at=timezone.now() + timedelta(minutes=10),
    )


def _webhook_endpoint(member: Member, n: int) -> models.Model:
    return WebhookEndpoint.objects.create(
        workspace=member.workspace,
        url=f"https://hooks.example.com/{n}",
        signing={"secret": new_signing_secret()},
    )


# One row maker per model with an encrypted field. A new encrypted model must be added here
# (the first test below fails until it is), so the rotation test covers it too.
ROW_MAKERS: dict[type[models.Model], Callable[[Member, int], models.Model]] = {
    SocialAccount: _social_account,
    OAuthState: _oauth_state,
    WebhookEndpoint: _webhook_endpoint,
}


def test_every_model_with_an_encrypted_field_has_a_row_maker_in_the_rotation_test():
    assert set(encrypted_fields()) == set(ROW_MAKERS)


def _every_encrypted_value() -> dict[tuple[str, str, str], object]:
    return {
        (model._meta.label, str(row.pk), field.name): getattr(row, field.name)
        for model, fields in encrypted_fields().items()
        for row in model._base_manager.all()
        for field in fields
    }


def test_rotation_re_encrypts_every_encrypted_field_so_the_old_key_can_be_dropped(settings, owner):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CRIER_ENCRYPTION_KEYS = [old]
    # More rows than a batch, so the command has to walk batches to reach them all.
    for n in range(3):
        for make_row in ROW_MAKERS.values():
            make_row(owner.member, n)
    written = _every_encrypted_value()
    assert {label for label, _, _ in written} == {m._meta.label for m in ROW_MAKERS}

    settings.CRIER_ENCRYPTION_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)
    assert "accounts.OAuthState.secrets: re-encrypted 3 rows" in out.getvalue()

    settings.CRIER_ENCRYPTION_KEYS = [new]  # the old key is gone
    assert _every_encrypted_value() == written
    listed = owner.client.get("/api/v1/webhooks")
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 3
    with transaction.atomic():  # as a publish would, inside its transaction
        message = emit(workspace_id=owner.workspace.pk, event=Event.POST_PUBLISHED, data={})
    delivery = WebhookDelivery.objects.filter(message=message).select_related("endpoint").first()
    _, headers = signed_request(delivery.endpoint, message)
    assert headers["webhook-signature"].startswith("v1,")


def test_running_the_rotation_again_rewrites_nothing(settings, workspace):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CRIER_ENCRYPTION_KEYS = [old]
    account = SocialAccountFactory(workspace=workspace)
    settings.CRIER_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_keys", stdout=StringIO())
    after_first_run = _raw_credentials(account.id)

    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "accounts.SocialAccount.credentials: re-encrypted 0 rows" in out.getvalue()
    assert _raw_credentials(account.id) == after_first_run


def test_rotation_stops_at_a_secret_that_no_configured_key_can_read(settings, workspace):
    settings.CRIER_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    SocialAccountFactory(workspace=workspace)
    settings.CRIER_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UndecryptableSecret):
        call_command("rotate_encryption_keys", stdout=StringIO())


def test_rotation_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("rotate_encryption_keys", "--batch-size", "0")
