from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import workspace_create


class Command(BaseCommand):
    help = "Create a workspace owned by a (new or existing) user; prints its id."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--owner", required=True, help="username of the owner")
        parser.add_argument("--email", default="")

    def handle(self, *args, name: str, owner: str, email: str, **options) -> None:
        workspace = workspace_create(name=name, owner_username=owner, owner_email=email)
        self.stdout.write(workspace.pk)
