"""The derived figures' tokens table (settings: CACHES["figure_tokens"], lib/figures.py)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("ops", "0002_cache_table")]
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
