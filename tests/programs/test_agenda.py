"""The programs app's agenda: tasks a user's own unit leads, due soon or late; gone when done."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dashboard.models import Notification
from danvan.lib import agenda
from danvan.lib.notify import key_of
from danvan.org.models import Organization, Role
from danvan.programs import services, services_tasks
from danvan.programs.agenda import tasks_due
from danvan.programs.models import Program, Task
from tests.conftest import World
from tests.factories import member

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def fresh(user: User) -> User:
    """The user as a new request reads them (no scope cached yet)."""
    return User.objects.get(pk=user.pk)


def programme(world: World, parties: list[Organization], today: datetime.date) -> Program:
    """A programme in force around `today`, led by the commission, on one main content."""
    program = services.program_create(
        actor=None,
        kind="coordination_programme",
        title="Chương trình phối hợp vận động nhân dân",
        lead=world.commission,
        parties=parties,
        starts_on=today - 200 * DAY,
        ends_on=today + 400 * DAY,
        contents=["Tuyên truyền, vận động"],
    )
    services.program_put_in_force(actor=None, program=program, signed_on=today - 200 * DAY)
    return program


def task(program: Program, lead: Organization, due_on: datetime.date, title: str) -> Task:
    content = program.contents.get(number=1)
    created = services_tasks.task_create(
        actor=None, content=content, title=title, lead=lead, due_on=due_on
    )
    return created[0]


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


def test_the_unit_gets_its_tasks_late_first_and_nobody_else(world, xa, xa2, tinh, outsider, today):
    program = programme(world, [world.party_a, world.front_a], today)
    soon = task(program, world.front_a, today + 5 * DAY, "Tổ chức hội nghị đối thoại")
    late = task(program, world.front_a, today - 3 * DAY, "Báo cáo sơ kết 6 tháng")
    task(program, world.front_a, today + 90 * DAY, "Tổng kết năm")  # not due yet
    task(program, world.party_a, today + 2 * DAY, "Việc của Đảng ủy xã")  # another unit's
    done = task(program, world.front_a, today + 1 * DAY, "Việc đã xong")
    services_tasks.task_update(actor=None, task=done, status="done")
    other = programme(world, [world.party_b, world.front_b], today)
    theirs = task(other, world.front_b, today - 1 * DAY, "Việc của xã Mỹ Lý")

    items = tasks_due(fresh(xa), today)

    assert {i.key for i in items} == {key_of(soon), key_of(late)}
    ordered = agenda.for_user(fresh(xa), today, kinds=["programs.task"])
    assert [i.key for i in ordered] == [key_of(late), key_of(soon)]  # late first
    first = ordered[0]
    assert first.unit == world.front_a.name
    assert first.url == f"/tasks/{late.pk}/"
    assert first.action is not None and first.action.url == first.url
    assert first.due_on == today - 3 * DAY and first.days_late(today) == 3
    assert [i.key for i in tasks_due(fresh(xa2), today)] == [key_of(theirs)]
    assert tasks_due(fresh(outsider), today) == []
    # The provincial specialist sees the communes' tasks, but they wait for the communes.
    assert tasks_due(fresh(tinh), today) == []


def test_a_viewer_reports_nothing_so_nothing_waits(world, today):
    program = programme(world, [world.front_a], today)
    task(program, world.front_a, today, "Việc hôm nay")
    viewer = member(world.front_a, Role.VIEWER)
    assert tasks_due(fresh(viewer), today) == []


def test_the_task_leaves_when_done_and_its_reminder_is_read(
    world, xa, today, django_capture_on_commit_callbacks
):
    program = programme(world, [world.front_a], today)
    due = task(program, world.front_a, today + 2 * DAY, "Tổ chức hội nghị")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services_tasks.send_task_reminders(today=today)
    assert sent == 1
    reminder = Notification.objects.get(user=xa, key=key_of(due))
    assert reminder.url == f"/tasks/{due.pk}/" and reminder.read_at is None

    with django_capture_on_commit_callbacks(execute=True):
        services_tasks.task_report_progress(actor=xa, task=due, text="Đã tổ chức", percent=40)
    assert [i.key for i in tasks_due(fresh(xa), today)] == [key_of(due)]  # still open
    reminder.refresh_from_db()
    assert reminder.read_at is None

    with django_capture_on_commit_callbacks(execute=True):
        services_tasks.task_report_progress(actor=xa, task=due, text="Hoàn thành", percent=100)
    assert tasks_due(fresh(xa), today) == []
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_the_query_count_does_not_grow_with_the_tasks(
    world, xa, today, django_assert_max_num_queries
):
    program = programme(world, [world.front_a], today)
    task(program, world.front_a, today, "Việc 0")
    user = fresh(xa)
    with django_assert_max_num_queries(2):  # the user's scope, the tasks
        assert len(tasks_due(user, today)) == 1
    for n in range(1, 10):
        task(program, world.front_a, today - n * DAY, f"Việc {n}")
    user = fresh(xa)
    with django_assert_max_num_queries(2):
        assert len(tasks_due(user, today)) == 10
