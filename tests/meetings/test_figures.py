"""The figures the half-year report derives from meetings (lib/figures), against a plain count
over the records, and the half-year form that reads them."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import figures as registry
from danvan.lib import periods
from danvan.meetings import demo_report, figures, services, services_points
from danvan.meetings.models import Format, Kind, Meeting, Status
from danvan.org.models import Organization, OrganizationKind
from danvan.org.scopes import ReportingScope
from danvan.reporting import definitions, selectors
from danvan.reporting import services as reporting_services
from danvan.reporting.demo import SIX_MONTH
from danvan.reporting.models import SectionKind
from tests.conftest import World, kind

pytestmark = pytest.mark.django_db

S1 = periods.parse("2026S1")


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def meeting(
    actor: User, host: Organization, day: datetime.date, hour: int = 8, **fields: object
) -> Meeting:
    values: dict[str, object] = {
        "kind": Kind.WORKING_SESSION, "title": f"Hội nghị ngày {day:%d/%m}",
        "starts_at": local(day, hour), "ends_at": local(day, hour) + datetime.timedelta(hours=2),
    }  # fmt: skip
    values.update(fields)
    return services.meeting_create(actor=actor, host=host, **values)  # type: ignore[arg-type]


def held(actor: User, found: Meeting) -> Meeting:
    return services.meeting_record_minutes(actor=actor, meeting=found, minutes="Biên bản hội nghị")


@pytest.fixture
def records(world: World, tinh: User, xa: User, xa2: User) -> dict[str, Meeting]:
    """Held in the first half of 2026: the commission's online interim review with both
    communes' Fronts as points (commune B's not confirmed), commune B's Front's hybrid final
    review on 30 June in the evening, commune A's Front's working session; and the meetings
    that must not count: one cancelled, one never held, one held on 1 July."""
    review = meeting(
        tinh, world.commission, datetime.date(2026, 3, 10), kind=Kind.INTERIM_REVIEW,
        format=Format.ONLINE, host_expected=120,
    )  # fmt: skip
    fronts = OrganizationKind.objects.get(code="fatherland_front")
    services_points.points_invite_level(
        actor=tinh, meeting=review, level="commune", kind=fronts, expected=30
    )
    services_points.point_confirm(actor=tinh, point=review.points.get(is_host=True), attending=110)
    services_points.point_confirm(actor=xa, point=review.points.get(organization=world.front_a),
                           attending=25)  # fmt: skip
    held(tinh, review)
    final = meeting(
        xa2, world.front_b, datetime.date(2026, 6, 30), 20, kind=Kind.FINAL_REVIEW,
        format=Format.HYBRID, host_expected=40,
    )  # fmt: skip
    services_points.point_confirm(actor=xa2, point=final.points.get(), attending=36)
    held(xa2, final)
    session = held(xa, meeting(xa, world.front_a, datetime.date(2026, 4, 2)))
    cancelled = meeting(tinh, world.commission, datetime.date(2026, 5, 20))
    services.meeting_cancel(actor=tinh, meeting=cancelled, reason="Hoãn")
    never = meeting(tinh, world.commission, datetime.date(2026, 5, 21))
    # 06:00 on 1 July in Vietnam is still 30 June in UTC: the next half year by the local date.
    next_half = meeting(
        tinh, world.commission, datetime.date(2026, 7, 1), 6, kind=Kind.INTERIM_REVIEW,
        format=Format.ONLINE, host_expected=50,
    )  # fmt: skip
    services_points.point_confirm(actor=tinh, point=next_half.points.get(), attending=50)
    held(tinh, next_half)
    return {"review": review, "final": final, "session": session, "cancelled": cancelled,
            "never": never, "next_half": next_half}  # fmt: skip


def brute_force(scope: ReportingScope, period: periods.Period) -> dict[str, int | Decimal]:
    """The figures counted one record at a time, in Python."""
    found: dict[str, int] = dict.fromkeys(
        [name for name in figures.FIGURES if name != "attendance_rate"], 0
    )
    expected = 0
    for m in Meeting.objects.all():
        in_scope = any(m.host.path.startswith(path) for path in scope.org_paths)
        day = timezone.localtime(m.starts_at).date()
        if not (in_scope and period.start <= day <= period.end and m.status == Status.HELD):
            continue
        found["meetings_held"] += 1
        found["review_conferences_held"] += m.kind in (Kind.INTERIM_REVIEW, Kind.FINAL_REVIEW)
        found["online_meetings_held"] += m.format in (Format.ONLINE, Format.HYBRID)
        for p in m.points.all():
            if p.withdrawn_at is not None:
                continue
            attending = p.attending or 0 if p.confirmed_at else 0
            found["bridge_points"] += 1
            found["delegates_attending"] += attending
            expected += p.expected if p.confirmed_at else 0
            if p.level in ("province", "commune"):
                found[f"points_{p.level}"] += 1
                found[f"delegates_{p.level}"] += attending
    result: dict[str, int | Decimal] = dict(found)
    if expected:
        rate = Decimal(100) * found["delegates_attending"] / expected
        result["attendance_rate"] = rate.quantize(Decimal("0.1"))
    return result


def test_the_figures_are_registered() -> None:
    for name in figures.FIGURES:
        source = registry.get(f"meetings.{name}")
        assert source is not None and source.group == "meetings", name
    url = registry.records_url("meetings.meetings_held", 7, S1)
    assert url == "/meetings/?status=held&year=2026"


def test_the_figures_equal_a_count_over_the_records(
    world: World, tinh: User, records: dict[str, Meeting],
    django_assert_num_queries: Callable[..., object],
) -> None:  # fmt: skip
    scope = ReportingScope.of(world.commission)
    with django_assert_num_queries(2):
        found = figures.meeting_figures(scope, S1)
    assert found == brute_force(scope, S1)
    # What it comes to: neither the cancelled, the unheld nor the next half year's meeting.
    assert found == {
        "meetings_held": 3, "review_conferences_held": 2, "online_meetings_held": 2,
        "bridge_points": 4, "delegates_attending": 110 + 25 + 36,
        "attendance_rate": Decimal("90.0"),  # 171 of the 120 + 30 + 40 expected where confirmed
        "points_province": 1, "points_commune": 3,
        "delegates_province": 110, "delegates_commune": 25 + 36,
    }  # fmt: skip
    # A withdrawn point counts no more.
    review = records["review"]
    services_points.point_withdraw(actor=tinh, point=review.points.get(organization=world.front_b))
    assert figures.meeting_figures(scope, S1)["bridge_points"] == 3
    assert figures.meeting_figures(scope, S1) == brute_force(scope, S1)
    # Commune A's Party committee: its Front's working session, not the commission's review.
    party_a = ReportingScope.of(world.party_a)
    assert figures.meeting_figures(party_a, S1) == brute_force(party_a, S1)
    assert figures.meeting_figures(party_a, S1)["meetings_held"] == 1
    assert "attendance_rate" not in figures.meeting_figures(party_a, S1)  # nobody expected
    s2 = periods.parse("2026S2")
    assert figures.meeting_figures(scope, s2) == brute_force(scope, s2)
    assert figures.meeting_figures(scope, s2)["meetings_held"] == 1
    # A pivot's rows: two grouped queries whatever the units, each unit's own figures.
    units = [party_a, ReportingScope.of(world.party_b)]
    with django_assert_num_queries(2):
        together = figures.meeting_figures_of(units, S1)
    assert together == [brute_force(u, S1) for u in units]
    calculator = registry.Calculator()
    assert calculator.value("meetings.attendance_rate", party_a, S1) is None
    assert calculator.value("meetings.delegates_attending", scope, S1) == Decimal(171)


def test_the_half_year_report_reads_them(world: World, records: dict[str, Meeting]) -> None:
    form = definitions.form_create(
        actor=None, code=SIX_MONTH, name="Báo cáo kết quả công tác dân vận",
        periodicity="half", kinds=[kind("mobilization_commission"), kind("fatherland_front")],
        sections=[{"title": "Kết quả nổi bật", "title_en": "Main results", "kind": "narrative"}],
    )  # fmt: skip
    assert demo_report.add_to_six_month_form(io.StringIO()) == len(demo_report.INDICATORS)
    assert demo_report.add_to_six_month_form(io.StringIO()) == 0  # nothing twice
    sections = list(form.sections.order_by("order"))
    assert [s.kind for s in sections] == [SectionKind.INDICATORS, SectionKind.NARRATIVE]
    layout = selectors.form_layout(form)
    commission = reporting_services.submission_start(
        actor=None, form=form, organization=world.commission, period="2026S1"
    )
    values = selectors.report_values(commission, layout)
    assert values["MEETINGS_HELD"] == Decimal(3)
    assert values["MEETINGS_REVIEWS"] == Decimal(2)
    assert values["MEETINGS_POINTS"] == Decimal(4)
    assert values["MEETINGS_DELEGATES"] == Decimal(171)
    front_b = reporting_services.submission_start(
        actor=None, form=form, organization=world.front_b, period="2026S1"
    )
    values = selectors.report_values(front_b, layout)
    assert (values["MEETINGS_HELD"], values["MEETINGS_DELEGATES"]) == (Decimal(1), Decimal(36))
