"""A covering index for the scorecard on PostgreSQL (measured in bench/RESULTS.md).

The scorecard counts a scope's petitions by unit and area over a few periods; with every column
it reads in the index, PostgreSQL answers from the index alone instead of visiting the rows
scattered over the table (a province's scorecard over 1 million petitions: about 2.4 s without
it, under 100 ms with it). SQLite has no INCLUDE clause and needs no such index at its sizes.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS dialogue_pet_scorecard ON dialogue_petition "
    "(organization_id, area_id) "
    "INCLUDE (received_on, settled_on, confirmed_on, due_on, state, confirmation)"
)
DROP = "DROP INDEX IF EXISTS dialogue_pet_scorecard"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("dialogue", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
