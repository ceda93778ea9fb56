"""/healthz: what a monitor reads — the database, the worker, the jobs waiting, the backup."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, ProgrammingError
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.utils import timezone

import danvan
from danvan.ops import heartbeat, scheduler
from danvan.ops.models import Heartbeat

IN_THE_DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
pytestmark = pytest.mark.django_db


def health() -> dict:
    response = Client().get("/healthz")
    assert response.status_code == 200
    return response.json()


def test_the_embedded_install_runs_jobs_in_process_and_is_ok() -> None:
    body = health()
    assert body["status"] == "ok" and body["problems"] == []
    assert body["worker"] == {"runs_jobs": False, "last_heartbeat": None, "age_seconds": None}
    assert body["jobs_waiting"] == 0
    assert body["backup"] == {"last": None, "age_hours": None, "file": ""}
    assert body["replica"] is None  # none configured: nothing to judge
    assert body["commit"] == danvan.__commit__  # what `make build` wrote, "" if unknown


def test_the_build_names_its_commit_for_the_package(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """tools/build.py writes the clone's commit into danvan/COMMIT, which the package installs
    (pyproject's package data) and danvan.__commit__ reads; outside a clone it writes none."""
    import importlib.util
    import subprocess
    import tomllib
    from pathlib import Path

    root = Path(danvan.__file__).parent.parent
    spec = importlib.util.spec_from_file_location("build_tool", root / "tools" / "build.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "COMMIT" in package_data["package-data"]["*"]
    if (root / ".git").exists():
        head = subprocess.run(  # noqa: S603
            ["git", "-C", str(root), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        assert danvan._commit().split("+")[0] == head  # `make test` ran `make build` first
    elsewhere = tmp_path / "danvan"
    elsewhere.mkdir()
    (elsewhere / "COMMIT").write_text("old\n")
    tool.ROOT = tmp_path  # a source archive: no .git
    monkeypatch.delenv("DANVAN_COMMIT", raising=False)  # as the README has operators export it
    tool.write_commit()
    assert not (elsewhere / "COMMIT").exists()
    # The container build: no .git either, the commit given as the build argument.
    monkeypatch.setenv("DANVAN_COMMIT", "0123abcd")
    tool.write_commit()
    assert (elsewhere / "COMMIT").read_text() == "0123abcd\n"
    dockerfile = (root / "Dockerfile").read_text()
    assert dockerfile.index('ARG DANVAN_COMMIT=""') < dockerfile.index("RUN python tools/build.py")
    assert "danvan/COMMIT" in (root / ".dockerignore").read_text().split()  # never a stale one


@override_settings(TASKS=IN_THE_DATABASE)
def test_without_a_worker_heartbeat_the_site_is_degraded_then_ok() -> None:
    body = health()
    assert body["status"] == "degraded" and body["problems"] == ["worker", "scheduler"]
    heartbeat.beat("worker", {"worker": "w1"})
    scheduler.run_due(now=timezone.now().replace(hour=1), scheduler="s1")  # queues nothing
    body = health()
    assert body["status"] == "ok"
    assert body["worker"]["runs_jobs"] is True and body["worker"]["age_seconds"] == 0


@override_settings(TASKS=IN_THE_DATABASE, DANVAN_DAILY_AT="00:00")
def test_jobs_waiting_counts_what_the_worker_has_not_run() -> None:
    queued = scheduler.run_due(now=timezone.now(), scheduler="s1")
    heartbeat.beat("worker")
    assert health()["jobs_waiting"] == len(queued) > 0


def test_an_install_never_backed_up_is_named_once_older_than_the_limit() -> None:
    assert "backup" not in health()["problems"]  # installed just now (this test's migrations)
    long_ago = timezone.now() - datetime.timedelta(hours=37)
    MigrationRecorder.Migration.objects.update(applied=long_ago)
    body = health()
    assert body["status"] == "degraded" and body["problems"] == ["backup"]
    assert body["backup"] == {"last": None, "age_hours": None, "file": ""}
    heartbeat.beat("backup", {"file": "danvan-1.tar.gz"})
    assert health()["status"] == "ok"


def test_backups_made_by_other_means_are_not_judged(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DANVAN_HEALTH = {**settings.DANVAN_HEALTH, "backup_hours": 0}
    long_ago = timezone.now() - datetime.timedelta(days=30)
    MigrationRecorder.Migration.objects.update(applied=long_ago)
    Heartbeat.objects.create(name="backup", at=long_ago)
    assert health()["problems"] == []


@override_settings(TASKS=IN_THE_DATABASE)
def test_a_silent_worker_and_an_old_backup_are_named() -> None:
    long_ago = timezone.now() - datetime.timedelta(hours=40)
    for name in ("worker", "scheduler"):
        Heartbeat.objects.create(name=name, at=long_ago)
    Heartbeat.objects.create(name="backup", at=long_ago, detail={"file": "danvan-x.tar"})
    body = health()
    assert body["problems"] == ["worker", "scheduler", "backup"]
    assert body["backup"]["age_hours"] == 40.0 and body["backup"]["file"] == "danvan-x.tar"
    assert body["worker"]["age_seconds"] == 40 * 3600


def test_an_unreachable_database_is_a_503(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from danvan.ops import health as module

    def broken() -> None:  # as connecting fails: before any statement
        raise DatabaseError("connection refused")

    monkeypatch.setattr(module.connection, "cursor", broken)
    assert_error("unreachable")


def assert_error(database: str) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": database,
        "version": danvan.__version__,
    }


def test_a_schema_behind_the_code_is_a_503_not_a_500(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Upgraded code before `danvan migrate`: the heartbeats' table is not there yet."""

    def missing() -> None:
        raise ProgrammingError('relation "ops_heartbeat" does not exist')

    monkeypatch.setattr(heartbeat, "all_beats", missing)
    assert_error("not migrated")


def test_code_with_a_migration_the_database_lacks_is_a_503() -> None:
    """An upgrade's code started before `danvan migrate`, the tables all there (the new
    migration adds a column or an index): the migrations recorded say it."""
    latest = MigrationRecorder.Migration.objects.filter(app="reporting").order_by("-id").first()
    assert latest is not None and health()["status"] == "ok"
    latest.delete()
    assert_error("not migrated")


def test_an_empty_database_is_not_migrated(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from danvan.ops import health as module

    def no_table() -> bool:
        raise ProgrammingError('relation "django_migrations" does not exist')

    monkeypatch.setattr(module, "_migrated", no_table)
    assert_error("not migrated")  # the database answers: not «unreachable»


@override_settings(TASKS=IN_THE_DATABASE)
def test_a_monitor_costs_four_queries(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for name in ("worker", "scheduler", "backup"):
        heartbeat.beat(name)
    # The database is up, the heartbeats, the jobs waiting, the reports waiting to be folded.
    with django_assert_num_queries(4):
        assert health()["status"] == "ok"
