from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import ApiKey, Member, Role, SocialAccount, Workspace
from accounts.platforms import connector_config
from accounts.services import api_key_issue
from connectors.sandbox import DEFAULT_SIMULATOR_URL

DEMO_WORKSPACE = "Demo workspace"
DEMO_KEY_NAME = "demo"


class Command(BaseCommand):
    help = (
        "Create (idempotently) the demo workspace with a sandbox account, issue a fresh demo "
        "API key (revoking the previous one) and print how to call the API."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--base-url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        )
        parser.add_argument("--quiet", action="store_true", help="print only the key")

    @transaction.atomic
    def handle(self, *args, base_url: str, quiet: bool, **options) -> None:
        user, _ = get_user_model().objects.get_or_create(
            username="demo", defaults={"email": "demo@example.com"}
        )
        workspace = Workspace.objects.filter(members__user=user, name=DEMO_WORKSPACE).first()
        if workspace is None:
            workspace = Workspace.objects.create(name=DEMO_WORKSPACE)
            Member.objects.create(workspace=workspace, user=user, role=Role.OWNER)
        # The simulator the sandbox connector is configured with (CRIER_SIMULATOR_URL).
        simulator_url = connector_config("sandbox").api_url or DEFAULT_SIMULATOR_URL
        account, _ = SocialAccount.objects.update_or_create(
            workspace=workspace,
            platform="sandbox",
            external_id="demo-sandbox",
            defaults={
                "username": "crier_demo",
                "display_name": "Crier demo (sandbox)",
                "credentials": {
                    "access_token": "demo-access-token",
                    "refresh_token": "demo-refresh-token",
                    "extra": {"base_url": simulator_url},
                },
            },
        )
        for old in ApiKey.objects.active().filter(member__workspace=workspace, name=DEMO_KEY_NAME):
            old.revoke()
        issued = api_key_issue(workspace=workspace, name=DEMO_KEY_NAME)
        if quiet:
            self.stdout.write(issued.secret)
            return
        self.stdout.write(
            f"""
Crier is running at {base_url}
  API docs:       {base_url}/api/docs/
  Demo workspace: {workspace.pk}
  Sandbox account: {account.pk} (publishes to the simulator at {simulator_url})
  Demo API key:   {issued.secret}   (shown once; a new one is issued on every start)

Try it:
  curl -s {base_url}/api/v1/accounts -H 'Authorization: Bearer-API {issued.secret}'
"""
        )
