"""The meetings of the demo province, anchored on today.

What it tells: last July the provincial commission held its online review of the first half
year's mass mobilization work, in the national conferences' style: the province hall as the
host point, every commune's and ward's Fatherland Front invited as a bridge point in one step,
30 delegates expected at each. Most points confirmed their delegates the day before, with
numbers near what was expected; a few never reported; Mường Xén's Front (xa) brought more
delegates than expected and said why; Mỹ Lý's link failed at the first check (a cable cut by
the rain) and was good the next day. The minutes, the chair's conclusion, the period reviewed
(`<year>S1`) and the half-year report form presented are recorded. In a few days comes the
year-end review, the same way: the points are invited, some have confirmed, xa's has not yet —
it waits in his agenda.

In March 2021 the commission signed its 2021–2025 coordination programme with the armed
forces, the Ethnic and the Religious committees at a signing conference (in person, on the
programme's signing date, the programme linked). A few weeks ago the province's standing
deputy secretary held a working session with the commission on the year's work; its
conclusions became tasks of units: the provincial Front's is done, xa's Front has one due in a
few days, Mỹ Lý's Front (xa2) one already overdue.

The demo's half-year report form gets the meetings' derived figures (`demo_report.py`).
Every write goes through the services, as the demo users (tinh for the host, xa and xa2 for
their points, mattran for the provincial Front); the times the services stamp as «now»
(invited, checked, confirmed, the history) are set back afterwards to when the story has them.
Chairs and presenters are offices, never names.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import TextIO

import holidays
from django.apps import apps
from django.test.utils import override_settings
from django.utils import timezone

from danvan.accounts.models import User
from danvan.documents.models import Document
from danvan.org.models import AreaLevel, Organization, OrganizationKind
from danvan.programs.models import Program
from danvan.reporting.models import Form

from . import demo_report, selectors, services, services_points
from . import demo_texts as texts
from .models import (
    AgendaItem,
    BridgePoint,
    CheckResult,
    Conclusion,
    ConclusionReminder,
    ConclusionStatus,
    FeedKey,
    Format,
    Kind,
    Meeting,
    MeetingReminder,
    Status,
)

MUONG_XEN, MY_LY = "16813", "16816"  # xa's and xa2's communes
HALF_YEAR_FORM = "bao-cao-dan-van-6-thang"
SIGNED_PROGRAMME = "CTPH-03/2021"  # the 2021–2025 programme with the armed forces
POINT_EXPECTED = 30
HOST_EXPECTED = 120
_VN = holidays.country_holidays("VN")

# --- Reset and load ------------------------------------------------------------------------


def reset() -> None:
    """Remove every meeting, with its points, agenda, conclusions, reminders and history."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        ConclusionReminder.objects.all().delete()
        MeetingReminder.objects.all().delete()
        FeedKey.objects.all().delete()
        for name in (
            "HistoricalMeeting_report_forms",
            "HistoricalMeeting_documents",
            "HistoricalAgendaItem_documents",
        ):
            apps.get_model("meetings", name).objects.all().delete()
        for model in (Conclusion, BridgePoint, AgendaItem, Meeting):
            model.history.all().delete()  # type: ignore[attr-defined]
            model.objects.all().delete()


@dataclass
class Cast:
    today: datetime.date
    commission: Organization
    province_front: Organization
    fronts: dict[str, Organization]  # the communes' Fronts by area code
    front_kind: OrganizationKind
    tinh: User
    xa: User
    xa2: User
    mattran: User
    half_form: Form
    documents: dict[str, Document]


def load(out: TextIO) -> None:
    c = _cast(timezone.localdate())
    held = _half_year_review(c)
    upcoming = _year_end_review(c)
    _signing(c)
    session = _working_session(c)
    overdue = session.conclusions.filter(status=ConclusionStatus.OPEN, due_on__lt=c.today)
    out.write(
        f"  meetings: {Meeting.objects.count()} "
        f"({Meeting.objects.filter(status=Status.HELD).count()} held), bridge points: "
        f"{held.points.count()} last July and {upcoming.points.count()} in "
        f"{(timezone.localtime(upcoming.starts_at).date() - c.today).days} days, "
        f"conclusions: {Conclusion.objects.count()} ({overdue.count()} overdue)\n"
    )
    # The half-year report form (the reporting demo's) reads the conferences' figures live.
    demo_report.add_to_six_month_form(out)


def _cast(today: datetime.date) -> Cast:
    users = {
        u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.danvan.vn")
    }
    front_kind = OrganizationKind.objects.get(code="fatherland_front")
    fronts = {
        o.area.code: o
        for o in Organization.objects.active()
        .filter(kind=front_kind, area__level=AreaLevel.COMMUNE)
        .select_related("area")
    }
    return Cast(
        today=today,
        commission=Organization.objects.get(depth=1),
        province_front=Organization.objects.active().get(
            kind=front_kind, area__level=AreaLevel.PROVINCE
        ),
        fronts=fronts,
        front_kind=front_kind,
        tinh=users["tinh"],
        xa=users["xa"],
        xa2=users["xa2"],
        mattran=users["mattran"],
        half_form=Form.objects.get(code=HALF_YEAR_FORM),
        documents={d.number: d for d in Document.objects.all()},
    )


# --- Dates ---------------------------------------------------------------------------------


def _working(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _VN


def _working_on_or_after(day: datetime.date) -> datetime.date:
    while not _working(day):
        day += datetime.timedelta(days=1)
    return day


def _working_on_or_before(day: datetime.date) -> datetime.date:
    while not _working(day):
        day -= datetime.timedelta(days=1)
    return day


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


@dataclass
class Times:
    """When the story has the acts the services stamped with the time of loading."""

    created: datetime.datetime
    items: datetime.datetime
    invited: datetime.datetime | None = None
    check_failed: datetime.datetime | None = None
    checked: datetime.datetime | None = None
    confirmed: datetime.datetime | None = None
    minutes: datetime.datetime | None = None
    conclusions: datetime.datetime | None = None


def _backdate(meeting: Meeting, t: Times) -> None:
    history = Meeting.history.filter(id=meeting.pk)  # type: ignore[attr-defined]
    Meeting.objects.filter(pk=meeting.pk).update(created_at=t.created)
    history.update(created_at=t.created)
    history.exclude(history_verb="held").update(history_date=t.created)
    if t.minutes:
        history.filter(history_verb="held").update(history_date=t.minutes)
    AgendaItem.history.filter(meeting_id=meeting.pk).update(history_date=t.items)  # type: ignore[attr-defined]
    points = BridgePoint.objects.filter(meeting=meeting)
    point_history = BridgePoint.history.filter(meeting_id=meeting.pk)  # type: ignore[attr-defined]
    point_history.filter(history_type="+", is_host=True).update(history_date=t.created)
    if t.invited:
        for rows in (points, point_history):
            rows.update(invited_at=t.invited)
        point_history.filter(history_type="+", is_host=False).update(history_date=t.invited)
    if t.checked:
        for rows in (points, point_history):
            rows.filter(checked_at__isnull=False).update(checked_at=t.checked)
        point_history.filter(history_verb="connection_checked").update(history_date=t.checked)
    if t.check_failed:
        failed = point_history.filter(check_result=CheckResult.FAILED)
        failed.update(checked_at=t.check_failed)
        failed.filter(history_verb="connection_checked").update(history_date=t.check_failed)
    if t.confirmed:
        for rows in (points, point_history):
            rows.filter(confirmed_at__isnull=False).update(confirmed_at=t.confirmed)
        point_history.filter(history_verb="confirmed").update(history_date=t.confirmed)
    if t.conclusions:
        conclusion_history = Conclusion.history.filter(meeting_id=meeting.pk)  # type: ignore[attr-defined]
        for rows in (Conclusion.objects.filter(meeting=meeting), conclusion_history):
            rows.update(created_at=t.conclusions)
        conclusion_history.filter(history_type="+").update(history_date=t.conclusions)


# --- Pieces --------------------------------------------------------------------------------


def _agenda(c: Cast, meeting: Meeting, items: list[tuple[int, str, str]], **words: object) -> None:
    for minutes, title, presenter in items:
        services.agenda_item_add(
            actor=c.tinh,
            meeting=meeting,
            starts_at=meeting.starts_at + datetime.timedelta(minutes=minutes),
            title=title.format(**words),
            presenter=presenter,
        )


def _commune(point: BridgePoint) -> tuple[str, str]:
    """(«xã Mường Xén», «xã»): the commune's name as written inside a sentence, its word."""
    name = point.organization.area.name
    local = name[0].lower() + name[1:]
    return local, local.split(" ", 1)[0]


def _confirm_as_reported(
    c: Cast, point: BridgePoint, n: int, attending: int, by: User | None = None, note: str = ""
) -> None:
    local, unit = _commune(point)
    services_points.point_confirm(
        actor=by or c.tinh,
        point=point,
        attending=attending,
        attendance_note=note,
        place=texts.POINT_PLACE.format(commune=local),
        chair=texts.POINT_CHAIRS[n % len(texts.POINT_CHAIRS)].format(unit=unit),
    )


# --- The half-year review, held last July ---------------------------------------------------


def _half_year_review(c: Cast) -> Meeting:
    year = c.today.year if c.today >= datetime.date(c.today.year, 7, 22) else c.today.year - 1
    day = _working_on_or_after(datetime.date(year, 7, 15))
    meeting = services.meeting_create(
        actor=c.tinh, host=c.commission, kind=Kind.INTERIM_REVIEW,
        title=texts.HALF_YEAR_TITLE.format(year=year),
        starts_at=_at(day, 8), ends_at=_at(day, 11, 30), format=Format.ONLINE,
        place=texts.HOST_HALL, video_url=f"https://hop.nghean.example/so-ket-6-thang-{year}",
        period=f"{year}S1", report_forms=[c.half_form],
        documents=[c.documents["25-NQ/TW"], c.documents["23-QĐ/TW"]],
        host_expected=HOST_EXPECTED, host_chair=texts.HEAD,
    )  # fmt: skip
    _agenda(c, meeting, texts.HALF_YEAR_AGENDA, year=year)
    services_points.points_invite_level(
        actor=c.tinh, meeting=meeting, level=AreaLevel.COMMUNE, kind=c.front_kind,
        expected=POINT_EXPECTED,
    )  # fmt: skip
    rng = random.Random(16)  # noqa: S311 — the same story on every load
    poor_checked = False
    for n, point in enumerate(selectors.points_of(meeting)):
        code = point.organization.area.code
        if point.is_host:
            services_points.point_check(actor=c.tinh, point=point, result=CheckResult.GOOD)
            services_points.point_confirm(actor=c.tinh, point=point, attending=HOST_EXPECTED - 6)
        elif code == MY_LY:
            # The cable cut by the rain the day before the check, mended by the next morning.
            services_points.point_check(
                actor=c.xa2, point=point, result=CheckResult.FAILED, note=texts.CHECK_FAILED_NOTE
            )
            services_points.point_check(
                actor=c.xa2, point=point, result=CheckResult.GOOD, note=texts.CHECK_FIXED_NOTE
            )
            _confirm_as_reported(c, point, n, POINT_EXPECTED - 2, by=c.xa2)
        elif code == MUONG_XEN:
            services_points.point_check(actor=c.xa, point=point, result=CheckResult.GOOD)
            _confirm_as_reported(
                c, point, n, POINT_EXPECTED + 6, by=c.xa, note=texts.OVER_EXPECTED_NOTE
            )
        elif n % 23 == 11:  # a few points never reported their delegates
            if not poor_checked:
                services_points.point_check(
                    actor=c.tinh, point=point, result=CheckResult.POOR, note=texts.CHECK_POOR_NOTE
                )
                poor_checked = True
        else:
            services_points.point_check(actor=c.tinh, point=point, result=CheckResult.GOOD)
            missing = rng.choice([0, 0, 0, 1, 1, 2, 2, 3, 4, 5])
            _confirm_as_reported(c, point, n, POINT_EXPECTED - missing)
    totals = selectors.totals(meeting)
    services.meeting_record_minutes(
        actor=c.tinh,
        meeting=meeting,
        minutes=texts.HALF_YEAR_MINUTES.format(
            year=year,
            points=totals.points - 1,
            confirmed=totals.confirmed,
            all=totals.points,
            attending=f"{totals.attending:,}".replace(",", "."),
        ),
        chair_conclusion=texts.HALF_YEAR_CONCLUSION.format(year=year),
    )
    _backdate(
        meeting,
        Times(
            created=_at(_days(day, -21), 9, 30),
            items=_at(_days(day, -20), 10),
            invited=_at(_days(day, -14), 10),
            check_failed=_at(_days(day, -2), 15),
            checked=_at(_days(day, -1), 9),
            confirmed=_at(_days(day, -1), 16),
            minutes=_at(_days(day, 1), 15),
        ),
    )
    return meeting


# --- The year-end review, in a few days -----------------------------------------------------


def _year_end_review(c: Cast) -> Meeting:
    year = c.today.year if c.today.month >= 7 else c.today.year - 1
    day = _working_on_or_after(_days(c.today, 5))
    meeting = services.meeting_create(
        actor=c.tinh, host=c.commission, kind=Kind.FINAL_REVIEW,
        title=texts.YEAR_END_TITLE.format(year=year, next=year + 1),
        starts_at=_at(day, 8), ends_at=_at(day, 11, 30), format=Format.ONLINE,
        place=texts.HOST_HALL, video_url=f"https://hop.nghean.example/tong-ket-{year}",
        period=str(year), report_forms=[c.half_form],
        documents=[c.documents["25-NQ/TW"], c.documents["23-QĐ/TW"]],
        host_expected=HOST_EXPECTED, host_chair=texts.HEAD,
    )  # fmt: skip
    _agenda(c, meeting, texts.YEAR_END_AGENDA, year=year, next=year + 1)
    services_points.points_invite_level(
        actor=c.tinh, meeting=meeting, level=AreaLevel.COMMUNE, kind=c.front_kind,
        expected=POINT_EXPECTED,
    )  # fmt: skip
    # The early ones have reported; Mường Xén (xa) has not yet: it waits in his agenda.
    for n, point in enumerate(selectors.points_of(meeting)):
        code = point.organization.area.code
        if code == MY_LY:
            _confirm_as_reported(c, point, n, POINT_EXPECTED, by=c.xa2)
        elif not point.is_host and code != MUONG_XEN and n % 3 == 0:
            _confirm_as_reported(c, point, n, POINT_EXPECTED - n % 4)
    _backdate(
        meeting,
        Times(
            created=_at(_days(c.today, -10), 9),
            items=_at(_days(c.today, -10), 9, 30),
            invited=_at(_days(c.today, -9), 10),
            confirmed=_at(_days(c.today, -1), 16),
        ),
    )
    return meeting


# --- The programme signing, March 2021 ------------------------------------------------------


def _signing(c: Cast) -> Meeting:
    program = Program.objects.get(code=SIGNED_PROGRAMME)
    assert program.signed_on is not None, "the programmes' demo puts it in force"
    day = program.signed_on
    meeting = services.meeting_create(
        actor=c.tinh, host=c.commission, kind=Kind.SIGNING,
        title=f"Hội nghị ký kết {program.title[0].lower()}{program.title[1:]} giai đoạn "
        f"{program.term.replace('-', ' – ')}",
        starts_at=_at(day, 14), ends_at=_at(day, 16, 30), format=Format.IN_PERSON,
        place=texts.SIGNING_PLACE, program=program,
        documents=[c.documents["25-NQ/TW"], c.documents["290-QĐ/TW"]],
    )  # fmt: skip
    _agenda(c, meeting, texts.SIGNING_AGENDA)
    services.meeting_record_minutes(
        actor=c.tinh,
        meeting=meeting,
        minutes=texts.SIGNING_MINUTES.format(contents=program.contents.count()),
        chair_conclusion=texts.SIGNING_CONCLUSION,
    )
    _backdate(
        meeting,
        Times(
            created=_at(_days(day, -14), 9),
            items=_at(_days(day, -13), 10),
            minutes=_at(_days(day, 1), 10),
        ),
    )
    return meeting


# --- The working session with the province's leaders, a few weeks ago ----------------------


def _working_session(c: Cast) -> Meeting:
    day = _working_on_or_before(_days(c.today, -24))
    meeting = services.meeting_create(
        actor=c.tinh, host=c.commission, kind=Kind.WORKING_SESSION,
        title=texts.SESSION_TITLE.format(year=day.year),
        starts_at=_at(day, 14), ends_at=_at(day, 17), format=Format.IN_PERSON,
        place=texts.SESSION_PLACE,
        documents=[c.documents["23-QĐ/TW"], c.documents["10/2022/QH15"]],
    )  # fmt: skip
    _agenda(c, meeting, texts.SESSION_AGENDA, year=day.year)
    services.meeting_record_minutes(
        actor=c.tinh,
        meeting=meeting,
        minutes=texts.SESSION_MINUTES.format(year=day.year),
        chair_conclusion=texts.SESSION_CONCLUSION,
    )
    done = services.conclusion_add(
        actor=c.tinh, meeting=meeting, text=texts.TASK_DONE, organization=c.province_front,
        due_on=_days(day, 20),
    )  # fmt: skip
    services.conclusion_done(
        actor=c.mattran, conclusion=done, result=texts.TASK_DONE_RESULT, done_on=_days(day, 12)
    )
    services.conclusion_add(
        actor=c.tinh, meeting=meeting, text=texts.TASK_DUE_SOON,
        organization=c.fronts[MUONG_XEN], due_on=_days(c.today, 6),
    )  # fmt: skip
    # Due two weeks after the session, which is past: overdue, as the agenda shows it.
    services.conclusion_add(
        actor=c.tinh, meeting=meeting, text=texts.TASK_OVERDUE, organization=c.fronts[MY_LY],
        due_on=_days(day, 14),
    )  # fmt: skip
    _backdate(
        meeting,
        Times(
            created=_at(_days(day, -7), 9),
            items=_at(_days(day, -6), 9),
            minutes=_at(_days(day, 1), 10),
            conclusions=_at(_days(day, 1), 15),
        ),
    )
    Conclusion.history.filter(  # type: ignore[attr-defined]
        meeting_id=meeting.pk, history_verb="done"
    ).update(history_date=_at(_days(day, 12), 16))
    return meeting
