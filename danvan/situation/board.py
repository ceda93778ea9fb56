"""What the hot-spots board, an area's page and `/api/v1/situation-counts` read: counts of the
notes a user sees by topic group, area or month, trends, open hot spots, forecasts and maps."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from danvan.lib import periods
from danvan.org.models import Area, AreaLevel

from . import alerts, forecast
from .models import SERIOUS_LEVELS, AreaMap, Note, NoteStatus, Topic

if TYPE_CHECKING:
    from danvan.accounts.models import User

BY = ("topic", "area", "month")
TREND_MONTHS = 12


def _visible(user: User, scope: Area | None) -> QuerySet[Note]:
    notes = Note.objects.visible_to(user)
    if scope is not None:
        notes = notes.filter(area__path__startswith=scope.path)
    return notes


def child_level_areas(user: User, scope: Area | None) -> QuerySet[Area]:
    """The rows of the area table: the areas one level below the scope (communes under a
    province today; villages under a commune)."""
    if scope is None:
        roots = Area.objects.filter(depth=1)
        return roots.order_by("name")
    return Area.objects.children_of(scope).order_by("name")


def _row_area(area_path: str, scope: Area | None, steplen: int) -> str:
    depth = (scope.depth + 1) if scope is not None else 1
    return area_path[: steplen * depth]


@dataclass
class Row:
    key: Any
    label: str
    counts: dict[int, int] = field(default_factory=dict)  # topic group id → count
    total: int = 0
    trend: list[int] = field(default_factory=list)  # the last 12 months, oldest first
    url: str = ""


def counts_by(
    user: User, *, scope: Area | None, period: periods.Period, by: str
) -> list[dict[str, Any]]:
    """Counts of the visible notes with an event in the period, by topic group, by area one
    level below the scope, or by month: [{key, label, count}], largest first (months in
    order)."""
    notes = _visible(user, scope).filter(event_date__gte=period.start, event_date__lte=period.end)
    if by == "topic":
        groups = {t.pk: t for t in Topic.objects.filter(parent__isnull=True)}
        rows = (
            notes.annotate(group=Coalesce(F("topic__parent_id"), F("topic_id")))
            .values("group")
            .annotate(n=Count("pk"))
        )
        found = [
            {"key": groups[r["group"]].code, "label": groups[r["group"]].label, "count": r["n"]}
            for r in rows
            if r["group"] in groups
        ]
        return sorted(found, key=lambda r: (-r["count"], r["label"]))
    if by == "area":
        return [
            {"key": row.key, "label": row.label, "count": row.total}
            for row in area_table(user, scope=scope, period=period)
        ]
    month_rows = (
        notes.annotate(y=ExtractYear("event_date"), m=ExtractMonth("event_date"))
        .values("y", "m")
        .annotate(n=Count("pk"))
    )
    by_month = {f"{r['y']}{r['m']:02d}": r["n"] for r in month_rows}
    months = (
        list(period.children(periods.PeriodType.MONTH))
        if period.type != periods.PeriodType.MONTH
        else [period]
    )
    return [{"key": m.code, "label": m.label(), "count": by_month.get(m.code, 0)} for m in months]


def area_table(
    user: User, *, scope: Area | None, period: periods.Period, today: datetime.date | None = None
) -> list[Row]:
    """Areas one level below the scope × topic groups for the period, each row with the trend
    of its last 12 months up to the period's end; ranked by total. Two queries for the counts."""
    areas = {a.path: a for a in child_level_areas(user, scope)}
    steplen = Area.steplen
    notes = _visible(user, scope)
    in_period = (
        notes.filter(event_date__gte=period.start, event_date__lte=period.end)
        .annotate(group=Coalesce(F("topic__parent_id"), F("topic_id")))
        .values("area__path", "group")
        .annotate(n=Count("pk"))
    )
    rows: dict[str, Row] = {}
    for r in in_period:
        path = _row_area(r["area__path"], scope, steplen)
        area = areas.get(path)
        if area is None:
            continue
        row = rows.setdefault(path, Row(key=area.pk, label=area.name))
        row.counts[r["group"]] = row.counts.get(r["group"], 0) + r["n"]
        row.total += r["n"]
    last = alerts.month_index(min(period.end, today or datetime.date.max))
    first = last - TREND_MONTHS + 1
    trend_rows = (
        notes.filter(
            event_date__gte=alerts.month_of_index(first).start,
            event_date__lte=alerts.month_of_index(last).end,
        )
        .annotate(y=ExtractYear("event_date"), m=ExtractMonth("event_date"))
        .values("area__path", "y", "m")
        .annotate(n=Count("pk"))
    )
    trends: dict[str, list[int]] = defaultdict(lambda: [0] * TREND_MONTHS)
    for t in trend_rows:
        path = _row_area(t["area__path"], scope, steplen)
        index = t["y"] * 12 + t["m"] - 1 - first
        if 0 <= index < TREND_MONTHS:
            trends[path][index] += t["n"]
    for path, row in rows.items():
        row.trend = list(trends[path])
    return sorted(rows.values(), key=lambda row: (-row.total, row.label))


def open_hot_spots(user: User, *, scope: Area | None) -> QuerySet[Note]:
    """Hot spots and complex incidents still followed, by area."""
    return (
        _visible(user, scope)
        .filter(level__in=SERIOUS_LEVELS, status=NoteStatus.FOLLOWING)
        .select_related("area", "topic", "organization")
        .order_by("area__path", "-event_date")
    )


def area_series(
    user: User, area: Area, group: Topic, *, today: datetime.date, months: int = 60
) -> tuple[list[str], list[int]]:
    """Monthly counts of the visible notes on an area's subtree and a topic group, oldest
    first, up to the last whole month; the months' codes beside them. The notes of the
    communes merged into the area's communes (their recorded successors) count too, as they
    do for the early warning, so a commune made in the 2025 reform keeps its history."""
    last = alerts.month_index(today) - 1
    first = last - months + 1
    merged = (
        Area.objects.filter(level=AreaLevel.COMMUNE, successors__path__startswith=area.path)
        .exclude(path__startswith=area.path)
        .values("pk")
    )
    rows = (
        Note.objects.visible_to(user)
        .filter(Q(area__path__startswith=area.path) | Q(commune__in=merged))
        .filter(
            Q(topic=group) | Q(topic__parent=group),
            event_date__gte=alerts.month_of_index(first).start,
            event_date__lte=alerts.month_of_index(last).end,
        )
        .annotate(y=ExtractYear("event_date"), m=ExtractMonth("event_date"))
        .values("y", "m")
        .annotate(n=Count("pk"))
    )
    values = [0] * months
    for r in rows:
        values[r["y"] * 12 + r["m"] - 1 - first] += r["n"]
    # History starts at the first month with a note (zeros before it are not history).
    start = next((i for i, v in enumerate(values) if v), months)
    codes = [alerts.month_of_index(first + i).code for i in range(months)]
    return codes[start:], values[start:]


@dataclass
class AreaForecast:
    topic: Topic
    months: list[str]  # the history's months
    history: list[int]
    next_months: list[str]
    result: forecast.Forecast


def forecast_for(user: User, area: Area, group: Topic, *, today: datetime.date) -> AreaForecast:
    months, history = area_series(user, area, group, today=today)
    last = alerts.month_index(today) - 1
    upcoming = [alerts.month_of_index(last + i).code for i in range(1, 4)]
    return AreaForecast(group, months, history, upcoming, forecast.forecast(history, horizon=3))


def map_features(scope: Area | None, rows: list[Row]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the rows' areas that have a boundary, with their totals
    (for ECharts' choropleth), and the points of those that only have a point."""
    totals = {row.key: row.total for row in rows}
    maps = AreaMap.objects.filter(area_id__in=list(totals)).select_related("area")
    features, points = [], []
    for found in maps:
        if found.boundary:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": found.area.name, "id": found.area_id},
                    "geometry": found.boundary,
                }
            )
        elif found.latitude is not None and found.longitude is not None:
            points.append(
                {
                    "name": found.area.name,
                    "value": [float(found.longitude), float(found.latitude), totals[found.area_id]],
                }
            )
    return {
        "geojson": {"type": "FeatureCollection", "features": features},
        "values": [{"name": row.label, "value": row.total} for row in rows],
        "points": points,
    }


def default_scope(user: User) -> Area | None:
    """The area a board opens on: the area of the user's highest unit."""
    from danvan.org.models import scope_for

    entries = sorted(scope_for(user).entries, key=lambda e: len(e[2]))
    if entries:
        return Area.objects.filter(path=entries[0][2]).first()
    if user.is_superuser:
        return Area.objects.filter(depth=1, level=AreaLevel.PROVINCE).order_by("path").first()
    return None
