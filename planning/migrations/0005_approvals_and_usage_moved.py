# Approvals moved to posts (posts 0008) and plan usage to accounts (accounts 0009), tables
# and rows untouched: planning forgets its record of the models, and their content types
# (with the admin permissions that point at them) follow them to their new app.

from django.db import migrations

MOVED = {"approvaldecision": "posts", "postawaitingapproval": "posts", "monthlyusage": "accounts"}


def _move(apps, moves: dict[str, tuple[str, str]]) -> None:
    """model -> (from app, to app); a content type already at its destination stays."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model, (source, target) in moves.items():
        if not content_types.filter(app_label=target, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types(apps, schema_editor) -> None:
    _move(apps, {model: ("planning", app) for model, app in MOVED.items()})


def move_content_types_back(apps, schema_editor) -> None:
    _move(apps, {model: (app, "planning") for model, app in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("planning", "0004_repostra_fields"),
        ("posts", "0008_approvals_from_planning"),
        ("accounts", "0009_monthly_usage_from_planning"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ApprovalDecision"),
                migrations.DeleteModel(name="PostAwaitingApproval"),
                migrations.DeleteModel(name="MonthlyUsage"),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
