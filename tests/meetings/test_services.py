"""Meetings through their services: the rules, the refusals, the totals against a plain sum."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from danvan.lib.errors import Conflict
from danvan.meetings import selectors, services, services_points
from danvan.meetings.models import BridgePoint, ConclusionStatus, Format, Kind, Meeting, Status

from .conftest import at


def test_an_online_meeting_has_the_host_point(review, world) -> None:  # type: ignore[no-untyped-def]
    host = review.points.get()
    assert host.is_host and host.organization == world.commission and host.level == "province"
    assert host.expected == 120 and host.chair == "Trưởng Ban Dân vận Tỉnh ủy"


def test_an_end_before_the_start_is_refused(world, tinh) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION, title="Làm việc",
            starts_at=at(3, 14), ends_at=at(3, 9),
        )  # fmt: skip
    assert "ends_at" in refused.value.message_dict
    assert not Meeting.objects.exists()


def test_a_commune_reporter_may_not_host_for_the_commission(world, xa) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=xa, host=world.commission, kind=Kind.WORKING_SESSION, title="Làm việc",
            starts_at=at(3, 8), ends_at=at(3, 9),
        )  # fmt: skip


def test_inviting_a_level_makes_one_point_per_unit_and_sends_the_ics(
    xa, xa2, review, fronts, world
) -> None:  # type: ignore[no-untyped-def]
    assert {p.organization for p in fronts} == {world.front_a, world.front_b}
    assert all(p.level == "commune" and p.expected == 30 for p in fronts)
    sent = [m for m in mail.outbox if xa.email in m.to]
    assert sent and sent[-1].attachments
    name, text, _mimetype = sent[-1].attachments[0]
    calendar = Calendar.from_ical(text)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST" and name.endswith(".ics")
    assert event.decoded("dtstart") == review.starts_at
    assert str(event["summary"]) == review.title
    with pytest.raises(ValidationError):  # all of them are points already
        services_points.points_invite_level(
            actor=review.created_by,
            meeting=review,
            level="commune",
            kind=fronts[0].organization.kind,
        )


def test_a_unit_outside_the_host_is_refused_unless_invited_as_a_guest(world, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    session = services.meeting_create(
        actor=xa, host=world.front_a, kind=Kind.ONLINE, title="Giao ban trực tuyến",
        starts_at=at(2, 8), ends_at=at(2, 10), format=Format.ONLINE,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services_points.point_add(actor=xa, meeting=session, organization=world.front_b)
    assert world.front_b.name in refused.value.message_dict["organization"][0]
    with pytest.raises(ValidationError):  # xa does not see Mỹ Lý: not even as a guest
        services_points.point_add(actor=xa, meeting=session, organization=world.front_b, guest=True)
    assert session.points.count() == 1


def test_xa_confirms_its_point_and_xa2_may_not(review, fronts, world, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    point = review.points.get(organization=world.front_a)
    with pytest.raises(PermissionDenied):
        services_points.point_confirm(actor=xa2, point=point, attending=25)
    with pytest.raises(ValidationError) as refused:
        services_points.point_confirm(actor=xa, point=point, attending=35)
    assert "attendance_note" in refused.value.message_dict
    services_points.point_confirm(actor=xa, point=point, attending=28)
    point.refresh_from_db()
    assert point.confirmed_by == xa and point.attending == 28
    services_points.point_confirm(
        actor=xa, point=point, attending=35, attendance_note="Thêm trưởng các thôn"
    )
    assert point.history.filter(history_verb="confirmed").count() == 2


def test_totals_equal_a_plain_sum(review, fronts, world, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    services_points.point_confirm(
        actor=xa, point=review.points.get(organization=world.front_a), attending=29
    )
    services_points.point_confirm(
        actor=xa2, point=review.points.get(organization=world.front_b), attending=30
    )
    totals = selectors.totals(review)
    points = list(BridgePoint.objects.filter(meeting=review, withdrawn_at__isnull=True))
    for line in totals.levels:
        mine = [p for p in points if p.level == line.level]
        confirmed = [p for p in mine if p.confirmed_at]
        assert line.points == len(mine)
        assert line.confirmed == len(confirmed)
        assert line.expected == sum(p.expected for p in mine)
        assert line.attending == sum(p.attending or 0 for p in confirmed)
    assert [t.level for t in totals.levels] == ["province", "commune"]
    assert totals.points == 3 and totals.attending == 59 and totals.expected == 180
    assert totals.levels[1].rate == pytest.approx(98.3)


def test_an_agenda_item_outside_the_meeting_is_refused(review, tinh) -> None:  # type: ignore[no-untyped-def]
    services.agenda_item_add(actor=tinh, meeting=review, starts_at=at(7, 8, 30), title="Báo cáo")
    with pytest.raises(ValidationError) as refused:
        services.agenda_item_add(actor=tinh, meeting=review, starts_at=at(7, 13), title="Chiều")
    assert "starts_at" in refused.value.message_dict
    with pytest.raises(ValidationError):  # nor may the meeting shrink past its items
        services.meeting_update(actor=tinh, meeting=review, ends_at=at(7, 8, 15))


def test_a_change_is_sent_again_and_cancelling_keeps_the_meeting(
    xa, review, fronts, tinh, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(actor=tinh, meeting=review, starts_at=at(7, 7, 30))
    review.refresh_from_db()
    assert review.sequence == 1
    change = [m for m in mail.outbox if xa.email in m.to]
    assert (
        change
        and Calendar.from_ical(change[0].attachments[0][1]).walk("VEVENT")[0]["sequence"] == 1
    )
    services.meeting_update(actor=tinh, meeting=review, title=review.title)  # nothing changed
    review.refresh_from_db()
    assert review.sequence == 1
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=tinh, meeting=review, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=tinh, meeting=review, reason="Trùng lịch họp Tỉnh ủy")
    review.refresh_from_db()
    assert review.status == Status.CANCELLED and Meeting.objects.filter(pk=review.pk).exists()
    cancel = [m for m in mail.outbox if xa.email in m.to][-1]
    assert str(Calendar.from_ical(cancel.attachments[0][1])["METHOD"]) == "CANCEL"
    with pytest.raises(Conflict):
        services.meeting_update(actor=tinh, meeting=review, title="Khác")


def test_a_conclusion_becomes_a_task_the_unit_reports_done(
    review, fronts, world, tinh, xa, xa2
) -> None:  # type: ignore[no-untyped-def]
    due = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError):  # before the meeting
        services.conclusion_add(
            actor=tinh, meeting=review, text="Rà soát", organization=world.front_a,
            due_on=timezone.localdate(),
        )  # fmt: skip
    task = services.conclusion_add(
        actor=tinh, meeting=review, text="Tổ chức đối thoại với nhân dân về giải phóng mặt bằng",
        organization=world.front_a, due_on=due,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.conclusion_done(actor=xa2, conclusion=task, result="Xong")
    with pytest.raises(ValidationError):
        services.conclusion_done(actor=xa, conclusion=task, result="")
    services.conclusion_done(actor=xa, conclusion=task, result="Đã tổ chức ngày 10/12")
    task.refresh_from_db()
    assert task.status == ConclusionStatus.DONE and task.done_on == timezone.localdate()
    assert selectors.open_conclusions(review) == 0


def test_minutes_wait_for_the_meeting_to_begin(review, tinh) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict):
        services.meeting_record_minutes(actor=tinh, meeting=review, minutes="Biên bản")
    Meeting.objects.filter(pk=review.pk).update(starts_at=at(-1, 8), ends_at=at(-1, 11))
    review.refresh_from_db()
    services.meeting_record_minutes(
        actor=tinh, meeting=review, minutes="Biên bản hội nghị", chair_conclusion="Kết luận"
    )
    review.refresh_from_db()
    assert review.status == Status.HELD
    assert review.history.filter(history_verb="held").exists()


def test_xa_sees_the_meeting_through_its_point_and_the_outsider_does_not(
    review, fronts, xa, outsider
) -> None:  # type: ignore[no-untyped-def]
    assert list(Meeting.objects.visible_to(xa)) == [review]
    assert not Meeting.objects.visible_to(outsider).exists()


def test_a_video_link_must_be_a_web_address_and_a_task_due_within_five_years(
    review, world, tinh
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.meeting_update(actor=tinh, meeting=review, video_url="javascript:alert(1)")
    assert "video_url" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.conclusion_add(
            actor=tinh, meeting=review, text="Rà soát", organization=world.front_a,
            due_on=datetime.date(9999, 12, 31),
        )  # fmt: skip
    assert "due_on" in refused.value.message_dict
    assert not review.conclusions.exists()
