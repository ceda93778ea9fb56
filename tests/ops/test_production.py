"""The production drill: `danvan serve`, `danvan worker` and two schedulers, production
settings, PostgreSQL. A commune reporter fills and submits a report over HTTP, the province's
specialist approves it, and each daily job — the late-report reminders among them — runs once.

Slow (it loads the demo province into a database of its own): it runs in the PostgreSQL pass of
`make test` only, as CI does (DATABASE_URL=postgres://…).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest

DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"), reason="the drill runs on PostgreSQL"
)
DANVAN = str(Path(sys.executable).with_name("danvan"))
# What every daily job is called in the queue (lib.reminders registrations).
LATE_REPORTS = "danvan.reporting.tasks.send_late_reminders"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def admin_connection() -> psycopg.Connection:
    config = dj_database_url.parse(DATABASE_URL)
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


class Site:
    """The install under test: its environment, its database and its address."""

    def __init__(self, tmp: Path, database: str) -> None:
        config = dj_database_url.parse(DATABASE_URL)
        self.database = database
        self.url = f"http://127.0.0.1:{free_port()}"
        self.database_url = (
            f"postgres://{config['USER']}@{config['HOST'] or '127.0.0.1'}:"
            f"{config['PORT'] or 5432}/{database}"
        )
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp),
            "DJANGO_SETTINGS_MODULE": "danvan.config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": self.database_url,
            "DANVAN_DATA_DIR": str(tmp / "data"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DANVAN_DAILY_AT": "00:00",  # the daily jobs are due as soon as the scheduler runs
            "LOG_FORMAT": "json",
        }
        if config["PASSWORD"]:
            self.env["PGPASSWORD"] = config["PASSWORD"]
        self.logs = tmp / "logs"
        self.logs.mkdir()

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603
            [DANVAN, *args], env=self.env, capture_output=True, text=True, timeout=1200
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        return subprocess.Popen(  # noqa: S603
            [DANVAN, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def call(self, method: str, path: str, token: str = "", body: object = None) -> tuple[int, Any]:
        """An HTTPS request as the proxy forwards it (X-Forwarded-Proto), JSON both ways."""
        headers = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 — our own server on 127.0.0.1
            self.url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    database = f"danvan_drill_{secrets.token_hex(4)}"
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{database}"')  # type: ignore[arg-type]
    try:
        yield Site(tmp_path, database)
    finally:
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')  # type: ignore[arg-type]


def wait_for(check: Any, what: str, seconds: float = 120) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if found := check():
                return found
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def submit_with_explanations(site: Site, token: str, pk: int, values: dict[str, int]) -> Any:
    """Submit as a reporter does: if a consistency warning asks for a word, give it."""
    status, body = site.call("POST", f"/api/v1/submissions/{pk}/submit", token, {"values": values})
    if status == 422 or status == 400:
        asked = [key.split(".", 1)[1] for key in body["errors"] if key.startswith("comments.")]
        assert asked, body
        comments = dict.fromkeys(asked, "Số liệu xã tự tổng hợp, đã đối chiếu với sổ theo dõi.")
        status, body = site.call(
            "POST",
            f"/api/v1/submissions/{pk}/submit",
            token,
            {"values": values, "comments": comments},
        )
    assert status == 200, body
    return body


def test_serve_worker_and_schedulers_in_production(site: Site) -> None:
    site.run("migrate", "--noinput", "-v", "0")
    site.run("collectstatic", "--noinput", "-v", "0")
    site.run("demo")
    reporter = site.run("token", "create", "xa2@demo.danvan.vn").strip().splitlines()[-1]
    specialist = site.run("token", "create", "tinh@demo.danvan.vn").strip().splitlines()[-1]
    bind = site.url.removeprefix("http://")
    processes = [
        site.start("serve", "serve", "--bind", bind, "--workers", "2"),
        site.start("worker", "worker", "--interval", "0.5", "--no-startup-delay"),
        site.start("scheduler-1", "scheduler", "--interval", "1"),
        site.start("scheduler-2", "scheduler", "--interval", "1"),
    ]
    try:
        health = wait_for(
            lambda: (lambda r: r[0] == 200 and r[1]["status"] == "ok" and r[1])(
                site.call("GET", "/healthz")
            ),
            "the site to answer with a worker and a scheduler",
        )
        assert health["worker"]["runs_jobs"] is True and health["database"] == "ok"
        status, page = site.call("GET", "/accounts/login/")
        assert status == 200 and "/static/" in page  # the collected, hashed assets

        # A commune reporter fills the draft report and submits it.
        status, drafts = site.call("GET", "/api/v1/submissions?status=draft", reporter)
        assert status == 200 and drafts["count"] >= 1, drafts
        pk = drafts["items"][0]["id"]
        status, saved = site.call(
            "PATCH", f"/api/v1/submissions/{pk}", reporter, {"values": {"PEOPLE_REACHED": 612}}
        )
        assert status == 200 and saved["status"] == "draft", saved
        submitted = submit_with_explanations(site, reporter, pk, {"PROPAGANDA_SESSIONS": 14})
        assert submitted["status"] == "submitted"
        # The reporter may not approve it; the province's specialist does.
        assert site.call("POST", f"/api/v1/submissions/{pk}/approve", reporter)[0] == 403
        status, approved = site.call("POST", f"/api/v1/submissions/{pk}/approve", specialist)
        assert status == 200 and approved["status"] == "approved", approved
        organization, period = approved["organization_id"], approved["period"]
        status, rollup = site.call(
            "GET",
            f"/api/v1/rollups?indicator=PROPAGANDA_SESSIONS&scope={organization}&period={period}",
            specialist,
        )
        assert status == 200 and rollup["value"] == "14", rollup

        # Each daily job was queued once by one of the two schedulers and run by the worker.
        wait_for(
            lambda: (
                site.call("GET", "/healthz")[1]["jobs_waiting"] == 0
                and len(site.rows("SELECT 1 FROM ops_dailyrun")) >= 8
                and site.call("GET", "/healthz")[1]["upkeep_waiting"] == {"reports_to_fold": 0}
            ),
            "the worker to run the daily jobs and fold the approval",
        )
        time.sleep(3)  # both schedulers pass again: nothing more is queued
        runs = site.rows("SELECT job, count(*), min(day), max(day) FROM ops_dailyrun GROUP BY job")
        assert {job for job, *_rest in runs} >= {LATE_REPORTS} and len(runs) == 8
        assert all(count == 1 for _job, count, *_days in runs), runs
        results = site.rows(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = %s",
            (LATE_REPORTS,),
        )
        assert len(results) == 1 and results[0][0] == "SUCCESSFUL", results
        # The approval was queued for the roll-ups, and the worker's upkeep folded it in.
        assert site.rows("SELECT count(*) FROM reporting_pendingfold") == [(0,)]
        folded = site.rows(
            "SELECT r.total FROM reporting_orgrollup r "
            "JOIN reporting_indicator i ON i.id = r.indicator_id "
            "WHERE i.code = 'PROPAGANDA_SESSIONS' AND r.organization_id = %s AND r.period = %s",
            (organization, period),
        )
        assert folded == [(14 * 10_000,)], folded
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    # One JSON line per request, with the reporter's user id, duration and status.
    lines = [json.loads(line) for line in site.log("serve").splitlines() if line.startswith("{")]
    submits = [
        line
        for line in lines
        if line.get("logger") == "danvan.request" and line["path"].endswith(f"/{pk}/approve")
    ]
    assert [line["status"] for line in submits] == [403, 200]
    assert all(line["duration_ms"] > 0 and line["request_id"] for line in submits)
    assert "Traceback" not in site.log("worker"), site.log("worker")[-3000:]
    # The worker's and the schedulers' logs are JSON too, a line each (README: `jq` reads them).
    for name in ("worker", "scheduler-1", "scheduler-2"):
        for line in filter(None, site.log(name).splitlines()):
            assert isinstance(json.loads(line), dict), (name, line)
    queued = [
        json.loads(line)["message"]
        for name in ("scheduler-1", "scheduler-2")
        for line in filter(None, site.log(name).splitlines())
    ]
    assert sum(m.startswith(f"daily job {LATE_REPORTS} queued for") for m in queued) == 1, queued
    assert sum(m.startswith("scheduler ") and "daily jobs at 00:00" in m for m in queued) == 2
