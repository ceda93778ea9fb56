"""Periodic reports at national scale, on PostgreSQL: live roll-ups against the ORM walk.

The generator builds, once (later runs reuse it), today's 34 provinces and 3,321 communes and
the pre-2025 63 provinces, 696 districts and 10,000 communes, with successor links (each old
province to the new province it merged into, each old commune to a new commune of it); one
reporting unit per province, district and commune; 40 indicators (30 sums, 4 averages, 2
minimums, 2 maximums, 2 «last»); half-yearly reports for ten years, 2016S2 to 2026S1 (old
units to 2025S1, new units from 2025S2), approved, except the new communes' 2026S1 reports,
which wait for approval. The organisation roll-up rows are computed by the generator (as the
approvals would have left them); area roll-ups, which no measurement reads, are not.

Measured in one run, each answer computed by danvan and by the straightforward ORM walk of
the tree (the code a first version would write: visit each unit, its children and its
predecessors, one query at a time), checked equal:
- one province's roll-up of one indicator for one half year (2024S1, through the successors);
- the national pivot: 34 provinces × 40 indicators × the year 2024;
- a province's completeness board for 2026S1;
- approving submissions (roll-ups kept current), per second; then the province's 2026S1
  roll-up is checked against the ORM walk, and the approvals are reopened so the next run
  finds the same data.
Run by `make bench` (bench/run.py), or alone: `.venv/bin/python bench/reporting.py`.
"""

from __future__ import annotations

import datetime
import io
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import showcase

NEW_PROVINCES = 34
NEW_COMMUNES = 3_321
OLD_PROVINCES = 63
OLD_DISTRICTS = 696
OLD_COMMUNES = 10_000
INDICATORS = 40
AGGREGATIONS = ["sum"] * 30 + ["average"] * 4 + ["min"] * 2 + ["max"] * 2 + ["last"] * 2
FIRST_HALF, REFORM_HALF, LAST_HALF = "2016S2", "2025S2", "2026S1"
FORM_CODE = "bench-national"
SEED = 2026
APPROVALS = 200
TARGETS = {"rollup_p50_ms": 20.0, "pivot_p50_ms": 150.0, "pivot_ratio": 50.0, "approvals": 50.0}
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- bench:reporting:start -->", "<!-- bench:reporting:end -->"
LAST_OLD_DAY = datetime.date(2025, 6, 30)


@dataclass
class Generated:
    units: int
    submissions: int
    values: int
    rollup_rows: int
    seconds: float
    created: bool
    tables_mb: float = 0.0


@dataclass
class Timing:
    label: str
    danvan_ms: list[float]
    walk_ms: list[float]
    equal: bool
    note: str = ""

    @property
    def ratio(self) -> float:
        return statistics.median(self.walk_ms) / statistics.median(self.danvan_ms)


@dataclass
class Report:
    date: str
    machine: dict[str, str]
    generated: Generated
    timings: list[Timing] = field(default_factory=list)
    approvals_per_second: float = 0.0
    approval_ms: list[float] = field(default_factory=list)
    approvals_equal: bool = False
    seconds: float = 0.0


def halves() -> list[str]:
    from danvan.lib import periods

    out, p = [], periods.parse(FIRST_HALF)
    while p.code != periods.parse(LAST_HALF).next().code:
        out.append(p.code)
        p = p.next()
    return out


# --- The generator -------------------------------------------------------------------------


def _copy(cursor: Any, table: str, columns: list[str], lines: list[str]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for start in range(0, len(lines), 50_000):
            copy.write("".join(lines[start : start + 50_000]))


def _paths(model: Any) -> Any:
    """Paths for new roots after the existing ones (the showcase bench shares the database)."""
    last = model.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    alphabet: str = model.alphabet
    number = 0
    if last:
        for char in last:
            number = number * len(alphabet) + alphabet.index(char)
    counter = {"n": number}

    def next_root() -> str:
        counter["n"] += 1
        return showcase._step(model, counter["n"])

    return next_root


def generate() -> Generated:
    from django.db import connection, transaction

    from danvan.org.models import Area, AreaLevel, Organization, OrganizationKind
    from danvan.reporting.models import (
        SCALE,
        Form,
        FormIndicator,
        Indicator,
        OrgRollup,
        Section,
        Submission,
        Value,
    )

    form = Form.objects.filter(code=FORM_CODE).first()
    if form is not None:
        return Generated(
            units=Submission.objects.filter(form=form).values("organization").distinct().count(),
            submissions=Submission.objects.filter(form=form).count(),
            values=Value.objects.filter(submission__form=form).count(),
            rollup_rows=OrgRollup.objects.filter(indicator__code__startswith="BENCH_").count(),
            seconds=0.0,
            created=False,
            tables_mb=_tables_mb(),
        )
    started = time.perf_counter()
    rng = random.Random(SEED)
    kind = OrganizationKind.objects.get(code="mobilization_commission")
    codes = halves()
    with transaction.atomic():
        indicators = Indicator.objects.bulk_create(
            Indicator(
                code=f"BENCH_{n:02d}",
                name=f"Chỉ tiêu {n:02d}",
                name_en=f"Indicator {n:02d}",
                aggregation=AGGREGATIONS[n - 1],
            )
            for n in range(1, INDICATORS + 1)
        )
        form = Form.objects.create(
            code=FORM_CODE, name="Báo cáo toàn quốc (benchmark)", periodicity="half",
            area_levels="province,district,commune", deadline_days=15,
        )  # fmt: skip
        form.kinds.set([kind])
        section = Section.objects.create(form=form, order=1, title="Chỉ tiêu")
        FormIndicator.objects.bulk_create(
            FormIndicator(section=section, indicator=ind, order=n)
            for n, ind in enumerate(indicators, start=1)
        )
        area_root, org_root = _paths(Area), _paths(Organization)

        def tree(
            count: int, parents: list[tuple[Any, Any]] | None, level: str, label: str, old: bool
        ) -> list[tuple[Any, Any]]:
            """count new (area, organisation) pairs spread over the parents (or as roots)."""
            areas, orgs = [], []
            children: dict[int, int] = defaultdict(int)
            for i in range(count):
                name = f"{label} {i + 1}{' (cũ)' if old else ''}"
                if parents is None:
                    area_path, org_path = area_root(), org_root()
                    depth = 1
                else:
                    parent_area, parent_org = parents[i % len(parents)]
                    children[i % len(parents)] += 1
                    n = children[i % len(parents)]
                    area_path = parent_area.path + showcase._step(Area, n)
                    org_path = parent_org.path + showcase._step(Organization, n)
                    depth = parent_area.depth + 1
                dates = {"valid_to": LAST_OLD_DAY} if old else {}
                areas.append(Area(path=area_path, depth=depth, numchild=0, code=f"B{level[0]}{i}",
                                  name=name, level=level, search_name=name.lower(), **dates))  # fmt: skip
                orgs.append((org_path, depth, name))
            areas = Area.objects.bulk_create(areas)
            made = Organization.objects.bulk_create(
                Organization(
                    path=path,
                    depth=depth,
                    numchild=0,
                    name=f"Ban Dân vận {name}",
                    kind=kind,
                    area=area,
                    search_name=name.lower(),
                    dissolved_on=LAST_OLD_DAY if old else None,
                )
                for (path, depth, name), area in zip(orgs, areas, strict=True)
            )
            if parents is not None:
                for index, number in children.items():
                    for node in parents[index]:
                        type(node).objects.filter(pk=node.pk).update(numchild=number)
            return list(zip(areas, made, strict=True))

        new_provinces = tree(NEW_PROVINCES, None, AreaLevel.PROVINCE, "Tỉnh mới", False)
        new_communes = tree(NEW_COMMUNES, new_provinces, AreaLevel.COMMUNE, "Xã mới", False)
        old_provinces = tree(OLD_PROVINCES, None, AreaLevel.PROVINCE, "Tỉnh", True)
        old_districts = tree(OLD_DISTRICTS, old_provinces, AreaLevel.DISTRICT, "Huyện", True)
        old_communes = tree(OLD_COMMUNES, old_districts, AreaLevel.COMMUNE, "Xã", True)
        # Successors: old province i merged into new province i % 34; its communes into the
        # new communes of that province, round robin.
        new_by_province: dict[str, list[Any]] = defaultdict(list)
        for _area, org in new_communes:
            new_by_province[org.path[: Organization.steplen]].append(org)
        province_of = {}
        with connection.cursor() as cursor:
            for i, (_a, old) in enumerate(old_provinces):
                target = new_provinces[i % NEW_PROVINCES][1]
                province_of[old.path] = target
                cursor.execute(
                    f"UPDATE {Organization._meta.db_table} SET successor_id = %s WHERE id = %s",  # noqa: S608
                    [target.pk, old.pk],
                )
            turn: dict[str, int] = defaultdict(int)
            pairs = []
            for _a, old in old_communes:
                target_province = province_of[old.path[: Organization.steplen]]
                pool = new_by_province[target_province.path]
                key = target_province.path
                pairs.append((old.pk, pool[turn[key] % len(pool)].pk))
                turn[key] += 1
            cursor.executemany(
                f"UPDATE {Organization._meta.db_table} SET successor_id = %s WHERE id = %s",  # noqa: S608
                [(new, old) for old, new in pairs],
            )

        # Reports, values and the organisation roll-ups the approvals would have left.
        old_units = [org for _a, org in old_provinces + old_districts + old_communes]
        new_units = [org for _a, org in new_provinces + new_communes]
        reform = codes.index(REFORM_HALF)
        plan = [(u, p) for u in old_units for p in codes[:reform]]
        plan += [(u, p) for u in new_units for p in codes[reform:]]
        now = datetime.datetime(2026, 7, 10, 9, 0, tzinfo=datetime.UTC).isoformat()
        lines = []
        for unit, period in plan:
            waiting = period == LAST_HALF and unit.depth == 2
            status = "submitted" if waiting else "approved"
            reviewed = "\\N" if waiting else now
            lines.append(
                f"{form.pk}\t{unit.pk}\t{period}\t{status}\t{{}}\t{{}}\t{now}\t{reviewed}\t\t\t{now}\t{now}\n"
            )
        with connection.cursor() as cursor:
            _copy(cursor, Submission._meta.db_table,
                  ["form_id", "organization_id", "period", "status", "narratives",
                   "warning_comments", "submitted_at", "reviewed_at", "review_comment",
                   "reopen_reason", "created_at", "updated_at"], lines)  # fmt: skip
        ids = {
            (org, period): pk
            for pk, org, period in Submission.objects.filter(form=form).values_list(
                "pk", "organization_id", "period"
            )
        }
        step = Organization.steplen
        by_path = {u.path: u.pk for u in old_units + new_units}
        extremes = {"min", "max"}
        totals: dict[tuple[int, str], list[int]] = {}
        counts: dict[tuple[int, str], int] = defaultdict(int)
        lows: dict[tuple[int, str], list[int]] = {}
        highs: dict[tuple[int, str], list[int]] = {}
        value_lines: list[str] = []
        ind_ids = [i.pk for i in indicators]
        for unit, period in plan:
            figures = [rng.randint(0, 500) for _ in ind_ids]
            submission = ids[(unit.pk, period)]
            value_lines.extend(
                f"{submission}\t{ind}\t{fig}\t\tf\n"
                for ind, fig in zip(ind_ids, figures, strict=True)
            )
            if period == LAST_HALF and unit.depth == 2:
                continue  # waiting for approval: not in the roll-ups
            for end in range(step, len(unit.path) + 1, step):
                key = (by_path[unit.path[:end]], period)
                if key in totals:
                    totals[key] = [a + b for a, b in zip(totals[key], figures, strict=True)]
                    lows[key] = [min(a, b) for a, b in zip(lows[key], figures, strict=True)]
                    highs[key] = [max(a, b) for a, b in zip(highs[key], figures, strict=True)]
                else:
                    totals[key], lows[key], highs[key] = list(figures), list(figures), list(figures)
                counts[key] += 1
        with connection.cursor() as cursor:
            _copy(cursor, Value._meta.db_table,
                  ["submission_id", "indicator_id", "number", "text", "is_derived"], value_lines)  # fmt: skip
            del value_lines
            rollup_lines = []
            for (node, period), total in totals.items():
                count = counts[(node, period)]
                for n, ind in enumerate(ind_ids):
                    keep = AGGREGATIONS[n] in extremes
                    low = lows[(node, period)][n] * SCALE if keep else "\\N"
                    high = highs[(node, period)][n] * SCALE if keep else "\\N"
                    rollup_lines.append(
                        f"{ind}\t{node}\t{period}\t{total[n] * SCALE}\t{count}\t{low}\t{high}\n"
                    )
            _copy(cursor, OrgRollup._meta.db_table,
                  ["indicator_id", "organization_id", "period", "total", "count", "min_value",
                   "max_value"], rollup_lines)  # fmt: skip
            rollup_count = len(rollup_lines)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Generated(
        units=len(old_units) + len(new_units),
        submissions=len(plan),
        values=len(plan) * INDICATORS,
        rollup_rows=rollup_count,
        seconds=time.perf_counter() - started,
        created=True,
        tables_mb=_tables_mb(),
    )


def _tables_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('reporting_value') + "
            "pg_total_relation_size('reporting_orgrollup') + "
            "pg_total_relation_size('reporting_submission')"
        )
        row = cursor.fetchone()
    return (row[0] if row else 0) / 1024 / 1024


# --- The straightforward ORM walk ----------------------------------------------------------


class Walk:
    """What a first version would write: visit a unit, fetch its report's figures, then its
    children and its predecessors, one query at a time (a unit counts once)."""

    def __init__(self, form: Any) -> None:
        self.form = form

    def units(self, root: Any) -> list[Any]:
        from danvan.org.models import Organization

        seen: dict[int, Any] = {}
        stack = [root]
        while stack:
            node = stack.pop()
            if node.pk in seen:
                continue
            seen[node.pk] = node
            stack.extend(
                Organization.objects.filter(path__startswith=node.path, depth=node.depth + 1)
            )
            stack.extend(Organization.objects.filter(successor=node))
        return list(seen.values())

    def figures(self, unit: Any, period_codes: list[str]) -> list[tuple[str, int, Decimal]]:
        from danvan.reporting.models import Submission, Value

        out = []
        for submission in Submission.objects.filter(
            form=self.form, organization=unit, period__in=period_codes, status="approved"
        ):
            for value in Value.objects.filter(submission=submission):
                out.append((submission.period, value.indicator_id, value.number or Decimal(0)))
        return out

    def rollup(self, indicators: list[Any], root: Any, period: Any) -> dict[int, Decimal | None]:
        from danvan.reporting.rollups import period_codes

        codes = period_codes(period)
        rows: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
        for unit in self.units(root):
            for code, indicator_id, number in self.figures(unit, codes):
                rows[indicator_id].append((code, number))
        return {i.pk: _aggregate(i.aggregation, rows.get(i.pk, [])) for i in indicators}

    def completeness(self, root: Any, period: str) -> set[tuple[int, str]]:
        from danvan.org.models import Organization
        from danvan.reporting.models import Submission

        states = set()
        for child in Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1):
            submission = Submission.objects.filter(
                form=self.form, organization=child, period=period
            ).first()
            states.add((child.pk, submission.status if submission else "missing"))
        return states


def _aggregate(aggregation: str, rows: list[tuple[str, Decimal]]) -> Decimal | None:
    from danvan.lib import periods

    if not rows:
        return None
    rank = {c: periods._RANK[periods.parse(c).type] for c, _v in rows}
    coarsest = min(rank.values())
    rows = [(c, v) for c, v in rows if rank[c] == coarsest]
    values = [v for _c, v in rows]
    if aggregation == "sum":
        return sum(values, Decimal(0))
    if aggregation == "average":
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.0001"))
    if aggregation == "min":
        return min(values)
    if aggregation == "max":
        return max(values)
    latest = max(periods.parse(c) for c, _v in rows)
    return sum((v for c, v in rows if c == latest.code), Decimal(0))


# --- Measurements --------------------------------------------------------------------------


def _ms(function: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def measure(report: Report) -> None:
    from django.db import transaction

    from danvan.lib import periods
    from danvan.org.models import Organization
    from danvan.reporting import rollups, selectors, services
    from danvan.reporting.models import Form, Indicator, Submission

    form = Form.objects.get(code=FORM_CODE)
    walk = Walk(form)
    indicators = list(Indicator.objects.filter(code__startswith="BENCH_").order_by("code"))
    provinces = list(
        Organization.objects.filter(depth=1, kind__code="mobilization_commission",
                                    dissolved_on__isnull=True, name__contains="Tỉnh mới")
        .order_by("path")
    )  # fmt: skip
    province = provinces[0]
    half = periods.parse("2024S1")
    year = periods.parse("2024")

    # 1. One province, one indicator, one half year.
    first = indicators[0]
    times, walks, equal = [], [], True
    for run in range(33):
        ms, value = _ms(lambda: rollups.figure(first, province, half))
        if run >= 3:
            times.append(ms)
    for _ in range(3):
        ms, expected = _ms(lambda: walk.rollup([first], province, half)[first.pk])
        walks.append(ms)
        equal &= _same(value, expected)
    report.timings.append(
        Timing(
            f"province roll-up: {first.code} (sum), {province.name}, {half.code}",
            times,
            walks,
            equal,
            f"value {value}; 30 runs after 3 warm-up; ORM walk 3 runs",
        )
    )
    print(f"  province roll-up p50 {statistics.median(times):.1f} ms", flush=True)

    # 2. The national pivot: 34 provinces × 40 indicators × one year.
    times, walks = [], []
    for run in range(13):
        ms, table = _ms(lambda: rollups.figures(indicators, provinces, year))
        if run >= 3:
            times.append(ms)
    ms, expected_table = _ms(lambda: {p.pk: walk.rollup(indicators, p, year) for p in provinces})
    walks.append(ms)
    equal = all(
        _same(table[(p.pk, i.pk)], expected_table[p.pk][i.pk])
        for p in provinces
        for i in indicators
    )
    report.timings.append(
        Timing(
            f"national pivot: {len(provinces)} provinces × {len(indicators)} indicators × {year.code}",
            times,
            walks,
            equal,
            "10 runs after 3 warm-up; ORM walk 1 run",
        )
    )
    print(
        f"  national pivot p50 {statistics.median(times):.1f} ms; walk {ms / 1000:.1f} s",
        flush=True,
    )

    # 3. A province's completeness board.
    last = periods.parse(LAST_HALF)
    times, walks = [], []
    for run in range(23):
        ms, board = _ms(lambda: selectors.completeness(form, province, last))
        if run >= 3:
            times.append(ms)
    for _ in range(3):
        ms, expected_states = _ms(lambda: walk.completeness(province, LAST_HALF))
        walks.append(ms)
    states = {(c.organization.pk, c.state) for c in board.children}
    report.timings.append(
        Timing(
            f"completeness board: {province.name}, {last.code} ({len(states)} communes)",
            times,
            walks,
            states == expected_states,
            "20 runs after 3 warm-up; ORM walk 3 runs",
        )
    )

    # 4. Approvals per second (each in its own transaction, as a request would), then back.
    waiting = list(
        Submission.objects.filter(form=form, period=LAST_HALF, status="submitted").order_by(
            "organization__path"
        )[:APPROVALS]
    )
    # Approval goes downwards: the provinces' reports for the half year (approved by the
    # generator) go back to «submitted» first, their figures out of the roll-ups, as a reopening
    # would leave them; they are put back after the measurement.
    parents = list(
        Submission.objects.filter(
            form=form, period=LAST_HALF, status="approved", organization__depth=1
        )
    )
    for parent in parents:
        with transaction.atomic():
            rollups.apply(parent, -1)
            Submission.objects.filter(pk=parent.pk).update(status="submitted")
    started = time.perf_counter()
    for submission in waiting:
        ms, _ = _ms(
            lambda submission=submission: services.submission_approve(
                actor=None, submission=submission
            )
        )
        report.approval_ms.append(ms)
    elapsed = time.perf_counter() - started
    report.approvals_per_second = len(waiting) / elapsed
    check = periods.parse(LAST_HALF)
    owners = {
        Submission.objects.get(pk=approved.pk).organization.path[: Organization.steplen]
        for approved in waiting
    }
    report.approvals_equal = True
    for p in provinces:
        if p.path in owners:
            live = rollups.figures(indicators[:5], [p], check)
            expected = walk.rollup(indicators[:5], p, check)
            report.approvals_equal &= all(
                _same(live[(p.pk, i.pk)], expected[i.pk]) for i in indicators[:5]
            )
    print(f"  approvals {report.approvals_per_second:.0f}/s", flush=True)
    for approved in waiting:  # leave the data as it was for the next run (housekeeping)
        with transaction.atomic():
            submission = Submission.objects.select_for_update().get(pk=approved.pk)
            rollups.apply(submission, -1)
            Submission.objects.filter(pk=approved.pk).update(status="submitted")
    for parent in parents:
        with transaction.atomic():
            Submission.objects.filter(pk=parent.pk).update(status="approved")
            rollups.apply(Submission.objects.get(pk=parent.pk), +1)


def run() -> Report:
    started = time.perf_counter()
    showcase.setup_django()
    from django.utils import timezone

    print("generating the national reporting data set (once; reused after)", flush=True)
    generated = generate()
    print(
        f"  {generated.units:,} units, {generated.submissions:,} reports, "
        f"{generated.values:,} values, {generated.rollup_rows:,} roll-up rows"
        + (f"; created in {generated.seconds:.0f} s" if generated.created else "; reused"),
        flush=True,
    )
    report = Report(str(timezone.localdate()), showcase.machine(), generated)
    measure(report)
    report.seconds = time.perf_counter() - started
    return report


# --- The record ----------------------------------------------------------------------------


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def verdicts(report: Report) -> list[tuple[str, str, bool]]:
    rollup, pivot = report.timings[0], report.timings[1]
    return [
        ("province roll-up p50 ≤ 20 ms", f"{p50(rollup.danvan_ms):.1f} ms", p50(rollup.danvan_ms) <= TARGETS["rollup_p50_ms"]),
        ("national pivot p50 ≤ 150 ms", f"{p50(pivot.danvan_ms):.1f} ms", p50(pivot.danvan_ms) <= TARGETS["pivot_p50_ms"]),
        ("national pivot ≥ 50× faster than the ORM walk", f"{pivot.ratio:,.0f}×", pivot.ratio >= TARGETS["pivot_ratio"]),
        ("approvals ≥ 50 per second", f"{report.approvals_per_second:.0f}/s", report.approvals_per_second >= TARGETS["approvals"]),
        ("answers equal to the ORM walk", "all" if all(t.equal for t in report.timings) and report.approvals_equal else "NOT all",
         all(t.equal for t in report.timings) and report.approvals_equal),
    ]  # fmt: skip


def summary(report: Report) -> str:
    return "\n".join(
        f"- {name}: {value} — {'met' if ok else 'NOT met'}" for name, value, ok in verdicts(report)
    )


def markdown(report: Report) -> str:
    m, g = report.machine, report.generated
    out = io.StringIO()
    w = out.write
    w(f"{START}\n")
    w(f"Measured {report.date} by `make bench` (bench/reporting.py); the whole run took "
      f"{report.seconds:.0f} s.\n\n")  # fmt: skip
    w(f"- Machine: {m['nproc']} CPUs (`nproc`), {m['memory']} memory (`free -h` total), "
      f"{m['cpu']}; Python {m['python']}\n")  # fmt: skip
    w(f"- PostgreSQL {m['postgresql']} on 127.0.0.1, default configuration "
      f"({m['postgresql_settings']})\n")  # fmt: skip
    w(f"- Data: {g.units:,} reporting units ({NEW_PROVINCES} provinces and {NEW_COMMUNES:,} "
      f"communes today; {OLD_PROVINCES} provinces, {OLD_DISTRICTS} districts and "
      f"{OLD_COMMUNES:,} communes before 2025, with successor links), {INDICATORS} indicators, "
      f"{g.submissions:,} half-yearly reports {FIRST_HALF}–{LAST_HALF}, **{g.values:,} values**, "
      f"{g.rollup_rows:,} organisation roll-up rows; reports, values and roll-ups "
      f"{g.tables_mb:,.0f} MB with indexes\n")  # fmt: skip
    if g.created:
        w(f"- Generator: built in {g.seconds:.0f} s (bulk_create for the trees, COPY for "
          "reports, values and roll-ups, then VACUUM ANALYZE)\n")  # fmt: skip
    else:
        w("- Generator: data set reused from an earlier run (its build time is in the text "
          "below the block)\n")  # fmt: skip
    w(
        "\n| measured | danvan p50 ms | danvan p95 ms | ORM walk p50 ms | walk ÷ danvan | same answer |\n"
    )
    w("|---|--:|--:|--:|--:|---|\n")
    for t in report.timings:
        w(f"| {t.label} | {p50(t.danvan_ms):.1f} | {p95(t.danvan_ms):.1f} | "
          f"{p50(t.walk_ms):,.0f} | {t.ratio:,.0f}× | {'yes' if t.equal else 'NO'} |\n")  # fmt: skip
    w(f"| approving a submission (40 values; roll-ups of every ancestor kept current), "
      f"{len(report.approval_ms)} in a row | {p50(report.approval_ms):.1f} | "
      f"{p95(report.approval_ms):.1f} | — | — | "
      f"{'yes' if report.approvals_equal else 'NO'} (province roll-ups after) |\n")  # fmt: skip
    w(f"\nApprovals: **{report.approvals_per_second:.0f} per second** "
      f"({len(report.approval_ms)} approvals, one transaction each).\n\n")  # fmt: skip
    w("| target | measured | |\n|---|--:|---|\n")
    for name, value, ok in verdicts(report):
        w(f"| {name} | {value} | {'met' if ok else '**NOT met**'} |\n")
    for t in report.timings:
        if t.note:
            w(f"\n- {t.label}: {t.note}")
    w(f"\n{END}")
    return out.getvalue()


def write_results(report: Report, path: Path = RESULTS) -> None:
    showcase.replace_block(path, START, END, markdown(report), "Periodic reports at national scale")


def main() -> int:
    """Run this benchmark alone (make bench runs both) and record it."""
    report = run()
    write_results(report)
    print("Periodic reports at national scale — recorded in bench/RESULTS.md:")
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
