from django.db import migrations

from danvan.practices.subfields import ensure_subfields


def seed(apps, schema_editor):
    ensure_subfields(apps.get_model("practices", "SubField"))


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
