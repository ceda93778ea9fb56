"""Periodic reports at national scale, on PostgreSQL: live roll-ups against the ORM walk.

The generator builds, once (later runs reuse it), today's 34 provinces and 3,321 communes and
the pre-2025 63 provinces, 696 districts and 10,000 communes, with successor links (each old
province to the new province it merged into, each old commune to a new commune of it); one
reporting unit per province, district and commune; 40 indicators (30 sums, 4 averages, 2
minimums, 2 maximums, 2 «last»); half-yearly reports for ten years, 2016S2 to 2026S1 (old
units to 2025S1, new units from 2025S2), approved, except the new communes' 2026S1 reports,
which wait for approval. The organisation roll-up rows are computed by the generator (as the
approvals would have left them); area roll-ups, which no measurement reads, are not.

Measured in one run, each answer computed by danvan, by the straightforward ORM walk of the
tree (the code a first version would write: visit each unit, its children and its
predecessors, one query at a time) and, for the roll-up and the pivot, by one SQL `GROUP BY`
over the raw approved values (`GroupBy`: what an experienced engineer would write without
roll-up tables), checked equal:
- one province's roll-up of one indicator for one half year (2024S1, through the successors);
- the national pivot: 34 provinces × 40 indicators × the year 2024, warm and cold (each run on
  a new database connection);
- the 34 provinces' predecessors: the precomputed rows against the walk they replaced;
- the roll-up API over HTTP (`GET /api/v1/rollups`, Django's test Client in this process);
- a province's completeness board for 2026S1;
- approving submissions, per second, as in production (each approval queues its report for
  the worker's fold; the figures read the queue meanwhile) — one after another on one
  connection, then the pivot read with those still queued and the provinces' 2026S1 roll-ups
  checked against the ORM walk, then the fold of the queue, timed; and by as many processes
  at once as `danvan serve` starts workers here with a process folding beside them, as
  `danvan worker` would (the median of five rounds) — and the statements of one; then the
  provinces' 2026S1 roll-ups are checked against the ORM walk again, and the approvals are
  reopened so the next run finds the same data.
Run by `make bench` (bench/run.py), or alone: `.venv/bin/python bench/reporting.py`.
"""

from __future__ import annotations

import datetime
import io
import multiprocessing
import queue
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
AT_ONCE_ROUNDS = 5
TARGETS = {
    "rollup_p50_ms": 20.0,
    "pivot_p50_ms": 30.0,
    "pivot_ratio": 50.0,
    "approvals": 200.0,
    "http_p95_ms": 50.0,
}
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
    sql_ms: list[float] = field(default_factory=list)  # the one-statement GROUP BY baseline
    sql_equal: bool | None = None

    @property
    def ratio(self) -> float:
        return statistics.median(self.walk_ms) / statistics.median(self.danvan_ms)

    @property
    def sql_ratio(self) -> float:
        return statistics.median(self.sql_ms) / statistics.median(self.danvan_ms)


@dataclass
class Report:
    date: str
    machine: dict[str, str]
    generated: Generated
    timings: list[Timing] = field(default_factory=list)
    approvals_per_second: float = 0.0
    approval_ms: list[float] = field(default_factory=list)
    approval_statements: int = 0
    approval_rollup_statements: int = 0
    commit_ms: list[float] = field(default_factory=list)
    approvals_equal: bool = False
    approvers: int = 0  # processes approving at once: `danvan serve`'s workers here
    parallel_per_second: float = 0.0  # the median of the rounds
    parallel_rates: list[float] = field(default_factory=list)  # one per round
    parallel_ms: list[float] = field(default_factory=list)
    fold_seconds: float = 0.0  # folding the reports approved in a row, after them
    fold_statements: int = 0
    fold_batch: int = 0
    pivot_queued_ms: list[float] = field(default_factory=list)  # the pivot, those still queued
    queued_equal: bool = False  # the province figures read with the queue equal the walk's
    pivot_cold_ms: list[float] = field(default_factory=list)
    http_ms: list[float] = field(default_factory=list)
    http_label: str = ""
    predecessors_ms: list[float] = field(default_factory=list)
    predecessors_walk_ms: list[float] = field(default_factory=list)
    predecessors_equal: bool = False
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

    from danvan.org import lineage
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
        # The links were written in bulk, behind the services' back: precompute the
        # predecessors as the services would have (org/lineage.py).
        lineage.rebuild(Organization)

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


# --- The fairer baseline: one SQL GROUP BY over the raw values -------------------------------

GROUP_BY_SQL = """
WITH RECURSIVE members(node, path) AS (
    SELECT id, path FROM org_organization WHERE id = ANY(%(nodes)s)
  UNION
    SELECT m.node, p.path
    FROM org_organization p
    JOIN org_organization s ON s.id = p.successor_id
    CROSS JOIN LATERAL generate_series(1, s.depth) AS d(level)
    JOIN members m ON m.path = SUBSTR(s.path, 1, %(step)s * d.level)
),
units AS (
    SELECT DISTINCT m.node, o.id
    FROM org_organization o
    CROSS JOIN LATERAL generate_series(1, o.depth) AS d(level)
    JOIN members m ON m.path = SUBSTR(o.path, 1, %(step)s * d.level)
)
SELECT u.node, v.indicator_id, s.period, SUM(v.number), COUNT(*), MIN(v.number), MAX(v.number)
FROM units u
JOIN reporting_submission s ON s.organization_id = u.id
JOIN reporting_value v ON v.submission_id = s.id
WHERE s.status = 'approved' AND s.period = ANY(%(codes)s)
  AND v.indicator_id = ANY(%(indicators)s) AND v.number IS NOT NULL
GROUP BY u.node, v.indicator_id, s.period
"""


class GroupBy:
    """What an experienced engineer would write without roll-up tables: one statement. A
    recursive CTE collects each node's members (its subtree and, back in time, the subtrees of
    its predecessors: units whose successor lies in a member), the units under them by path
    prefix (treebeard's materialised path: a unit's ancestors are the prefixes of its path, so
    the join is an equality on SUBSTR, hashable), each unit once per node, then one GROUP BY
    over the raw approved values. The period and aggregation rules are applied in Python to
    the grouped rows (a few per node and indicator)."""

    def figures(
        self, indicators: list[Any], nodes: list[Any], period: Any
    ) -> dict[tuple[int, int], Decimal | None]:
        from django.db import connection, transaction

        from danvan.org.models import Organization
        from danvan.reporting.rollups import period_codes

        params = {
            "nodes": [n.pk for n in nodes],
            "step": Organization.steplen,
            "codes": period_codes(period),
            "indicators": [i.pk for i in indicators],
        }
        grouped: dict[tuple[int, int], list[tuple[str, Decimal, int, Decimal, Decimal]]] = (
            defaultdict(list)
        )
        # JIT off for this statement: the recursive CTE's row estimate is far off (millions),
        # and PostgreSQL's default JIT would then spend 1.6 s compiling a 200 ms query.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(GROUP_BY_SQL, params)
            for node, indicator, code, total, count, low, high in cursor.fetchall():
                grouped[(node, indicator)].append((code, total, count, low, high))
        return {
            (n.pk, i.pk): _combine_grouped(i.aggregation, grouped.get((n.pk, i.pk), []))
            for n in nodes
            for i in indicators
        }


def _combine_grouped(
    aggregation: str, rows: list[tuple[str, Decimal, int, Decimal, Decimal]]
) -> Decimal | None:
    """The rules of _aggregate, on rows already grouped by period: (period, sum, count, min,
    max)."""
    from danvan.lib import periods

    if not rows:
        return None
    rank = {r[0]: periods._RANK[periods.parse(r[0]).type] for r in rows}
    coarsest = min(rank.values())
    rows = [r for r in rows if rank[r[0]] == coarsest]
    if aggregation == "sum":
        return sum((r[1] for r in rows), Decimal(0))
    if aggregation == "average":
        total = sum((r[1] for r in rows), Decimal(0))
        return (total / sum(r[2] for r in rows)).quantize(Decimal("0.0001"))
    if aggregation == "min":
        return min(r[3] for r in rows)
    if aggregation == "max":
        return max(r[4] for r in rows)
    latest = max(periods.parse(r[0]) for r in rows)
    return sum((r[1] for r in rows if r[0] == latest.code), Decimal(0))


# --- Measurements --------------------------------------------------------------------------


def _ms(function: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def _api_client() -> Any:
    """A test Client with a personal API token of the benchmark's superuser (made once)."""
    from django.conf import settings
    from django.test import Client

    from danvan.accounts.models import User
    from danvan.accounts.services import token_create

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.filter(email="bench-reporting@example.vn").first()
    if user is None:
        user = User.objects.create_superuser("bench-reporting@example.vn", None)
    _token, raw = token_create(user=user, name="bench")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _probe() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_probe (n) VALUES (1)")


def _approve_at_once(batches: list[list[Any]]) -> tuple[float, list[float]]:
    """Approve each batch in a process of its own (its own connection), all started together,
    as the server's worker processes would, with a process folding the queue into the roll-up
    rows meanwhile, as `danvan worker` would: (approvals per second over the wall-clock time
    until every approval is approved and folded, each approval's ms). Processes, not threads:
    in one process the GIL would hold the Python half of every approval to one core."""
    from django.db import connections

    from danvan.lib import upkeep
    from danvan.reporting import rollups, services

    context = multiprocessing.get_context("fork")
    gate = context.Barrier(len(batches) + 2, timeout=60)
    results = context.Queue()
    approved = context.Event()  # set when every approver has answered

    def folder() -> None:
        """`danvan worker`'s upkeep, folding the queue every half second while the approvers
        approve, then once more after the last."""
        try:
            gate.wait()
            while not approved.wait(upkeep.SECONDS):
                rollups.fold_pending()
            rollups.fold_pending()
        finally:
            connections.close_all()

    def approver(batch: list[Any]) -> None:
        times: list[float] = []
        error = ""
        try:
            gate.wait()
            for submission in batch:
                ms, _ = _ms(
                    lambda submission=submission: services.submission_approve(
                        actor=None, submission=submission
                    )
                )
                times.append(ms)
        except BaseException as exc:  # reported by the parent, which raises it
            error = repr(exc)
        finally:
            connections.close_all()
            results.put((times, error))

    connections.close_all()  # a child opens its own: a connection is never shared over fork
    workers = [context.Process(target=approver, args=(batch,)) for batch in batches]
    folding = context.Process(target=folder)
    try:
        for worker in [*workers, folding]:
            worker.start()
        gate.wait()
    except BaseException:
        gate.abort()  # the processes started are let go
        raise
    started = time.perf_counter()
    answers: list[tuple[list[float], str]] = []
    while len(answers) < len(workers):
        try:
            answers.append(results.get(timeout=5))
        except queue.Empty:  # a process killed (out of memory…) never answers: say which
            died = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            if died or time.perf_counter() - started > 600:
                for worker in [*workers, folding]:
                    worker.kill()
                raise RuntimeError(f"an approver stopped without answering: {died}") from None
    approved.set()
    folding.join(timeout=600)
    elapsed = time.perf_counter() - started  # the approvals and their folding, all done
    for worker in workers:
        worker.join()
    if folding.exitcode != 0:
        raise RuntimeError(f"the folding worker failed: exit code {folding.exitcode}")
    errors = [error for _times, error in answers if error]
    if errors:
        raise RuntimeError(f"an approver failed: {errors[0]}")
    times = [ms for batch_times, _error in answers for ms in batch_times]
    return sum(len(batch) for batch in batches) / elapsed, times


def _put_back(approved: list[Any]) -> None:
    """The reports approved by a run back to «submitted», their figures out of the roll-ups
    (those the run did not reach are left as they are)."""
    from django.db import transaction

    from danvan.reporting import rollups
    from danvan.reporting.models import Submission

    for done in approved:
        with transaction.atomic():
            submission = Submission.objects.select_for_update().get(pk=done.pk)
            if submission.status != "approved":
                continue
            rollups.withdraw(submission)  # off the queue, or out of the roll-up rows
            Submission.objects.filter(pk=done.pk).update(status="submitted")


def _provinces_equal(
    walk: Walk, indicators: list[Any], provinces: list[Any], period: Any, approved: list[Any]
) -> bool:
    """The roll-ups of the provinces the approvals fell in, five indicators, equal the walk's."""
    from danvan.org.models import Organization
    from danvan.reporting import rollups
    from danvan.reporting.models import Submission

    owners = {
        Submission.objects.get(pk=done.pk).organization.path[: Organization.steplen]
        for done in approved
    }
    equal = True
    for p in provinces:
        if p.path in owners:
            live = rollups.figures(indicators[:5], [p], period)
            expected = walk.rollup(indicators[:5], p, period)
            equal &= all(_same(live[(p.pk, i.pk)], expected[i.pk]) for i in indicators[:5])
    return equal


def measure(report: Report) -> None:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from danvan.lib import periods
    from danvan.ops.management.commands.serve import default_workers
    from danvan.org import lineage
    from danvan.org.models import Organization
    from danvan.reporting import rollups, selectors_completeness, services
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
    group_by = GroupBy()
    times, walks, sqls, equal, sql_equal = [], [], [], True, True
    for run in range(33):
        ms, value = _ms(lambda: rollups.figure(first, province, half))
        if run >= 3:
            times.append(ms)
    for _ in range(3):
        ms, expected = _ms(lambda: walk.rollup([first], province, half)[first.pk])
        walks.append(ms)
        equal &= _same(value, expected)
    for _ in range(5):
        ms, grouped = _ms(lambda: group_by.figures([first], [province], half))
        sqls.append(ms)
        sql_equal &= _same(value, grouped[(province.pk, first.pk)])
    report.timings.append(
        Timing(
            f"province roll-up: {first.code} (sum), {province.name}, {half.code}",
            times,
            walks,
            equal,
            f"value {value}; 30 runs after 3 warm-up; ORM walk 3 runs; SQL GROUP BY 5 runs",
            sqls,
            sql_equal,
        )
    )
    print(f"  province roll-up p50 {statistics.median(times):.1f} ms", flush=True)

    # 2. The national pivot: 34 provinces × 40 indicators × one year. Cold first: each run on
    # a new database connection (PostgreSQL's per-connection caches empty) with this process's
    # caches of parsed periods emptied.
    for _ in range(10):
        connection.close()
        connection.ensure_connection()
        rollups._parse.cache_clear()
        rollups._rank.cache_clear()
        ms, _table = _ms(lambda: rollups.figures(indicators, provinces, year))
        report.pivot_cold_ms.append(ms)
    times, walks, sqls = [], [], []
    for run in range(23):
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
    sql_equal = True
    for _ in range(3):
        ms, grouped = _ms(lambda: group_by.figures(indicators, provinces, year))
        sqls.append(ms)
        sql_equal &= all(_same(table[key], grouped[key]) for key in table)
    report.timings.append(
        Timing(
            f"national pivot: {len(provinces)} provinces × {len(indicators)} indicators × {year.code}",
            times,
            walks,
            equal,
            "20 runs after 3 warm-up (cold: 10 more, each on a new connection, measured first); "
            "ORM walk 1 run; SQL GROUP BY 3 runs",
            sqls,
            sql_equal,
        )
    )
    print(
        f"  national pivot p50 {statistics.median(times):.1f} ms "
        f"(cold {statistics.median(report.pivot_cold_ms):.1f} ms); walk {walks[0] / 1000:.1f} s; "
        f"GROUP BY {statistics.median(sqls):.0f} ms",
        flush=True,
    )

    # 2b. The provinces' predecessors: the stored rows against the walk they replace.
    walked: dict[int, list[tuple[int, str]]] = {}
    for run in range(13):
        ms, stored = _ms(lambda: lineage.roots(provinces))
        walk_ms, walked = _ms(
            lambda: lineage.walk(
                Organization,
                provinces,
                successor_path="successor__path",
                step=Organization.steplen,
            )
        )
        if run >= 3:
            report.predecessors_ms.append(ms)
            report.predecessors_walk_ms.append(walk_ms)
    report.predecessors_equal = all(
        sorted(stored[p.pk][1:]) == sorted(walked[p.pk]) for p in provinces
    )

    # 2c. The roll-up API over HTTP, through the whole Django stack (middleware, token
    # authentication, the endpoint, JSON), by Django's test Client in this process.
    client = _api_client()
    url = f"/api/v1/rollups?indicator={first.code}&scope={province.pk}&period={half.code}"
    report.http_label = f"GET {url.split('?')[0]} ({first.code}, {province.name}, {half.code})"
    for run in range(53):
        ms, response = _ms(lambda: client.get(url))
        assert response.status_code == 200, response.content
        assert Decimal(str(response.json()["value"])) == value
        if run >= 3:
            report.http_ms.append(ms)
    print(f"  roll-up API p95 {p95(report.http_ms):.1f} ms", flush=True)

    # 3. A province's completeness board.
    last = periods.parse(LAST_HALF)
    times, walks = [], []
    for run in range(23):
        ms, board = _ms(lambda: selectors_completeness.completeness(form, province, last))
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
    # In a row: the first communes by path (one province after another). At once: as many
    # processes as `danvan serve` starts workers on this machine (2 × cores + 1), each with its
    # own connection, approving the communes of a province of its own (the last provinces,
    # untouched by the run in a row), as the server's workers would at a deadline; reports of
    # one province would also wait for each other's locks on the province's roll-up rows.
    in_order = Submission.objects.filter(form=form, period=LAST_HALF, status="submitted").order_by(
        "organization__path"
    )
    waiting = list(in_order[: APPROVALS + 1])
    # As many as `danvan serve` starts here, leaving the first provinces to the run in a row.
    report.approvers = min(settings.DANVAN_WEB_WORKERS or default_workers(), len(provinces) - 4)
    per_approver = APPROVALS // report.approvers
    batches = [
        list(in_order.filter(organization__path__startswith=p.path)[:per_approver])
        for p in provinces[-report.approvers :]
    ]
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
    at_once = [submission for batch in batches for submission in batch]
    assert not {s.pk for s in waiting} & {s.pk for s in at_once}, "a report in both runs"
    try:
        # The floor on this machine at this moment: a transaction of one INSERT and its COMMIT.
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_probe (n integer)")
        for _ in range(100):
            ms, _ = _ms(_probe)
            report.commit_ms.append(ms)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_probe")
        # One approval first, untimed, with its statements counted.
        with CaptureQueriesContext(connection) as captured:
            services.submission_approve(actor=None, submission=waiting[0])
        sql = [q["sql"] for q in captured.captured_queries]
        report.approval_statements = len(sql)
        report.approval_rollup_statements = sum("rollup" in q.split(" (")[0] for q in sql)
        started = time.perf_counter()
        for submission in waiting[1:]:
            ms, _ = _ms(
                lambda submission=submission: services.submission_approve(
                    actor=None, submission=submission
                )
            )
            report.approval_ms.append(ms)
        elapsed = time.perf_counter() - started
        report.approvals_per_second = len(waiting[1:]) / elapsed
        # The figures count the queued approvals before any fold: the provinces' 2026S1
        # roll-ups against the walk, and the pivot of that year with them still queued.
        check = periods.parse(LAST_HALF)
        queued_year = check.parent(periods.PeriodType.YEAR)
        report.queued_equal = _provinces_equal(walk, indicators, provinces, check, waiting)
        for run in range(13):
            ms, _ = _ms(lambda: rollups.figures(indicators, provinces, queued_year))
            if run >= 3:
                report.pivot_queued_ms.append(ms)
        # Then the worker's part: the queue folded into the roll-up rows, in batches.
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            folded = rollups.fold_pending()
            report.fold_seconds = time.perf_counter() - started
        assert folded == len(waiting), (folded, len(waiting))
        report.fold_statements = len(captured.captured_queries)
        report.fold_batch = rollups.FOLD_BATCH
        # Several rounds (put back between them): one round is a second of a noisy machine.
        for round_number in range(AT_ONCE_ROUNDS):
            if round_number:
                _put_back(at_once)
            rate, times = _approve_at_once(batches)
            report.parallel_rates.append(rate)
            report.parallel_ms += times
        report.parallel_per_second = statistics.median(report.parallel_rates)
        report.approvals_equal = _provinces_equal(
            walk, indicators, provinces, check, [*waiting, *at_once]
        )
        print(
            f"  approvals {report.approvals_per_second:.0f}/s in a row, "
            f"{report.parallel_per_second:.0f}/s with {report.approvers} processes at once "
            f"(median of {AT_ONCE_ROUNDS} rounds)",
            flush=True,
        )
    finally:  # leave the data as it was for the next run, whatever happened (housekeeping)
        _put_back([*waiting, *at_once])
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
    from django.test import override_settings

    report = Report(str(timezone.localdate()), showcase.machine(), generated)
    # As in production: an approval queues its report for `danvan worker`'s fold (here: the
    # bench's own fold, timed apart, and a folding process beside the approvers at once).
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
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
    cold = p50(report.pivot_cold_ms)
    equal = all(t.equal for t in report.timings) and report.approvals_equal
    sql_equal = all(t.sql_equal is not False for t in report.timings)
    return [
        ("province roll-up p50 ≤ 20 ms", f"{p50(rollup.danvan_ms):.1f} ms", p50(rollup.danvan_ms) <= TARGETS["rollup_p50_ms"]),
        ("national pivot p50 ≤ 30 ms (warm)", f"{p50(pivot.danvan_ms):.1f} ms", p50(pivot.danvan_ms) <= TARGETS["pivot_p50_ms"]),
        ("national pivot p50 ≤ 30 ms (cold: new connection)", f"{cold:.1f} ms", cold <= TARGETS["pivot_p50_ms"]),
        ("national pivot ≥ 50× faster than the ORM walk", f"{pivot.ratio:,.0f}×", pivot.ratio >= TARGETS["pivot_ratio"]),
        ("approvals ≥ 200 per second, one after another", f"{report.approvals_per_second:.0f}/s", report.approvals_per_second >= TARGETS["approvals"]),
        (f"approvals ≥ 200 per second, the server's {report.approvers} worker processes at once", f"{report.parallel_per_second:.0f}/s", report.parallel_per_second >= TARGETS["approvals"]),
        ("roll-up API over HTTP p95 ≤ 50 ms", f"{p95(report.http_ms):.1f} ms", p95(report.http_ms) <= TARGETS["http_p95_ms"]),
        ("answers equal to the ORM walk", "all" if equal else "NOT all", equal),
        ("answers equal to the SQL GROUP BY", "all" if sql_equal else "NOT all", sql_equal),
    ]  # fmt: skip


def summary(report: Report) -> str:
    return "\n".join(
        f"- {name}: {value} — {'met' if ok else 'NOT met'}" for name, value, ok in verdicts(report)
    )


def markdown(report: Report) -> str:
    from danvan.lib import upkeep

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
    w("\n| measured | danvan p50 ms | danvan p95 ms | SQL GROUP BY p50 ms | GROUP BY ÷ danvan "
      "| ORM walk p50 ms | walk ÷ danvan | same answer |\n")  # fmt: skip
    w("|---|--:|--:|--:|--:|--:|--:|---|\n")

    def agree(t: Timing) -> str:
        walk = "yes" if t.equal else "NO"
        if t.sql_equal is None:
            return walk
        return f"{walk} (walk), {'yes' if t.sql_equal else 'NO'} (GROUP BY)"

    for t in report.timings:
        sql = f"{p50(t.sql_ms):,.0f} | {t.sql_ratio:,.0f}×" if t.sql_ms else "— | —"
        w(f"| {t.label} | {p50(t.danvan_ms):.1f} | {p95(t.danvan_ms):.1f} | {sql} | "
          f"{p50(t.walk_ms):,.0f} | {t.ratio:,.0f}× | {agree(t)} |\n")  # fmt: skip
    w(f"| national pivot, cold (each run on a new connection) | {p50(report.pivot_cold_ms):.1f} | "
      f"{p95(report.pivot_cold_ms):.1f} | — | — | — | — | — |\n")  # fmt: skip
    w(f"| the 34 provinces' predecessors: stored rows (walk before) | "
      f"{p50(report.predecessors_ms):.1f} | {p95(report.predecessors_ms):.1f} | — | — | "
      f"{p50(report.predecessors_walk_ms):,.1f} | "
      f"{p50(report.predecessors_walk_ms) / p50(report.predecessors_ms):,.0f}× | "
      f"{'yes' if report.predecessors_equal else 'NO'} |\n")  # fmt: skip
    w(f"| roll-up API over HTTP: {report.http_label}, Django test Client, "
      f"{len(report.http_ms)} runs | {p50(report.http_ms):.1f} | {p95(report.http_ms):.1f} | "
      f"— | — | — | — | yes |\n")  # fmt: skip
    w(f"| approving a submission (40 values; queued for the roll-ups, counted at once), "
      f"{len(report.approval_ms)} in a row | {p50(report.approval_ms):.1f} | "
      f"{p95(report.approval_ms):.1f} | — | — | — | — | "
      f"{'yes' if report.approvals_equal else 'NO'} (province roll-ups after) |\n")  # fmt: skip
    w(f"| the same, {report.approvers} processes at once (a province each, own connection) and "
      f"a process folding, "
      f"{len(report.parallel_ms)} in {len(report.parallel_rates)} rounds | "
      f"{p50(report.parallel_ms):.1f} | "
      f"{p95(report.parallel_ms):.1f} | — | — | — | — | "
      f"{'yes' if report.approvals_equal else 'NO'} (province roll-ups after) |\n")  # fmt: skip
    w(f"| national pivot of {LAST_HALF[:4]} with the {len(report.approval_ms) + 1} approvals "
      f"just made still queued (read with the roll-up rows, in the same statement) | "
      f"{p50(report.pivot_queued_ms):.1f} | {p95(report.pivot_queued_ms):.1f} | — | — | — | — | "
      f"{'yes' if report.queued_equal else 'NO'} (province roll-ups, queued) |\n")  # fmt: skip
    folded = len(report.approval_ms) + 1
    w(f"\nApprovals: **{report.approvals_per_second:.0f} per second** "
      f"({len(report.approval_ms)} approvals, one transaction each; "
      f"{report.approval_statements} statements per approval, of which "
      f"{report.approval_rollup_statements} write roll-up rows: an approval queues its report "
      f"for the worker, and every figure reads the queue with the roll-up rows, so it counts "
      f"the moment it is approved). The worker then folded those {folded} reports into the "
      f"roll-up rows in {report.fold_seconds * 1000:.0f} ms in one pass "
      f"(**{folded / report.fold_seconds:,.0f} reports per second**, {report.fold_statements} "
      f"statements, batches of {report.fold_batch}: one upsert per tree a batch, over all "
      f"ancestors); approving and folding together, one after another: "
      f"{folded / (folded / report.approvals_per_second + report.fold_seconds):.0f} per "
      f"second. For scale, a transaction of one INSERT and its COMMIT took "
      f"{p50(report.commit_ms):.1f} ms (p50; p95 {p95(report.commit_ms):.1f} ms) on this "
      f"machine during the run. {report.approvers} processes at once, as the "
      f"{report.approvers} workers `danvan serve` starts on this machine would at a deadline, "
      f"with one more process folding the queue every {upkeep.SECONDS} s as `danvan "
      f"worker` does (timed until the last is folded): "
      f"**{report.parallel_per_second:.0f} per second** together (the median of "
      f"{len(report.parallel_rates)} rounds, each of {APPROVALS} approvals put back after it: "
      f"{', '.join(f'{r:.0f}' for r in sorted(report.parallel_rates))}).\n\n")  # fmt: skip
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
