from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.crypto import rotate_stored_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field of every model (account credentials, webhook "
        "signing secrets, OAuth states, ...) with the first key of CRIER_ENCRYPTION_KEYS. "
        "Put a new key first, restart every process, run this, then remove the old keys. "
        "Safe to run again: values already under the first key are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        for label, rewritten in rotate_stored_secrets(batch_size=batch_size).items():
            self.stdout.write(f"{label}: re-encrypted {rewritten} rows")
