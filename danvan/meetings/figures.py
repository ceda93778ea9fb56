"""The figures the half-year report derives from meetings, so units stop retyping them: meetings
held, review and online conferences, bridge points and their delegates, by level.

A meeting counts for the scope of its host unit and the period of its start (the local date);
only meetings held count (not those scheduled or cancelled), and the delegates attending only at
the points that confirmed them. Two aggregate queries, whatever the scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures, periods
from danvan.org.models import AreaLevel
from danvan.org.scopes import ReportingScope, per_scope

from .models import BridgePoint, Format, Kind, Meeting, Status

FIGURES = {
    "meetings_held": _("Meetings and conferences held"),
    "review_conferences_held": _("Interim and final review conferences held"),
    "online_meetings_held": _("Online conferences held"),
    "bridge_points": _("Bridge points of the conferences held"),
    "delegates_attending": _("Delegates attending at the bridge points"),
    "attendance_rate": _("Delegates attending per delegate expected (%)"),
    "points_province": _("Bridge points at the province level"),
    "points_commune": _("Bridge points at the commune level"),
    "delegates_province": _("Delegates attending at province-level points"),
    "delegates_commune": _("Delegates attending at commune-level points"),
}
LEVELS = {"province": AreaLevel.PROVINCE, "commune": AreaLevel.COMMUNE}
REVIEWS = [Kind.INTERIM_REVIEW, Kind.FINAL_REVIEW]
ONLINE = [Format.ONLINE, Format.HYBRID]
TENTH = Decimal("0.1")


def _starts_in(period: periods.Period, prefix: str = "") -> Q:
    """The meeting starts on a local date within the period."""
    first = datetime.datetime.combine(period.start, datetime.time.min)
    after = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min)
    return Q(
        **{
            f"{prefix}starts_at__gte": timezone.make_aware(first),
            f"{prefix}starts_at__lt": timezone.make_aware(after),
        }
    )


def rate(attending: int, expected: int) -> Decimal | None:
    """Attending per expected in %, to one decimal; None when nobody was expected."""
    if not expected:
        return None
    return (Decimal(100) * attending / expected).quantize(TENTH, rounding=ROUND_HALF_UP)


def meeting_figures(scope: ReportingScope, period: periods.Period) -> dict[str, int | Decimal]:
    """The figures of one scope."""
    return meeting_figures_of([scope], period)[0]


def meeting_figures_of(
    scopes: Sequence[ReportingScope], period: periods.Period
) -> list[dict[str, int | Decimal]]:
    held = per_scope(
        Meeting.objects.filter(_starts_in(period), status=Status.HELD),
        scopes,
        "host",
        meetings_held=Count("pk"),
        review_conferences_held=Count("pk", filter=Q(kind__in=REVIEWS)),
        online_meetings_held=Count("pk", filter=Q(format__in=ONLINE)),
    )
    confirmed = Q(confirmed_at__isnull=False)
    per_level: dict[str, Count | Coalesce] = {}
    for name, level in LEVELS.items():
        per_level[f"points_{name}"] = Count("pk", filter=Q(level=level))
        per_level[f"delegates_{name}"] = Coalesce(
            Sum("attending", filter=confirmed & Q(level=level)), 0
        )
    points = per_scope(
        BridgePoint.objects.active()
        .filter(_starts_in(period, "meeting__"))
        .filter(meeting__status=Status.HELD),
        scopes,
        "meeting__host",
        bridge_points=Count("pk"),
        delegates_attending=Coalesce(Sum("attending", filter=confirmed), 0),
        expected_confirmed=Coalesce(Sum("expected", filter=confirmed), 0),
        **per_level,
    )
    result: list[dict[str, int | Decimal]] = []
    for found, at_points in zip(held, points, strict=True):
        expected = at_points.pop("expected_confirmed")
        found.update(at_points)
        attendance = rate(at_points["delegates_attending"], expected)
        if attendance is not None:  # no figure rather than a made-up 0 %
            found["attendance_rate"] = attendance
        result.append(found)
    return result


def records_url(org_id: int | None, period: periods.Period) -> str:
    """The meetings list of the period's year, those held."""
    query = {"status": Status.HELD.value, "year": str(period.start.year)}
    return f"{reverse('meeting_list')}?{urlencode(query)}"


def register() -> None:
    figures.register_group("meetings", meeting_figures_of, records_url, FIGURES, reads=["meetings"])
