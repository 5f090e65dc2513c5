from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.crypto import rotate_token
from accounts.models import SocialAccount


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret with the first key of CRIER_ENCRYPTION_KEYS. "
        "Run it after putting a new key first; then the old keys can be removed."
    )

    def handle(self, *args, **options) -> None:
        table = connection.ops.quote_name(SocialAccount._meta.db_table)
        rotated = 0
        # Raw tokens: rotating needs no clear value in Python, only MultiFernet.rotate.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT id, credentials FROM {table} WHERE credentials <> ''")  # noqa: S608
            rows = cursor.fetchall()
            for account_id, token in rows:
                cursor.execute(
                    f"UPDATE {table} SET credentials = %s WHERE id = %s",  # noqa: S608
                    [rotate_token(token), account_id],
                )
                rotated += 1
        self.stdout.write(f"re-encrypted the credentials of {rotated} accounts")
