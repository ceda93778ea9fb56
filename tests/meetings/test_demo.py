"""The meetings demo tells its story: last July's online half-year review with the communes'
Fronts as bridge points (most confirmed, a few not, one link failed then good, one point over
its number with a note), the year-end review in a few days that xa has still to confirm, the
2021 signing conference of the programme with the armed forces, and a recent working session
whose conclusions are tasks done, due soon and overdue. The whole demo is loaded once."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from danvan.accounts.models import User
from danvan.meetings import demo, selectors
from danvan.meetings.models import (
    AgendaItem,
    BridgePoint,
    CheckResult,
    Conclusion,
    ConclusionStatus,
    Format,
    Kind,
    Meeting,
    Status,
)
from danvan.org.models import AreaLevel, Organization
from danvan.programs.models import Program
from danvan.situation import privacy

pytestmark = pytest.mark.django_db

# The offices a chair or a presenter is named by; a name would start otherwise.
OFFICES = re.compile(
    r"^(Ủy viên|Phó|Bí thư|Chủ tịch|Trưởng|Chánh|Lãnh đạo|Đại diện)\b", re.IGNORECASE
)
# «đồng chí» followed by a capitalised word must be followed by an office.
COMRADE = re.compile(r"(?i:đồng chí)\s+([A-ZÀ-Ỹ][^\s,;.]*(?:\s+[^\s,;.]+)?)")
SURNAMES = re.compile(
    r"\b(Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Ngô|Dương|Ngọc)\s+[A-ZÀ-Ỹ]"
)


@dataclass
class Loaded:
    today: datetime.date
    output: str


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker) -> Iterator[Loaded]:  # type: ignore[no-untyped-def]
    """The whole demo, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield Loaded(timezone.localdate(), out.getvalue())
        transaction.set_rollback(True)


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@demo.danvan.vn")


def _front(commune: str) -> Organization:
    return Organization.objects.get(name=f"Ủy ban MTTQ Việt Nam xã {commune}")


def _local(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _commune_fronts() -> int:
    return (
        Organization.objects.active()
        .filter(kind__code="fatherland_front", area__level=AreaLevel.COMMUNE)
        .count()
    )


def test_the_command_loads_four_meetings_and_says_so(loaded: Loaded) -> None:
    assert "Loading danvan.meetings.demo" in loaded.output
    line = next(x for x in loaded.output.splitlines() if x.strip().startswith("meetings:"))
    assert line.strip().startswith("meetings: 4 (3 held)")
    assert "conclusions: 3 (1 overdue)" in line
    # The half-year report form reads the conferences' figures (demo_report.py).
    assert "derived indicators on the half-year report: 5" in loaded.output
    assert sorted(Meeting.objects.values_list("kind", flat=True)) == sorted(
        [Kind.INTERIM_REVIEW, Kind.FINAL_REVIEW, Kind.SIGNING, Kind.WORKING_SESSION]
    )


def test_the_half_year_review_was_held_with_points_partly_confirmed(loaded: Loaded) -> None:
    review = Meeting.objects.get(kind=Kind.INTERIM_REVIEW)
    held_on = _local(review.starts_at)
    assert review.status == Status.HELD and review.format == Format.ONLINE
    assert review.starts_at < timezone.now()
    # Last July's review of the first half year, the half-year report presented.
    assert (held_on.month, review.period) == (7, f"{held_on.year}S1")
    assert held_on < loaded.today < held_on + datetime.timedelta(days=366)
    assert "6 tháng đầu năm" in review.title and "trực tuyến" in review.title
    assert [f.code for f in review.report_forms.all()] == [demo.HALF_YEAR_FORM]
    assert review.minutes and review.chair_conclusion

    points = list(selectors.points_of(review))
    host = points[0]
    assert host.is_host and host.organization == review.host and host.level == AreaLevel.PROVINCE
    assert host.place == review.place and host.chair.startswith("Ủy viên Ban Thường vụ Tỉnh ủy")
    communes = [p for p in points if not p.is_host]
    # Every commune's Front, in one step; no guest, no other kind.
    assert len(communes) == _commune_fronts() == 130
    assert {p.organization.kind.code for p in communes} == {"fatherland_front"}
    assert {p.level for p in communes} == {AreaLevel.COMMUNE} and not any(
        p.is_guest for p in points
    )
    assert {p.expected for p in communes} == {demo.POINT_EXPECTED}

    confirmed = [p for p in points if p.confirmed_at is not None]
    unconfirmed = [p for p in points if p.confirmed_at is None]
    assert 1 <= len(unconfirmed) <= 8 and len(confirmed) >= 0.9 * len(points)
    assert all(p.attending is None and not p.chair for p in unconfirmed)
    over = [p for p in confirmed if p.attending is not None and p.attending > p.expected]
    assert len(over) == 1
    (muong_xen,) = over
    assert muong_xen.organization == _front("Mường Xén")
    assert muong_xen.confirmed_by == _user("xa") and muong_xen.attendance_note
    for point in confirmed:
        assert point.attending is not None
        assert point.expected - 6 <= point.attending <= point.expected + 6
        assert point.place and OFFICES.match(point.chair), point.chair

    # The totals are the plain sums of the points.
    totals = selectors.totals(review)
    assert totals.points == len(points)
    assert totals.confirmed == len(confirmed)
    assert totals.expected == sum(p.expected for p in points)
    assert totals.attending == sum(p.attending or 0 for p in confirmed)
    assert totals.rate == round(100 * totals.attending / sum(p.expected for p in confirmed), 1)
    by_level = {t.level: t for t in totals.levels}
    assert by_level[AreaLevel.COMMUNE].points == 130
    assert by_level[AreaLevel.PROVINCE].attending == host.attending
    # The minutes quote the same totals.
    assert f"{totals.attending:,}".replace(",", ".") in review.minutes
    assert f"{totals.confirmed} trên tổng số {totals.points} điểm cầu" in review.minutes


def test_my_ly_link_failed_then_good_and_one_point_was_poor(loaded: Loaded) -> None:
    review = Meeting.objects.get(kind=Kind.INTERIM_REVIEW)
    my_ly = BridgePoint.objects.get(meeting=review, organization=_front("Mỹ Lý"))
    checks = (
        my_ly.history.filter(history_verb="connection_checked")  # type: ignore[attr-defined]
        .order_by("history_date")
        .values_list("check_result", "checked_by_id", "check_note")
    )
    xa2 = _user("xa2")
    assert [(r, by) for r, by, _note in checks] == [
        (CheckResult.FAILED, xa2.pk),
        (CheckResult.GOOD, xa2.pk),
    ]
    assert all(note for *_rest, note in checks)
    assert my_ly.check_result == CheckResult.GOOD and my_ly.confirmed_by == xa2
    poor = BridgePoint.objects.filter(meeting=review, check_result=CheckResult.POOR)
    assert poor.count() == 1 and poor.get().check_note and poor.get().confirmed_at is None


def test_the_times_tell_the_story(loaded: Loaded) -> None:
    """What the services stamped at loading is set back to when it happened."""
    review = Meeting.objects.get(kind=Kind.INTERIM_REVIEW)
    points = BridgePoint.objects.filter(meeting=review)
    assert review.created_at < min(p.invited_at for p in points)
    assert max(p.invited_at for p in points) < min(p.checked_at for p in points if p.checked_at)
    confirmed = [p.confirmed_at for p in points if p.confirmed_at]
    assert max(confirmed) < review.starts_at
    held = review.history.get(history_verb="held")  # type: ignore[attr-defined]
    assert review.ends_at < held.history_date < review.ends_at + datetime.timedelta(days=3)
    for meeting in Meeting.objects.all():
        first = meeting.history.earliest("history_date")  # type: ignore[attr-defined]
        assert first.history_date == meeting.created_at < meeting.starts_at
        for item in AgendaItem.objects.filter(meeting=meeting):
            assert meeting.starts_at <= item.starts_at <= meeting.ends_at
            assert item.history.get().history_date < meeting.starts_at  # type: ignore[attr-defined]
        assert not BridgePoint.history.filter(  # type: ignore[attr-defined]
            meeting_id=meeting.pk, history_date__gt=timezone.now() - datetime.timedelta(hours=1)
        ).exists()


def test_the_year_end_review_waits_for_xa(loaded: Loaded) -> None:
    upcoming = Meeting.objects.get(kind=Kind.FINAL_REVIEW)
    assert upcoming.status == Status.SCHEDULED and upcoming.format == Format.ONLINE
    assert 1 <= (_local(upcoming.starts_at) - loaded.today).days <= 10
    assert upcoming.period.isdigit() and "tổng kết" in upcoming.title
    assert not upcoming.minutes
    xa = _user("xa")
    point = BridgePoint.objects.get(meeting=upcoming, organization=_front("Mường Xén"))
    assert point.confirmed_at is None and point.attending is None
    assert selectors.may_confirm_point(xa, point)
    assert selectors.get_meeting_for_user(xa, upcoming.pk) == upcoming
    assert upcoming in selectors.upcoming_for_user(xa, timezone.now())
    # Some points have reported already (Mỹ Lý by xa2 among them); most have not yet.
    totals = selectors.totals(upcoming)
    assert totals.points == 131 and 10 <= totals.confirmed < totals.points / 2
    my_ly = BridgePoint.objects.get(meeting=upcoming, organization=_front("Mỹ Lý"))
    assert my_ly.confirmed_by == _user("xa2")
    assert not selectors.may_confirm_point(_user("xa2"), point)


def test_the_signing_conference_links_the_programme(loaded: Loaded) -> None:
    signing = Meeting.objects.get(kind=Kind.SIGNING)
    program = Program.objects.get(code=demo.SIGNED_PROGRAMME)
    assert signing.program == program and program.term == "2021-2025"
    assert _local(signing.starts_at) == program.signed_on == datetime.date(2021, 3, 24)
    assert signing.format == Format.IN_PERSON and signing.status == Status.HELD
    assert not signing.points.exists()
    assert signing.minutes and signing.chair_conclusion
    assert f"với {program.contents.count()} nội dung chủ yếu" in signing.minutes
    # Only what was issued by then is cited.
    assert signing.documents.exists()
    signed_on = datetime.date(2021, 3, 24)
    assert all(d.issued_on and d.issued_on <= signed_on for d in signing.documents.all())
    # The commission's officers see it; a commune Front's do not.
    assert selectors.get_meeting_for_user(_user("tinh"), signing.pk) == signing
    with pytest.raises(Http404):
        selectors.get_meeting_for_user(_user("xa"), signing.pk)


def test_the_working_session_left_tasks_done_due_soon_and_overdue(loaded: Loaded) -> None:
    today = loaded.today
    session = Meeting.objects.get(kind=Kind.WORKING_SESSION)
    held_on = _local(session.starts_at)
    assert session.format == Format.IN_PERSON and session.status == Status.HELD
    assert today - datetime.timedelta(days=40) <= held_on <= today - datetime.timedelta(days=15)
    assert session.chair_conclusion
    conclusions = list(selectors.conclusions_of(session))
    assert len(conclusions) == 3
    done = [c for c in conclusions if c.status == ConclusionStatus.DONE]
    open_ = [c for c in conclusions if c.status == ConclusionStatus.OPEN]
    assert len(done) == 1 and len(open_) == 2
    (finished,) = done
    assert finished.result and finished.done_on is not None
    assert held_on < finished.done_on < today
    assert finished.organization.kind.code == "fatherland_front"
    assert finished.organization.area.level == AreaLevel.PROVINCE
    overdue = [c for c in open_ if c.due_on < today]
    soon = [c for c in open_ if c.due_on >= today]
    assert len(overdue) == 1 and len(soon) == 1
    assert held_on <= overdue[0].due_on < today
    assert overdue[0].organization == _front("Mỹ Lý")
    assert soon[0].organization == _front("Mường Xén")
    assert soon[0].due_on <= today + datetime.timedelta(days=10)
    # Each commune officer sees the session through the task of their unit.
    assert selectors.get_meeting_for_user(_user("xa"), session.pk) == session
    assert selectors.get_meeting_for_user(_user("xa2"), session.pk) == session
    assert Conclusion.objects.filter(status=ConclusionStatus.OPEN, due_on__lt=today).count() == 1


def _texts() -> list[str]:
    texts: list[str] = []
    for m in Meeting.objects.all():
        texts += [m.title, m.place, m.minutes, m.chair_conclusion, m.cancel_reason]
    for i in AgendaItem.objects.all():
        texts += [i.title, i.presenter]
    # A point's place is its commune's hall: checked by its pattern below, as commune names
    # («xã Anh Sơn», «phường Hoàng Mai») look like a form of address or a surname with a name.
    for p in BridgePoint.objects.all():
        texts += [p.chair, p.attendance_note, p.check_note]
    for c in Conclusion.objects.all():
        texts += [c.text, c.result]
    return [t for t in texts if t]


def test_chairs_are_offices_and_no_text_names_a_person(loaded: Loaded) -> None:
    texts = _texts()
    assert len(texts) > 150
    for text in texts:
        assert privacy.find_personal_data(text) == [], text
        assert not SURNAMES.search(text), text
        for office in COMRADE.findall(text):
            assert OFFICES.match(office), office
    for point in BridgePoint.objects.exclude(place="").select_related("organization__area"):
        name = point.organization.area.name
        commune = name[0].lower() + name[1:]
        assert point.place in (point.meeting.place, f"Hội trường Đảng ủy {commune}"), point.place
    chairs = [p.chair for p in BridgePoint.objects.exclude(chair="")]
    presenters = [i.presenter for i in AgendaItem.objects.all()]
    assert chairs and presenters
    for title in chairs + presenters:
        assert OFFICES.match(title), title
    # The minutes say who chaired by the office.
    for meeting in Meeting.objects.filter(status=Status.HELD):
        assert COMRADE.search(meeting.minutes), meeting.title


def test_the_checks_would_catch_a_name() -> None:
    """The checks above are not empty: they flag what a name would look like."""
    assert privacy.find_personal_data("Điểm cầu do ông Nguyễn Văn An chủ trì")
    assert SURNAMES.search("đồng chí Ngọc Kim Nam chủ trì")
    assert not OFFICES.match(COMRADE.findall("đồng chí Ngọc Kim Nam chủ trì")[0])
    assert OFFICES.match(COMRADE.findall("đồng chí Trưởng Ban Dân vận chủ trì")[0])


def test_reset_then_load_tells_the_same_story(loaded: Loaded) -> None:
    def counts() -> tuple[int, ...]:
        return (
            Meeting.objects.count(),
            BridgePoint.objects.count(),
            BridgePoint.objects.filter(confirmed_at__isnull=False).count(),
            AgendaItem.objects.count(),
            Conclusion.objects.count(),
        )

    before = counts()
    with transaction.atomic():
        demo.reset()
        assert counts() == (0, 0, 0, 0, 0)
        assert not Meeting.history.exists()  # type: ignore[attr-defined]
        assert not BridgePoint.history.exists()  # type: ignore[attr-defined]
        demo.load(io.StringIO())
        assert counts() == before
        transaction.set_rollback(True)
