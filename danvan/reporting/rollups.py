"""Live roll-ups: approved figures added up at every ancestor, read back for any scope and period.

Writes. Each figure of an approved report is added to one row per (indicator, ancestor,
period) — the organisation's ancestors and its area's ancestors: one `INSERT … SELECT … ON
CONFLICT DO UPDATE` per tree, which reads the reports' figures, pairs them with every ancestor
and adds them in the database (Django's `bulk_create(update_conflicts=True)` cannot add to a
row, only overwrite it). Approving does not write those rows itself: it queues the report
(`queue`: a `PendingFold` row, in the approving transaction) and `danvan worker` folds whatever
is queued every half second (`fold_pending`, registered in `lib.upkeep`: two upserts a batch,
whatever the depth or the number of reports), so an approval costs one small insert instead of
updating every ancestor's rows. Reopening takes a report still queued off the queue, and subtracts one
already folded, in its own transaction. Sums, counts and averages (kept as sum and count) add
and subtract; minimum and maximum are kept for those indicators only and recomputed for the
touched ancestors when a report is reopened.

Reads. A figure for a node (an organisation or an area) and a period is one indexed read of
the rows of the node and of its predecessors (precomputed by the services that record
successors: `org/lineage.py`), for the period and every finer period it contains, added up
per period by the database — plus, in the same statement, the figures of the approved reports
still queued under them, so a figure is current the moment a report is approved, folded or
not. The coarsest kind of period that has figures is used: a year from its
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

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min

from danvan.lib import figures as derived
from danvan.lib import periods, upkeep
from danvan.org import lineage
from danvan.org.models import Area, Organization
from danvan.org.scopes import ReportingScope

from . import formulas
from .models import (
    SCALE,
    Aggregation,
    AreaRollup,
    Indicator,
    OrgRollup,
    PendingFold,
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


# A report's figure as the roll-up rows keep it (an integer, `SCALE` times the number), and the
# join keeping the figures that roll up: typed numbers, percents and yes/no, aggregated. Every
# statement that adds figures up (the fold, the queue's read, the rebuild) uses these two.
FIGURE = f"CAST(ROUND(v.number * {SCALE}) AS BIGINT)"
ROLLED = (
    f"JOIN {Indicator._meta.db_table} i ON i.id = v.indicator_id AND i.source = 'typed' "
    f"AND i.value_type IN ('number', 'percent', 'yes_no') AND i.aggregation <> 'none' "
)


def _adding(target: str, node_column: str) -> str:
    """The conflict clause that adds the new figures to a row already there."""
    t = target
    return (
        f"ON CONFLICT (indicator_id, {node_column}, period) DO UPDATE SET "
        f"total = {t}.total + EXCLUDED.total, count = {t}.count + EXCLUDED.count, "
        f"min_value = CASE WHEN {t}.min_value IS NULL OR EXCLUDED.min_value < {t}.min_value "
        f"THEN EXCLUDED.min_value ELSE {t}.min_value END, "
        f"max_value = CASE WHEN {t}.max_value IS NULL OR EXCLUDED.max_value > {t}.max_value "
        f"THEN EXCLUDED.max_value ELSE {t}.max_value END"
    )


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


def queue(submission: Submission) -> None:
    """On approval, in its transaction: the report waits to be folded into the roll-up rows
    (the readers add its figures meanwhile). `danvan worker` folds the queue every half second
    (`lib.upkeep`); with no worker (jobs run in the request: the embedded default) the
    approval folds it itself, before its commit."""
    PendingFold.objects.create(submission=submission)
    if not upkeep.runs_in_worker():
        fold_pending()


def queued() -> int:
    """How many approved reports wait to be folded (/healthz: `upkeep_waiting`)."""
    return PendingFold.objects.count()


def withdraw(submission: Submission) -> None:
    """On reopening, in its transaction: a report still queued leaves the queue (its figures
    were never added); one already folded is taken away. A fold holding the report's queue
    row is waited for, and then its figures are taken away."""
    deleted, _by_model = PendingFold.objects.filter(submission=submission).delete()
    if not deleted:
        apply(submission, -1)


def _add_sql(
    target: str,
    node_column: str,
    node_model: type[Node],
    nodes: str,
    path: str,
    depth: int,
    ids: Sequence[int],
    sign: int,
) -> str:
    """Add (sign 1) or take away (sign -1) the reports' figures to the rows of every ancestor,
    in one statement: the figures of the unit at `path` (`nodes` joins it) are paired with
    each prefix of its path up to `depth` levels, added up per row, and upserted in key order
    (the same lock order in every transaction: no deadlocks between folds). Taking away
    leaves the extremes alone: `apply` recomputes them."""
    step = node_model.steplen
    cuts = ", ".join(f"SUBSTR({path}, 1, {step * n})" for n in range(1, depth + 1))
    if sign > 0:
        extreme = "CASE WHEN i.aggregation IN ('min', 'max') THEN {}(" + FIGURE + ") END"
        low, high, times = extreme.format("MIN"), extreme.format("MAX"), ""
    else:
        low, high, times = "NULL", "NULL", "-"
    return (
        f"INSERT INTO {target} (indicator_id, {node_column}, period, total, count, min_value, max_value) "  # noqa: S608
        f"SELECT v.indicator_id, anc.id, s.period, {times}SUM({FIGURE}), {times}COUNT(*), "
        f"{low}, {high} "
        f"FROM {Submission._meta.db_table} s "
        f"JOIN {Value._meta.db_table} v ON v.submission_id = s.id {ROLLED}"
        f"JOIN {Organization._meta.db_table} u ON u.id = s.organization_id {nodes}"
        f"JOIN {node_model._meta.db_table} anc ON anc.path IN ({cuts}) "
        f"WHERE s.id IN ({', '.join(str(int(pk)) for pk in ids)}) "
        f"AND v.number IS NOT NULL "
        f"GROUP BY v.indicator_id, anc.id, s.period, i.aggregation "
        f"ORDER BY v.indicator_id, anc.id, s.period "
        f"{_adding(target, node_column)}"
    )


def _add(ids: Sequence[int], sign: int) -> None:
    """Add the reports' figures (`sign` 1) or take them away (-1) at every ancestor: one
    query for how deep their units and areas lie (that many path prefixes), then one
    statement per tree, whatever the depth or the number of reports."""
    depths = Submission.objects.filter(pk__in=ids).aggregate(
        org=Max("organization__depth"), area=Max("organization__area__depth")
    )
    area = f"JOIN {Area._meta.db_table} a ON a.id = u.area_id "
    with connection.cursor() as cursor:
        for target, column, model, nodes, path, depth in (
            (OrgRollup, "organization_id", Organization, "", "u.path", depths["org"]),
            (AreaRollup, "area_id", Area, area, "a.path", depths["area"]),
        ):
            if depth:
                cursor.execute(
                    _add_sql(target._meta.db_table, column, model, nodes, path, depth, ids, sign)
                )


FOLD_BATCH = 200


def fold_pending(batch: int = FOLD_BATCH) -> int:
    """Fold the queued reports into the roll-up rows, `batch` reports a transaction, until none
    is left; return how many were folded. Rows another fold holds are skipped (PostgreSQL), so
    several workers fold side by side and never the same report twice."""
    folded = 0
    while True:
        with transaction.atomic():
            ids = tuple(
                PendingFold.objects.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return folded
            _add(ids, 1)
            PendingFold.objects.filter(pk__in=ids).delete()
        folded += len(ids)


def apply(submission: Submission, sign: int) -> None:
    """Add (sign 1) or take away (sign -1, on reopening a folded report) a report's figures
    now, through the fold's statements; taking away recomputes the extremes it touched."""
    _add([submission.pk], 1 if sign > 0 else -1)
    if sign < 0:
        organization = submission.organization
        extremes = (Aggregation.MIN, Aggregation.MAX)
        extreme_ids = [
            ind for ind, _f, aggregation in _rolled_values(submission) if aggregation in extremes
        ]
        if extreme_ids:
            area_ids = _ancestor_ids(Area, organization.area) if organization.area_id else []
            _recompute_extremes(
                extreme_ids,
                submission.period,
                _ancestor_ids(Organization, organization),
                area_ids,
            )


def _recompute_extremes(
    indicator_ids: list[int], period: str, org_ids: list[int], area_ids: list[int]
) -> None:
    """Min and max cannot be subtracted: recompute them for the touched ancestors only, from
    the folded reports — a report still queued adds its own extreme when it is folded, and
    leaves without a trace if it is reopened first."""
    queued = PendingFold.objects.values("pk")
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
                agg = (
                    Value.objects.filter(
                        indicator_id=indicator_id,
                        number__isnull=False,
                        submission__period=period,
                        submission__status=SubmissionStatus.APPROVED,
                        **{f"{prefix}path__startswith": node.path},
                    )
                    .exclude(submission__in=queued)
                    .aggregate(low=Min("number"), high=Max("number"))
                )
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


def _roots(nodes: Sequence[Node]) -> dict[int, list[tuple[int, str]]]:
    """For each node: (id, path) of the subtrees whose figures are its own — its subtree and its
    predecessors' — with nested ones dropped so nothing counts twice. One query: the
    predecessors are precomputed by the services that record successors (org/lineage.py)."""
    return lineage.roots(nodes)


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


# Period codes are few and a Period is immutable: parse each once per process.
_parse = functools.lru_cache(maxsize=4096)(periods.parse)


@functools.lru_cache(maxsize=4096)
def _rank(code: str) -> int:
    return periods._RANK[_parse(code).type]


def combine(
    aggregation: str, rows: list[tuple[str, int, int, int | None, int | None]]
) -> Decimal | None:
    """One figure from roll-up rows (period, total, count, min, max) by the rules above."""
    rows = [r for r in rows if r[2] > 0]
    if not rows or aggregation == Aggregation.NONE:
        return None
    ranks = [_rank(r[0]) for r in rows]
    coarsest = min(ranks)
    rows = [r for r, rank in zip(rows, ranks, strict=True) if rank == coarsest]
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
    latest = max(_parse(r[0]) for r in rows)
    return unscaled(sum(r[1] for r in rows if r[0] == latest.code))


def _typed_rows(
    model: Any,
    column: str,
    indicator_ids: list[int],
    codes: list[str],
    roots: dict[int, list[tuple[int, str]]],
) -> dict[tuple[int, int], list[Any]]:
    """{(node id, indicator id): [(period, total, count, min, max)]}: the roll-up rows of each
    node's roots, added up per period by the database (one query; a row per node, indicator
    and period comes back, not one per root). Adding the roots' rows first changes no figure:
    totals and counts add, extremes take the extreme, and a period counts only if its count
    is positive either way."""
    pairs = [(root, node_pk) for node_pk, found in roots.items() for root, _path in found]
    if not pairs:
        return {}
    # VALUES columns are named column1, column2 by both PostgreSQL and SQLite; ids are ints.
    owners = ", ".join(f"({int(root)}, {int(node)})" for root, node in pairs)
    table = model._meta.db_table
    listed = ", ".join(["%s"] * len(codes))
    # The codes' lowest and highest, in the database's own collation (the index's order), bound
    # an index range on (node, period): a node's other periods are not read at all. The list
    # is given twice because SQLite's MIN/MAX with one argument would be the aggregates.
    low, high = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    sql = (
        f"SELECT o.column2, r.indicator_id, r.period, CAST(SUM(r.total) AS BIGINT), "  # noqa: S608
        f"CAST(SUM(r.count) AS BIGINT), MIN(r.min_value), MAX(r.max_value) "
        f"FROM {table} r JOIN (VALUES {owners}) o ON o.column1 = r.{column} "
        f"WHERE r.indicator_id IN ({', '.join(['%s'] * len(indicator_ids))}) "
        f"AND r.period IN ({listed}) "
        f"AND r.period >= {low}({listed}, {listed}) AND r.period <= {high}({listed}, {listed}) "
        f"GROUP BY o.column2, r.indicator_id, r.period"
    )
    params: list[Any] = [*indicator_ids, *codes, *codes, *codes, *codes, *codes]
    # The queue is most often empty: then the rows alone (the read stays as cheap to plan as
    # before the queue). Otherwise the rows and the queue in one statement, one snapshot: a
    # fold committing meanwhile moves a report from one to the other, never counted twice;
    # an approval committing between the two statements is read as if a moment later.
    queued_ids = list(PendingFold.objects.values_list("pk", flat=True)[: QUEUE_LISTED + 1])
    if queued_ids:
        listed_ids = queued_ids if len(queued_ids) <= QUEUE_LISTED else None
        queued, queued_params = _queued_sql(model, indicator_ids, codes, roots, listed_ids)
        sql, params = f"{sql} UNION ALL {queued}", [*params, *queued_params]
    rows: dict[tuple[int, int], list[Any]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for node_pk, ind, code, total, count, low, high in cursor.fetchall():
            rows[(node_pk, ind)].append((code, total, count, low, high))
    return rows


# Up to this many queued reports are named in the read (their ids from the queue just before):
# the database then looks each one up by its key instead of guessing the queue's size from
# statistics a busy little table rarely has right (a scan of every report, measured at 45 ms).
QUEUE_LISTED = 2000


def _queued_sql(
    model: Any,
    indicator_ids: list[int],
    codes: list[str],
    roots: dict[int, list[tuple[int, str]]],
    listed_ids: list[int] | None,
) -> tuple[str, list[Any]]:
    """The figures of the approved reports not yet folded, added up per node, indicator and
    period as the roll-up rows are: a unit counts towards a node when its path (or its area's)
    starts with one of the node's roots' paths. The queue holds the reports of the last moments
    only, so this reads a few rows; it comes back as rows of the same shape, which `combine`
    adds to the folded ones."""
    extreme = f"CASE WHEN i.aggregation IN ('min', 'max') THEN {FIGURE} END"
    pairs = [(node_pk, path) for node_pk, found in roots.items() for _root, path in found]
    owners = ", ".join(f"({int(node_pk)}, %s)" for node_pk, _path in pairs)
    is_org = model is OrgRollup
    located = "" if is_org else f"JOIN {Area._meta.db_table} a ON a.id = u.area_id "
    path = "u.path" if is_org else "a.path"
    listed = (
        ""
        if listed_ids is None
        else f"AND p.submission_id IN ({', '.join(str(int(pk)) for pk in listed_ids)}) "
    )
    sql = (
        f"SELECT o.column1, v.indicator_id, s.period, CAST(SUM({FIGURE}) AS BIGINT), "  # noqa: S608
        f"CAST(COUNT(*) AS BIGINT), MIN({extreme}), MAX({extreme}) "
        f"FROM {PendingFold._meta.db_table} p "
        f"JOIN {Submission._meta.db_table} s ON s.id = p.submission_id "
        f"JOIN {Value._meta.db_table} v ON v.submission_id = s.id {ROLLED}"
        f"JOIN {Organization._meta.db_table} u ON u.id = s.organization_id {located}"
        f"JOIN (VALUES {owners}) o ON SUBSTR({path}, 1, LENGTH(o.column2)) = o.column2 "
        f"WHERE v.number IS NOT NULL {listed}"
        f"AND v.indicator_id IN ({', '.join(['%s'] * len(indicator_ids))}) "
        f"AND s.period IN ({', '.join(['%s'] * len(codes))}) "
        f"GROUP BY o.column1, v.indicator_id, s.period"
    )
    return sql, [*(path for _node, path in pairs), *indicator_ids, *codes]


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
        rows = _typed_rows(model, field, [i.pk for i in typed], period_codes(period), roots)
    scopes = {node.pk: scope_of(node, roots[node.pk]) for node in nodes}
    derived_keys = [i.derived_key for i in by_code.values() if i.source == Source.DERIVED]
    calculator.prefetch(derived_keys, list(scopes.values()), period)
    result: dict[tuple[int, int], Decimal | None] = {}
    for node in nodes:
        values: dict[str, Decimal | None] = {}
        scope = scopes[node.pk]
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
