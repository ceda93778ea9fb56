"""Reads of meetings through the user's scope, the bridge points' totals, and who may do what."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from danvan.lib.records import one_or_404
from danvan.lib.text import fold
from danvan.org.models import PERMISSIONS, AreaLevel, Organization, Verb, scope_for
from danvan.org.selectors import user_can

from .models import BridgePoint, Conclusion, ConclusionStatus, Meeting, Status

if TYPE_CHECKING:
    from danvan.accounts.models import User

LEVEL_ORDER = [AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE, AreaLevel.VILLAGE]


# --- Who may do what ------------------------------------------------------------------------


def may_create_meeting_for(user: User, host: Organization) -> bool:
    return user_can(user, Verb.EDIT, host)


def may_manage(user: User, meeting: Meeting) -> bool:
    """Edit, cancel, invite points, record minutes and conclusions: the host unit's officers."""
    return user_can(user, Verb.EDIT, meeting.host)


def may_confirm_point(user: User, point: BridgePoint) -> bool:
    """Attendance and the connection check of a point: its own unit's officers (and those
    above it), or the host's."""
    return user_can(user, Verb.EDIT, point.organization) or user_can(
        user, Verb.EDIT, point.meeting.host
    )


def may_close_conclusion(user: User, conclusion: Conclusion) -> bool:
    """A follow-up task is reported done by the unit it is assigned to, or by the host."""
    return user_can(user, Verb.EDIT, conclusion.organization) or user_can(
        user, Verb.EDIT, conclusion.meeting.host
    )


# --- Reads -----------------------------------------------------------------------------------


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("host", "host__area")


def meetings_filtered(
    user: User,
    *,
    now: datetime.datetime,
    when: str = "",
    kind: str = "",
    status: str = "",
    host: Organization | None = None,
    year: int | None = None,
    query: str = "",
) -> QuerySet[Meeting]:
    """The list of the page, its Excel and the API: the meetings the user sees, filtered
    (`when` upcoming or past; `host` with the units below it; `query` word by word on the
    folded title and place), with their active and confirmed points counted. Upcoming ones
    first, soonest first, then past ones, latest first."""
    meetings = meetings_for_user(user).annotate(
        n_points=Count("points", filter=Q(points__withdrawn_at__isnull=True)),
        n_confirmed=Count(
            "points",
            filter=Q(points__withdrawn_at__isnull=True, points__confirmed_at__isnull=False),
        ),
    )
    if when == "upcoming":
        meetings = meetings.filter(ends_at__gte=now)
    elif when == "past":
        meetings = meetings.filter(ends_at__lt=now)
    if kind:
        meetings = meetings.filter(kind=kind)
    if status:
        meetings = meetings.filter(status=status)
    if host is not None:
        meetings = meetings.filter(host__path__startswith=host.path)
    if year is not None:
        meetings = meetings.filter(starts_at__year=year)
    for word in fold(query).split():
        meetings = meetings.filter(search_text__contains=word)
    upcoming = Q(ends_at__gte=now)
    return meetings.order_by(
        Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()),
        Case(When(upcoming, then=F("starts_at"))).asc(nulls_last=True),
        F("starts_at").desc(),
        "-pk",
    )


def get_meeting_for_user(user: User, pk: object) -> Meeting:
    return one_or_404(meetings_for_user(user), pk)


LEVEL_RANK = Case(
    *[When(level=level, then=Value(n)) for n, level in enumerate(LEVEL_ORDER)],
    default=Value(len(LEVEL_ORDER)),
    output_field=IntegerField(),
)


def points_of(meeting: Meeting) -> QuerySet[BridgePoint]:
    """The active points: the host's, the guests, then by level from the province down, in the
    order of the unit tree."""
    return (
        meeting.points.active()
        .select_related("organization", "organization__area")
        .order_by("-is_host", "-is_guest", LEVEL_RANK, "organization__path")
    )


def points_named(points: QuerySet[BridgePoint], query: str) -> QuerySet[BridgePoint]:
    """The points whose unit's name holds every word of the query, with or without diacritics
    («muong xen» finds «Mường Xén»), for the page and the API alike."""
    for word in fold(query).split():
        points = points.filter(organization__search_name__contains=word)
    return points


def get_point(meeting: Meeting, pk: object) -> BridgePoint:
    return one_or_404(points_of(meeting), pk)


def conclusions_of(meeting: Meeting) -> QuerySet[Conclusion]:
    return meeting.conclusions.select_related("organization").order_by("due_on", "pk")


def get_conclusion(meeting: Meeting, pk: object) -> Conclusion:
    return one_or_404(conclusions_of(meeting), pk)


def upcoming_for_user(user: User, now: datetime.datetime, limit: int = 5) -> list[Meeting]:
    return list(
        meetings_for_user(user)
        .filter(status=Status.SCHEDULED, ends_at__gte=now)
        .order_by("starts_at", "pk")[:limit]
    )


# --- Totals of the bridge points ---------------------------------------------------------------


@dataclass
class LevelTotal:
    level: str
    points: int = 0
    confirmed: int = 0
    expected: int = 0
    attending: int = 0
    expected_confirmed: int = 0  # delegates expected at the points that confirmed

    @property
    def label(self) -> str:
        try:
            return str(AreaLevel(self.level).label)
        except ValueError:
            return self.level

    @property
    def rate(self) -> float | None:
        """Delegates attending per delegate expected at the points that confirmed, in %."""
        if not self.expected_confirmed:
            return None
        return round(100 * self.attending / self.expected_confirmed, 1)


@dataclass
class Totals:
    levels: list[LevelTotal] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(t.points for t in self.levels)

    @property
    def confirmed(self) -> int:
        return sum(t.confirmed for t in self.levels)

    @property
    def expected(self) -> int:
        return sum(t.expected for t in self.levels)

    @property
    def attending(self) -> int:
        return sum(t.attending for t in self.levels)

    @property
    def rate(self) -> float | None:
        expected = sum(t.expected_confirmed for t in self.levels)
        return round(100 * self.attending / expected, 1) if expected else None


def totals(meeting: Meeting) -> Totals:
    """Points and delegates by level, in one query: points, confirmed points, delegates expected
    (all points) and attending (confirmed points)."""
    rows = (
        meeting.points.active()
        .values("level")
        .annotate(
            n=Count("pk"),
            n_confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            n_expected=Coalesce(Sum("expected"), 0),
            n_attending=Coalesce(Sum("attending", filter=Q(confirmed_at__isnull=False)), 0),
            n_expected_confirmed=Coalesce(Sum("expected", filter=Q(confirmed_at__isnull=False)), 0),
        )
    )
    by_level = {
        r["level"]: LevelTotal(
            r["level"],
            r["n"],
            r["n_confirmed"],
            r["n_expected"],
            r["n_attending"],
            r["n_expected_confirmed"],
        )
        for r in rows
    }
    order = {str(level): n for n, level in enumerate(LEVEL_ORDER)}
    return Totals(sorted(by_level.values(), key=lambda t: order.get(t.level, 99)))


def open_conclusions(meeting: Meeting) -> int:
    return meeting.conclusions.filter(status=ConclusionStatus.OPEN).count()


FEED_DAYS_BACK = 180


def feed_for_user(user: User, now: datetime.datetime) -> list[Meeting]:
    """A person's calendar: the meetings they see from half a year back, cancelled ones
    included (a calendar program removes them on reading STATUS:CANCELLED)."""
    since = now - datetime.timedelta(days=FEED_DAYS_BACK)
    return list(meetings_for_user(user).filter(ends_at__gte=since).order_by("starts_at", "pk"))


# --- Whose points, which units -------------------------------------------------------------

OWN_POINTS = 5


def own_points(user: User, meeting: Meeting, manager: bool, preview: list[BridgePoint]) -> Any:
    """The points the reader answers for: those of the units they are a member of (with the
    edit verb); failing that, the first points below those units (a commune's officer sees the
    commune's points), or the host's point for the host's officers."""
    paths = [p for p, role, _a in scope_for(user).entries if Verb.EDIT in PERMISSIONS[role]]
    points = points_of(meeting)
    own = list(points.filter(organization__path__in=paths)[:OWN_POINTS]) if paths else []
    if not own and manager:
        own = [p for p in preview if p.is_host]
    elif not own and paths:
        below = Q()
        for path in paths:
            below |= Q(organization__path__startswith=path)
        own = list(points.filter(below)[:OWN_POINTS])
    return own


def point_units(user: User, meeting: Meeting) -> QuerySet[Organization]:
    """Units a point may be added for: the host's tree and, as guests, units the user sees;
    those already joining left out."""
    seen = Organization.objects.visible_to(user).values("pk")
    return (
        Organization.objects.active()
        .filter(Q(path__startswith=meeting.host.path) | Q(pk__in=seen))
        .exclude(pk__in=meeting.points.active().values("organization_id"))
        .select_related("area")
        .order_by("path")
    )


def conclusion_units(meeting: Meeting) -> QuerySet[Organization]:
    """A task goes to a unit of the host's tree or one of the bridge points."""
    points = meeting.points.active().values("organization_id")
    return (
        Organization.objects.active()
        .filter(Q(path__startswith=meeting.host.path) | Q(pk__in=points))
        .select_related("area")
        .order_by("path")
    )
