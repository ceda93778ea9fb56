"""Rebuilding every roll-up row from the approved reports: for loading data in bulk (the demo,
the benchmark) and as a repair tool. Approvals keep the rows current by themselves
(`rollups.py`)."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Max

from danvan.org.models import Area, Organization

from .models import AreaRollup, OrgRollup, PendingFold, Submission, Value
from .rollups import FIGURE, ROLLED


def _rebuild_sql(target: str, node_column: str, join: str, node_table: str, depth: int) -> str:
    return (
        f"INSERT INTO {target} (indicator_id, {node_column}, period, total, count, min_value, max_value) "  # noqa: S608
        f"SELECT v.indicator_id, anc.id, s.period, "
        f"SUM({FIGURE}), COUNT(*), "
        f"CASE WHEN i.aggregation IN ('min', 'max') THEN MIN({FIGURE}) END, "
        f"CASE WHEN i.aggregation IN ('min', 'max') THEN MAX({FIGURE}) END "
        f"FROM {Value._meta.db_table} v "
        f"JOIN {Submission._meta.db_table} s ON s.id = v.submission_id AND s.status = 'approved' "
        f"{ROLLED}"
        f"JOIN {Organization._meta.db_table} o ON o.id = s.organization_id "
        f"{join} "
        f"JOIN {node_table} anc ON anc.depth = {depth} AND anc.path = SUBSTR(n.path, 1, {depth * Organization.steplen}) "
        f"WHERE v.number IS NOT NULL "
        f"GROUP BY v.indicator_id, anc.id, s.period, i.aggregation"
    )


@transaction.atomic
def rollups() -> None:
    """Recompute every roll-up row from the approved reports: for loading data in bulk (the
    demo, the benchmark) and as a repair tool. Approvals keep the rows current by themselves.
    The queue is locked first (PostgreSQL): no fold and no approval runs meanwhile, so none
    is counted twice or lost; SQLite writes one at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {PendingFold._meta.db_table} IN EXCLUSIVE MODE")
    OrgRollup.objects.all().delete()
    AreaRollup.objects.all().delete()
    PendingFold.objects.all().delete()  # every approved report is read below
    org_depth = Organization.objects.aggregate(d=Max("depth"))["d"] or 0
    area_depth = Area.objects.aggregate(d=Max("depth"))["d"] or 0
    with connection.cursor() as cursor:
        for depth in range(1, org_depth + 1):
            cursor.execute(
                _rebuild_sql(
                    OrgRollup._meta.db_table,
                    "organization_id",
                    f"JOIN {Organization._meta.db_table} n ON n.id = o.id",
                    Organization._meta.db_table,
                    depth,
                )
            )
        for depth in range(1, area_depth + 1):
            cursor.execute(
                _rebuild_sql(
                    AreaRollup._meta.db_table,
                    "area_id",
                    f"JOIN {Area._meta.db_table} n ON n.id = o.area_id",
                    Area._meta.db_table,
                    depth,
                )
            )
