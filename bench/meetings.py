"""Meetings with bridge points at national scale, on PostgreSQL (issue 16).

The issue's targets: creating a meeting with 3,321 bridge points (all communes) takes under
2 s, and its page answers with a p95 under 300 ms.

The world: the reporting benchmark's 34 provinces and 3,321 communes (bench/reporting.py).
Over their areas this benchmark puts, for the run only, a national tree: a national commission
(the host) above 34 provincial commissions and 3,321 commune Party committees, one officer
(reporter) per commune unit to receive the invitations, a specialist and a viewer of the
national commission. The tree, the meetings, points, notifications and history the run makes
are removed at the end (and any left by an interrupted run, at the start): the other
benchmarks read the depth-1 units and the commune units, which this tree must not change.

Measured:
- creating an online review hosted by the national commission and inviting every commune unit
  in one step: `services.meeting_create` then `services_points.points_invite_level(level="commune")`,
  in autocommit as a request runs them, so the invitations are delivered after each commit —
  a bell notification and an e-mail with the .ics for each of the 3,321 officers (locmem
  backend) — inside the time; a first run in the cold process (not counted: it loads the URL
  configuration), then 6 runs, each on a new meeting: p50, p95, queries, and the delivery's
  share;
- on the last meeting, two thirds of the points confirmed: the meeting page
  `GET /meetings/<pk>/` through django.test.Client, signed in (force_login) as the national
  commission's specialist (who manages it) and as its viewer; the totals fragment
  `GET /meetings/<pk>/totals/` (htmx) and the first page of the points list
  `GET /meetings/<pk>/points/`: p50 and p95 over 40 requests after 3 warm-ups, the queries of
  one request. When a target is missed, the slowest query is shown with EXPLAIN ANALYZE.
Run by `make bench` (bench/run.py), or alone: `.venv/bin/python bench/meetings.py`.
"""

from __future__ import annotations

import datetime
import gc
import io
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reporting
import showcase

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- bench:meetings:start -->", "<!-- bench:meetings:end -->"
HEADING = "Meetings and bridge points (issue 16)"
CREATE_RUNS = 6
WARMUP, RUNS = 3, 40
TARGETS = {"create_s": 2.0, "page_p95_ms": 300.0}
POINT_EXPECTED = 30
POINTS_PAGE = 50  # the points list's page (views_points.POINTS_PAGE)
ROOT_NAME = "Ban Dân vận Trung ương (benchmark họp trực tuyến)"
DOMAIN = "meetings.bench.invalid"
STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


@dataclass
class Creation:
    seconds: list[float] = field(default_factory=list)
    create_ms: list[float] = field(default_factory=list)
    invite_ms: list[float] = field(default_factory=list)
    delivery_ms: list[float] = field(default_factory=list)  # the bell rows, inside the invite
    email_ms: list[float] = field(default_factory=list)  # the e-mails, inside the delivery
    cold_s: float = 0.0
    queries: int = 0
    points: int = 0
    mails: int = 0
    notifications: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        return p95(self.seconds)


@dataclass
class Page:
    name: str
    url: str  # as written in the record: /meetings/<pk>/…
    ms: list[float]
    queries: int
    kb: float
    target: bool  # judged against the page target
    slowest_sql: str = ""
    explain: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return p95(self.ms)


@dataclass
class Result:
    date: str
    machine: dict[str, str]
    provinces: int
    communes: int  # and as many officers, a reporter per commune unit
    creation: Creation
    pages: list[Page]
    confirmed: int = 0
    load: tuple[float, ...] = ()
    seconds: float = 0.0


# --- The national tree, for the run only ---------------------------------------------------


@dataclass
class National:
    root: Any
    specialist: Any
    viewer: Any
    provinces: int
    communes: int  # and as many officers


def _build() -> National:
    """The national commission above 34 provincial commissions and 3,321 commune Party
    committees on the reporting benchmark's areas, with their officers."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from danvan.accounts.models import User
    from danvan.lib.text import fold
    from danvan.org.models import Area, AreaLevel, Membership, Organization, OrganizationKind, Role

    provinces = list(
        Area.objects.filter(level=AreaLevel.PROVINCE, valid_to__isnull=True, code__startswith="Bp")
        .order_by("path")
    )  # fmt: skip
    communes = list(
        Area.objects.filter(level=AreaLevel.COMMUNE, valid_to__isnull=True, code__startswith="Bc")
        .order_by("path")
    )  # fmt: skip
    assert provinces and communes, "bench/reporting.py makes the provinces and communes first"
    commission = OrganizationKind.objects.get(code="mobilization_commission")
    party = OrganizationKind.objects.get(code="party_committee")
    with transaction.atomic():
        nation = Area.objects.bulk_create(
            [Area(path=reporting._paths(Area)(), depth=1, numchild=0, code="BN-MEETINGS",
                  name="Toàn quốc (benchmark họp trực tuyến)", level=AreaLevel.PROVINCE,
                  search_name=fold("Toàn quốc (benchmark họp trực tuyến)"))]
        )[0]  # fmt: skip
        root_path = reporting._paths(Organization)()
        units = [
            Organization(path=root_path, depth=1, numchild=len(provinces), name=ROOT_NAME,
                         kind=commission, area=nation, search_name=fold(ROOT_NAME))
        ]  # fmt: skip
        province_path: dict[str, str] = {}
        below: dict[str, int] = {}
        for n, area in enumerate(provinces, start=1):
            province_path[area.path] = root_path + showcase._step(Organization, n)
        step = Area.steplen
        commune_units = []
        for area in communes:
            parent = province_path[area.path[:step]]
            below[parent] = below.get(parent, 0) + 1
            name = f"Đảng ủy {area.name}"
            commune_units.append(
                Organization(path=parent + showcase._step(Organization, below[parent]), depth=3,
                             numchild=0, name=name, kind=party, area=area, search_name=fold(name))
            )  # fmt: skip
        for area in provinces:
            name = f"Ban Dân vận {area.name} (benchmark họp trực tuyến)"
            path = province_path[area.path]
            units.append(
                Organization(path=path, depth=2, numchild=below.get(path, 0), name=name,
                             kind=commission, area=area, search_name=fold(name))
            )  # fmt: skip
        made = Organization.objects.bulk_create([*units, *commune_units], batch_size=2000)
        root, communes_made = made[0], made[len(units) :]
        unusable = make_password(None)  # they never sign in with a password
        plan = [("specialist", root, Role.SPECIALIST), ("viewer", root, Role.VIEWER)]
        plan += [(f"officer-{unit.pk}", unit, Role.REPORTER) for unit in communes_made]
        users = User.objects.bulk_create(
            [User(email=f"{who}@{DOMAIN}", full_name=f"Cán bộ {who}", password=unusable)
             for who, _unit, _role in plan],
            batch_size=2000,
        )  # fmt: skip
        Membership.objects.bulk_create(
            [Membership(user=user, organization=unit, role=role)
             for user, (_who, unit, role) in zip(users, plan, strict=True)],
            batch_size=2000,
        )  # fmt: skip
    return National(
        root=root,
        specialist=users[0],
        viewer=users[1],
        provinces=len(provinces),
        communes=len(communes_made),
    )


def _remove() -> None:
    """Remove the national tree and everything the runs made on it."""
    from django.db import connection, transaction
    from django.test import override_settings

    from danvan.accounts.models import User
    from danvan.dashboard.models import Notification
    from danvan.meetings.models import AgendaItem, BridgePoint, Conclusion, Meeting
    from danvan.org.models import Area, Membership, Organization

    history_m2m = [
        ("meetings_historicalmeeting_report_forms", "meeting_id"),
        ("meetings_historicalmeeting_documents", "meeting_id"),
    ]
    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        for root in Organization.objects.filter(depth=1, name=ROOT_NAME):
            units = Organization.objects.filter(path__startswith=root.path)
            ids = list(Meeting.objects.filter(host__in=units).values_list("pk", flat=True))
            with connection.cursor() as cursor:
                for table, column in history_m2m:
                    cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])  # noqa: S608
            for model in (BridgePoint, AgendaItem, Conclusion):
                model.history.filter(meeting_id__in=ids).delete()  # type: ignore[attr-defined]
            Meeting.history.filter(id__in=ids).delete()  # type: ignore[attr-defined]
            Conclusion.objects.filter(meeting_id__in=ids).delete()
            Meeting.objects.filter(pk__in=ids).delete()
            users = User.objects.filter(email__endswith=f"@{DOMAIN}")
            Notification.objects.filter(user__in=users).delete()
            Membership.objects.filter(organization__in=units).delete()
            users.delete()
            area = root.area
            for depth in (3, 2, 1):
                units.filter(depth=depth).delete()
            Area.objects.filter(pk=area.pk).delete()


# --- Measurements --------------------------------------------------------------------------


@contextmanager
def _counting() -> Iterator[list[int]]:
    from django.db import connection

    count = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


@contextmanager
def _timed_delivery(spent: dict[str, float]) -> Iterator[None]:
    """Time the registered delivery (the bell) and the e-mails it sends, inside the calls."""
    from danvan.lib import notify

    delivery, settle, email = notify._delivery[0], notify._settle[0], notify.email

    def timed_delivery(messages: list[Any]) -> None:
        started = time.perf_counter()
        delivery(messages)
        spent["delivery"] += time.perf_counter() - started

    def timed_email(pairs: Any) -> None:
        started = time.perf_counter()
        email(pairs)
        spent["email"] += time.perf_counter() - started

    notify.set_delivery(timed_delivery, settle)
    notify.email = timed_email  # type: ignore[assignment]
    try:
        yield
    finally:
        notify.set_delivery(delivery, settle)
        notify.email = email  # type: ignore[assignment]


def _create_once(n: National, number: int) -> tuple[Any, float, dict[str, float], int]:
    from django.utils import timezone

    from danvan.meetings import services, services_points
    from danvan.meetings.models import Format, Kind
    from danvan.org.models import AreaLevel

    day = timezone.localdate() + datetime.timedelta(days=10 + number)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
    spent = {"create": 0.0, "invite": 0.0, "delivery": 0.0, "email": 0.0}
    with _timed_delivery(spent), _counting() as queries:
        started = time.perf_counter()
        meeting = services.meeting_create(
            actor=n.specialist, host=n.root, kind=Kind.INTERIM_REVIEW,
            title=f"Hội nghị trực tuyến toàn quốc sơ kết công tác dân vận 6 tháng (lần {number})",
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=3, minutes=30),
            format=Format.ONLINE, place="Hội trường Trung ương (điểm cầu chính)",
            video_url="https://hop.bench.invalid/so-ket", period="2026S1",
            host_expected=200, host_chair="Trưởng Ban Dân vận Trung ương",
        )  # fmt: skip
        invited = time.perf_counter()
        services_points.points_invite_level(
            actor=n.specialist, meeting=meeting, level=AreaLevel.COMMUNE, expected=POINT_EXPECTED
        )
        ended = time.perf_counter()
    spent["create"], spent["invite"] = invited - started, ended - invited
    return meeting, ended - started, spent, queries[0]


def measure_creation(n: National) -> tuple[Creation, Any]:
    from django.core import mail
    from django.test import override_settings

    from danvan.dashboard.models import Notification

    result = Creation()
    meeting = None
    with override_settings(EMAIL_BACKEND=LOCMEM):
        for number in range(CREATE_RUNS + 1):
            mail.outbox = []
            before = Notification.objects.filter(user__email__endswith=f"@{DOMAIN}").count()
            meeting, seconds, spent, queries = _create_once(n, number)
            if number == 0:
                result.cold_s = seconds  # the cold process: not counted
            else:
                result.seconds.append(seconds)
                result.create_ms.append(spent["create"] * 1000)
                result.invite_ms.append(spent["invite"] * 1000)
                result.delivery_ms.append((spent["delivery"] - spent["email"]) * 1000)
                result.email_ms.append(spent["email"] * 1000)
                result.queries = queries
            result.points = meeting.points.count()
            result.mails = len(mail.outbox)
            result.notifications = (
                Notification.objects.filter(user__email__endswith=f"@{DOMAIN}").count() - before
            )
            assert result.points == n.communes + 1, (result.points, n.communes)
            assert result.mails == n.communes, (result.mails, n.communes)
            assert all(m.attachments for m in mail.outbox[:5]), "the invitation's .ics"
            print(f"  run {number}: {seconds:.2f} s{' (the first: not counted)' if not number else ''}",
                  flush=True)  # fmt: skip
        mail.outbox = []
    return result, meeting


def _confirm_two_thirds(meeting: Any) -> int:
    """The points as the day before a review leaves them: two thirds confirmed, a few links
    failed (bench data, written directly)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meetings_bridgepoint SET confirmed_at = now(), attending = expected - id %% 4, "
            "chair = 'Phó Bí thư Thường trực Đảng ủy xã', place = 'Hội trường Đảng ủy xã', "
            "checked_at = now(), check_result = CASE WHEN id %% 50 = 1 THEN 'failed' ELSE 'good' "
            "END, check_note = CASE WHEN id %% 50 = 1 THEN 'Mất kết nối' ELSE '' END "
            "WHERE meeting_id = %s AND NOT is_host AND id %% 3 <> 0",
            [meeting.pk],
        )
        confirmed: int = cursor.rowcount
        cursor.execute("ANALYZE meetings_bridgepoint")
    return confirmed


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


def measure_page(user: Any, name: str, url: str, *, htmx: bool = False, target: bool) -> Page:
    from django.test import Client

    headers = {"HX-Request": "true"} if htmx else {}
    client = Client(HTTP_HOST="localhost", headers=headers)
    client.force_login(user)  # a specialist and a viewer owe no second factor
    for _ in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    ms = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with _counting() as queries:
        response = client.get(url)
    shown = re.sub(r"/meetings/\d+/", "/meetings/<pk>/", url)
    page = Page(name, shown, ms, queries[0], len(response.content) / 1024, target)
    if target and page.p95 >= TARGETS["page_p95_ms"]:
        page.slowest_sql, page.explain = _slowest(lambda: client.get(url))
    return page


def measure_pages(n: National, meeting: Any) -> list[Page]:
    from django.conf import settings
    from django.test import override_settings
    from django.urls import reverse

    detail = reverse("meeting_detail", args=[meeting.pk])
    totals = reverse("meeting_totals", args=[meeting.pk])
    points = reverse("meeting_points", args=[meeting.pk])
    # The bench process has no collected static files: the pages link them unhashed.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_BACKEND}}
    with override_settings(STORAGES=plain):
        return [
            measure_page(n.specialist, "meeting page, the host's specialist (manages it)",
                         detail, target=True),
            measure_page(n.viewer, "meeting page, the host's viewer", detail, target=True),
            measure_page(n.specialist, "totals fragment (htmx)", totals, htmx=True,
                         target=False),
            measure_page(n.specialist, f"points list, first page ({POINTS_PAGE} points)", points,
                         target=False),
        ]  # fmt: skip


def run() -> Result:
    """Build the national tree, measure, remove it; expects Django set up on the bench
    database with the reporting benchmark's communes."""
    from django.urls import reverse

    started = time.perf_counter()
    _remove()  # what an interrupted run left
    print("the national tree over the reporting benchmark's communes (for this run)", flush=True)
    national = _build()
    try:
        reverse("meeting_detail", args=[1])  # the URL configuration, as a running server has it
        gc.collect()
        gc.freeze()
        creation, meeting = measure_creation(national)
        print(f"  creating with {creation.points:,} points: p50 {creation.p50:.2f} s, "
              f"p95 {creation.p95:.2f} s", flush=True)  # fmt: skip
        confirmed = _confirm_two_thirds(meeting)
        pages = measure_pages(national, meeting)
        for page in pages:
            print(f"  {page.name}: p50 {page.p50:.1f} ms, p95 {page.p95:.1f} ms, "
                  f"{page.queries} queries", flush=True)  # fmt: skip
    finally:
        _remove()
    result = Result(
        date=str(datetime.date.today()),  # noqa: DTZ011
        machine=showcase.machine(),
        provinces=national.provinces,
        communes=national.communes,
        creation=creation,
        pages=pages,
        confirmed=confirmed,
    )
    result.load = os.getloadavg()
    result.seconds = time.perf_counter() - started
    return result


# --- The record ----------------------------------------------------------------------------


def verdicts(result: Result) -> list[tuple[str, str, bool]]:
    c = result.creation
    out = [
        (
            f"creating a meeting with {c.points - 1:,} bridge points: < 2 s (p95 of "
            f"{len(c.seconds)} runs)",
            f"{c.p95:.2f} s",
            c.p95 < TARGETS["create_s"],
        )
    ]
    for page in result.pages:
        if page.target:
            out.append((f"{page.name}: p95 < 300 ms", f"{page.p95:.1f} ms",
                        page.p95 < TARGETS["page_p95_ms"]))  # fmt: skip
    return out


def summary(result: Result) -> str:
    return "\n".join(
        f"- {name}: {value} — {'met' if ok else 'NOT met'}" for name, value, ok in verdicts(result)
    )


def _ok(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def markdown(result: Result) -> str:
    m, c = result.machine, result.creation
    out = io.StringIO()
    w = out.write
    w(f"{START}\n")
    w(f"Measured {result.date} by `make bench` (bench/meetings.py); the whole run took "
      f"{result.seconds:.0f} s.\n\n")  # fmt: skip
    w(f"- Machine: {m['nproc']} CPUs (`nproc`), {m['memory']} memory (`free -h` total), "
      f"{m['cpu']}; Python {m['python']}\n")  # fmt: skip
    w(f"- PostgreSQL {m['postgresql']} on 127.0.0.1, default configuration "
      f"({m['postgresql_settings']}); load average at the end "
      f"{', '.join(f'{v:.1f}' for v in result.load)} (1, 5, 15 min)"
      + (" — other work shared the CPUs: the times are upper bounds"
         if result.load and max(result.load) > int(m["nproc"]) else "") + "\n")  # fmt: skip
    w(f"- Data: the reporting benchmark's {result.provinces} provinces and "
      f"{result.communes:,} communes; for the run, a national commission above "
      f"{result.provinces} provincial commissions and {result.communes:,} commune Party "
      f"committees on those areas, {result.communes:,} officers (a reporter per commune unit), "
      f"a specialist and a viewer of the national commission — removed at the end with the "
      f"meetings, points, notifications and history the run made\n\n")  # fmt: skip
    w("| measured | p50 | p95 | target | |\n|---|--:|--:|--:|---|\n")
    w(f"| creating an online review and inviting all {c.points - 1:,} communes in one step "
      f"(`meeting_create` + `points_invite_level`, the invitations delivered: {c.notifications:,} "
      f"bell notifications, {c.mails:,} e-mails with the .ics), {len(c.seconds)} runs, each a "
      f"new meeting | {c.p50:.2f} s | {c.p95:.2f} s | < 2 s | "
      f"{_ok(c.p95 < TARGETS['create_s'])} |\n")  # fmt: skip
    for page in result.pages:
        target = "p95 < 300 ms" if page.target else "—"
        verdict = _ok(page.p95 < TARGETS["page_p95_ms"]) if page.target else ""
        w(f"| {page.name}: `GET {page.url}`, {RUNS} requests | {page.p50:.1f} ms | "
          f"{page.p95:.1f} ms | {target} | {verdict} |\n")  # fmt: skip
    rest = [i - d - e for i, d, e in zip(c.invite_ms, c.delivery_ms, c.email_ms, strict=True)]
    w("\nCreating, p50 of each part (ms):\n\n"
      "| `meeting_create` | `points_invite_level` | of which the points with their history | "
      "the bell notifications | the e-mails with the .ics | queries of a run |\n"
      "|--:|--:|--:|--:|--:|--:|\n")  # fmt: skip
    w(f"| {statistics.median(c.create_ms):.0f} | {statistics.median(c.invite_ms):.0f} | "
      f"{statistics.median(rest):.0f} | {statistics.median(c.delivery_ms):.0f} | "
      f"{statistics.median(c.email_ms):.0f} | {c.queries:,} |\n\n")  # fmt: skip
    w(f"The first run of the process took {c.cold_s:.2f} s; it is not counted. The e-mails go "
      f"to the locmem backend (the messages are built, .ics attached, not sent over a network): "
      f"an SMTP server's time is not in the figures.\n\n")  # fmt: skip
    w(f"The pages, on the last meeting: {c.points:,} points, {result.confirmed:,} confirmed "
      f"(a few links failed), signed in through `force_login`; static files served unhashed "
      f"(no collectstatic in the bench process).\n\n")  # fmt: skip
    w("| page | queries | size |\n|---|--:|--:|\n")
    for page in result.pages:
        w(f"| {page.name} | {page.queries} | {page.kb:,.0f} kB |\n")
    met = all(ok for *_rest, ok in verdicts(result))
    pages = "; ".join(f"{p.name}, p95 {p.p95:.1f} ms" for p in result.pages if p.target)
    w(f"\nTargets (issue 16): **{'met' if met else 'NOT met'}** — creating a meeting with "
      f"{c.points - 1:,} bridge points, p95 {c.p95:.2f} s (< 2 s; over {len(c.seconds)} runs the "
      f"p95 is close to the slowest run); {pages} (< 300 ms).\n")  # fmt: skip
    for page in result.pages:
        if page.explain:
            w(f"\nSlowest query of the {page.name} — `EXPLAIN (ANALYZE, BUFFERS)`:\n\n```\n"
              f"{_short(page.slowest_sql)}\n\n{page.explain}\n```\n")  # fmt: skip
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
    showcase.setup_django()
    reporting.generate()  # the provinces and communes (reused when they exist)
    result = run()
    write_results(result)
    print(f"{HEADING} — recorded in bench/RESULTS.md:")
    print(summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
