"""WordPress accounts were keyed by the site URL alone, so a second user of a site replaced
the first; they are now keyed by site and user ("<site>#user-<id>", connectors/wordpress.py).
Existing accounts take the new key from the user id stored at connect time, so reconnecting
finds them instead of adding a twin."""

from django.db import migrations


def key_by_user(apps, schema_editor):
    SocialAccount = apps.get_model("accounts", "SocialAccount")
    for account in SocialAccount.objects.filter(platform="wordpress").exclude(
        external_id__contains="#user-"
    ):
        user_id = ((account.credentials or {}).get("extra") or {}).get("user_id")
        if isinstance(user_id, int):
            account.external_id = f"{account.external_id}#user-{user_id}"
            account.save(update_fields=["external_id"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_platform_choices_callable")]

    operations = [migrations.RunPython(key_by_user, migrations.RunPython.noop)]
