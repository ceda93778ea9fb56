"""The reception schedule board: which heads receive citizens as often as the rules ask, and
which communes held their yearly dialogue conference.

`settings.DANVAN_RECEPTION_SCHEDULE` says, per area level of the unit, how many reception days a
month each head owes (`{"commune": {"party_secretary": 2, "committee_chair": 2}, ...}`); a head
is a unit of the matching kind at that level (a Party committee's secretary, a People's
Committee's chair). A reception day is a distinct date on which the unit's head held a session.
Three queries whatever the number of units: the units, the reception days grouped by unit, head
and month, the conferences grouped by unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from danvan.org.models import AreaLevel, Organization

from .models import Dialogue, DialogueKind, DialogueStatus, HostRole, Reception

if TYPE_CHECKING:
    from danvan.accounts.models import User

# Whose head each host role is: the kind of unit that has one.
ROLE_KINDS: dict[str, str] = {
    HostRole.PARTY_SECRETARY: "party_committee",
    HostRole.COMMITTEE_CHAIR: "government",
    HostRole.COUNCIL_CHAIR: "government",
    HostRole.FRONT_CHAIR: "fatherland_front",
}
# The commune units that owe the yearly dialogue conference.
CONFERENCE_KINDS = ("government", "party_committee")
HELD = (DialogueStatus.HELD, DialogueStatus.PUBLISHED)


@dataclass
class Month:
    number: int
    held: int
    required: int
    state: str  # "met", "behind", "current" (still running) or "future"


@dataclass
class Head:
    """One head of one unit, over the year."""

    organization: Organization
    host_role: str
    required: int  # reception days a month
    months: list[Month] = field(default_factory=list)
    conferences_held: int | None = None  # None: no conference owed
    conferences_due: int | None = None
    year_over: bool = False

    @property
    def role_label(self) -> str:
        return str(HostRole(self.host_role).label)

    @property
    def months_behind(self) -> int:
        return sum(1 for m in self.months if m.state == "behind")

    @property
    def days_held(self) -> int:
        return sum(m.held for m in self.months)

    @property
    def conference_short(self) -> bool:
        return (
            self.conferences_due is not None and (self.conferences_held or 0) < self.conferences_due
        )

    @property
    def conference_behind(self) -> bool:
        """Short of the year's conferences once the year is over."""
        return self.conference_short and self.year_over

    @property
    def behind(self) -> bool:
        return self.months_behind > 0 or self.conference_behind


def rules() -> dict[str, dict[str, int]]:
    return settings.DANVAN_RECEPTION_SCHEDULE


def _units(user: User, year: int, organization: Organization | None) -> QuerySet[Organization]:
    """The units in the user's scope that have a head the schedule covers, existing that year."""
    wanted = Q(pk__in=[])
    for level, roles in rules().items():
        kinds = {ROLE_KINDS[r] for r in roles if r in ROLE_KINDS}
        if kinds:
            wanted |= Q(area__level=level, kind__code__in=sorted(kinds))
    units = (
        Organization.objects.visible_to(user)
        .filter(wanted)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=datetime.date(year, 1, 1)))
    )
    if organization is not None:
        units = units.filter(path__startswith=organization.path)
    return units


def _month_state(number: int, held: int, required: int, year: int, today: datetime.date) -> str:
    if year > today.year or (year == today.year and number > today.month):
        return "future"
    if held >= required:
        return "met"
    if year == today.year and number == today.month:
        return "current"
    return "behind"


def schedule(
    user: User,
    year: int,
    *,
    organization: Organization | None = None,
    today: datetime.date,
) -> list[Head]:
    """The heads in the user's scope with their reception days per month, those behind first."""
    units = _units(user, year, organization)
    days: dict[tuple[int, str, int], int] = {}
    held = (
        Reception.objects.filter(organization__in=units.values("pk"), held_on__year=year)
        .annotate(month=ExtractMonth("held_on"))
        .order_by()
        .values("organization_id", "host_role", "month")
        .annotate(days=Count("held_on", distinct=True))
    )
    for row in held:
        days[(row["organization_id"], row["host_role"], row["month"])] = row["days"]
    conferences = dict(
        Dialogue.objects.filter(
            organization__in=units.filter(
                area__level=AreaLevel.COMMUNE, kind__code__in=CONFERENCE_KINDS
            ).values("pk"),
            kind=DialogueKind.CONFERENCE,
            status__in=HELD,
            held_on__year=year,
        )
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    per_year = settings.DANVAN_DIALOGUE["conferences_per_year"]
    heads: list[Head] = []
    for unit in units.select_related("area", "kind").order_by("path"):
        owes_conference = (
            unit.area.level == AreaLevel.COMMUNE and unit.kind.code in CONFERENCE_KINDS
        )
        for role, required in rules().get(unit.area.level, {}).items():
            if ROLE_KINDS.get(role) != unit.kind.code:
                continue
            head = Head(organization=unit, host_role=role, required=required)
            head.year_over = year < today.year
            for number in range(1, 13):
                count = days.get((unit.pk, role, number), 0)
                state = _month_state(number, count, required, year, today)
                head.months.append(Month(number, count, required, state))
            if owes_conference:
                head.conferences_held = conferences.get(unit.pk, 0)
                head.conferences_due = per_year
            heads.append(head)
    heads.sort(
        key=lambda h: (not h.behind, -h.months_behind, not h.conference_short, h.organization.path)
    )
    return heads
