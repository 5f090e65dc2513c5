from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Scope, Workspace
from accounts.services import api_key_issue


class Command(BaseCommand):
    help = "Issue an API key for a workspace's owner and print its secret (shown only once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workspace", required=True, help="workspace id")
        parser.add_argument("--name", default="cli")
        parser.add_argument(
            "--scopes",
            default=",".join(Scope.values),
            help=f"comma-separated, from: {', '.join(Scope.values)}",
        )

    def handle(self, *args, workspace: str, name: str, scopes: str, **options) -> None:
        found = Workspace.objects.filter(pk=workspace).first()
        if found is None:
            raise CommandError(f"no workspace {workspace!r}")
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        if not wanted:
            # api_key_issue reads "no scopes" as "every scope"; an empty flag must not do that.
            raise CommandError(f"--scopes needs at least one scope of: {', '.join(Scope.values)}")
        try:
            issued = api_key_issue(workspace=found, name=name, scopes=wanted)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(issued.secret)
