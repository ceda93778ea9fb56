"""What /healthz tells a monitor: the database, the worker, the jobs and the upkeep waiting,
the last backup, and the read replica when there is one."""

from __future__ import annotations

import datetime
import functools
from contextlib import suppress
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Min
from django.utils import timezone

import danvan
from danvan.lib import upkeep
from danvan.lib.replica import replica_alias

from . import heartbeat
from .backup import code_migrations

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def jobs_waiting() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


@functools.cache
def _code_latest() -> frozenset[tuple[str, str]]:
    """The latest migration of each app in the code (read from disk once per process)."""
    return frozenset(code_migrations().items())


def _migrated() -> bool:
    """Has the database every migration of this code? (What an upgrade's `danvan migrate`
    brings; raises DatabaseError when the database cannot be read.)"""
    latest = _code_latest()
    recorded = MigrationRecorder(connection).migration_qs.filter(
        name__in={name for _app, name in latest}
    )
    return latest <= set(recorded.values_list("app", "name"))


def _answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def status() -> dict[str, Any]:
    """The health report; "status" is "ok", "degraded" (the site answers, something lags) or
    "error" (the database is unreachable, or its tables are not those of this version)."""
    try:
        migrated = _migrated()  # one query, which also tells that the database answers
    except DatabaseError:
        if not _answers():
            return {"status": "error", "database": "unreachable", "version": danvan.__version__}
        migrated = False  # not even Django's table of migrations: an empty database
    beats = None
    if migrated:
        with suppress(DatabaseError):
            beats = heartbeat.all_beats()  # one query for the three
    if beats is None:  # the code is newer than the schema: `danvan migrate` was not run
        return {"status": "error", "database": "not migrated", "version": danvan.__version__}
    now = timezone.now()
    uses_worker = settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND
    worker, scheduler, backup = (beats.get(name) for name in ("worker", "scheduler", "backup"))
    worker_age, scheduler_age, backup_age = (
        heartbeat.age(beat, now) for beat in (worker, scheduler, backup)
    )
    limits = settings.DANVAN_HEALTH
    problems = []
    if uses_worker and (worker_age is None or worker_age > limits["worker_seconds"]):
        problems.append("worker")
    if uses_worker and (scheduler_age is None or scheduler_age > limits["scheduler_seconds"]):
        problems.append("scheduler")
    # Never backed up counts from the day of the install: a timer never enabled, or failing
    # every night, is named once the install is older than the limit.
    if limits["backup_hours"]:
        since = backup_age if backup else installed_seconds_ago(now)
        if since is not None and since > limits["backup_hours"] * 3600:
            problems.append("backup")
    standby = replica()
    if standby is not None and (
        not standby["answers"] or (standby["lag_seconds"] or 0) > limits["replica_lag_seconds"]
    ):
        problems.append("replica")
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "database": "ok",
        "version": danvan.__version__,
        "commit": danvan.__commit__,
        "worker": {
            "runs_jobs": uses_worker,
            "last_heartbeat": _iso(worker),
            "age_seconds": worker_age,
        },
        "scheduler": {
            "last_heartbeat": _iso(scheduler),
            "age_seconds": scheduler_age,
        },
        "jobs_waiting": jobs_waiting() if uses_worker else 0,
        "upkeep_waiting": upkeep.waiting(),
        "backup": {
            "last": _iso(backup),
            "age_hours": None if backup_age is None else round(backup_age / 3600, 1),
            "file": (backup.detail or {}).get("file", "") if backup else "",
        },
        "replica": standby,
    }


# Seconds the standby is behind: 0 when it has replayed all it received (an idle primary sends
# nothing, and the last replayed transaction's age would grow without any lag), NULL when the
# database is not a standby (a plain database given as the replica, as in the tests).
_LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)


def replica() -> dict[str, Any] | None:
    """The read replica, when one is configured: whether it answers now (asked directly, even
    while the pages rest from it) and how many seconds it is behind the primary."""
    alias = replica_alias()
    if alias is None:
        return None
    try:
        with connections[alias].cursor() as cursor:
            postgresql = connections[alias].vendor == "postgresql"
            cursor.execute(_LAG_SQL if postgresql else "SELECT NULL")
            (lag,) = cursor.fetchone()
    except DatabaseError:
        return {"answers": False, "lag_seconds": None}
    return {"answers": True, "lag_seconds": None if lag is None else round(float(lag), 1)}


def installed_seconds_ago(now: datetime.datetime) -> int | None:
    """Since the first migration was applied here (or on the install a restore came from)."""
    first = MigrationRecorder.Migration.objects.aggregate(first=Min("applied"))["first"]
    return None if first is None else int((now - first).total_seconds())


def _iso(beat: Any) -> str | None:
    return None if beat is None else beat.at.isoformat()
