"""Load: the demo province under many people at once, through `danvan serve` (issue 17).

The scenario is bench/locustfile.py: commune reporters filling their half-year report (the web
form, and the API with a token), a specialist reading the pivot and the completeness board, a
leader approving submitted reports, and citizens on the public showcase and tracking pages.
Each simulated person signs in once; sign-in is measured apart (password hashing is slow on
purpose): nobody makes a measured request until everyone has signed in. A run stops after a
fixed number of requests, not a time.

The world: the demo (`danvan migrate` + `danvan demo` in a subprocess, data folder
var/bench/load), then, for the run only, one reporter account (and API token) per commune
unit whose half-year report is still open — a draft each — and a pool of submitted reports of
the commune Party committees for ten earlier half-years, which the provincial commission
reviews (each leader's approval takes one, so every approval is a real one). It is built once
into the PostgreSQL database `danvan_bench_load` and kept; each run works on a fresh copy
(`CREATE DATABASE … TEMPLATE`). The SQLite run copies a data folder built the same way
(var/bench/load-sqlite).

The server: `danvan serve` (gunicorn, 2 × cores + 1 workers) on a free port with the base
settings — DEBUG off, JSON request log to a file — because the production settings make the
cookies Secure, which locust does not send over plain HTTP; background jobs and e-mails are
queued (DANVAN_TASKS_BACKEND=django_tasks_db.DatabaseBackend) and `danvan worker` runs beside
the server, as in production (it sends them and folds the approved reports into the roll-ups).

Runs: (a) 50 users, think time 0.5–1.5 s; (b) saturation: 150 users, think time 0.1–0.5 s,
the req/s once all are spawned is the plateau; (c) the SQLite default install, 10 users,
counting "database is locked" in the server log and the answers. Locust runs in one process
on the same 2 cores (FastHttpUser); the CPU each side used is measured.
Run by `make bench` (bench/run.py), or alone: `.venv/bin/python bench/load.py`.
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import showcase

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- bench:load:start -->", "<!-- bench:load:end -->"
HEADING = "Load (issue 17)"
PG = "postgres://postgres@127.0.0.1:5432"
BASE_DB, RUN_DB = "danvan_bench_load", "danvan_bench_load_run"
PG_DATA = ROOT / "var/bench/load"
SQLITE_DATA = ROOT / "var/bench/load-sqlite"
CONFIG_NAME = "load-config.json"
PASSWORD = "danvan-demo"  # noqa: S105  (the demo accounts' published password)
PAGE_P95_MS, API_P95_MS, SATURATED_RPS = 150.0, 100.0, 200.0
PERIODS_BACK = 10  # earlier half-years of submitted reports for the leader to approve


@dataclass
class Plan:
    key: str
    title: str
    database: str  # "postgresql" or "sqlite"
    users: int
    spawn_rate: float
    requests: int
    wait: str  # "min,max" seconds


PLANS = [
    Plan("steady", "(a) 50 users, PostgreSQL", "postgresql", 50, 10, 3000, "0.5,1.5"),
    Plan("saturation", "(b) saturation, PostgreSQL", "postgresql", 150, 15, 5000, "0.1,0.5"),
    Plan("sqlite", "(c) SQLite default install, 10 users", "sqlite", 10, 5, 1000, "0.5,1.5"),
]


@dataclass
class Row:
    name: str
    kind: str  # "page", "api", "post" (a form's POST, judged as a page), "sign-in"
    count: int
    failures: int
    p50: float
    p95: float
    p99: float
    max: float
    server_p95: float | None = None

    @property
    def target(self) -> float | None:
        if self.kind == "api":
            return API_P95_MS
        if self.kind in ("page", "post"):
            return PAGE_P95_MS
        return None


@dataclass
class Outcome:
    plan: Plan
    rows: list[Row]
    requests: int
    failures: int
    seconds: float
    rps: float  # once all users are spawned
    errors: dict[str, int]
    locked_log: int = 0
    locked_answers: int = 0
    server_errors: int = 0  # 5xx in the server log
    cpu: dict[str, float] = field(default_factory=dict)  # seconds of CPU by side
    approvals: tuple[int, int] = (0, 0)  # made, asked
    saves: int = 0  # values history rows written during the run
    workers: int = 0
    slow: list[tuple[str, int, float, float]] = field(default_factory=list)  # server side
    shares: dict[str, float] = field(default_factory=dict)  # of the server's request time
    memory: dict[str, float] = field(default_factory=dict)  # peak MB: server, worker, database


@dataclass
class Result:
    date: str
    machine: dict[str, str]
    outcomes: list[Outcome]
    world: dict[str, int]
    queries: dict[str, int]
    password_ms: float = 0.0  # CPU of one password check (a sign-in's hash), measured alone
    seconds: float = 0.0


# --- Subprocess side: the world, with Django set up ----------------------------------------


def _prepare(out: Path) -> None:
    """In a process of its own, on the database of the environment: the bench's accounts, the
    drafts to fill and the pool of reports to approve; writes the locust configuration."""
    import django

    django.setup()
    import datetime as dt
    import random
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from danvan.accounts.models import User
    from danvan.accounts.services import token_create
    from danvan.dialogue.models import Petition
    from danvan.dialogue.selectors import PUBLIC_Q
    from danvan.lib import periods
    from danvan.org.models import Membership, Role
    from danvan.practices.models import Practice
    from danvan.reporting import selectors, services
    from danvan.reporting.models import Form, Indicator, Source, Submission, SubmissionStatus, Value

    rng = random.Random(17)
    today = timezone.localdate()
    six = Form.objects.get(code="bao-cao-dan-van-6-thang")
    period = periods.from_date(today, periods.PeriodType.HALF).previous()  # the demo's open half
    units = list(selectors.reporting_units(six, period).select_related("area", "kind"))
    existing = {
        s.organization_id: s for s in Submission.objects.filter(form=six, period=period.code)
    }
    layout = selectors.form_layout(six)
    typed = [i for i in layout.indicators if i.source == Source.TYPED]
    ranges: dict[str, tuple[int, int]] = {}
    for ind in typed:
        low = int(ind.min_value) if ind.min_value is not None else 0
        high = int(ind.max_value) if ind.max_value is not None else 20
        if ind.value_type == "percent":
            low, high = 60, 100
        if ind.code == "PEOPLE_REACHED":
            low, high = 500, 2000  # the rule: at least one person per session
        ranges[ind.code] = (low, high)
    password = make_password(PASSWORD)
    reporters = []
    for n, unit in enumerate(u for u in units if u.area.level == "commune"):
        found = existing.get(unit.pk)
        if found is not None and found.status not in (
            SubmissionStatus.DRAFT, SubmissionStatus.RETURNED,
        ):  # fmt: skip
            continue
        submission = found or Submission.objects.create(
            form=six, organization=unit, period=period.code, status=SubmissionStatus.DRAFT
        )
        user = User.objects.create(
            email=f"bench-xa-{n}@demo.danvan.vn", full_name=f"Cán bộ {unit.name}", password=password
        )
        Membership.objects.create(user=user, organization=unit, role=Role.REPORTER)
        values = {code: str(rng.randint(lo, hi)) for code, (lo, hi) in ranges.items()}
        services.submission_save(actor=user, submission=submission, values=values)
        _token, raw = token_create(user=user, name="bench")
        reporters.append({"email": user.email, "submission": submission.pk, "token": raw})

    # The pool: commune Party committees' reports of earlier half-years, submitted; the
    # provincial commission reviews them and none has a report below waiting (its Front's).
    committees = [
        u for u in units if u.area.level == "commune" and u.kind.code == "party_committee"
    ]
    halves = []
    back = period
    for _ in range(3 + PERIODS_BACK):
        back = back.previous()
        halves.append(back)
    taken = set(Submission.objects.filter(form=six).values_list("organization_id", "period"))
    numbers = [i for i in typed if i.value_type != "text"]
    pool = []
    tz = timezone.get_current_timezone()
    for half in halves[3:]:
        for unit in committees:  # (the demo's communes date from the 2025 merger: no matter)
            if (unit.pk, half.code) in taken:
                continue
            submission = Submission.objects.create(
                form=six, organization=unit, period=half.code, status=SubmissionStatus.SUBMITTED,
                submitted_at=dt.datetime.combine(six.deadline(half), dt.time(9, 30), tz),
            )  # fmt: skip
            Value.objects.bulk_create(
                Value(
                    submission=submission, indicator=i, number=Decimal(rng.randint(*ranges[i.code]))
                )
                for i in numbers
            )
            pool.append(submission.pk)
    tinh = User.objects.get(email="tinh@demo.danvan.vn")
    _token, tinh_token = token_create(user=tinh, name="bench")
    root = selectors.reviewing_organization(six, committees[0])
    indicator = Indicator.objects.get(code="PEOPLE_REACHED")
    petitions = list(Petition.objects.filter(PUBLIC_Q).values_list("code", flat=True)[:200])
    practices = list(Practice.objects.public().values_list("pk", flat=True)[:200])
    config = {
        "password": PASSWORD,
        "reporters": reporters,
        "values": ranges,
        "approvals": pool,
        "leader": "lanhdao@demo.danvan.vn",
        "specialist": tinh.email,
        "specialist_token": tinh_token,
        "rollup_url": f"/api/v1/rollups?indicator={indicator.code}&scope={root.pk}"
        f"&period={period.code}",
        "petitions": petitions,
        "practices": practices,
        "searches": ["dân vận", "khéo", "hòa giải", "đường", "nông thôn mới"],
        "world": {
            "reporters": len(reporters),
            "pool": len(pool),
            "units": len(units),
            "petitions": Petition.objects.count(),
            "practices": Practice.objects.count(),
            "public_practices": len(practices),
        },
    }
    out.write_text(json.dumps(config))


def _queries(config_path: Path, out: Path) -> None:
    """The queries one request of each signed-in page makes (django.test.Client)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from danvan.accounts.models import User

    config = json.loads(config_path.read_text())
    reporter = config["reporters"][0]
    pages = [
        (reporter["email"], "reports: list", "/reports/"),
        (reporter["email"], "report: fill in", f"/reports/{reporter['submission']}/"),
        (config["specialist"], "reports: pivot", "/reports/pivot/"),
        (config["specialist"], "reports: completeness board", "/reports/completeness/"),
        (config["leader"], "reports: list (leader)", "/reports/"),
        (config["leader"], "report: review", f"/reports/{config['approvals'][0]}/"),
        ("", "public: showcase", "/thuc-tien/"),
        ("", "public: practice", f"/thuc-tien/{config['practices'][0]}/"),
        ("", "public: petition tracking", f"/kien-nghi/tra-cuu/{config['petitions'][0]}/"),
    ]
    counts: dict[str, int] = {}
    for email, name, url in pages:
        client = Client(HTTP_HOST="localhost")
        if email:
            client.force_login(User.objects.get(email=email))
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        counts[name] = len(captured) if response.status_code == 200 else -response.status_code
    # The CPU a sign-in's password check costs (Django's PBKDF2, slow on purpose), alone.
    user = User.objects.get(email=reporter["email"])
    checks = []
    for _ in range(5):
        began = time.process_time()
        user.check_password(PASSWORD)
        checks.append(1000 * (time.process_time() - began))
    out.write_text(json.dumps({"queries": counts, "password_check_ms": statistics.median(checks)}))


# --- Driver side ---------------------------------------------------------------------------


def _env(database: str, data_dir: Path, db_name: str = RUN_DB) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "danvan.config.settings.base",
        "DANVAN_DATA_DIR": str(data_dir),
        "DANVAN_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    for name in ("DEBUG", "DATABASE_URL", "DATABASE_REPLICA_URL", "DANVAN_WEB_WORKERS"):
        env.pop(name, None)
    if database == "postgresql":
        env["DATABASE_URL"] = f"{PG}/{db_name}"
    return env


def _danvan(env: dict[str, str], *args: str, log: Path) -> None:
    with log.open("a") as sink:
        subprocess.run(  # noqa: S603  (our own command)
            [str(ROOT / ".venv/bin/danvan"), *args], env=env, check=True, stdout=sink,
            stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip


def _self(env: dict[str, str], *args: str, log: Path) -> None:
    with log.open("a") as sink:
        subprocess.run(  # noqa: S603  (this file, in a process of its own)
            [sys.executable, __file__, *args], env=env, check=True, stdout=sink,
            stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip


def _pg(sql: str) -> Any:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        cursor = conn.execute(sql)  # type: ignore[arg-type]
        return cursor.fetchall() if sql.lstrip().upper().startswith("SELECT") else None


def _build(database: str, data_dir: Path, log: Path) -> None:
    """migrate + demo + the bench's world, into the template database (or data folder)."""
    config = data_dir / CONFIG_NAME
    if database == "postgresql":
        exists = _pg(f"SELECT 1 FROM pg_database WHERE datname = '{BASE_DB}'")  # noqa: S608
        if exists and config.exists():  # kept from an earlier run: brought up to the code
            _danvan(_env(database, data_dir, BASE_DB), "migrate", "--no-input", "-v0", log=log)
            return
        print(f"  building {BASE_DB} (migrate, demo, the bench's accounts)", flush=True)
        _pg(f"DROP DATABASE IF EXISTS {BASE_DB} WITH (FORCE)")
        _pg(f"CREATE DATABASE {BASE_DB}")
        env = _env(database, data_dir, BASE_DB)
    else:
        if (data_dir / "danvan.sqlite3").exists() and config.exists():
            _danvan(_env(database, data_dir), "migrate", "--no-input", "-v0", log=log)
            return
        print(f"  building {data_dir} (migrate, demo, the bench's accounts)", flush=True)
        shutil.rmtree(data_dir, ignore_errors=True)
        env = _env(database, data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env["LOG_LEVEL"] = "WARNING"
    _danvan(env, "migrate", "--no-input", "-v0", log=log)
    _danvan(env, "demo", log=log)
    _danvan(env, "collectstatic", "--no-input", "-v0", log=log)
    _self(env, "--prepare", str(config), log=log)


def _fresh(database: str, data_dir: Path) -> tuple[Path, Path | None]:
    """The run's copy of the world: (data folder, temporary folder to remove)."""
    if database == "postgresql":
        _pg(f"DROP DATABASE IF EXISTS {RUN_DB} WITH (FORCE)")
        _pg(f"CREATE DATABASE {RUN_DB} TEMPLATE {BASE_DB}")
        return data_dir, None
    copy = Path(tempfile.mkdtemp(prefix="danvan-bench-load-"))
    shutil.copytree(data_dir, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns("backups"))
    return copy, copy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"danvan serve ended with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("danvan serve did not answer")


def _warm_up(port: int, workers: int, config: dict[str, Any]) -> None:
    """Each worker's first requests load the URLs and templates: not measured."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import urlopen

    urls = [
        "/accounts/login/", "/thuc-tien/", f"/thuc-tien/{config['practices'][0]}/",
        f"/kien-nghi/tra-cuu/{config['petitions'][0]}/",
    ]  # fmt: skip

    def get(url: str) -> None:
        with urlopen(f"http://127.0.0.1:{port}{url}", timeout=60) as answer:
            answer.read()

    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        list(pool.map(get, [u for u in urls for _ in range(3 * workers)]))


def _cpu_busy() -> float:
    import psutil

    t = psutil.cpu_times()
    return float(t.user + t.system + getattr(t, "nice", 0.0) + getattr(t, "irq", 0.0)
                 + getattr(t, "softirq", 0.0))  # fmt: skip


def _tree_cpu(pid: int) -> float:
    import psutil

    main = psutil.Process(pid)
    total = 0.0
    for process in [main, *main.children(recursive=True)]:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def _backends(database: str) -> dict[int, Any]:
    """The PostgreSQL backends serving the run's database (psutil processes), by pid."""
    import psutil

    found = {}
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if line.startswith("postgres:") and f" {database} " in f"{line} ":
            found[process.pid] = process
    return found


def _database_cpu(database: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving the run's database, by pid."""
    import psutil

    found = {}
    for pid, process in _backends(database).items():
        try:
            times = process.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        found[pid] = times.user + times.system
    return found


def _memory(pid: int, database: str | None) -> list[float]:
    """MB now: the server's proportional set size (master and workers, shared pages divided
    among the processes sharing them), the largest worker's resident size, and the PSS of
    the PostgreSQL backends serving the run's database (shared buffers apportioned too)."""
    import psutil

    def info(process: Any) -> Any:
        try:
            return process.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None

    try:
        main = psutil.Process(pid)
        workers = main.children(recursive=True)
    except psutil.NoSuchProcess:
        return [0.0, 0.0, 0.0]
    master, *each = [info(process) for process in [main, *workers]]
    backends = [info(process) for process in _backends(database).values()] if database else []
    mb = 1024 * 1024
    return [
        sum(m.pss for m in [master, *each] if m is not None) / mb,
        max((m.rss for m in each if m is not None), default=0) / mb,
        sum(m.pss for m in backends if m is not None) / mb,
    ]


class Watch:
    """Samples every 2 s during a run: the CPU of the run's PostgreSQL backends, so one that
    closes during the run (CONN_MAX_AGE recycles them) still counts with the CPU it had last
    been seen with; and the memory of the server and of those backends, keeping the peaks."""

    def __init__(self, server_pid: int, database: str | None) -> None:
        import threading

        self.server_pid = server_pid
        self.database = database
        self.before = _database_cpu(database) if database else {}
        self.seen: dict[int, float] = dict(self.before)
        self.peaks = [0.0, 0.0, 0.0]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        if self.database:
            self.seen.update(_database_cpu(self.database))
        now = _memory(self.server_pid, self.database)
        self.peaks = [max(a, b) for a, b in zip(self.peaks, now, strict=True)]

    def _watch(self) -> None:
        while not self.stop.wait(2.0):
            self._sample()

    def finish(self) -> tuple[float, dict[str, float]]:
        """The database's CPU seconds over the run, and the memory peaks in MB."""
        self.stop.set()
        self.thread.join()
        self._sample()
        cpu = sum(cpu - self.before.get(pid, 0.0) for pid, cpu in self.seen.items())
        return cpu, dict(zip(("server", "worker", "database"), self.peaks, strict=True))


def _reap(process: subprocess.Popen[bytes]) -> float:
    """Wait for a child and return the CPU seconds it and its reaped children used."""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return float(usage.ru_utime + usage.ru_stime)


def _percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _kind(name: str) -> str:
    if name == "report: saved":
        return "check"  # fired only when a save was refused: a failure, not a request
    if name.startswith("sign-in"):
        return "sign-in"
    if name.startswith("api:"):
        return "api"
    if "(POST)" in name:
        return "post"
    return "page"


SERVER_NAMES = [
    ("GET", re.compile(r"^/reports/$"), "reports: list"),
    ("POST", re.compile(r"^/reports/\d+/save/$"), "report: save (POST)"),
    ("POST", re.compile(r"^/reports/\d+/approve/$"), "report: approve (POST)"),
    ("GET", re.compile(r"^/reports/pivot/$"), "reports: pivot"),
    ("GET", re.compile(r"^/reports/completeness/$"), "reports: completeness board"),
    ("GET", re.compile(r"^/api/v1/submissions/\d+$"), "api: GET submission"),
    ("PATCH", re.compile(r"^/api/v1/submissions/\d+$"), "api: PATCH submission values"),
    ("GET", re.compile(r"^/api/v1/rollups$"), "api: GET rollup"),
    ("GET", re.compile(r"^/thuc-tien/$"), "public: showcase"),  # the search too (same path)
    ("GET", re.compile(r"^/thuc-tien/\d+/$"), "public: practice"),
    ("GET", re.compile(r"^/kien-nghi/tra-cuu/[^/]+/$"), "public: petition tracking"),
    ("GET", re.compile(r"^/accounts/login/$"), "sign-in (page)"),
    ("POST", re.compile(r"^/accounts/login/$"), "sign-in"),
]
REPORT = re.compile(r"^/reports/(\d+)/$")


def _server_name(method: str, path: str, drafts: set[int]) -> str:
    """The locust name of a logged request (a report is filled in if it is a bench draft)."""
    if method == "GET" and (found := REPORT.match(path)):
        return "report: fill in" if int(found.group(1)) in drafts else "report: review"
    for verb, rx, name in SERVER_NAMES:
        if verb == method and rx.match(path):
            return name
    return f"{method} {path}"


def _server_log(
    log: Path, drafts: set[int], offset: int = 0
) -> tuple[dict[str, list[float]], int, int]:
    """Durations by page from the JSON request log; 5xx answers; "database is locked" lines."""
    durations: dict[str, list[float]] = {}
    errors = locked = 0
    with log.open("rb") as stream:
        stream.seek(offset)
        text = stream.read().decode(errors="replace")
    for line in text.splitlines():
        if "database is locked" in line:
            locked += 1
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if "duration_ms" not in entry:
            continue
        if int(entry.get("status", 0)) >= 500:
            errors += 1
        name = _server_name(str(entry.get("method", "")), str(entry.get("path", "")), drafts)
        durations.setdefault(name, []).append(float(entry["duration_ms"]))
    return durations, errors, locked


def _history_rows(database: str, data_dir: Path, table: str, since: float) -> int:
    """Rows a history table gained since the run started (the saves and approvals made)."""
    moment = datetime.datetime.fromtimestamp(since, tz=datetime.UTC).isoformat()
    if database == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG}/{RUN_DB}") as conn:
            query = f"SELECT count(*) FROM {table} WHERE history_date >= %s"  # noqa: S608
            row = conn.execute(query, (moment,)).fetchone()  # type: ignore[arg-type]
            return int(row[0]) if row else 0
    import sqlite3

    with sqlite3.connect(data_dir / "danvan.sqlite3") as conn:
        # SQLite keeps the naive UTC datetime as text "YYYY-MM-DD HH:MM:SS.ffffff".
        naive = datetime.datetime.fromtimestamp(since, tz=datetime.UTC).replace(tzinfo=None)
        query = f"SELECT count(*) FROM {table} WHERE history_date >= ?"  # noqa: S608
        row = conn.execute(query, (str(naive),)).fetchone()
        return int(row[0]) if row else 0


def _approved(database: str, data_dir: Path, ids: list[int]) -> int:
    listed = ",".join(str(int(i)) for i in ids) or "0"
    sql = (
        f"SELECT count(*) FROM reporting_submission WHERE status = 'approved' AND id IN ({listed})"  # noqa: S608
    )
    if database == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG}/{RUN_DB}") as conn:
            row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
            return int(row[0]) if row else 0
    import sqlite3

    with sqlite3.connect(data_dir / "danvan.sqlite3") as conn:
        row = conn.execute(sql).fetchone()
        return int(row[0]) if row else 0


class ServerStopped(RuntimeError):
    """The server ended while locust was running (on a shared machine, another's signal)."""


def run_plan(plan: Plan, work: Path) -> Outcome:
    template = PG_DATA if plan.database == "postgresql" else SQLITE_DATA
    data_dir, temporary = _fresh(plan.database, template)
    config_path = template / CONFIG_NAME
    config = json.loads(config_path.read_text())
    env = _env(plan.database, data_dir)
    port = _free_port()
    server_log = work / f"{plan.key}-server.log"
    records_path = work / f"{plan.key}-records.json"
    workers = 2 * len(os.sched_getaffinity(0)) + 1  # danvan serve's default
    with server_log.open("w") as sink:
        server = subprocess.Popen(  # noqa: S603  (our own command)
            [str(ROOT / ".venv/bin/danvan"), "serve", f"--bind=127.0.0.1:{port}"],
            env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
    # As in production: `danvan worker` beside the server sends the queued e-mails and folds
    # the approved reports into the roll-ups every half second (without it the fold queue,
    # which every figure reads, would only grow during a run).
    with (work / f"{plan.key}-worker.log").open("w") as sink:
        worker = subprocess.Popen(  # noqa: S603  (our own command)
            [str(ROOT / ".venv/bin/danvan"), "worker"],
            env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
    started = time.time()
    server_cpu_before = worker_cpu_before = 0.0
    try:
        _wait_for(port, server)
        _warm_up(port, workers, config)
        offset = server_log.stat().st_size
        server_cpu_before = _tree_cpu(server.pid)
        worker_cpu_before = _tree_cpu(worker.pid)
        watch = Watch(server.pid, RUN_DB if plan.database == "postgresql" else None)
        busy_before, started = _cpu_busy(), time.time()
        locust_env = {
            **os.environ,
            "LOAD_CONFIG": str(config_path),
            "LOAD_OUT": str(records_path),
            "LOAD_REQUESTS": str(plan.requests),
            "LOAD_WAIT": plan.wait,
        }
        print(f"  {plan.title}: {plan.requests} requests", flush=True)
        with (work / f"{plan.key}-locust.log").open("w") as sink:
            locust = subprocess.Popen(  # noqa: S603  (our own command)
                [
                    str(ROOT / ".venv/bin/locust"), "-f", str(Path(__file__).parent / "locustfile.py"),
                    "--headless", "-u", str(plan.users), "-r", str(plan.spawn_rate),
                    "-H", f"http://127.0.0.1:{port}", "--run-time", "20m", "--only-summary",
                    "--loglevel", "WARNING", "--exit-code-on-error", "0",
                ],
                env=locust_env, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT,
            )  # fmt: skip
            locust_cpu = _reap(locust)
        busy_after, ended = _cpu_busy(), time.time()
        load_average = os.getloadavg()[0]
        database_cpu, memory = watch.finish()
    finally:
        worker.terminate()
        worker_cpu = _reap(worker) - worker_cpu_before
        stopped = server.poll()  # not None: the server ended before the run did
        if stopped is None:
            server.terminate()
            server_cpu = _reap(server) - server_cpu_before
        else:
            server_cpu = 0.0
    if stopped is not None:
        raise ServerStopped(f"danvan serve ended during the run ({stopped}); see {server_log}")
    busy = busy_after - busy_before
    data = json.loads(records_path.read_text())
    records = data["records"]
    drafts = {int(r["submission"]) for r in config["reporters"]}
    durations, server_errors, locked_log = _server_log(server_log, drafts, offset)
    by_name: dict[str, list[tuple[float, bool, str]]] = {}
    for _t, _type, name, ms, ok, error in records:
        by_name.setdefault(name, []).append((float(ms), bool(ok), str(error)))
    rows = []
    errors: dict[str, int] = {}
    for name, items in sorted(by_name.items()):
        times = [ms for ms, _ok, _e in items]
        failed = [e for _ms, ok, e in items if not ok]
        for e in failed:
            key = f"{name}: {e[:90]}"
            errors[key] = errors.get(key, 0) + 1
        server_side = durations.get(name.replace(" search", ""))
        rows.append(
            Row(
                name=name, kind=_kind(name), count=len(items), failures=len(failed),
                p50=statistics.median(times), p95=_percentile(times, 95),
                p99=_percentile(times, 99), max=max(times),
                server_p95=_percentile(server_side, 95) if server_side else None,
            )
        )  # fmt: skip
    spawned = data.get("spawned_at") or started
    counted = [r for r in records if not str(r[2]).startswith("sign-in") and r[1] != "CHECK"]
    after = [r for r in counted if r[0] >= spawned]
    window = (max(r[0] for r in after) - spawned) if after else 0.0
    slow = sorted(
        ((n, len(v), statistics.median(v), _percentile(v, 95)) for n, v in durations.items()),
        key=lambda x: -x[3],
    )[:8]
    total = sum(sum(v) for v in durations.values())
    approvals_asked = len(config["approvals"]) - int(data.get("approvals_left", 0))
    outcome = Outcome(
        plan=plan,
        rows=rows,
        requests=len(counted),
        failures=sum(1 for r in records if not r[4]),
        seconds=ended - started,
        rps=len(after) / window if window else 0.0,
        errors=errors,
        locked_log=locked_log,
        locked_answers=sum(1 for r in records if "database is locked" in str(r[5])),
        server_errors=server_errors,
        cpu={
            "all": busy,
            "server": server_cpu,
            "locust": locust_cpu,
            "worker": worker_cpu,
            "database": database_cpu,
            "rest": max(busy - server_cpu - locust_cpu - worker_cpu - database_cpu, 0.0),
            "load": load_average,
            "seconds": ended - started,
        },
        approvals=(_approved(plan.database, data_dir, config["approvals"]), approvals_asked),
        saves=_history_rows(plan.database, data_dir, "reporting_historicalvalue", started),
        workers=workers,
        slow=slow,
        shares={n: sum(v) / total for n, v in durations.items()} if total else {},
        memory=memory,
    )
    if temporary is not None:
        shutil.rmtree(temporary, ignore_errors=True)
    return outcome


def machine() -> dict[str, str]:
    cpu = showcase.cpu_model()
    ram = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            ram = int(line.split()[1]) // 1024
    import sqlite3

    version = _pg("SELECT current_setting('server_version')")[0][0]
    import locust

    return {
        "nproc": str(len(os.sched_getaffinity(0))), "cpu": cpu, "ram_mb": str(ram),
        "python": sys.version.split()[0], "postgresql": str(version),
        "sqlite": sqlite3.sqlite_version, "locust": locust.__version__,
    }  # fmt: skip


def run(plans: list[Plan] | None = None) -> Result:
    began = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.config.settings.base")
    work = ROOT / "var/bench/load-runs"
    work.mkdir(parents=True, exist_ok=True)
    build_log = work / "build.log"
    chosen = plans or PLANS
    if any(p.database == "postgresql" for p in chosen):
        _build("postgresql", PG_DATA, build_log)
    if any(p.database == "sqlite" for p in chosen):
        _build("sqlite", SQLITE_DATA, build_log)
    outcomes = []
    for plan in chosen:
        for attempt in (1, 2):
            try:
                outcomes.append(run_plan(plan, work))
                break
            except ServerStopped as exc:
                print(f"  {exc}: {'again' if attempt == 1 else 'given up'}", flush=True)
                if attempt == 2:
                    raise
    queries: dict[str, int] = {}
    password_ms = 0.0
    if any(p.database == "postgresql" for p in chosen):
        _fresh("postgresql", PG_DATA)
        out = work / "queries.json"
        env = _env("postgresql", PG_DATA)
        env["LOG_LEVEL"] = "WARNING"
        _self(env, "--queries", str(PG_DATA / CONFIG_NAME), str(out), log=build_log)
        measured = json.loads(out.read_text())
        queries, password_ms = measured["queries"], measured["password_check_ms"]
    world = json.loads(
        ((PG_DATA if (PG_DATA / CONFIG_NAME).exists() else SQLITE_DATA) / CONFIG_NAME).read_text()
    )["world"]
    result = Result(
        date=datetime.datetime.now(tz=datetime.UTC).date().isoformat(),
        machine=machine(),
        outcomes=outcomes,
        world=world,
        queries=queries,
        password_ms=password_ms,
        seconds=time.perf_counter() - began,
    )
    (work / "result.pickle").write_bytes(pickle.dumps(result))  # to write the record again
    return result


# --- The record ----------------------------------------------------------------------------


def _shared(result: Result) -> list[str]:
    """A warning when other work took a good share of the CPU during a run."""
    busy = []
    for o in result.outcomes:
        span = o.cpu.get("seconds", 0.0) * int(result.machine["nproc"])
        if span and o.cpu.get("rest", 0.0) / span > 0.15:
            busy.append(f"{o.plan.title}: {100 * o.cpu['rest'] / span:.0f} %")
    if not busy:
        return []
    return [
        "**The machine was not quiet**: other work (other sessions' tests and builds) took "
        "this share of its CPU during the runs — " + "; ".join(busy) + ". The client-side "
        "times below include waiting for that CPU; the server's own times (server p95) and "
        "the CPU a request cost are the steadier figures.",
        "",
    ]


def _ok(ok: bool) -> str:
    return "met" if ok else "**missed**"


def verdicts(result: Result) -> list[tuple[str, str, bool]]:
    found = []
    by_key = {o.plan.key: o for o in result.outcomes}
    if steady := by_key.get("steady"):
        pages = [r for r in steady.rows if r.kind in ("page", "post")]
        apis = [r for r in steady.rows if r.kind == "api"]
        worst = max(pages, key=lambda r: r.p95)
        found.append((f"50 users: every page's p95 < {PAGE_P95_MS:.0f} ms",
                      f"slowest {worst.name} {worst.p95:.0f} ms", worst.p95 < PAGE_P95_MS))  # fmt: skip
        if apis:
            worst_api = max(apis, key=lambda r: r.p95)
            found.append((f"50 users: API p95 < {API_P95_MS:.0f} ms",
                          f"slowest {worst_api.name} {worst_api.p95:.0f} ms",
                          worst_api.p95 < API_P95_MS))  # fmt: skip
        found.append(("50 users: 0 errors", str(steady.failures), steady.failures == 0))
    if saturated := by_key.get("saturation"):
        found.append((f"saturated ≥ {SATURATED_RPS:.0f} req/s", f"{saturated.rps:.0f} req/s",
                      saturated.rps >= SATURATED_RPS))  # fmt: skip
        found.append(("saturated: 0 errors", str(saturated.failures), saturated.failures == 0))
    if sqlite := by_key.get("sqlite"):
        locked = sqlite.locked_log + sqlite.locked_answers
        found.append(('SQLite, 10 users: 0 "database is locked"', str(locked), locked == 0))
    return found


def summary(result: Result) -> str:
    lines = []
    for o in result.outcomes:
        lines.append(
            f"{o.plan.title}: {o.requests} requests, {o.rps:.0f} req/s, {o.failures} failures"
        )
    lines += [f"{what}: {value} — {_ok(ok)}" for what, value, ok in verdicts(result)]
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _table(o: Outcome, queries: dict[str, int]) -> list[str]:
    lines = [
        "| request | kind | count | failures | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) "
        "| server p95 (ms) | queries | target p95 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in sorted(o.rows, key=lambda r: (r.kind == "sign-in", r.kind == "api", r.name)):
        if r.kind in ("sign-in", "check"):
            continue
        server = r.server_p95
        target = r.target
        verdict = "" if target is None else f"< {target:.0f}: {_ok(r.p95 < target)}"
        q = queries.get(r.name)
        lines.append(
            f"| {r.name} | {r.kind} | {r.count} | {r.failures} | {r.p50:.0f} | {r.p95:.0f} | "
            f"{r.p99:.0f} | {r.max:.0f} | {_ms(server)} | {'' if q is None else q} | {verdict} |"
        )
    return lines


def markdown(result: Result) -> str:
    m, w = result.machine, result.world
    lines = [
        START,
        f"Measured {result.date} on {m['nproc']} cores ({m['cpu']}), {int(m['ram_mb']) // 1024} GB "
        f"RAM, Python {m['python']}, PostgreSQL {m['postgresql']}, SQLite {m['sqlite']}, "
        f"locust {m['locust']} (one process, FastHttpUser, on the same cores as the server).",
        "",
        "Settings: `danvan serve` (gunicorn, 2 × cores + 1 = "
        f"{result.outcomes[0].workers if result.outcomes else '?'} sync workers) with "
        "`DJANGO_SETTINGS_MODULE=danvan.config.settings.base` — DEBUG off, `LOG_FORMAT=json` to a "
        "file — and not the production settings, whose Secure cookies locust would not send back "
        "over plain HTTP; `DANVAN_TASKS_BACKEND=django_tasks_db.DatabaseBackend`, so e-mails and "
        "jobs are queued, not run in the requests, and `danvan worker` runs beside the server, as "
        "in production (it sends them and folds the approved reports into the roll-ups every "
        "half second). CSRF as a browser: the "
        "`csrftoken` cookie into the form field. The demo province (Nghệ An, "
        f"{w['units']} units reporting on the half-year form, {w['petitions']} petitions, "
        f"{w['practices']} practices) plus, for the bench, {w['reporters']} commune reporters "
        f"with a draft each and {w['pool']} submitted reports of the commune Party committees "
        "for ten earlier half-years (before the 2025 merger the demo's communes date from, which "
        "approval does not look at) for the leader to approve; each "
        "run on a fresh copy. Scenario (bench/locustfile.py), users by weight: commune reporter 6 "
        "(report list, the report, a save through the form and the page after it; now and then "
        "the API with a token: GET and PATCH the report), specialist 1 (pivot, completeness "
        "board, a roll-up through the API), leader 1 (the list, a submitted report, approve, the "
        "page after), public 4 (showcase, a search, a practice, a petition's tracking page). "
        "Each run stops after a fixed number of requests (sign-in not counted; the measured "
        "requests begin once every person has signed in). Times are "
        "locust's (client side, queueing in gunicorn included); the server p95 is the request's "
        "own time from the JSON log; queries: one request through django.test.Client.",
        "",
        *_shared(result),
        "| target | measured | |",
        "|---|---|---|",
    ]
    lines += [f"| {what} | {value} | {_ok(ok)} |" for what, value, ok in verdicts(result)]
    for o in result.outcomes:
        p = o.plan
        signin = [r for r in o.rows if r.name == "sign-in"]
        cpu = o.cpu
        lines += [
            "",
            f"### {p.title}",
            "",
            f"{p.users} users (spawned at {p.spawn_rate:g}/s), think time {p.wait.replace(',', '–')} "
            f"s, {p.requests} requests: {o.requests} made in {o.seconds:.0f} s, **{o.rps:.0f} "
            f"req/s** once all users had signed in, {o.failures} failures, {o.server_errors} answers "
            f"5xx in the server log. Approvals: {o.approvals[0]} made of {o.approvals[1]} begun "
            "(a leader stopped mid-way when the count was reached does not finish); "
            f"{o.saves} figures saved (history rows).",
        ]
        if signin:
            s = signin[0]
            lines.append(
                f"Sign-in (apart): {s.count} sign-ins, p50 {s.p50:.0f} ms, p95 {s.p95:.0f} ms, "
                f"max {s.max:.0f} ms, {s.failures} failures."
            )
        if p.database == "sqlite":
            lines.append(
                f'"database is locked": {o.locked_log} lines in the server log, '
                f"{o.locked_answers} answers."
            )
        if cpu.get("seconds"):
            span = cpu["seconds"] * int(m["nproc"])
            lines.append(
                f"CPU over the run ({cpu['seconds']:.0f} s × {m['nproc']} cores = {span:.0f} s): "
                f"busy {100 * cpu['all'] / span:.0f} % — gunicorn {100 * cpu['server'] / span:.0f} %, "
                + (
                    f"PostgreSQL (the run's backends) {100 * cpu.get('database', 0) / span:.0f} %, "
                    if p.database == "postgresql"
                    else ""
                )
                + f"`danvan worker` {100 * cpu.get('worker', 0) / span:.0f} %, "
                f"locust {100 * cpu['locust'] / span:.0f} %, everything else on the machine "
                f"{100 * cpu['rest'] / span:.0f} % (load average at the end "
                f"{cpu.get('load', 0):.1f})."
            )
        if o.memory.get("server"):
            lines.append(
                f"Memory at its peak (sampled every 2 s): the server {o.memory['server']:.0f} MB "
                f"(proportional set size of gunicorn's master and {o.workers} workers, the pages "
                f"they share divided among them; the largest worker {o.memory['worker']:.0f} MB "
                "resident)"
                + (
                    f", PostgreSQL's backends for the run {o.memory['database']:.0f} MB "
                    "(their share of the shared buffers included)"
                    if p.database == "postgresql"
                    else ""
                )
                + "."
            )
        top = sorted(o.shares.items(), key=lambda kv: -kv[1])[:5]
        if top:
            lines.append(
                "Where the server's request time went: "
                + ", ".join(f"{name} {100 * share:.0f} %" for name, share in top)
                + "."
            )
        lines += ["", *_table(o, result.queries if p.database == "postgresql" else {})]
        if o.errors:
            lines += ["", "Failures:", ""]
            lines += [f"- {k}: {v}" for k, v in sorted(o.errors.items(), key=lambda kv: -kv[1])[:8]]
    lines += ["", SIZING_MARK, "", END]
    return "\n".join(lines)


SIZING_MARK = "<!-- sizing -->"


PERSON_EVERY_S = 30  # assumed: an officer at work asks for a page or saves a form every 30 s
PROVINCE_PEOPLE = 300  # assumed: half of a province's ~600 accounts at work at a deadline
NATION_PEOPLE = 7000  # assumed: half of the nation's ~14,000 accounts (3,321 communes)
RUSH = 2.0  # the deadline's last hours against the day's average
PLANNED_SHARE = 0.7  # of a core, to plan for
SIGN_IN_MINUTES = 30  # assumed: the officers at work sign in within the first half hour


def sizing(result: Result) -> str:
    """The sizing paragraph, from the CPU a request cost in run (a) and the assumptions above."""
    by_key = {o.plan.key: o for o in result.outcomes}
    steady = by_key.get("steady")
    if steady is None or not steady.requests:
        return ""
    web_ms = 1000 * steady.cpu.get("server", 0.0) / steady.requests
    db_ms = 1000 * steady.cpu.get("database", 0.0) / steady.requests
    cost = web_ms + db_ms
    if cost <= 0:
        return ""
    per_core = 1000 * PLANNED_SHARE / cost
    top_name, top_share = max(steady.shares.items(), key=lambda item: item[1], default=("", 0.0))
    pivot_queries = result.queries.get("reports: pivot", "?")
    saturated = by_key.get("saturation")
    plateau = f"{saturated.rps:.0f} req/s" if saturated else "not measured"
    province = PROVINCE_PEOPLE / PERSON_EVERY_S * RUSH
    nation = NATION_PEOPLE / PERSON_EVERY_S * RUSH
    cores = province / per_core
    province_fit = (
        "one 2-core machine with the web workers and PostgreSQL together (the default "
        "`danvan serve`, 5 workers) carries it"
        if cores <= 2
        else f"more than one 2-core machine: {max(4, 2 * round(cores / 2 + 0.5))} cores"
    )
    return (
        f"**Sizing.** In run (a) a request cost on average {web_ms:.0f} ms of CPU in gunicorn "
        f"and {db_ms:.0f} ms in PostgreSQL ({cost:.0f} ms; «{top_name}» took the largest share, "
        f"{100 * top_share:.0f} % of the server's time), so a core kept at "
        f"{100 * PLANNED_SHARE:.0f} % serves about {per_core:.0f} req/s of this mix; the "
        f"saturated plateau measured on this machine was {plateau}. Assumed: an officer "
        f"at work makes a request every {PERSON_EVERY_S} s, and the last hours before a "
        f"reporting deadline bring {RUSH:g} × the average. **A province** (about 130 communes "
        f"with two reporting units each, some 600 accounts, {PROVINCE_PEOPLE} at work at the "
        f"deadline) asks ≈ {province:.0f} req/s: {province / per_core:.1f} core(s) at "
        f"{100 * PLANNED_SHARE:.0f} % — {province_fit}. **The nation** (3,321 communes, some "
        "14,000 accounts, "
        f"{NATION_PEOPLE:,} at work) asks ≈ {nation:.0f} req/s: ≈ "
        f"{nation * web_ms / 1000 / PLANNED_SHARE:.0f} cores of web workers (e.g. "
        f"{max(1, round(nation * web_ms / 1000 / PLANNED_SHARE / 4))} machines of 4 cores behind "
        f"a load balancer) and ≈ {nation * db_ms / 1000 / PLANNED_SHARE:.0f} cores of PostgreSQL "
        "(one server, with the read replica taking the pivot and the public pages)."
        f"{_memory_sizing(steady)}{_signin_sizing(result)} A "
        f"province's pivot is {pivot_queries} queries (the derived figures of all its rows "
        "grouped by row, org.scopes.per_scope). What remains is Django's own cost per page "
        "(templates, forms, the ORM) on 2 cores shared with locust: the 200 req/s target asks "
        "for about 10 ms of CPU per request, web and database together, which this mix of "
        "signed-in pages does not reach on this machine — that load is carried by more cores "
        "(the sizing above), not by one 2-core server."
    )


def _memory_sizing(steady: Outcome) -> str:
    """A sentence on memory from run (a)'s peaks: it is not what limits a web server."""
    if not steady.memory.get("server") or not steady.workers:
        return ""
    per_worker = steady.memory["server"] / (steady.workers + 1)  # the master's share too
    four_cores = 2 * 4 + 1
    return (
        f" Memory: a web worker holds about {per_worker:.0f} MB once its pages are loaded "
        f"(the server's peak over {steady.workers} workers and the master; the largest worker "
        f"{steady.memory['worker']:.0f} MB resident, pages shared with the master counted in "
        f"full), so a 4-core app server's {four_cores} workers take about "
        f"{four_cores * per_worker / 1024:.1f} GB — RAM is not what limits it; the run's "
        f"PostgreSQL backends held {steady.memory.get('database', 0):.0f} MB with their share "
        "of the shared buffers."
    )


def _signin_sizing(result: Result) -> str:
    """A sentence on the morning's sign-ins, from one password check's CPU measured alone."""
    if not result.password_ms:
        return ""
    per_second = NATION_PEOPLE / (SIGN_IN_MINUTES * 60)
    cores = per_second * result.password_ms / 1000 / PLANNED_SHARE
    return (
        f" Sign-ins: a password check costs {result.password_ms:.0f} ms of CPU (PBKDF2, "
        "measured alone; the rest of a sign-in is an ordinary request), so if the "
        f"nation's {NATION_PEOPLE:,} officers at work all sign in within "
        f"{SIGN_IN_MINUTES} minutes of the morning ({per_second:.1f} a second) they take "
        f"≈ {cores:.1f} more cores of web workers for that time — a province's "
        f"{PROVINCE_PEOPLE}, ≈ {cores * PROVINCE_PEOPLE / NATION_PEOPLE:.2f}."
    )


def write_results(result: Result, path: Path = RESULTS) -> None:
    showcase.replace_block(
        path, START, END, markdown(result).replace(SIZING_MARK, sizing(result)), HEADING
    )


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--prepare":
        _prepare(Path(sys.argv[2]))
        return 0
    if len(sys.argv) > 3 and sys.argv[1] == "--queries":
        _queries(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    keys = set(sys.argv[1:])
    result = run([p for p in PLANS if p.key in keys] or None)
    write_results(result)
    print(f"{HEADING} — recorded in bench/RESULTS.md:")
    print(summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
