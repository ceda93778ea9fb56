"""Live roll-ups: approved figures added up at every ancestor, read back for any scope and period.

Writes. Approving a report adds each figure, in the same transaction, to one row per
(indicator, ancestor, period) — the organisation's ancestors and its area's ancestors: a
handful of `INSERT … ON CONFLICT DO UPDATE` rows per figure, in two statements. Sums, counts
and averages (kept as sum and count) add and subtract; minimum and maximum are kept for those
indicators only and recomputed for the touched ancestors when a report is reopened.

Reads. A figure for a node (an organisation or an area) and a period is one indexed read of
the rows of the node and of its predecessors (see `_roots`), for the period and every finer
period it contains. The coarsest kind of period that has figures is used: a year from its
yearly reports if there are any, otherwise from its halves, then quarters, then months.
Within it: sum adds; average divides the total by the number of figures (a weighted mean, not
a mean of means); min and max take the extreme; «last» takes the latest period that has
figures and adds the units' figures of that period.

Successors. A node's history includes its predecessors': an organisation whose `successor`
(or an area one of whose `successors`) lies in the node's subtree counts towards it, and so on
back in time. An organisation records one successor, so a unit that was split passes its whole
history to the successor recorded for it (the one that kept its seat); figures are never
apportioned by estimate. Record successors on the lowest units that merged (communes, their
bodies) rather than on an abolished level (the old districts), so that each old unit's history
goes to exactly one new unit. An area may record several successors; each of them then shows
the whole predecessor's history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max, Min, Q

from danvan.lib import figures as derived
from danvan.lib import periods
from danvan.org.models import Area, Organization
from danvan.org.scopes import ReportingScope

from . import formulas
from .models import (
    SCALE,
    Aggregation,
    AreaRollup,
    Indicator,
    OrgRollup,
    Source,
    Submission,
    SubmissionStatus,
    Value,
)

Node = Organization | Area
_FINER = (
    periods.PeriodType.YEAR,
    periods.PeriodType.HALF,
    periods.PeriodType.QUARTER,
    periods.PeriodType.MONTH,
)


AVERAGE_PLACES = Decimal("0.0001")  # an average keeps the four decimals figures have


def scaled(number: Decimal) -> int:
    return int(number * SCALE)


def unscaled(value: int) -> Decimal:
    return Decimal(value) / SCALE


# --- Writes --------------------------------------------------------------------------------


def _ancestor_ids(model: type[Organization] | type[Area], node: Node) -> list[int]:
    step = model.steplen
    paths = [node.path[: step * level] for level in range(1, node.depth + 1)]
    return list(model.objects.filter(path__in=paths).values_list("pk", flat=True))


def _upsert(table: str, node_column: str, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    rows.sort()  # the same lock order in every transaction: no deadlocks between approvals
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    t = table
    sql = (
        f"INSERT INTO {t} (indicator_id, {node_column}, period, total, count, min_value, max_value) "  # noqa: S608
        f"VALUES {placeholders} "
        f"ON CONFLICT (indicator_id, {node_column}, period) DO UPDATE SET "
        f"total = {t}.total + EXCLUDED.total, count = {t}.count + EXCLUDED.count, "
        f"min_value = CASE WHEN {t}.min_value IS NULL OR EXCLUDED.min_value < {t}.min_value "
        f"THEN EXCLUDED.min_value ELSE {t}.min_value END, "
        f"max_value = CASE WHEN {t}.max_value IS NULL OR EXCLUDED.max_value > {t}.max_value "
        f"THEN EXCLUDED.max_value ELSE {t}.max_value END"
    )
    params = [item for row in rows for item in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rolled_values(submission: Submission) -> list[tuple[int, int, str]]:
    """(indicator id, scaled figure, aggregation) of the report's figures that roll up."""
    rows = Value.objects.filter(
        submission=submission,
        number__isnull=False,
        indicator__source=Source.TYPED,
        indicator__value_type__in=["number", "percent", "yes_no"],
    ).exclude(indicator__aggregation=Aggregation.NONE)
    return [
        (ind, scaled(number or Decimal(0)), aggregation)
        for ind, number, aggregation in rows.values_list(
            "indicator_id", "number", "indicator__aggregation"
        )
    ]


def apply(submission: Submission, sign: int) -> None:
    """Add (sign 1, on approval) or take away (sign -1, on reopening) a report's figures."""
    values = _rolled_values(submission)
    if not values:
        return
    organization = submission.organization
    org_ids = _ancestor_ids(Organization, organization)
    area_ids = _ancestor_ids(Area, organization.area) if organization.area_id else []
    extremes = (Aggregation.MIN, Aggregation.MAX)

    def rows(node_ids: list[int]) -> list[tuple[Any, ...]]:
        out = []
        for indicator_id, figure, aggregation in values:
            keep = figure if sign > 0 and aggregation in extremes else None
            for node_id in node_ids:
                out.append(
                    (indicator_id, node_id, submission.period, sign * figure, sign, keep, keep)
                )
        return out

    _upsert(OrgRollup._meta.db_table, "organization_id", rows(org_ids))
    _upsert(AreaRollup._meta.db_table, "area_id", rows(area_ids))
    if sign < 0:
        extreme_ids = [ind for ind, _f, aggregation in values if aggregation in extremes]
        if extreme_ids:
            _recompute_extremes(extreme_ids, submission.period, org_ids, area_ids)


def _recompute_extremes(
    indicator_ids: list[int], period: str, org_ids: list[int], area_ids: list[int]
) -> None:
    """Min and max cannot be subtracted: recompute them for the touched ancestors only."""
    for model, field, ids in (
        (OrgRollup, "organization", org_ids),
        (AreaRollup, "area", area_ids),
    ):
        node_model = Organization if field == "organization" else Area
        prefix = (
            "submission__organization__"
            if field == "organization"
            else ("submission__organization__area__")
        )
        for node in node_model.objects.filter(pk__in=ids):
            for indicator_id in indicator_ids:
                agg = Value.objects.filter(
                    indicator_id=indicator_id,
                    number__isnull=False,
                    submission__period=period,
                    submission__status=SubmissionStatus.APPROVED,
                    **{f"{prefix}path__startswith": node.path},
                ).aggregate(low=Min("number"), high=Max("number"))
                model.objects.filter(
                    indicator_id=indicator_id, period=period, **{field: node}
                ).update(
                    min_value=None if agg["low"] is None else scaled(agg["low"]),
                    max_value=None if agg["high"] is None else scaled(agg["high"]),
                )


# --- Reads ---------------------------------------------------------------------------------


def period_codes(period: periods.Period) -> list[str]:
    """The period's code and the codes of every finer period it contains."""
    codes = [period.code]
    for kind in _FINER:
        try:
            codes += [p.code for p in period.children(kind)]
        except periods.PeriodError:
            continue
    return codes


def _prefixes(path: str, step: int) -> list[str]:
    return [path[:i] for i in range(step, len(path) + 1, step)]


def _outermost(paths: Iterable[str], step: int) -> list[str]:
    """The paths not inside another of them: O(n × depth)."""
    kept: set[str] = set()
    for path in sorted(set(paths), key=len):
        if not any(prefix in kept for prefix in _prefixes(path, step)):
            kept.add(path)
    return sorted(kept)


def _roots(nodes: Sequence[Node]) -> dict[int, list[tuple[int, str]]]:
    """For each node: (id, path) of the subtrees whose figures are its own — its subtree and its
    predecessors' — with nested ones dropped so nothing counts twice. A query per generation
    of predecessors (one or two)."""
    if not nodes:
        return {}
    model: Any = type(nodes[0])
    step = model.steplen
    successor_path = "successor__path" if model is Organization else "successors__path"
    members: dict[int, dict[str, int]] = {n.pk: {n.path: n.pk} for n in nodes}
    frontier: dict[str, set[int]] = defaultdict(set)  # path -> the nodes it counts towards
    for n in nodes:
        frontier[n.path].add(n.pk)
    for _generation in range(6):  # reforms chain a few times at most
        condition = Q(pk__in=[])
        for path in _outermost(frontier, step):
            condition |= Q(**{f"{successor_path}__startswith": path})
        found: dict[str, set[int]] = defaultdict(set)
        for pk, path, succ in model.objects.filter(condition).values_list(
            "pk", "path", successor_path
        ):
            for prefix in _prefixes(succ, step):
                for owner in frontier.get(prefix, ()):
                    if path not in members[owner]:
                        members[owner][path] = pk
                        found[path].add(owner)
        if not found:
            break
        frontier = found
    return {
        node_pk: [(paths[p], p) for p in _outermost(paths, step)]
        for node_pk, paths in members.items()
    }


def scope_of(node: Node, roots: list[tuple[int, str]]) -> ReportingScope:
    paths = tuple(path for _pk, path in roots)
    if isinstance(node, Organization):
        return ReportingScope(org_paths=paths)
    return ReportingScope(area_paths=paths)


def _formula_codes(indicators: Iterable[Indicator]) -> set[str]:
    return {c for i in indicators if i.source == Source.FORMULA for c in formulas.codes(i.formula)}


def with_dependencies(indicators: Iterable[Indicator]) -> dict[str, Indicator]:
    """The indicators by code, with every indicator their formulas use (recursively)."""
    by_code = {i.code: i for i in indicators}
    pending = _formula_codes(by_code.values()) - set(by_code)
    while pending:
        found = list(Indicator.objects.filter(code__in=pending))
        by_code.update((i.code, i) for i in found)
        pending = _formula_codes(found) - set(by_code)
    return by_code


def combine(
    aggregation: str, rows: list[tuple[str, int, int, int | None, int | None]]
) -> Decimal | None:
    """One figure from roll-up rows (period, total, count, min, max) by the rules above."""
    rows = [r for r in rows if r[2] > 0]
    if not rows or aggregation == Aggregation.NONE:
        return None
    parsed = {code: periods.parse(code) for code in {r[0] for r in rows}}
    coarsest = min(periods._RANK[p.type] for p in parsed.values())
    rows = [r for r in rows if periods._RANK[parsed[r[0]].type] == coarsest]
    if aggregation == Aggregation.SUM:
        return unscaled(sum(r[1] for r in rows))
    if aggregation == Aggregation.AVERAGE:
        mean = unscaled(sum(r[1] for r in rows)) / sum(r[2] for r in rows)
        return mean.quantize(AVERAGE_PLACES)
    if aggregation == Aggregation.MIN:
        lows = [r[3] for r in rows if r[3] is not None]
        return unscaled(min(lows)) if lows else None
    if aggregation == Aggregation.MAX:
        highs = [r[4] for r in rows if r[4] is not None]
        return unscaled(max(highs)) if highs else None
    latest = max(parsed[r[0]] for r in rows)
    return unscaled(sum(r[1] for r in rows if r[0] == latest.code))


def figures(
    indicators: Sequence[Indicator],
    nodes: Sequence[Node],
    period: periods.Period,
    *,
    calculator: derived.Calculator | None = None,
) -> dict[tuple[int, int], Decimal | None]:
    """{(node id, indicator id): figure} for every node and indicator: live, at any scope.

    Typed figures are read from the roll-up rows (one query for all of them); derived ones
    are computed from the records over the node's scope (organisations counted once, which
    adding up units could not do); formulas are evaluated on the figures of the scope, so a
    rate is the rate of the totals.
    """
    if not nodes or not indicators:
        return {}
    calculator = calculator or derived.Calculator()
    by_code = with_dependencies(indicators)
    roots = _roots(nodes)
    typed = [i for i in by_code.values() if i.source == Source.TYPED and i.rolls_up]
    rows: dict[tuple[int, int], list[Any]] = defaultdict(list)
    if typed:
        is_org = isinstance(nodes[0], Organization)
        model: Any = OrgRollup if is_org else AreaRollup
        field = "organization_id" if is_org else "area_id"
        root_owner: dict[int, list[int]] = defaultdict(list)
        for node_pk, node_roots in roots.items():
            for root_pk, _path in node_roots:
                root_owner[root_pk].append(node_pk)
        query = model.objects.filter(
            indicator_id__in=[i.pk for i in typed],
            period__in=period_codes(period),
            **{f"{field}__in": list(root_owner)},
        ).values_list("indicator_id", field, "period", "total", "count", "min_value", "max_value")
        for ind, root, code, total, count, low, high in query:
            for node_pk in root_owner[root]:
                rows[(node_pk, ind)].append((code, total, count, low, high))
    result: dict[tuple[int, int], Decimal | None] = {}
    for node in nodes:
        values: dict[str, Decimal | None] = {}
        scope = scope_of(node, roots[node.pk])
        for code, ind in by_code.items():
            if ind.source == Source.TYPED:
                values[code] = combine(ind.aggregation, rows.get((node.pk, ind.pk), []))
            elif ind.source == Source.DERIVED:
                values[code] = calculator.value(ind.derived_key, scope, period)
        for code, ind in by_code.items():
            if ind.source == Source.FORMULA:
                values[code] = evaluate_formula(ind, by_code, values)
        for ind in indicators:
            result[(node.pk, ind.pk)] = values.get(ind.code)
    return result


def evaluate_formula(
    indicator: Indicator, by_code: dict[str, Indicator], values: dict[str, Decimal | None]
) -> Decimal | None:
    """A formula's value, evaluating formulas it uses first (they have no cycles)."""
    for used in formulas.codes(indicator.formula):
        dep = by_code.get(used)
        if dep is not None and dep.source == Source.FORMULA and used not in values:
            values[used] = evaluate_formula(dep, by_code, values)
    result = formulas.evaluate(indicator.formula, values)
    return None if result is None else result.quantize(Decimal("0.01"))


def figure(indicator: Indicator, node: Node, period: periods.Period) -> Decimal | None:
    return figures([indicator], [node], period)[(node.pk, indicator.pk)]


# --- Rebuilding (loading data in bulk; a repair tool) ------------------------------------------


def _rebuild_sql(target: str, node_column: str, join: str, node_table: str, depth: int) -> str:
    return (
        f"INSERT INTO {target} (indicator_id, {node_column}, period, total, count, min_value, max_value) "  # noqa: S608
        f"SELECT v.indicator_id, anc.id, s.period, "
        f"SUM(CAST(ROUND(v.number * {SCALE}) AS BIGINT)), COUNT(*), "
        f"CASE WHEN i.aggregation IN ('min', 'max') THEN MIN(CAST(ROUND(v.number * {SCALE}) AS BIGINT)) END, "
        f"CASE WHEN i.aggregation IN ('min', 'max') THEN MAX(CAST(ROUND(v.number * {SCALE}) AS BIGINT)) END "
        f"FROM {Value._meta.db_table} v "
        f"JOIN {Submission._meta.db_table} s ON s.id = v.submission_id AND s.status = 'approved' "
        f"JOIN {Indicator._meta.db_table} i ON i.id = v.indicator_id AND i.source = 'typed' "
        f"AND i.aggregation <> 'none' AND i.value_type <> 'text' "
        f"JOIN {Organization._meta.db_table} o ON o.id = s.organization_id "
        f"{join} "
        f"JOIN {node_table} anc ON anc.depth = {depth} AND anc.path = SUBSTR(n.path, 1, {depth * Organization.steplen}) "
        f"WHERE v.number IS NOT NULL "
        f"GROUP BY v.indicator_id, anc.id, s.period, i.aggregation"
    )


def rebuild() -> None:
    """Recompute every roll-up row from the approved reports: for loading data in bulk (the
    demo, the benchmark) and as a repair tool. Approvals keep the rows current by themselves."""
    OrgRollup.objects.all().delete()
    AreaRollup.objects.all().delete()
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
