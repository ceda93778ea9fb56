"""The queue of approved reports waiting to be folded into the roll-up rows (rollups.py)."""

import django.db.models.deletion
from django.db import migrations, models

# Rows come and go all day: on PostgreSQL the table is vacuumed and analysed after every 100
# changes (not 20 % of a tiny table), so the planner knows it holds a few rows and reads the
# queued reports' figures by index, not by scanning.
TUNE = (
    "ALTER TABLE reporting_pendingfold SET (autovacuum_vacuum_scale_factor = 0, "
    "autovacuum_vacuum_threshold = 100, autovacuum_analyze_scale_factor = 0, "
    "autovacuum_analyze_threshold = 100)"
)
UNTUNE = (
    "ALTER TABLE reporting_pendingfold RESET (autovacuum_vacuum_scale_factor, "
    "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)"
)


def tune(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TUNE)


def untune(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNTUNE)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_rollup_natural_key"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingFold",
            fields=[
                (
                    "submission",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="reporting.submission",
                    ),
                ),
            ],
        ),
        migrations.RunPython(tune, untune),
    ]
