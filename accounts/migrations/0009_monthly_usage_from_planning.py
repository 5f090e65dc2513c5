# Plan usage moves from planning to accounts, beside the plan's limits. Only Django's record
# of the model moves: the table keeps its name (MonthlyUsage.Meta.db_table), so no row is
# copied and nothing is locked; planning 0005 drops planning's record of it.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_wordpress_account_per_user"),
        ("planning", "0001_initial"),  # created the table
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MonthlyUsage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("month", models.DateField(help_text="First day of the month (UTC).")),
                        ("posts", models.PositiveIntegerField(default=0)),
                        ("warned_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.workspace",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("workspace", "month"), name="one_usage_per_month"
                            )
                        ],
                        "db_table": "planning_monthlyusage",
                    },
                ),
            ],
        ),
    ]
