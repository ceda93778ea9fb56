"""Seed the topics of the people's situation (administrators edit them later; codes stay)."""

from django.db import migrations

from danvan.situation.topics import ensure_topics


def seed(apps, schema_editor):
    ensure_topics(apps.get_model("situation", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("situation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
