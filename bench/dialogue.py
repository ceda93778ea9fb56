"""Dialogue and petitions at national scale on PostgreSQL (issue 14).

The issue's targets: with 1 million petitions nationally, the scorecard of a province and the
public tracking page answer with a p95 under 100 ms on PostgreSQL, and the daily overdue and
reminder job for the nation takes under 60 s.

The data (bench/dialogue_db.py, generated once and reused): 1,000,000 petitions over 25 months
on the reporting benchmark's 3,321 communes, as the daily work would have left them on the
morning of 2026-12-04 (`dialogue_db.DATA_TODAY`). Measured:
- the scorecard of one province (`ReportingScope.of(<province area>)`), what the staff page
  computes: `scorecard.card` (units, communes, total and the trend of 4 periods), for a half year
  (2026S1) and a year (2025); p50 and p95 over 30 runs after 3 warm-ups, and each part's p50;
- the public tracking page `GET /kien-nghi/tra-cuu/<code>/` (`public_track_code`, no login)
  through django.test.Client, for 60 existing codes (any state, no denunciations: those are not
  public) and 60 well-formed codes that do not exist (404), each once after 3 warm-ups;
- the daily job for the nation, as `danvan reminders` queues it: `send_petition_reminders` +
  `send_commitment_reminders` + `privacy_jobs.run` (close settled petitions left unconfirmed,
  erase personal data past retention), e-mail to the locmem backend, committed as in
  production; the first run sends the whole backlog (no reminder was recorded before), the
  second is the same day again, the third the next day (what a day adds: the petitions
  entering a reminder window that day, the settled ones reaching 30 days). Afterwards the data set is put back as generated (the
  reminder rows deleted, the closed petitions settled again, the erased petitioners' stored
  ciphertexts written back, the history rows the run wrote deleted), so every run measures
  the same work.
When a target is missed, the slowest query of the measured code is shown with EXPLAIN ANALYZE.
Run by `make bench` (bench/run.py), or alone: `.venv/bin/python bench/dialogue.py`.
"""

from __future__ import annotations

import datetime
import gc
import io
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dialogue_db

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- bench:dialogue:start -->", "<!-- bench:dialogue:end -->"
HEADING = "Dialogue and petitions (issue 14)"
WARMUP, RUNS = 3, 30
TRACK_CODES = 60
PERIODS = ("2026S1", "2025")
TARGETS = {"scorecard_p95_ms": 100.0, "track_p95_ms": 100.0, "daily_s": 60.0}
STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@dataclass
class Timing:
    name: str
    ms: list[float]
    parts: dict[str, list[float]] = field(default_factory=dict)
    detail: str = ""
    slowest_sql: str = ""
    explain: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return p95(self.ms)


@dataclass
class Daily:
    label: str
    seconds: float
    petition_mails: int
    commitment_mails: int
    upkeep: int
    queries: int
    reminder_rows: int
    detail: str = ""


@dataclass
class Result:
    date: str
    machine: dict[str, str]
    data: dialogue_db.Generated
    province: str
    province_petitions: int
    scorecards: list[Timing]
    track: list[Timing]
    track_how: str
    windows: dict[str, int]
    daily: list[Daily]
    load: tuple[float, ...] = ()
    seconds: float = 0.0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


# --- Measurements --------------------------------------------------------------------------


def _province() -> tuple[Any, Any]:
    from danvan.org.models import Area, AreaLevel, Organization

    province = (
        Area.objects.filter(level=AreaLevel.PROVINCE, valid_to__isnull=True, code__startswith="Bp")
        .order_by("pk")
        .first()
    )
    assert province is not None, "bench/reporting.py makes the provinces first"
    return province, Organization.objects.get(area=province, depth=1)


def _slowest(run: Callable[[], object]) -> tuple[str, str]:
    """The slowest query of one run, and its EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    if not captured.captured_queries:
        return "", ""
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    sql = slowest["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return sql, plan


def measure_scorecard(province: Any, code: str) -> Timing:
    from danvan.dialogue import scorecard
    from danvan.lib import periods
    from danvan.org.scopes import ReportingScope

    scope = ReportingScope.of(province)
    period = periods.parse(code)
    # What a scorecard page computes: the units, the communes, the total and the trend of
    # four periods, in one `card`.
    parts: dict[str, Callable[[], object]] = {
        "card": lambda: scorecard.card(scope, period, trend_count=4),
    }
    timing = Timing(name=f"{period.label('en')} ({code})", ms=[], parts={k: [] for k in parts})
    for run in range(WARMUP + RUNS):
        overall = time.perf_counter()
        for name, part in parts.items():
            started = time.perf_counter()
            part()
            if run >= WARMUP:
                timing.parts[name].append((time.perf_counter() - started) * 1000)
        if run >= WARMUP:
            timing.ms.append((time.perf_counter() - overall) * 1000)
    card = scorecard.card(scope, period, trend_count=4)
    total, units, areas = card.total, card.units, card.areas
    timing.detail = (
        f"{total.received:,} received, {total.settled:,} settled ({total.on_time_pct} % on "
        f"time), {total.open_overdue:,} open overdue; {len(units)} units, {len(areas)} communes"
    )
    if timing.p95 >= TARGETS["scorecard_p95_ms"]:
        timing.slowest_sql, timing.explain = _slowest(lambda: [p() for p in parts.values()])
    return timing


def _track_view() -> tuple[Callable[[str], tuple[int, float]], str]:
    """A function timing one tracking request; how the page is reached."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("public_track_code", kwargs={"code": "KN-2345-6789"})
    except NoReverseMatch:
        return _track_selector(), "`selectors.public_petition(code)` + rendering (no page yet)"
    client = Client(SERVER_NAME="localhost")

    def one(code: str) -> tuple[int, float]:
        url = reverse("public_track_code", kwargs={"code": code})
        started = time.perf_counter()
        response = client.get(url)
        return response.status_code, (time.perf_counter() - started) * 1000

    return one, "`GET /kien-nghi/tra-cuu/<code>/` through django.test.Client (the whole page)"


def _track_selector() -> Callable[[str], tuple[int, float]]:
    from django.template.loader import render_to_string

    from danvan.dialogue import selectors

    def one(code: str) -> tuple[int, float]:
        started = time.perf_counter()
        petition = selectors.public_petition(code)
        render_to_string("base.html", {"petition": petition})
        return (200 if petition else 404), (time.perf_counter() - started) * 1000

    return one


def measure_track() -> tuple[list[Timing], str]:
    found, missing = dialogue_db.sample_codes(TRACK_CODES)
    one, how = _track_view()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # not a line per 404
    for code in found[:WARMUP] + missing[:WARMUP]:
        one(code)
    out = []
    for name, codes, expected in (
        ("existing codes", found, 200),
        ("missing codes (404)", missing, 404),
    ):
        timing = Timing(name=name, ms=[])
        for code in codes:
            status, ms = one(code)
            assert status == expected, (code, status)
            timing.ms.append(ms)
        timing.detail = f"{len(codes)} codes, each once"
        if timing.p95 >= TARGETS["track_p95_ms"]:
            from danvan.dialogue import selectors

            timing.slowest_sql, timing.explain = _slowest(
                lambda c=codes[0]: selectors.public_petition(c)  # type: ignore[misc]
            )
        out.append(timing)
    return out, how


@contextmanager
def _counting() -> Iterator[list[int]]:
    from django.db import connection

    count = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def _daily_once(label: str, today: datetime.date) -> Daily:
    from django.core import mail

    from danvan.dialogue import privacy_jobs, reminders
    from danvan.dialogue.models import PetitionReminder

    mail.outbox = []
    with _counting() as count:
        started = time.perf_counter()
        petitions = reminders.send_petition_reminders(today=today)
        commitments = reminders.send_commitment_reminders(today=today)
        upkeep = privacy_jobs.run(today=today)
        seconds = time.perf_counter() - started
    sent = len(mail.outbox)
    assert sent == petitions + commitments, (sent, petitions, commitments)
    mail.outbox = []
    return Daily(
        label=label,
        seconds=seconds,
        petition_mails=petitions,
        commitment_mails=commitments,
        upkeep=upkeep,
        queries=count[0],
        reminder_rows=PetitionReminder.objects.count(),
    )


def measure_daily() -> list[Daily]:
    """Two runs of the daily job on DATA_TODAY and one the day after, committed; then the
    data set put back."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import override_settings

    from danvan.dialogue.models import CommitmentReminder, Petition, PetitionReminder

    today = dialogue_db.DATA_TODAY
    if PetitionReminder.objects.exists() or CommitmentReminder.objects.exists():
        raise RuntimeError("reminder rows in the bench database: a run was not put back")
    # What the runs may change, up to the next day's run.
    last = today + datetime.timedelta(days=1)
    close_limit = last - datetime.timedelta(days=settings.DANVAN_PETITION_DAYS["auto_close"])
    erase_limit = last - datetime.timedelta(days=settings.DANVAN_PETITIONER_RETENTION_DAYS)
    closing = list(
        Petition.objects.filter(state="settled", settled_on__lt=close_limit).values_list(
            "pk", flat=True
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pr.id, pr.name, pr.phone, pr.email, pr.address, pr.id_number, p.id, p.text "
            "FROM dialogue_petitioner pr JOIN dialogue_petition p ON p.id = pr.petition_id "
            "WHERE pr.erased_at IS NULL AND p.closed_on < %s",
            [erase_limit],
        )
        erasing = cursor.fetchall()
        cursor.execute("SELECT coalesce(max(history_id), 0) FROM dialogue_historicalpetition")
        row = cursor.fetchone()
        history_before = row[0] if row else 0
    runs = []
    try:
        with override_settings(EMAIL_BACKEND=LOCMEM):
            runs.append(_daily_once("first run (the backlog: no reminder sent before)", today))
            runs.append(_daily_once("second run, the same day", today))
            runs.append(_daily_once("the next day (a day's new reminders and closes)", last))
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM dialogue_petitionreminder")
            cursor.execute("DELETE FROM dialogue_commitmentreminder")
            cursor.execute(
                "UPDATE dialogue_petition SET state = 'settled', closed_on = NULL "
                "WHERE id = ANY(%s)",
                [closing],
            )
            cursor.executemany(
                "UPDATE dialogue_petitioner SET name = %s, phone = %s, email = %s, "
                "address = %s, id_number = %s, erased_at = NULL WHERE id = %s",
                [(*r[1:6], r[0]) for r in erasing],
            )
            cursor.executemany(
                "UPDATE dialogue_petition SET text = %s WHERE id = %s",
                [(r[7], r[6]) for r in erasing],
            )
            cursor.execute(
                "DELETE FROM dialogue_historicalpetition WHERE history_id > %s", [history_before]
            )
    runs[0].detail = (
        f"over the two days, {len(closing):,} settled petitions to close and "
        f"{len(erasing):,} petitioners to erase"
    )
    return runs


def run() -> Result:
    """Generate (once) and measure; expects Django set up on the bench database with the
    reporting benchmark's communes."""
    import showcase
    from django.conf import settings
    from django.test import override_settings

    from danvan.dialogue.models import Petition

    started = time.perf_counter()
    print(f"generating {dialogue_db.PETITIONS:,} petitions (once; reused after)", flush=True)
    data = dialogue_db.generate()
    how = f"generated in {data.seconds:.0f} s" if data.created else "reused"
    print(f"  {data.petitions:,} petitions ({how})", flush=True)
    province, _unit = _province()
    # As the WSGI entry point does after start-up (danvan/config/wsgi.py): what is loaded so
    # far stays, and the collector stops rescanning it during the measured requests.
    gc.collect()
    gc.freeze()
    scorecards = []
    for code in PERIODS:
        timing = measure_scorecard(province, code)
        print(
            f"  scorecard {timing.name}: p50 {timing.p50:.1f} ms, p95 {timing.p95:.1f} ms",
            flush=True,
        )
        scorecards.append(timing)
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_BACKEND}}
    with override_settings(STORAGES=plain):
        track, how = measure_track()
    for timing in track:
        print(
            f"  tracking, {timing.name}: p50 {timing.p50:.1f} ms, p95 {timing.p95:.1f} ms",
            flush=True,
        )
    windows = dialogue_db.overdue_by_kind()
    daily = measure_daily()
    for d in daily:
        print(f"  daily job, {d.label}: {d.seconds:.1f} s, {d.queries:,} queries", flush=True)
    result = Result(
        date=str(datetime.date.today()),  # noqa: DTZ011
        machine=showcase.machine(),
        data=data,
        province=province.name,
        province_petitions=Petition.objects.filter(
            organization__area__path__startswith=province.path
        ).count(),
        scorecards=scorecards,
        track=track,
        track_how=how,
        windows=windows,
        daily=daily,
    )
    result.load = os.getloadavg()
    result.seconds = time.perf_counter() - started
    return result


# --- The record ----------------------------------------------------------------------------


def verdicts(result: Result) -> list[tuple[str, str, bool]]:
    out = []
    for t in result.scorecards:
        out.append((f"scorecard of a province, {t.name}: p95 < 100 ms", f"{t.p95:.1f} ms",
                    t.p95 < TARGETS["scorecard_p95_ms"]))  # fmt: skip
    for t in result.track:
        out.append((f"public tracking page, {t.name}: p95 < 100 ms", f"{t.p95:.1f} ms",
                    t.p95 < TARGETS["track_p95_ms"]))  # fmt: skip
    for d in result.daily:
        out.append((f"daily job for the nation, {d.label}: < 60 s", f"{d.seconds:.1f} s",
                    d.seconds < TARGETS["daily_s"]))  # fmt: skip
    return out


def summary(result: Result) -> str:
    return "\n".join(
        f"- {name}: {value} — {'met' if ok else 'NOT met'}" for name, value, ok in verdicts(result)
    )


def markdown(result: Result) -> str:
    m, d = result.machine, result.data
    out = io.StringIO()
    w = out.write
    w(f"{START}\n")
    w(f"Measured {result.date} by `make bench` (bench/dialogue.py); the whole run took "
      f"{result.seconds:.0f} s.\n\n")  # fmt: skip
    w(f"- Machine: {m['nproc']} CPUs (`nproc`), {m['memory']} memory (`free -h` total), "
      f"{m['cpu']}; Python {m['python']}\n")  # fmt: skip
    w(f"- PostgreSQL {m['postgresql']} on 127.0.0.1, default configuration "
      f"({m['postgresql_settings']}); load average at the end "
      f"{', '.join(f'{v:.1f}' for v in result.load)} (1, 5, 15 min)"
      + (" — other work shared the CPUs: the times are upper bounds"
         if result.load and max(result.load) > int(m["nproc"]) else "") + "\n")  # fmt: skip
    states = ", ".join(f"{k} {v:,}" for k, v in d.states.items())
    w(f"- Data (bench/dialogue_db.py, as of the morning of {dialogue_db.DATA_TODAY}): "
      f"**{d.petitions:,} petitions** received {dialogue_db.FIRST_DAY} to the day before, on "
      f"{d.communes:,} communes of 34 provinces ({states}; {d.open_overdue:,} open and overdue); "
      f"{d.petitioners:,} petitioners (encrypted; those of cases closed over 2 years ago "
      f"erased), {d.extensions:,} extensions, {d.dialogues:,} dialogues with "
      f"{d.commitments:,} commitments, {d.officers:,} officers; petitions, petitioners and "
      f"extensions {d.table_mb:,.0f} MB with indexes\n")  # fmt: skip
    w("- Generator: " + (f"this run built the data set in {d.seconds:.0f} s\n" if d.created
                         else "this run reused the data set\n"))  # fmt: skip
    w(f"- The province: {result.province}, {result.province_petitions:,} petitions\n\n")
    w("| measured | p50 ms | p95 ms | target | |\n|---|--:|--:|--:|---|\n")
    for t in result.scorecards:
        w(f"| scorecard of the province, {t.name}: units, communes, total and trend (4 "
          f"periods), {RUNS} runs | {t.p50:.1f} | {t.p95:.1f} | p95 < 100 ms | "
          f"{'met' if t.p95 < 100 else '**NOT met**'} |\n")  # fmt: skip
    for t in result.track:
        w(f"| public tracking page, {t.name}, {len(t.ms)} requests | {t.p50:.1f} | "
          f"{t.p95:.1f} | p95 < 100 ms | {'met' if t.p95 < 100 else '**NOT met**'} |\n")  # fmt: skip
    w("\nScorecard (p50 ms):\n\n| period | card | the province's figures |\n|---|--:|---|\n")
    for t in result.scorecards:
        parts = " | ".join(f"{statistics.median(v):.1f}" for v in t.parts.values())
        w(f"| {t.name} | {parts} | {t.detail} |\n")
    w(f"\nThe tracking page: {result.track_how}; existing codes drawn at random among the "
      f"public ones (every state), missing codes well-formed.\n\n")  # fmt: skip
    windows = result.windows
    w(f"The daily job on {dialogue_db.DATA_TODAY} (e-mail to the locmem backend, committed): "
      f"open petitions due within 7 days {windows['due_soon']:,}, overdue {windows['overdue']:,}"
      f", of which {windows['escalated']:,} for 15 days or more (escalated to the province's "
      f"leaders); {result.daily[0].detail}.\n\n")  # fmt: skip
    w("| run | time | e-mails: petitions | commitments | closed + erased | queries | reminder "
      "rows after | target | |\n|---|--:|--:|--:|--:|--:|--:|--:|---|\n")  # fmt: skip
    for run in result.daily:
        ok = run.seconds < TARGETS["daily_s"]
        w(f"| {run.label} | {run.seconds:.1f} s | {run.petition_mails:,} | "
          f"{run.commitment_mails:,} | {run.upkeep:,} | {run.queries:,} | "
          f"{run.reminder_rows:,} | < 60 s | {'met' if ok else '**NOT met**'} |\n")  # fmt: skip
    for t in result.scorecards + result.track:
        if t.explain:
            w(f"\nSlowest query of {t.name} — `EXPLAIN (ANALYZE, BUFFERS)`:\n\n```\n"
              f"{_short(t.slowest_sql)}\n\n{t.explain}\n```\n")  # fmt: skip
    w(f"{END}")
    return out.getvalue()


def _short(sql: str, limit: int = 600) -> str:
    return sql if len(sql) <= limit else sql[:limit] + " …"


def replace_block(path: Path, block: str) -> None:
    """Replace the block between the markers; without them, add the section at the end."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {HEADING}\n\n" + block + "\n"
    path.write_text(text)


def write_results(result: Result, path: Path = RESULTS) -> None:
    replace_block(path, markdown(result))


def main() -> int:
    """Run this benchmark alone (make bench runs all) and record it."""
    import reporting
    import showcase

    showcase.setup_django()
    reporting.generate()  # the communes the petitions go on (reused when they exist)
    result = run()
    write_results(result)
    print(f"{HEADING} — recorded in bench/RESULTS.md:")
    print(summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
