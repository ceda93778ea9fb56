"""Indexes for the public showcase search on PostgreSQL (measured in bench/RESULTS.md).

A trigram GIN index lets `search_text LIKE '%word%'` use an index; a partial index covers
the rows the showcase may show. SQLite needs neither. pg_trgm is a trusted extension, so a
database owner can create it; where that is refused, search still works, only slower.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS practices_search_trgm ON practices_practice "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS practices_showcase ON practices_practice (id) "
    "WHERE is_public AND status IN ('recognised', 'commended')",
]
DROP = [
    "DROP INDEX IF EXISTS practices_search_trgm",
    "DROP INDEX IF EXISTS practices_showcase",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT danvan_trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("RELEASE SAVEPOINT danvan_trgm")
        except Exception:  # noqa: BLE001 — without the extension, skip only the trigram index
            cursor.execute("ROLLBACK TO SAVEPOINT danvan_trgm")
            cursor.execute(CREATE[1])
            return
        for statement in CREATE:
            cursor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_seed_subfields")]
    operations = [migrations.RunPython(create, drop)]
