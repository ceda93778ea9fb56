"""Early warning: counts per commune × topic group × month, the alerts they raise, and the
e-mail to the commission's leaders (once per alert).

Rules: a new hot spot or complex incident (raised at once when the note is filed); notes on one
topic from several communes of one parent area in one week. Statistics (`warning.py`): a surge
against the commune's own baseline (EARS-style moving baseline while history is short, the
same months of earlier years once there are five (`seasonal_after`)), a CUSUM for slow build-ups, and an
outlier among sibling communes (modified z-score). Counts are by the month of the event date;
a note on a commune that was merged counts for the commune that replaced it, so a baseline
spans the 2025 reform. The daily run (`compute_alerts`) judges the current and the previous
month (units file in batches before the deadline) and keeps each alert's numbers current.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, QuerySet
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from danvan.lib import notify as deliveries
from danvan.lib import numbers, periods
from danvan.lib.history import attributed
from danvan.org.models import Area, AreaLevel, Organization, Role
from danvan.org.selectors import member_emails

from . import warning
from .models import Alert, AlertKind, AlertStatus, Note, Topic

HISTORY_MONTHS = 60  # months of counts read at least (more when the thresholds need them)


# --- Whose alert --------------------------------------------------------------------------


def commission_for(area: Area) -> Organization | None:
    """The commission an area's alerts go to: the deepest active Mass Mobilization Commission
    whose area contains it; failing that, the top-level unit whose area contains it."""
    ancestors = [area.path[: area.steplen * depth] for depth in range(1, area.depth + 1)]
    candidates = Organization.objects.active().filter(area__path__in=ancestors)
    found = (
        candidates.filter(kind__code="mobilization_commission")
        .order_by("-area__depth", "depth")
        .first()
        or candidates.filter(depth=1).order_by("-area__depth").first()
    )
    return found


# --- Counts -------------------------------------------------------------------------------


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> periods.Period:
    return periods.parse(f"{index // 12}{index % 12 + 1:02d}")


def current_commune_ids(day: datetime.date) -> dict[int, int]:
    """Commune id → the commune valid on `day` that carries its history (itself when valid;
    a merged commune's first recorded successor, followed to the end)."""
    communes = Area.objects.filter(level=AreaLevel.COMMUNE)
    successors: dict[int, list[int]] = defaultdict(list)
    for source, target in Area.successors.through.objects.filter(
        from_area__level=AreaLevel.COMMUNE
    ).values_list("from_area_id", "to_area_id"):
        successors[source].append(target)
    valid = set(communes.valid_on(day).values_list("pk", flat=True))
    mapping: dict[int, int] = {}
    for pk in communes.values_list("pk", flat=True):
        current, seen = pk, set()
        while current not in valid and successors.get(current) and current not in seen:
            seen.add(current)
            current = sorted(successors[current])[0]
        if current in valid:
            mapping[pk] = current
    return mapping


@dataclass
class Counts:
    """Monthly counts of notes per (current commune, topic group), months `first`..`last`."""

    first: int  # month index of the first column
    last: int
    series: dict[tuple[int, int], list[int]]

    def of(self, commune: int, group: int, upto: int | None = None) -> list[int]:
        upto = self.last if upto is None else upto
        row = self.series.get((commune, group)) or [0] * (self.last - self.first + 1)
        return row[: upto - self.first + 1]


def counts(
    notes: QuerySet[Note],
    *,
    last: int,
    mapping: dict[int, int] | None = None,
    months: int = HISTORY_MONTHS,
) -> Counts:
    """One GROUP BY over the notes: commune × group × month, the `months` months up to month
    index `last`."""
    mapping = current_commune_ids(month_of_index(last).end) if mapping is None else mapping
    earliest = notes.aggregate(day=Min("event_date"))["day"]
    first = max(month_index(earliest), last - months + 1) if earliest else last
    first = min(first, last)
    rows = (
        notes.filter(
            commune__isnull=False,
            event_date__gte=month_of_index(first).start,
            event_date__lte=month_of_index(last).end,
        )
        .annotate(
            group=Coalesce(F("topic__parent_id"), F("topic_id")),
            y=ExtractYear("event_date"),
            m=ExtractMonth("event_date"),
        )
        .values("commune_id", "group", "y", "m")
        .annotate(n=Count("pk"))
    )
    width = last - first + 1
    series: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        commune = mapping.get(row["commune_id"])
        if commune is None:
            continue
        key = (commune, row["group"])
        line = series.setdefault(key, [0] * width)
        line[row["y"] * 12 + row["m"] - 1 - first] += row["n"]
    return Counts(first, last, series)


# --- Raising alerts -----------------------------------------------------------------------


def _raise(
    *,
    key: str,
    kind: str,
    area: Area,
    topic: Topic,
    period: str,
    explanation: dict[str, Any],
    today: datetime.date,
    note: Note | None = None,
) -> Alert | None:
    """Raise the alert once; an alert still live keeps its numbers current. Returns the alert
    when it is new."""
    existing = Alert.objects.filter(key=key).first()
    if existing is not None:
        if existing.status != AlertStatus.CLOSED and existing.explanation != explanation:
            Alert.objects.filter(pk=existing.pk).update(explanation=explanation)
        return None
    organization = commission_for(area)
    if organization is None:
        return None
    alert = Alert(
        key=key,
        organization=organization,
        area=area,
        topic=topic,
        kind=kind,
        period=period,
        note=note,
        explanation=explanation,
        raised_on=today,
    )
    attributed(alert, None, verb="alert_raised").save()
    return alert


def raise_for_note(note: Note, *, today: datetime.date) -> Alert | None:
    """A new hot spot or complex incident: an alert at once, and the leaders told."""
    explanation = {
        "method": "rule",
        "level": note.level,
        "note": note.pk,
        "summary": note.summary,
        "event_date": note.event_date.isoformat(),
        "people": note.people_concerned,
    }
    alert = _raise(
        key=f"note:{note.pk}:{note.level}",
        kind=AlertKind.HOT_SPOT,
        area=note.area,
        topic=note.topic.group,
        period=periods.from_date(note.event_date, periods.PeriodType.MONTH).code,
        explanation=explanation,
        today=today,
        note=note,
    )
    if alert is not None:
        notify([alert])
    return alert


def _judge_months(today: datetime.date) -> list[int]:
    return [month_index(today) - 1, month_index(today)]


def history_months(t: warning.Thresholds) -> int:
    """How many months of counts the run reads (up to the current month), so that the previous
    month, judged too, still has all the history the thresholds ask for: the years of the
    historical limits with their neighbouring months, the history after which `surge` turns to
    them, the EARS and CUSUM baselines."""
    return max(
        HISTORY_MONTHS,
        12 * t.historical_years + 3,
        t.seasonal_after + 2,
        t.baseline_months + t.guard_months + t.cusum_months + 2,
    )


def compute_alerts(*, today: datetime.date | None = None, area: Area | None = None) -> list[Alert]:
    """The daily run: raise what the counts show (for the nation, or one area's subtree), keep
    live alerts' numbers current, and tell the leaders of new ones. Returns the new alerts."""
    today = today or timezone.localdate()
    t = warning.Thresholds.from_settings()
    notes = Note.objects.all()
    mapping = current_commune_ids(today)
    only: set[int] | None = None
    area_notes = notes
    if area is not None:
        only, counted = _communes_of_run(area, mapping, today)
        notes = notes.filter(commune_id__in=counted)
        area_notes = notes.filter(commune__path__startswith=area.path)
    found = counts(notes, last=month_index(today), mapping=mapping, months=history_months(t))
    communes = {a.pk: a for a in Area.objects.filter(pk__in={c for c, _g in found.series})}
    groups = {g.pk: g for g in Topic.objects.filter(parent__isnull=True)}
    new: list[Alert] = []
    with transaction.atomic():
        for judged in _judge_months(today):
            if judged < found.first:
                continue
            new += _surges(found, judged, communes, groups, t, today, only)
            new += _outliers(found, judged, communes, groups, t, today, only)
        new += _spread(area_notes, today, mapping, groups, t)
        notify(new)
    return new


def _communes_of_run(
    area: Area, mapping: dict[int, int], today: datetime.date
) -> tuple[set[int], set[int]]:
    """For a run limited to an area: the current communes judged (those in the area, or the
    one a village lies in), and the communes whose notes they are judged with — their
    predecessors (a baseline spans the reform) and their siblings with theirs (the outlier
    test compares a commune with the communes of its parent, which lie outside a commune)."""
    paths = dict(
        Area.objects.filter(level=AreaLevel.COMMUNE).valid_on(today).values_list("pk", "path")
    )
    judged = {
        pk for pk, path in paths.items() if path.startswith(area.path) or area.path.startswith(path)
    }
    parents = {paths[pk][: -Area.steplen] for pk in judged}
    counted = {
        pk for pk, current in mapping.items() if paths.get(current, "")[: -Area.steplen] in parents
    }
    return judged, counted


def _explained(finding: warning.Finding, month: periods.Period, **extra: Any) -> dict[str, Any]:
    return {**finding.as_dict(), "month": month.code, **extra}


def _surges(
    found: Counts,
    judged: int,
    communes: dict[int, Area],
    groups: dict[int, Topic],
    t: warning.Thresholds,
    today: datetime.date,
    only: set[int] | None = None,
) -> list[Alert]:
    month = month_of_index(judged)
    new: list[Alert] = []
    for (commune_id, group_id), _line in sorted(found.series.items()):
        if only is not None and commune_id not in only:
            continue
        series = found.of(commune_id, group_id, judged)
        area, topic = communes.get(commune_id), groups.get(group_id)
        if area is None or topic is None:
            continue
        for kind, finding in (
            (AlertKind.SURGE, warning.surge(series, t)),
            (AlertKind.BUILD_UP, warning.cusum(series, t)),
        ):
            if finding is None:
                continue
            alert = _raise(
                key=f"{kind}:{commune_id}:{group_id}:{month.code}",
                kind=kind,
                area=area,
                topic=topic,
                period=month.code,
                explanation=_explained(finding, month, history=len(series) - 1),
                today=today,
            )
            if alert is not None:
                new.append(alert)
            if kind == AlertKind.SURGE:
                break  # a surge says it; the same month's build-up would repeat it
    return new


def _outliers(
    found: Counts,
    judged: int,
    communes: dict[int, Area],
    groups: dict[int, Topic],
    t: warning.Thresholds,
    today: datetime.date,
    only: set[int] | None = None,
) -> list[Alert]:
    month = month_of_index(judged)
    siblings: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    for (commune_id, group_id), _line in found.series.items():
        area = communes.get(commune_id)
        if area is None:
            continue
        parent_path = area.path[: -area.steplen]
        siblings[(parent_path, group_id)][commune_id] = found.of(commune_id, group_id, judged)[-1]
    # Communes with no note that month count as zero among their siblings.
    all_communes = Area.objects.filter(level=AreaLevel.COMMUNE).valid_on(month.end)
    by_parent: dict[str, list[int]] = defaultdict(list)
    for pk, path, steplen in ((a.pk, a.path, a.steplen) for a in all_communes.only("pk", "path")):
        by_parent[path[:-steplen]].append(pk)
    new: list[Alert] = []
    for (parent_path, group_id), values in sorted(siblings.items()):
        for pk in by_parent.get(parent_path, []):
            values.setdefault(pk, 0)
        for commune_id, finding in sorted(warning.outliers(values, t).items()):
            area, topic = communes.get(commune_id), groups.get(group_id)
            if area is None or topic is None or (only is not None and commune_id not in only):
                continue
            alert = _raise(
                key=f"{AlertKind.OUTLIER}:{commune_id}:{group_id}:{month.code}",
                kind=AlertKind.OUTLIER,
                area=area,
                topic=topic,
                period=month.code,
                explanation=_explained(finding, month, siblings=len(values)),
                today=today,
            )
            if alert is not None:
                new.append(alert)
    return new


def _spread(
    notes: QuerySet[Note],
    today: datetime.date,
    mapping: dict[int, int],
    groups: dict[int, Topic],
    t: warning.Thresholds,
) -> list[Alert]:
    """Notes on one topic from several communes of one parent area in one week (this week
    and the last)."""
    monday = today - datetime.timedelta(days=today.weekday())
    new: list[Alert] = []
    for start in (monday - datetime.timedelta(days=7), monday):
        end = start + datetime.timedelta(days=6)
        rows = (
            notes.filter(event_date__gte=start, event_date__lte=end, commune__isnull=False)
            .annotate(group=Coalesce(F("topic__parent_id"), F("topic_id")))
            .values_list("group", "commune_id")
            .distinct()
        )
        communes_by_group: dict[int, set[int]] = defaultdict(set)
        for group_id, commune_id in rows:
            if commune_id in mapping:
                communes_by_group[group_id].add(mapping[commune_id])
        areas = {
            a.pk: a
            for a in Area.objects.filter(
                pk__in={c for ids in communes_by_group.values() for c in ids}
            )
        }
        for group_id, commune_ids in sorted(communes_by_group.items()):
            by_parent: dict[str, list[Area]] = defaultdict(list)
            for commune_id in commune_ids:
                area = areas[commune_id]
                by_parent[area.path[: -area.steplen]].append(area)
            for parent_path, members in sorted(by_parent.items()):
                if len(members) < t.spread_communes or group_id not in groups:
                    continue
                parent = Area.objects.filter(path=parent_path).first()
                if parent is None:
                    continue
                alert = _raise(
                    key=f"{AlertKind.SPREAD}:{parent.pk}:{group_id}:{start.isoformat()}",
                    kind=AlertKind.SPREAD,
                    area=parent,
                    topic=groups[group_id],
                    period=periods.from_date(start, periods.PeriodType.MONTH).code,
                    explanation={
                        "method": "rule",
                        "week_start": start.isoformat(),
                        "week_end": end.isoformat(),
                        "communes": sorted(a.name for a in members),
                        "observed": len(members),
                        "threshold": t.spread_communes,
                    },
                    today=today,
                )
                if alert is not None:
                    new.append(alert)
    return new


# --- In words -----------------------------------------------------------------------------


def _n(value: Any) -> str:
    if value is None:
        return "–"
    return numbers.shown(Decimal(str(value)), 0 if float(value).is_integer() else 1)


def explain(alert: Alert) -> str:
    """The alert in a sentence, in the reader's language: «Xã Mường Xén: 9 notes on land
    clearance in November 2026, usual 2 ± 1 (moving baseline of 12 months)»."""
    e = alert.explanation or {}
    topic = alert.topic.label
    area = alert.area.name
    if alert.kind == AlertKind.HOT_SPOT:
        level = dict(_level_labels()).get(e.get("level", ""), "")
        return _("%(area)s: a new %(level)s on %(topic)s — «%(summary)s» (%(day)s).") % {
            "area": area,
            "level": level.lower(),
            "topic": topic.lower(),
            "summary": e.get("summary", ""),
            "day": _day(e.get("event_date")),
        }
    if alert.kind == AlertKind.SPREAD:
        return _(
            "%(area)s: notes on %(topic)s from %(n)s communes in the week of %(start)s–%(end)s "
            "(%(communes)s); the rule is %(threshold)s or more."
        ) % {
            "area": area,
            "topic": topic.lower(),
            "n": e.get("observed"),
            "start": _day(e.get("week_start")),
            "end": _day(e.get("week_end")),
            "communes": ", ".join(e.get("communes", [])),
            "threshold": e.get("threshold"),
        }
    month = periods.parse(e["month"]).label() if e.get("month") else alert.period
    values = {
        "area": area,
        "topic": topic.lower(),
        "month": month,
        "observed": _n(e.get("observed")),
        "baseline": _n(e.get("baseline")),
        "sigma": _n(e.get("sigma")),
        "threshold": _n(e.get("threshold")),
        "statistic": _n(e.get("statistic")),
        "reference": e.get("reference", ""),
        "siblings": e.get("siblings", ""),
    }
    method = e.get("method")
    if method == "ears":
        text = _(
            "%(area)s: %(observed)s notes on %(topic)s in %(month)s, usual %(baseline)s ± "
            "%(sigma)s (the %(reference)s months before); the warning level is %(threshold)s."
        )
    elif method == "historical":
        text = _(
            "%(area)s: %(observed)s notes on %(topic)s in %(month)s, usual %(baseline)s ± "
            "%(sigma)s in the same months of earlier years (%(reference)s months); the "
            "warning level is %(threshold)s."
        )
    elif method == "cusum":
        text = _(
            "%(area)s: notes on %(topic)s have been building up over the recent months "
            "(%(observed)s in %(month)s, usual %(baseline)s ± %(sigma)s; cumulative excess "
            "%(statistic)s σ, the warning level is %(threshold)s σ)."
        )
    else:
        text = _(
            "%(area)s: %(observed)s notes on %(topic)s in %(month)s, far more than its "
            "neighbouring communes (median %(baseline)s of %(siblings)s communes; modified "
            "z-score %(statistic)s, the warning level is %(threshold)s)."
        )
    return text % values


def _level_labels() -> Iterable[tuple[str, str]]:
    from .models import Level

    return [(value, str(label)) for value, label in Level.choices]


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


# --- Telling the leaders --------------------------------------------------------------------


def notify(alerts: list[Alert]) -> int:
    """E-mail each new alert to the leaders of its commission, once (after the commit)."""
    messages = []
    for alert in alerts:
        if alert.notified_at is not None:
            continue
        emails = member_emails(alert.organization_id, [Role.LEADER])
        if not emails:
            continue
        with override(settings.LANGUAGE_CODE):  # the site's language, whoever filed the note
            context = {
                "alert": alert,
                "explanation": explain(alert),
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("situation/email/alert_subject.txt", context).strip()
            body = render_to_string("situation/email/alert.txt", context)
        link = deliveries.Link(subject, "", deliveries.key_of(alert))
        messages.append(deliveries.Message(subject, body, emails, "alert", [link]))
        Alert.objects.filter(pk=alert.pk).update(notified_at=timezone.now())
        alert.notified_at = timezone.now()
    deliveries.deliver(messages)
    return sum(len(m.recipients) for m in messages)
