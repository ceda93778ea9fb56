"""The scorecard: per unit and per area, how petitions were answered and dialogues held.

Received, settled, settled on time (by the settlement deadline as extended), the on-time share,
the median days from receipt to settlement, the share of citizens satisfied among those who
answered, and dialogues held against those due. Counted over a `ReportingScope` and a period
(`lib/periods`), in a few grouped queries whatever the number of units; the trend is the same
figures for the periods before. No personal field is read.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.utils import timezone

from danvan.lib import periods
from danvan.org.models import Area, AreaLevel, Organization
from danvan.org.scopes import ReportingScope

from .models import Confirmation, Dialogue, DialogueKind, DialogueStatus, Petition, PetitionState


@dataclass
class Line:
    """One row of the scorecard: a unit or an area."""

    key: int
    name: str
    received: int = 0
    settled: int = 0
    on_time: int = 0
    confirmed: int = 0
    satisfied: int = 0
    open_overdue: int = 0
    dialogues_held: int = 0
    dialogues_due: int = 0
    days: list[int] = field(default_factory=list, repr=False)

    @property
    def on_time_pct(self) -> float | None:
        return round(100 * self.on_time / self.settled, 1) if self.settled else None

    @property
    def settled_pct(self) -> float | None:
        return round(100 * self.settled / self.received, 1) if self.received else None

    @property
    def satisfied_pct(self) -> float | None:
        return round(100 * self.satisfied / self.confirmed, 1) if self.confirmed else None

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "name": self.name,
            "received": self.received,
            "settled": self.settled,
            "settled_pct": self.settled_pct,
            "on_time": self.on_time,
            "on_time_pct": self.on_time_pct,
            "median_days": self.median_days,
            "confirmed": self.confirmed,
            "satisfied": self.satisfied,
            "satisfied_pct": self.satisfied_pct,
            "overdue_open": self.open_overdue,
            "dialogues_held": self.dialogues_held,
            "dialogues_due": self.dialogues_due,
        }


def _in_period(field_name: str, period: periods.Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


OPEN = [
    PetitionState.RECEIVED,
    PetitionState.ACCEPTED,
    PetitionState.IN_PROGRESS,
    PetitionState.REFERRED,
]
# A group's key: (handling unit id, area id) — what by_unit and by_area are summed from.
Key = tuple[int, int]


def _buckets(field_name: str, spans: list[periods.Period]) -> Case:
    """Which of the periods a date falls in (its index), or None."""
    return Case(
        *[When(_in_period(field_name, p), then=Value(i)) for i, p in enumerate(spans)],
        default=Value(None),
        output_field=IntegerField(),
    )


def _gather(scope: ReportingScope, spans: list[periods.Period]) -> list[dict[Key, Line]]:
    """For each period, the lines by (unit, area): three grouped queries for all the periods
    together (counts, days to settle, dialogues), whatever the number of units and periods."""
    found: list[dict[Key, Line]] = [{} for _ in spans]

    def line(i: int, key: Key) -> Line:
        if key not in found[i]:
            found[i][key] = Line(key=0, name="")
        return found[i][key]

    petitions = Petition.objects.filter(scope.q("organization")).exclude(state=PetitionState.MERGED)
    first, last = min(p.start for p in spans), max(p.end for p in spans)
    now = spans[0]
    measures: dict[str, Any] = {}
    for i, p in enumerate(spans):
        measures[f"received_{i}"] = Count("organization_id", filter=_in_period("received_on", p))
        measures[f"settled_{i}"] = Count("organization_id", filter=_in_period("settled_on", p))
        measures[f"on_time_{i}"] = Count(
            "organization_id", filter=_in_period("settled_on", p) & Q(settled_on__lte=F("due_on"))
        )
        measures[f"confirmed_{i}"] = Count("organization_id", filter=_in_period("confirmed_on", p))
        measures[f"satisfied_{i}"] = Count(
            "organization_id",
            filter=_in_period("confirmed_on", p) & Q(confirmation=Confirmation.SATISFIED),
        )
    overdue = Q(state__in=OPEN, due_on__lt=min(now.end, _today()), received_on__lte=now.end)
    measures["overdue"] = Count("organization_id", filter=overdue)
    touched = (
        Q(received_on__gte=first, received_on__lte=last)
        | Q(settled_on__gte=first, settled_on__lte=last)
        | Q(confirmed_on__gte=first, confirmed_on__lte=last)
        | overdue
    )
    rows: Any = (
        petitions.filter(touched)
        .order_by()
        .values("organization_id", "area_id")
        .annotate(**measures)
    )
    for row in rows:
        key = (row["organization_id"], row["area_id"])
        for i in range(len(spans)):
            counts = [row[f"{m}_{i}"] for m in ("received", "settled", "on_time", "confirmed",
                                                "satisfied")]  # fmt: skip
            if any(counts):
                target = line(i, key)
                (target.received, target.settled, target.on_time, target.confirmed,
                 target.satisfied) = counts  # fmt: skip
        if row["overdue"]:
            line(0, key).open_overdue = row["overdue"]
    # Days from receipt to settlement, as counts per number of days: by unit and area for the
    # period itself (its lines' medians), in total for the periods before (the trend's).
    days = ExpressionWrapper(F("settled_on") - F("received_on"), output_field=DurationField())
    settled = petitions.order_by().annotate(days=days)
    histogram: Any = (
        settled.filter(_in_period("settled_on", now))
        .values("organization_id", "area_id", "days")
        .annotate(n=Count("*"))
    )
    for row in histogram:
        if row["days"] is not None:
            key = (row["organization_id"], row["area_id"])
            line(0, key).days.extend([row["days"].days] * row["n"])
    if len(spans) > 1:
        before: Any = (
            settled.filter(settled_on__gte=first, settled_on__lt=now.start)
            .annotate(bucket=_buckets("settled_on", spans))
            .values("bucket", "days")
            .annotate(n=Count("*"))
        )
        for row in before:
            if row["bucket"] is not None and row["days"] is not None:
                # A line of its own that only the period's total reads.
                line(row["bucket"], (0, 0)).days.extend([row["days"].days] * row["n"])
    dialogues: Any = (
        Dialogue.objects.filter(scope.q("organization"))
        .filter(held_on__gte=first, held_on__lte=last)
        .filter(status__in=[DialogueStatus.HELD, DialogueStatus.PUBLISHED])
        .order_by()
        .annotate(bucket=_buckets("held_on", spans))
        .values("organization_id", "organization__area_id", "bucket")
        .annotate(n=Count("*"))
    )
    for row in dialogues:
        if row["bucket"] is not None:
            key = (row["organization_id"], row["organization__area_id"])
            line(row["bucket"], key).dialogues_held += row["n"]
    return found


def _sum(lines: Any) -> Line:
    result = Line(key=0, name="")
    for line in lines:
        _add(result, line)
    return result


@dataclass
class Card:
    """The scorecard of a scope for a period: by unit, by commune, in total, and the trend."""

    period: periods.Period
    units: list[Line]
    areas: list[Line]
    total: Line
    trend: list[tuple[str, Line]]


def _spans(period: periods.Period, count: int) -> list[periods.Period]:
    """The period and up to `count - 1` before it, newest first."""
    spans = [period]
    while len(spans) < count:
        try:
            spans.append(spans[-1].previous())
        except periods.PeriodError:
            break
    return spans


def card(scope: ReportingScope, period: periods.Period, *, trend_count: int = 4) -> Card:
    """Everything a scorecard page shows, in a fixed number of queries (about eight)."""
    spans = _spans(period, max(trend_count, 1))
    gathered = _gather(scope, spans)
    now = gathered[0]
    total = _sum(now.values())
    trend = [(p.code, _sum(lines.values())) for p, lines in zip(spans, gathered, strict=True)]
    return Card(
        period=period,
        units=_by_unit(scope, period, now),
        areas=_by_area(now),
        total=total,
        trend=list(reversed(trend[:trend_count])),
    )


def _today() -> datetime.date:
    return timezone.localdate()


def _conferences_due(period: periods.Period) -> int:
    """Commune dialogue conferences due in the period: the yearly number, once per calendar
    year the period ends in (a half year or a month owes the year's conference by its end)."""
    years = set(range(period.start.year, period.end.year + 1))
    return settings.DANVAN_DIALOGUE["conferences_per_year"] * len(years)


def _rank(lines: list[Line]) -> list[Line]:
    """Best on-time share first (as the 1022 ranking), then most settled, then by name."""
    return sorted(lines, key=lambda ln: (-(ln.on_time_pct or -1), -ln.settled, ln.name))


def _by_unit(scope: ReportingScope, period: periods.Period, now: dict[Key, Line]) -> list[Line]:
    merged: dict[int, Line] = {}
    for (org_id, _area_id), line in now.items():
        _add(merged.setdefault(org_id, Line(key=org_id, name="")), line)
    names = dict(Organization.objects.filter(pk__in=list(merged)).values_list("pk", "name"))
    for pk, line in merged.items():
        line.name = names.get(pk, "")
    result = list(merged.values())
    _add_conferences_due(result, period, by_area=False, scope=scope)
    return _rank(result)


def _by_area(now: dict[Key, Line]) -> list[Line]:
    by_id: dict[int, Line] = {}
    for (_org_id, area_id), line in now.items():
        _add(by_id.setdefault(area_id, Line(key=area_id, name="")), line)
    paths = dict(Area.objects.filter(pk__in=list(by_id)).values_list("pk", "path"))
    communes = {
        a.path: a
        for a in Area.objects.filter(level=AreaLevel.COMMUNE).filter(_path_in(list(paths.values())))
    }
    merged: dict[int, Line] = {}
    for area_id, line in by_id.items():
        commune = _commune_of(paths.get(area_id, ""), communes)
        if commune is None:
            continue
        _add(merged.setdefault(commune.pk, Line(key=commune.pk, name=commune.name)), line)
    return _rank(list(merged.values()))


def by_unit(scope: ReportingScope, period: periods.Period) -> list[Line]:
    """One line per unit that received or settled petitions or held dialogues in the period,
    and per commune People's Committee (which owes the yearly dialogue conference, so one that
    did nothing is listed too), best on-time share first (as the 1022 ranking), then most
    settled. A fixed number of queries, whatever the number of units."""
    return card(scope, period, trend_count=1).units


def by_area(scope: ReportingScope, period: periods.Period) -> list[Line]:
    """One line per commune (petitions by the commune they are about; a village's under its
    commune), ranked like `by_unit`."""
    return card(scope, period, trend_count=1).areas


def _path_in(paths: list[str]) -> Q:
    wanted = set()
    for path in paths:
        for end in range(Area.steplen, len(path) + 1, Area.steplen):
            wanted.add(path[:end])
    return Q(path__in=sorted(wanted))


def _commune_of(path: str, communes: dict[str, Area]) -> Area | None:
    for end in range(len(path), 0, -Area.steplen):
        if path[:end] in communes:
            return communes[path[:end]]
    return None


def _add(target: Line, line: Line) -> None:
    target.received += line.received
    target.settled += line.settled
    target.on_time += line.on_time
    target.confirmed += line.confirmed
    target.satisfied += line.satisfied
    target.open_overdue += line.open_overdue
    target.dialogues_held += line.dialogues_held
    target.days.extend(line.days)


def _in_scope(scope: ReportingScope) -> Q:
    """`scope.q` for the organisations themselves (it is written for a foreign key)."""
    condition = Q(pk__in=[])
    for path in scope.org_paths:
        condition |= Q(path__startswith=path)
    for path in scope.area_paths:
        condition |= Q(area__path__startswith=path)
    return condition


def _add_conferences_due(
    lines: list[Line],
    period: periods.Period,
    *,
    by_area: bool,
    scope: ReportingScope | None = None,
) -> None:
    """A commune's People's Committee owes the yearly dialogue conference: each one in the
    scope, active during the period, gets its line even without a petition."""
    if by_area:
        return
    due = _conferences_due(period)
    committees = Organization.objects.filter(kind__code="government", area__level=AreaLevel.COMMUNE)
    if scope is not None:
        committees = committees.filter(_in_scope(scope)).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=period.start)
        )
    else:
        committees = committees.filter(pk__in=[ln.key for ln in lines])
    owing_names = dict(committees.values_list("pk", "name"))
    owing = set(owing_names)
    known = {ln.key for ln in lines}
    lines.extend(Line(key=pk, name=name) for pk, name in owing_names.items() if pk not in known)
    if not owing:
        return
    held = dict(
        Dialogue.objects.filter(
            organization_id__in=owing,
            kind=DialogueKind.CONFERENCE,
            status__in=[DialogueStatus.HELD, DialogueStatus.PUBLISHED],
            held_on__year__in=sorted({period.start.year, period.end.year}),
        )
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    for ln in lines:
        if ln.key in owing:
            ln.dialogues_due = due
            ln.dialogues_held = max(ln.dialogues_held, held.get(ln.key, 0))


def total(scope: ReportingScope, period: periods.Period) -> Line:
    """The whole scope in one line."""
    return _sum(_gather(scope, [period])[0].values())


def trend(scope: ReportingScope, period: periods.Period, count: int = 4) -> list[tuple[str, Line]]:
    """The scope's line for this period and the `count - 1` before it, oldest first."""
    spans = _spans(period, count)
    gathered = _gather(scope, spans)
    return list(
        reversed([(p.code, _sum(g.values())) for p, g in zip(spans, gathered, strict=True)])
    )
