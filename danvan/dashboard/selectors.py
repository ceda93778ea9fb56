"""What the home page shows of one's scope, each read from where the figures already live.

Key figures come from the roll-ups and the derived-figure registry (`reporting.rollups.figures`),
never by walking records here; completeness from the reporting board's selector; hot spots and
alerts, programmes and the areas below from their apps' scoped querysets and scorecard. Every
card is a fixed number of queries whatever the number of records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from danvan.accounts.models import User
from danvan.dialogue import scorecard
from danvan.lib import figures as derived
from danvan.lib import periods
from danvan.org.models import Organization, Role, scope_for
from danvan.org.scopes import ReportingScope
from danvan.programs.models import OPEN_STATUSES, Program, ProgramStatus, Task, TaskStatus
from danvan.reporting import rollups
from danvan.reporting import selectors as reporting
from danvan.reporting.models import Indicator
from danvan.reporting.selectors_completeness import completeness
from danvan.situation.models import SERIOUS_LEVELS, Alert, AlertStatus, Note, NoteStatus

LEADING_ROLES = {Role.ADMIN, Role.LEADER, Role.SPECIALIST}


def home_unit(user: User) -> Organization | None:
    """The highest unit the user belongs to (the whole tree's top for a superuser)."""
    memberships = sorted(
        user.active_memberships().select_related("organization__area"),
        key=lambda m: (m.organization.depth, m.organization.path),
    )
    if memberships:
        return memberships[0].organization
    if user.is_superuser:
        return Organization.objects.select_related("area").order_by("depth", "path").first()
    return None


def leads(user: User, unit: Organization) -> bool:
    """Whether the user reads the scope as a leader or specialist (else: their own work)."""
    if user.is_superuser:
        return True
    return any(
        role in LEADING_ROLES and unit.path.startswith(path)
        for path, role, _area in scope_for(user).entries
    )


# --- Key figures ------------------------------------------------------------------------


@dataclass
class Figure:
    indicator: Indicator
    values: list[Decimal | None]  # oldest first; the last is the current period

    @property
    def current(self) -> Decimal | None:
        return self.values[-1]

    @property
    def previous(self) -> Decimal | None:
        return self.values[-2] if len(self.values) > 1 else None

    @property
    def change(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass
class KeyFigures:
    unit: Organization
    spans: list[periods.Period]  # oldest first
    figures: list[Figure] = field(default_factory=list)

    @property
    def period(self) -> periods.Period:
        return self.spans[-1]


def dashboard_period(today: datetime.date) -> periods.Period:
    kind = periods.PeriodType(settings.DANVAN_DASHBOARD["period_type"])
    return periods.from_date(today, kind)


def key_figures(unit: Organization, today: datetime.date) -> KeyFigures:
    """The configured indicators for the unit's scope: this period, the one before and a trend
    (`DANVAN_DASHBOARD`), read from the roll-ups and the derived figures."""
    codes = list(settings.DANVAN_DASHBOARD["indicators"])
    count = int(settings.DANVAN_DASHBOARD["trend"])
    spans = [dashboard_period(today)]
    while len(spans) < count:
        spans.insert(0, spans[0].previous())
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes, is_active=True)}
    indicators = [found[c] for c in codes if c in found]
    result = KeyFigures(unit, spans)
    if not indicators:
        return result
    calculator = derived.Calculator()
    by_period = [rollups.figures(indicators, [unit], span, calculator=calculator) for span in spans]
    for indicator in indicators:
        values = [values_.get((unit.pk, indicator.pk)) for values_ in by_period]
        result.figures.append(Figure(indicator, values))
    return result


# --- Reports below ----------------------------------------------------------------------


@dataclass
class ReportsBelow:
    form: Any
    period: periods.Period
    deadline: datetime.date
    expected: int
    submitted: int
    on_time: int
    approved: int
    late: int
    url: str

    @property
    def submitted_pct(self) -> int:
        return round(100 * self.submitted / self.expected) if self.expected else 0


def reports_below(user: User, unit: Organization, today: datetime.date) -> list[ReportsBelow]:
    """For each report form, the units directly below: sent, on time, approved, late — the
    latest period whose window has closed (the completeness board's figures)."""
    if not reporting.may_review_for(user, unit):
        return []
    rows = []
    for form in reporting.forms_for_user(user)[:3]:
        recent = reporting.recent_periods(form, today, 1)
        if not recent:
            continue
        board = completeness(form, unit, recent[0])
        if not board.children:
            continue
        url = (
            reverse("report_completeness")
            + "?"
            + urlencode({"form": form.pk, "org": unit.pk, "period": recent[0].code})
        )
        rows.append(
            ReportsBelow(
                form, recent[0], board.deadline, len(board.children), board.submitted,
                board.on_time, board.approved, len(board.late(today)), url,
            )
        )  # fmt: skip
    return rows


# --- The people's situation ------------------------------------------------------------


@dataclass
class Situation:
    hot_spots: int
    complex: int
    alerts_open: int
    alerts: list[Alert]
    notes: list[Note]


def situation(user: User) -> Situation:
    """Hot spots and complex incidents still followed, and alerts not yet closed (3 queries)."""
    serious = Note.objects.visible_to(user).filter(
        level__in=SERIOUS_LEVELS, status=NoteStatus.FOLLOWING
    )
    counts = serious.aggregate(
        hot=Count("pk", filter=Q(level="hot_spot")), complex=Count("pk", filter=Q(level="complex"))
    )
    alerts = Alert.objects.visible_to(user).exclude(status=AlertStatus.CLOSED)
    return Situation(
        hot_spots=counts["hot"],
        complex=counts["complex"],
        alerts_open=alerts.filter(status=AlertStatus.OPEN).count(),
        alerts=list(alerts.select_related("area", "topic").order_by("-raised_on", "-pk")[:5]),
        notes=list(serious.select_related("area", "topic").order_by("-event_date", "-pk")[:5]),
    )


# --- Programmes ------------------------------------------------------------------------


@dataclass
class ProgramProgress:
    program: Program
    tasks: int
    done: int
    overdue: int

    @property
    def done_pct(self) -> int:
        return round(100 * self.done / self.tasks) if self.tasks else 0


def programmes(user: User, today: datetime.date, limit: int = 5) -> list[ProgramProgress]:
    """Programmes in force in the scope with their tasks done and overdue (2 queries)."""
    progs = list(
        Program.objects.visible_to(user)
        .filter(status=ProgramStatus.IN_FORCE)
        .select_related("lead")
        .order_by("-starts_on", "title")[:limit]
    )
    counts = {
        row["content__program_id"]: row
        for row in Task.objects.filter(content__program__in=progs)
        .exclude(status=TaskStatus.CANCELLED)
        .values("content__program_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        )
    }
    out = []
    for program in progs:
        row: dict[str, Any] = dict(counts.get(program.pk, {}))
        out.append(
            ProgramProgress(program, row.get("total", 0), row.get("done", 0), row.get("overdue", 0))
        )
    return out


# --- The areas below -------------------------------------------------------------------


def areas_ranked(unit: Organization, today: datetime.date, limit: int = 10) -> list[Any]:
    """The areas below ranked by how their petitions were answered this period (the
    scorecard's lines: received, settled on time, dialogues held against those due)."""
    period = dashboard_period(today)
    lines = scorecard.by_area(ReportingScope.of(unit), period)
    return lines[:limit]
