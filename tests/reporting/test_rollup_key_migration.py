"""Migration 0007: the roll-up tables move to their natural key (indicator, node, period) as
primary key and back, on SQLite and PostgreSQL, without losing a row or changing a figure."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from danvan.lib import periods
from danvan.reporting import rollups, services
from danvan.reporting.models import AreaRollup, Indicator, OrgRollup
from tests.reporting.test_services import submitted

BEFORE = [("reporting", "0006_rollup_indexes")]
S1 = periods.parse("2026S1")
TABLES = {
    OrgRollup._meta.db_table: "organization_id",
    AreaRollup._meta.db_table: "area_id",
}


def _migrate(target: list[tuple[str, str]] | None = None) -> None:
    """To `target`, or back to the latest migration of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())


class Refused(Exception):
    pass


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        found = {}
        for table, node in TABLES.items():
            cursor.execute(
                f"SELECT indicator_id, {node}, period, total, count, min_value, max_value "  # noqa: S608
                f"FROM {table} ORDER BY indicator_id, {node}, period"
            )
            found[table] = cursor.fetchall()
    return found


def _keys(table: str) -> tuple[list[str], list[str]]:
    """(the table's columns, the primary key's columns in the key's order)."""
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        if connection.vendor == "sqlite":  # Django lists a key's columns in the table's order
            cursor.execute(f"PRAGMA table_info({table})")
            return columns, [
                row[1] for row in sorted(cursor.fetchall(), key=lambda r: r[5]) if row[5]
            ]
        constraints = connection.introspection.get_constraints(cursor, table)
    primary = [c["columns"] for c in constraints.values() if c["primary_key"]]
    return columns, primary[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rollup_rows_keep_their_figures_through_the_key_change_both_ways(
    half_form, world, tinh
) -> None:
    services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_a))
    services.submission_approve(
        actor=tinh, submission=submitted(half_form, world.front_b, MEETINGS="6")
    )
    meetings = Indicator.objects.get(code="MEETINGS")
    rows = _rows()
    assert len(rows[OrgRollup._meta.db_table]) > 5
    assert len(rows[AreaRollup._meta.db_table]) > 5
    for table, node in TABLES.items():
        columns, primary = _keys(table)
        assert "id" not in columns
        assert primary == ["indicator_id", node, "period"]

    try:
        _migrate(BEFORE)
        assert _rows() == rows
        for table, node in TABLES.items():
            columns, primary = _keys(table)
            assert "id" in columns
            assert primary == ["id"]
            with connection.cursor() as cursor:  # the unique key is back
                cursor.execute(f"SELECT indicator_id, {node}, period FROM {table} LIMIT 1")  # noqa: S608
                key = cursor.fetchone()
                try:
                    with transaction.atomic():  # a second row with the key is refused…
                        cursor.execute(
                            f"INSERT INTO {table} (indicator_id, {node}, period, total, count) "  # noqa: S608
                            "VALUES (%s, %s, %s, 0, 0)",
                            key,
                        )
                        raise Refused  # …or, taken, rolled back: the way forward must not see it
                except IntegrityError:
                    pass
                except Refused:
                    pytest.fail(f"{table} took a second row with the key {key}")
    finally:
        _migrate()

    assert _rows() == rows
    for table, node in TABLES.items():
        columns, primary = _keys(table)
        assert "id" not in columns
        assert primary == ["indicator_id", node, "period"]
    # The figures read the same, and approvals go on adding to the same rows.
    assert rollups.figure(meetings, world.commission, S1) == 10
    services.submission_approve(
        actor=tinh, submission=submitted(half_form, world.party_b, MEETINGS="1")
    )
    assert rollups.figure(meetings, world.commission, S1) == 11
    row = OrgRollup.objects.get(pk=(meetings.pk, world.commission.pk, "2026S1"))
    assert (row.total, row.count) == (11 * 10_000, 3)
