import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0002_completing_until"),
        ("posts", "0008_approvals_from_planning"),
    ]

    operations = [
        migrations.CreateModel(
            name="PostMedia",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("alt", models.CharField(blank=True, max_length=1500)),
                (
                    "asset",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="media.mediaasset",
                    ),
                ),
                (
                    "post",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="media_links",
                        to="posts.post",
                    ),
                ),
            ],
            options={
                "verbose_name": "post media",
                "verbose_name_plural": "post media",
                "ordering": ["position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("post", "position"), name="post_media_position"
                    )
                ],
            },
        ),
    ]
