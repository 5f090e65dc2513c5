# Approvals move from planning to posts, where their state lives. Only Django's record of
# the models moves: the table keeps its name (ApprovalDecision.Meta.db_table), so no row is
# copied and nothing is locked; planning 0005 drops planning's record of them.

import functools

import django.db.models.deletion
from django.db import migrations, models

import accounts.ids


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_wordpress_account_per_user"),
        ("posts", "0007_delivery_requested_at"),
        ("planning", "0001_initial"),  # created the table
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApprovalDecision",
                    fields=[
                        (
                            "id",
                            models.CharField(
                                default=functools.partial(accounts.ids.new_public_id, "apd"),
                                editable=False,
                                max_length=40,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        (
                            "verdict",
                            models.CharField(
                                choices=[("approved", "Approved"), ("rejected", "Rejected")],
                                max_length=16,
                            ),
                        ),
                        ("comment", models.TextField(blank=True)),
                        ("decided_by_name", models.CharField(blank=True, max_length=200)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="accounts.member",
                            ),
                        ),
                        (
                            "post",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="approval_decisions",
                                to="posts.post",
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.workspace",
                            ),
                        ),
                    ],
                    options={"ordering": ["-created_at"], "db_table": "planning_approvaldecision"},
                ),
                migrations.CreateModel(
                    name="PostAwaitingApproval",
                    fields=[],
                    options={
                        "verbose_name": "post awaiting approval",
                        "verbose_name_plural": "posts awaiting approval",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("posts.post",),
                ),
            ],
        ),
    ]
