import django.utils.timezone
from django.db import migrations, models


def create_public_version(apps, schema_editor):
    apps.get_model("core", "DataVersion").objects.get_or_create(name="public")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("name", models.CharField(max_length=32, primary_key=True, serialize=False)),
                ("counter", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"verbose_name": "public data version", "verbose_name_plural": "public data versions"},
        ),
        migrations.RunPython(create_public_version, migrations.RunPython.noop),
    ]
