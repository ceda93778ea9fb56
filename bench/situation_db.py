"""The people's situation on PostgreSQL at national scale: the daily early-warning run and the
hot-spots board, through the app's own code.

The generator adds, once (later runs reuse it), situation notes to the reporting benchmark's
34 provinces and 3,321 communes (bench/reporting.py makes them, each with its Mass
Mobilization Commission): 60 months of Poisson counts per commune × 13 topic groups (means 0.05
to 1.5, autumn storms, prices before Tết), written with COPY. Measured:
- the daily run for the nation, `alerts.compute_alerts(today=…)` (the GROUP BY over all notes,
  every series judged by surge and CUSUM, siblings by the modified z-score, the weekly spread
  rule, alerts stored), in a transaction rolled back so each run starts clean;
- the same run for one province (`area=`);
- the hot-spots board of one province (`GET /situation/?area=…`, the page a commission opens),
  p50 and p95 over 30 requests after 3 warm-ups, signed in as the province's specialist.
Run by `make bench` (bench/run.py, through bench/situation.py).
"""

from __future__ import annotations

import datetime
import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

MONTHS = 60
SEED = 2027
MARKER = "bench-situation"
RUNS_NATION = 2
RUNS_PROVINCE = 5
WARMUP, RUNS_BOARD = 3, 30
TARGETS = {"nation_s": 60.0, "province_s": 2.0, "board_p95_ms": 200.0}
BENCH_EMAIL = "situation-bench@bench.invalid"
STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"


class _Rollback(Exception):
    pass


@dataclass
class DbResult:
    notes: int
    communes: int
    generated_s: float
    created: bool
    today: str
    nation_s: list[float]
    nation_alerts: int
    province_s: list[float]
    province_alerts: int
    province_notes: int
    board_ms: list[float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "notes": self.notes,
            "communes": self.communes,
            "generated_s": round(self.generated_s, 1),
            "created": self.created,
            "today": self.today,
            "nation_s": [round(v, 2) for v in self.nation_s],
            "nation_alerts": self.nation_alerts,
            "province_s": [round(v, 3) for v in self.province_s],
            "province_alerts": self.province_alerts,
            "province_notes": self.province_notes,
            "board_p50_ms": round(statistics.median(self.board_ms), 1),
            "board_p95_ms": round(_p95(self.board_ms), 1),
        }


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _first_month() -> datetime.date:
    """The generated history ends with last month, so the current month is judged."""
    today = datetime.date.today()  # noqa: DTZ011
    index = today.year * 12 + today.month - 1 - MONTHS
    return datetime.date(index // 12, index % 12 + 1, 1)


def _means(rng: np.random.Generator, communes: int, groups: int) -> np.ndarray:
    """Monthly means per commune × group × month, with the seasons the work has."""
    base = rng.gamma(shape=1.2, scale=0.35, size=(communes, groups)).clip(0.05, 1.5)
    start = _first_month()
    months = np.array([(start.month - 1 + i) % 12 + 1 for i in range(MONTHS)])
    season = np.ones((groups, MONTHS))
    season[11] = np.where(np.isin(months, [9, 10, 11]), 3.0, 0.6)  # disaster: autumn storms
    season[2] = np.where(np.isin(months, [12, 1, 2]), 1.8, 1.0)  # livelihood: before Tết
    return base[:, :, None] * season[None, :, :]


def generate() -> tuple[int, float, bool]:
    """Notes for every commune of the reporting bench (once). Returns (notes, seconds, created)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from danvan.org.models import Area, AreaLevel, Organization
    from danvan.situation.models import Note, Topic

    existing = Note.objects.filter(summary=MARKER).count()
    if existing:
        return existing, 0.0, False
    started = time.perf_counter()
    communes = list(
        Area.objects.filter(level=AreaLevel.COMMUNE, valid_to__isnull=True, code__startswith="Bc")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    orgs = dict(
        Organization.objects.filter(
            area_id__in=communes, kind__code="mobilization_commission"
        ).values_list("area_id", "pk")
    )
    groups = list(
        Topic.objects.filter(parent__isnull=True).order_by("order").values_list("pk", flat=True)
    )
    rng = np.random.default_rng(SEED)
    counts = rng.poisson(_means(rng, len(communes), len(groups)))
    start = _first_month()
    now = timezone.now().isoformat()
    lines: list[str] = []
    for c, commune in enumerate(communes):
        org = orgs[commune]
        for g, group in enumerate(groups):
            for m in np.nonzero(counts[c, g])[0]:
                index = start.year * 12 + start.month - 1 + int(m)
                year, month = index // 12, index % 12 + 1
                for k in range(int(counts[c, g, m])):
                    day = datetime.date(year, month, 1 + (k * 7 + c) % 28)
                    lines.append(
                        f"{org}\t{commune}\t{commune}\t{group}\t{day.isoformat()}\t{MARKER}\t\t\\N\t"
                        f"normal\tmeeting\t\tfollowing\t\\N\t\\N\t{now}\t{MARKER}\n"
                    )
    columns = [
        "organization_id", "area_id", "commune_id", "topic_id", "event_date", "summary",
        "details", "people_concerned", "level", "source", "actions", "status", "resolved_on",
        "created_by_id", "created_at", "search_text",
    ]  # fmt: skip
    table = Note._meta.db_table
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,  # type: ignore[attr-defined]
    ):
        for begin in range(0, len(lines), 50_000):
            copy.write("".join(lines[begin : begin + 50_000]))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Note._meta.db_table}")
    return len(lines), time.perf_counter() - started, True


def _timed_run(area: Any, today: datetime.date) -> tuple[float, int]:
    """One early-warning run in a transaction that is rolled back: (seconds, alerts raised)."""
    from django.db import transaction

    from danvan.situation import alerts

    found = 0
    started = time.perf_counter()
    try:
        with transaction.atomic():
            found = len(alerts.compute_alerts(today=today, area=area))
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, found


def _board_user(province: Any) -> Any:
    from danvan.accounts.models import User
    from danvan.org.models import Membership, Organization, Role

    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        user = User.objects.create_user(BENCH_EMAIL, "bench-password-unused")
    commission = Organization.objects.get(area=province, depth=1)
    if not Membership.objects.filter(user=user, organization=commission).exists():
        Membership.objects.filter(user=user).delete()
        Membership.objects.create(user=user, organization=commission, role=Role.SPECIALIST)
    return user


def measure() -> DbResult:
    """Generate (once) and measure; expects Django set up on the bench database."""
    from django.conf import settings
    from django.test import override_settings

    from danvan.org.models import Area, AreaLevel
    from danvan.situation.models import Note

    notes, generated_s, created = generate()
    today = datetime.date.today()  # noqa: DTZ011
    province = (
        Area.objects.filter(level=AreaLevel.PROVINCE, valid_to__isnull=True, code__startswith="Bp")
        .order_by("pk")
        .first()
    )
    assert province is not None, "bench/reporting.py makes the provinces first"
    communes = Area.objects.filter(
        level=AreaLevel.COMMUNE, code__startswith="Bc", valid_to__isnull=True
    ).count()
    nation = [_timed_run(None, today) for _ in range(RUNS_NATION)]
    in_province = [_timed_run(province, today) for _ in range(RUNS_PROVINCE)]
    # The bench process has no collected static files: the page links them unhashed.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_BACKEND}}
    with override_settings(STORAGES=plain):
        board_ms = _board_timings(province)
    return DbResult(
        notes=notes,
        communes=communes,
        generated_s=generated_s,
        created=created,
        today=today.isoformat(),
        nation_s=[s for s, _n in nation],
        nation_alerts=nation[0][1],
        province_s=[s for s, _n in in_province],
        province_alerts=in_province[0][1],
        province_notes=Note.objects.filter(commune__path__startswith=province.path).count(),
        board_ms=board_ms,
    )


def _board_timings(province: Any) -> list[float]:
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(_board_user(province))
    url = f"/situation/?area={province.pk}"
    timings = []
    for run in range(WARMUP + RUNS_BOARD):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if run >= WARMUP:
            timings.append(elapsed)
    return timings


def markdown(result: DbResult) -> list[str]:
    d = result.as_dict()
    nation, province = max(result.nation_s), statistics.median(result.province_s)
    verdict = {True: "met", False: "not met"}
    return [
        "",
        "### On PostgreSQL: the daily run and the board",
        "",
        f"- Data: {d['notes']:,} notes on {d['communes']:,} communes of the reporting bench "
        f"(60 months × 13 topic groups, COPY"
        + (f", written in {d['generated_s']} s" if result.created else ", reused")
        + f"); one province: {d['province_notes']:,} notes.",
        f"- Judged: the current and the previous month as of {d['today']}.",
        "",
        "| measured | result | target | |",
        "|---|--:|--:|---|",
        f"| daily run, the nation (`compute_alerts()`), slowest of {RUNS_NATION} | {nation:.1f} s "
        f"({d['nation_alerts']:,} alerts) | < {TARGETS['nation_s']:.0f} s | "
        f"{verdict[nation < TARGETS['nation_s']]} |",
        f"| daily run, one province (`compute_alerts(area=…)`), p50 of {RUNS_PROVINCE} | "
        f"{province:.2f} s ({d['province_alerts']:,} alerts) | < {TARGETS['province_s']:.0f} s | "
        f"{verdict[province < TARGETS['province_s']]} |",
        f"| the board of one province (`GET /situation/?area=…`), p95 of {RUNS_BOARD} | "
        f"{d['board_p95_ms']} ms (p50 {d['board_p50_ms']} ms) | < {TARGETS['board_p95_ms']:.0f} ms | "
        f"{verdict[d['board_p95_ms'] < TARGETS['board_p95_ms']]} |",
    ]
