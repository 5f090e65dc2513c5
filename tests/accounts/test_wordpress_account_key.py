"""accounts/migrations/0007: WordPress accounts keyed by site alone take the site-and-user key
the connector now gives, so reconnecting finds them (tests/connectors/test_wordpress_server.py
shows two users of one site becoming two accounts)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from tests.factories import SocialAccountFactory

migration = import_module("accounts.migrations.0008_wordpress_account_per_user")
SITE = "https://blog.example.com"


@pytest.mark.django_db
def test_site_keyed_wordpress_accounts_take_the_user_id_stored_at_connect():
    old = SocialAccountFactory(
        platform="wordpress",
        external_id=SITE,
        credentials={"access_token": "p", "extra": {"site_url": SITE, "user_id": 3}},
    )
    current = SocialAccountFactory(
        platform="wordpress",
        external_id=f"{SITE}#user-5",
        credentials={"access_token": "p", "extra": {"site_url": SITE, "user_id": 5}},
    )
    other = SocialAccountFactory(platform="sandbox", external_id=SITE)

    migration.key_by_user(apps, None)

    for account in (old, current, other):
        account.refresh_from_db()
    assert old.external_id == f"{SITE}#user-3"
    assert current.external_id == f"{SITE}#user-5"
    assert other.external_id == SITE
