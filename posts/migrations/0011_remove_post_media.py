from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0010_post_media_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="post", name="media"),
    ]
