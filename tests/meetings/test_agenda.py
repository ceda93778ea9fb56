"""The meetings' agenda: tasks from meetings for the assigned unit, bridge points to confirm
around the meeting's day, minutes to record by the host; nobody else's, in two queries each."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import agenda
from danvan.lib.notify import key_of
from danvan.meetings import services, services_points
from danvan.meetings.agenda import conclusions_open, minutes_to_record, points_to_confirm
from danvan.meetings.models import BridgePoint, Conclusion, Kind, Meeting
from danvan.org.models import Organization, Role
from tests.conftest import World
from tests.factories import member

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def keys(user: User, kind: str, today: datetime.date | None = None) -> list[str]:
    day = today or timezone.localdate()
    return [i.key for i in agenda.for_user(fresh(user), day, kinds=[kind])]


def point_of(meeting: Meeting, org: Organization) -> BridgePoint:
    return meeting.points.get(organization=org)


def test_the_sources_are_registered() -> None:
    names = {name for name, _label in agenda.sources()}
    assert {"meetings.conclusion", "meetings.point", "meetings.minutes"} <= names


def test_each_point_waits_for_its_own_officers_around_the_meeting(
    world: World, review: Meeting, fronts: list[BridgePoint], tinh: User, lanhdao: User,
    xa: User, xa2: User, outsider: User, english: None,
) -> None:  # fmt: skip
    today = timezone.localdate()
    mine, theirs = point_of(review, world.front_a), point_of(review, world.front_b)
    host = point_of(review, world.commission)
    items = agenda.for_user(fresh(xa), today, kinds=["meetings.point"])
    assert [i.key for i in items] == [key_of(mine)] == [f"meetings.bridgepoint:{mine.pk}"]
    item = items[0]
    confirm = f"/meetings/{review.pk}/points/{mine.pk}/confirm/"
    assert item.url == confirm and item.action is not None and item.action.url == confirm
    assert item.action.label == "Confirm attendance" and item.action.method == "get"
    assert item.title == review.title and item.unit == world.front_a.name
    assert item.due_on == today + 7 * DAY and item.days_left(today) == 7
    assert keys(xa2, "meetings.point") == [key_of(theirs)]
    # The commission's officers answer for its own point, not for every commune's.
    assert keys(tinh, "meetings.point") == keys(lanhdao, "meetings.point") == [key_of(host)]
    assert keys(outsider, "meetings.point") == []
    # From a week before the day to three days after it.
    assert keys(xa, "meetings.point", today - DAY) == []
    assert keys(xa, "meetings.point", today + 10 * DAY) == [key_of(mine)]
    assert keys(xa, "meetings.point", today + 11 * DAY) == []
    # Confirmed, it waits no more; the others still wait.
    services_points.point_confirm(actor=xa, point=mine, attending=28)
    assert keys(xa, "meetings.point") == []
    assert keys(xa2, "meetings.point") == [key_of(theirs)]


def test_a_cancelled_meeting_and_a_withdrawn_point_wait_for_nobody(
    world: World, review: Meeting, fronts: list[BridgePoint], tinh: User, xa: User, xa2: User
) -> None:
    services_points.point_withdraw(
        actor=tinh, point=point_of(review, world.front_b), reason="Trùng lịch"
    )
    assert keys(xa2, "meetings.point") == []
    assert len(keys(xa, "meetings.point")) == 1
    services.meeting_cancel(actor=tinh, meeting=review, reason="Hoãn theo chỉ đạo")
    assert keys(xa, "meetings.point") == []
    assert keys(tinh, "meetings.point") == []


def test_a_task_waits_for_the_assigned_unit_until_it_is_done(
    world: World, review: Meeting, fronts: list[BridgePoint], tinh: User, xa: User,
    xa2: User, outsider: User, english: None,
) -> None:  # fmt: skip
    today = timezone.localdate()
    task = services.conclusion_add(
        actor=tinh, meeting=review, text="Tổ chức đối thoại với nhân dân về đất đai",
        organization=world.front_a, due_on=today + 20 * DAY,
    )  # fmt: skip
    later = services.conclusion_add(
        actor=tinh, meeting=review, text="Sơ kết mô hình Dân vận khéo",
        organization=world.front_a, due_on=today + 90 * DAY,
    )  # fmt: skip
    items = agenda.for_user(fresh(xa), today, kinds=["meetings.conclusion"])
    assert [i.key for i in items] == [key_of(task)] == [f"meetings.conclusion:{task.pk}"]
    item = items[0]
    anchor = f"/meetings/{review.pk}/#conclusion-{task.pk}"
    assert item.url == anchor and item.action is not None and item.action.url == anchor
    assert item.action.label == "Report done" and item.due_on == task.due_on
    assert item.unit == world.front_a.name and item.extra["meeting"] == review.title
    # Late after its date; the one due in three months shows when it comes near.
    late_day = today + 25 * DAY
    late = agenda.for_user(fresh(xa), late_day, kinds=["meetings.conclusion"])
    assert late[0].key == key_of(task) and late[0].days_late(late_day) == 5
    assert keys(xa, "meetings.conclusion", today + 70 * DAY) == [key_of(task), key_of(later)]
    # The host sees the task on the meeting's page; it does not wait for the host or others.
    for other in (xa2, tinh, outsider):
        assert keys(other, "meetings.conclusion", today + 70 * DAY) == []
    services.conclusion_done(actor=xa, conclusion=task, result="Đã tổ chức đối thoại")
    assert keys(xa, "meetings.conclusion", today + 70 * DAY) == [key_of(later)]
    services.conclusion_cancel(actor=tinh, conclusion=later, reason="Không còn cần")
    assert keys(xa, "meetings.conclusion", today + 70 * DAY) == []


def test_the_host_records_the_minutes_of_a_meeting_that_ended(
    world: World, review: Meeting, tinh: User, lanhdao: User, xa: User, english: None
) -> None:
    today = timezone.localdate()
    past = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION,
        title="Làm việc với Ủy ban MTTQ xã", starts_at=at(-2, 8), ends_at=at(-2, 10),
    )  # fmt: skip
    dropped = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION,
        title="Giao ban tháng", starts_at=at(-1, 8), ends_at=at(-1, 10),
    )  # fmt: skip
    services.meeting_cancel(actor=tinh, meeting=dropped, reason="Hoãn giao ban")
    items = agenda.for_user(fresh(tinh), today, kinds=["meetings.minutes"])
    assert [i.key for i in items] == [key_of(past)] == [f"meetings.meeting:{past.pk}"]
    item = items[0]
    assert item.due_on == today - DAY and item.days_late(today) == 1
    assert item.url == f"/meetings/{past.pk}/" and item.unit == world.commission.name
    assert item.action is not None and item.action.url == f"/meetings/{past.pk}/minutes/"
    assert item.action.label == "Record the minutes"
    assert keys(lanhdao, "meetings.minutes") == [key_of(past)]
    assert keys(xa, "meetings.minutes") == []  # commune A's Front did not host it
    services.meeting_record_minutes(actor=tinh, meeting=past, minutes="Đã thống nhất 5 nội dung")
    assert keys(tinh, "meetings.minutes") == []


def test_the_query_counts_do_not_grow(
    world: World, review: Meeting, fronts: list[BridgePoint], tinh: User, xa: User,
    django_assert_max_num_queries: Callable[..., object],
) -> None:  # fmt: skip
    today = timezone.localdate()
    officer = member(world.commission, Role.SPECIALIST)

    def counted(user: User, source: Callable[[User, datetime.date], list], n: int) -> None:  # type: ignore[type-arg]
        reader = fresh(user)
        with django_assert_max_num_queries(2):  # the user's scope, the records
            assert len(source(reader, today)) == n

    for i in range(3):
        services.conclusion_add(
            actor=tinh, meeting=review, text=f"Nhiệm vụ {i}", organization=world.front_a,
            due_on=today + (8 + i) * DAY,
        )  # fmt: skip
        services.meeting_create(
            actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION,
            title=f"Làm việc {i}", starts_at=at(-3, 8 + i), ends_at=at(-3, 9 + i),
        )  # fmt: skip
    counted(xa, conclusions_open, 3)
    counted(xa, points_to_confirm, 1)
    counted(officer, points_to_confirm, 1)
    counted(officer, minutes_to_record, 3)
    assert Conclusion.objects.count() == 3
