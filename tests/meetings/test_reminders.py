"""The meetings' daily reminders: the day before, once per version of the meeting, to the
officers of the host and the bridge points; and the follow-up tasks due soon, overdue and
long overdue, each once."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import reminders as registry
from danvan.meetings import reminders, services, services_points, tasks
from danvan.meetings.models import BridgePoint, Format, Kind, Meeting, MeetingReminder
from danvan.org.models import OrganizationKind, Role
from tests.conftest import World
from tests.factories import MembershipFactory, member

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
Run = Callable[..., list[list[str]]]


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Run:
    def sent(send: Callable[..., int], day: datetime.date) -> list[list[str]]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            count = send(today=day)
        assert count == len(mail.outbox)
        return sorted(m.to for m in mail.outbox)

    return sent


def day_of(meeting: Meeting) -> datetime.date:
    return timezone.localtime(meeting.starts_at).date()


def test_the_day_before_once_per_version_of_the_meeting(
    world: World, review: Meeting, fronts: list[BridgePoint], tinh: User, xa: User, xa2: User,
    run: Run,
) -> None:  # fmt: skip
    send = reminders.send_meeting_reminders
    eve = day_of(review) - DAY
    assert run(send, eve - DAY) == []  # two days before: not yet
    everyone = [["tinh@example.vn"], ["xa2@example.vn"], ["xa@example.vn"]]
    assert run(send, eve) == everyone
    message = next(m for m in mail.outbox if m.to == ["xa@example.vn"])
    assert review.title in message.subject
    for part in (
        review.title, "08:00–11:30", day_of(review).strftime("%d/%m/%Y"), "Hội trường Tỉnh ủy",
        "https://meet.example.vn/so-ket", f"http://testserver/meetings/{review.pk}/",
        world.commission.name,
    ):  # fmt: skip
        assert part in message.body, part
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    assert run(send, eve) == []  # once
    assert list(MeetingReminder.objects.values_list("sequence", flat=True)) == [0]
    # Moved an hour later, and commune B's Front no longer joins: reminded again, without it.
    services_points.point_withdraw(actor=tinh, point=review.points.get(organization=world.front_b))
    services.meeting_update(actor=tinh, meeting=review, starts_at=at(7, 9), ends_at=at(7, 12))
    assert run(send, eve) == [["tinh@example.vn"], ["xa@example.vn"]]
    assert "09:00–12:00" in mail.outbox[0].body
    assert run(send, eve) == []
    # Cancelled after a change: nobody is reminded of it.
    services.meeting_update(actor=tinh, meeting=review, place="Hội trường UBND tỉnh")
    services.meeting_cancel(actor=tinh, meeting=review, reason="Hoãn theo chỉ đạo")
    assert run(send, eve) == []


def test_one_message_per_person_for_all_of_tomorrows_meetings(
    world: World, review: Meeting, fronts: list[BridgePoint], tinh: User, xa: User, xa2: User,
    run: Run,
) -> None:  # fmt: skip
    # An officer of both the host and a point gets one e-mail, not one per unit.
    both = member(world.front_a, Role.LEADER, email="chutich@example.vn")
    MembershipFactory.create(user=both, organization=world.commission, role=Role.SPECIALIST)
    services.meeting_create(
        actor=xa, host=world.front_a, kind=Kind.WORKING_SESSION, title="Giao ban Mặt trận xã",
        starts_at=at(7, 14), ends_at=at(7, 16), format=Format.IN_PERSON, place="Nhà văn hóa",
    )  # fmt: skip
    member(world.front_a, Role.VIEWER, email="xem@example.vn")  # not an officer
    sent = run(reminders.send_meeting_reminders, day_of(review) - DAY)
    assert sent == [
        ["chutich@example.vn"],
        ["tinh@example.vn"],
        ["xa2@example.vn"],
        ["xa@example.vn"],
    ]
    mine = next(m for m in mail.outbox if m.to == ["xa@example.vn"])
    assert review.title in mine.body and "Giao ban Mặt trận xã" in mine.body
    assert "2" in mine.subject and "Nhà văn hóa" in mine.body
    theirs = next(m for m in mail.outbox if m.to == ["tinh@example.vn"])
    assert "Giao ban Mặt trận xã" not in theirs.body  # the commission is not in that one
    assert mail.outbox[0].to == [both.email] and "Giao ban Mặt trận xã" in mail.outbox[0].body


def test_the_follow_up_tasks_due_soon_overdue_and_escalated(
    world: World, review: Meeting, fronts: list[BridgePoint], tinh: User, lanhdao: User,
    xa: User, xa2: User, run: Run,
) -> None:  # fmt: skip
    due = day_of(review) + 10 * DAY
    task = services.conclusion_add(
        actor=tinh, meeting=review, text="Tổ chức đối thoại với nhân dân về đất đai",
        organization=world.front_a, due_on=due,
    )  # fmt: skip
    send = reminders.send_conclusion_reminders
    assert run(send, due - 8 * DAY) == []
    assert run(send, due - 7 * DAY) == [["xa@example.vn"]]  # a week before
    body = mail.outbox[0].body
    assert task.text in body and review.title in body
    assert f"http://testserver/meetings/{review.pk}/#conclusion-{task.pk}" in body
    assert due.strftime("%d/%m/%Y") in body
    assert run(send, due - 6 * DAY) == []  # once
    assert run(send, due + DAY) == [["xa@example.vn"]]  # overdue
    assert run(send, due + 2 * DAY) == []
    assert run(send, due + 15 * DAY) == [["lanhdao@example.vn"]]  # the host's leaders
    assert run(send, due + 16 * DAY) == []
    # Done, it is not reminded of any more; nor a task of a cancelled meeting.
    other = services.conclusion_add(
        actor=tinh, meeting=review, text="Báo cáo kết quả", organization=world.front_b,
        due_on=due + 20 * DAY,
    )  # fmt: skip
    services.conclusion_done(actor=xa, conclusion=task, result="Đã đối thoại")
    services.meeting_cancel(actor=tinh, meeting=review, reason="Hoãn theo chỉ đạo")
    assert run(send, due + 20 * DAY) == []
    assert other.status == "open"


def test_the_reminders_command_runs_the_meetings_job(
    world: World, tinh: User, xa: User, django_capture_on_commit_callbacks: Any
) -> None:
    assert tasks.meeting_reminders in registry.jobs()
    tomorrow = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.ONLINE, title="Giao ban trực tuyến",
        starts_at=at(1, 14), ends_at=at(1, 16), format=Format.ONLINE,
        video_url="https://meet.example.vn/giao-ban",
    )  # fmt: skip
    services_points.point_add(actor=tinh, meeting=tomorrow, organization=world.front_a)
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reminders", stdout=out)
    assert "meeting_reminders: queued (SUCCESSFUL)" in out.getvalue()
    assert sorted(m.to for m in mail.outbox) == [["tinh@example.vn"], ["xa@example.vn"]]
    assert "https://meet.example.vn/giao-ban" in mail.outbox[0].body


def test_the_runs_read_officers_once_whatever_the_number_of_meetings(
    world: World, tinh: User, xa: User, xa2: User
) -> None:
    """Recipients are read for all units at once and reminders recorded in bulk: the queries
    do not grow with the meetings, their points or their tasks."""
    fronts = OrganizationKind.objects.get(code="fatherland_front")

    def queries(count: int) -> tuple[int, int]:
        for i in range(count):
            found = services.meeting_create(
                actor=tinh, host=world.commission, kind=Kind.ONLINE, title=f"Hội nghị {i}",
                starts_at=at(1, 7 + i), ends_at=at(1, 8 + i), format=Format.ONLINE,
            )  # fmt: skip
            services_points.points_invite_level(
                actor=tinh, meeting=found, level="commune", kind=fronts
            )
            services.conclusion_add(
                actor=tinh, meeting=found, text=f"Nhiệm vụ {i}", organization=world.front_a,
                due_on=timezone.localdate() + 3 * DAY,
            )  # fmt: skip
        with CaptureQueriesContext(connection) as day_before:
            reminders.send_meeting_reminders()
        with CaptureQueriesContext(connection) as tasks_due:
            reminders.send_conclusion_reminders()
        return len(day_before), len(tasks_due)

    assert queries(1) == queries(4)
    assert MeetingReminder.objects.count() == 5
