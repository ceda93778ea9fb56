"""Completeness and timeliness: which units below have reported on a form for a period, on
time or not, level by level, and over recent periods (the completeness board, its API and the
reminders to the late)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from danvan.lib import periods
from danvan.org.models import AreaLevel, Organization, Role

from .models import Form, Submission, SubmissionStatus
from .selectors import reporting_in, reporting_units


def _nearest_reporting_parent(paths: dict[str, int], path: str, top: str) -> str:
    step = Organization.steplen
    for end in range(len(path) - step, len(top) - 1, -step):
        if path[:end] in paths:
            return path[:end]
    return top


def submitted_on_time(submission: Submission | None, deadline: datetime.date) -> bool | None:
    """Whether a report was submitted by its deadline (its local date); None if not submitted."""
    if submission is None or submission.submitted_at is None:
        return None
    return timezone.localdate(submission.submitted_at) <= deadline


@dataclass
class ChildStatus:
    organization: Organization
    submission: Submission | None
    deadline: datetime.date
    reminded_at: datetime.datetime | None = None

    @property
    def state(self) -> str:
        """approved, submitted, returned, draft or missing."""
        return self.submission.status if self.submission else "missing"

    @property
    def has_submitted(self) -> bool:
        return bool(self.submission and self.submission.submitted_at)

    @property
    def on_time(self) -> bool | None:
        return submitted_on_time(self.submission, self.deadline)

    def is_late(self, today: datetime.date) -> bool:
        return not self.has_submitted and today > self.deadline


@dataclass
class LevelRate:
    level: str
    label: str
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    approved: int = 0

    @property
    def submitted_pct(self) -> int:
        return round(100 * self.submitted / self.expected) if self.expected else 0

    @property
    def on_time_pct(self) -> int:
        return round(100 * self.on_time / self.expected) if self.expected else 0


@dataclass
class Completeness:
    form: Form
    organization: Organization
    period: periods.Period
    deadline: datetime.date
    children: list[ChildStatus]
    levels: list[LevelRate] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for c in self.children if c.state == state)

    @property
    def submitted(self) -> int:
        return sum(1 for c in self.children if c.has_submitted)

    @property
    def on_time(self) -> int:
        return sum(1 for c in self.children if c.on_time)

    @property
    def approved(self) -> int:
        return self.count(SubmissionStatus.APPROVED)

    def late(self, today: datetime.date) -> list[ChildStatus]:
        return [c for c in self.children if c.is_late(today)]


def completeness(form: Form, organization: Organization, period: periods.Period) -> Completeness:
    """For a parent: each child unit's report (approved, submitted on time or late, missing),
    and rates per level over every reporting unit below. Four queries. The reports are read
    for their state only (status, submitted_at): a caller wanting more reads them again."""
    from .models import Reminder

    units = list(
        reporting_units(form, period, within=organization)
        .exclude(pk=organization.pk)
        .select_related("area")
        .order_by("path")
    )
    paths = {u.path: u.pk for u in units}
    submissions = {
        s.organization_id: s
        for s in Submission.objects.filter(
            form=form, period=period.code, organization_id__in=list(paths.values())
        ).only("organization_id", "period", "status", "submitted_at")
    }
    reminded: dict[int, datetime.datetime] = {}
    for org_id, sent_at in Reminder.objects.filter(
        form=form, period=period.code, organization_id__in=list(paths.values())
    ).values_list("organization_id", "sent_at"):
        reminded[org_id] = max(sent_at, reminded.get(org_id, sent_at))
    deadline = form.deadline(period)
    children = []
    for unit in units:
        status = ChildStatus(unit, submissions.get(unit.pk), deadline, reminded.get(unit.pk))
        if _nearest_reporting_parent(paths, unit.path, organization.path) == organization.path:
            children.append(status)
    levels = _level_rates(
        ((unit.area.level if unit.area_id else "", submissions.get(unit.pk)) for unit in units),
        deadline,
    )
    return Completeness(form, organization, period, deadline, children, levels)


def _level_rates(
    units: Iterable[tuple[str, Submission | None]], deadline: datetime.date
) -> list[LevelRate]:
    """The rates per area level over (level, report or None) of every reporting unit."""
    level_names = dict(AreaLevel.choices)
    rates: dict[str, LevelRate] = {}
    for level, submission in units:
        rate = rates.get(level)
        if rate is None:  # a level's name translated once, not once a unit
            rate = rates[level] = LevelRate(level, str(level_names.get(level, "—")))
        rate.expected += 1
        rate.submitted += bool(submission and submission.submitted_at)
        rate.on_time += bool(submitted_on_time(submission, deadline))
        rate.approved += bool(submission and submission.status == SubmissionStatus.APPROVED)
    order = {v: i for i, v in enumerate(AreaLevel.values)}
    return sorted(rates.values(), key=lambda r: order.get(r.level, 99))


OFFICER_ROLES: list[str] = [Role.REPORTER, Role.SPECIALIST, Role.LEADER]


def without_officer(organizations: list[Organization]) -> list[Organization]:
    """The units among these with no officer a reminder can reach (no reporter, specialist or
    leader with an e-mail address): one query."""
    from danvan.org.selectors import member_emails_by_org

    emails = member_emails_by_org([o.pk for o in organizations], OFFICER_ROLES)
    return [o for o in organizations if not any(e for e in emails.get(o.pk, []))]


def completeness_over_periods(
    form: Form, organization: Organization, codes: list[periods.Period]
) -> list[tuple[periods.Period, list[LevelRate]]]:
    """The rates per level of each period: the board's trend. One query for the periods' units
    (their levels only) and one for all the periods' reports."""
    submissions = {
        (s.organization_id, s.period): s
        for s in Submission.objects.filter(
            form=form,
            period__in=[p.code for p in codes],
            organization__path__startswith=organization.path,
        ).only("organization_id", "period", "status", "submitted_at")
    }
    units: dict[str, list[tuple[int, str]]] = {period.code: [] for period in codes}
    for row, pairs in reporting_in(
        Organization.objects.filter(path__startswith=organization.path).exclude(pk=organization.pk),
        [(form, period) for period in codes],
        "pk",
        "area__level",
    ):
        for _form, code in pairs:
            units[code].append((row["pk"], row["area__level"] or ""))
    trend = []
    for period in codes:
        rows = ((level, submissions.get((pk, period.code))) for pk, level in units[period.code])
        trend.append((period, _level_rates(rows, form.deadline(period))))
    return trend
