"""Seed the kinds of organisation of the political system (editable later: kinds change)."""

from django.db import migrations

from danvan.org.kinds import ensure_kinds


def seed(apps, schema_editor):
    ensure_kinds(apps.get_model("org", "OrganizationKind"))


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
