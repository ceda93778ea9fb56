"""The oversight app's agenda: recommendations to answer, and those long overdue for the lead."""

from __future__ import annotations

import datetime

import pytest

from danvan.accounts.models import User
from danvan.dashboard.models import Notification
from danvan.lib import agenda
from danvan.lib.notify import key_of
from danvan.org.models import Organization
from danvan.oversight import reminders, services
from danvan.oversight.agenda import recommendations_due
from danvan.oversight.models import Oversight, Recommendation
from tests.conftest import World
from tests.factories import OversightFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def oversight(world: World) -> Oversight:
    oversight: Oversight = OversightFactory.create(
        lead=world.commission, subjects=[world.front_a, world.front_b]
    )
    return oversight


def recommend(oversight: Oversight, to: Organization, due_on: datetime.date) -> Recommendation:
    return services.recommendation_add(
        actor=None,
        oversight=oversight,
        text="Tổ chức lấy ý kiến nhân dân về quy chế dân chủ ở cơ sở",
        responsible=to,
        due_on=due_on,
    )


def keys(user: User, today: datetime.date = TODAY) -> list[str]:
    return [i.key for i in agenda.for_user(fresh(user), today, kinds=["oversight.recommendation"])]


def test_the_responsible_unit_answers_late_first(world, oversight, xa, xa2, tinh, outsider):
    soon = recommend(oversight, world.front_a, TODAY + 5 * DAY)
    late = recommend(oversight, world.front_a, TODAY - 2 * DAY)
    services.recommendation_respond(
        actor=None, recommendation=late, status="in_progress", response="Đang triển khai"
    )
    answered = recommend(oversight, world.front_a, TODAY + 5 * DAY)
    services.recommendation_respond(
        actor=None, recommendation=answered, status="in_progress", response="Đang triển khai"
    )
    recommend(oversight, world.front_a, TODAY + 60 * DAY)  # not due yet
    done = recommend(oversight, world.front_a, TODAY - 1 * DAY)
    services.recommendation_respond(
        actor=None, recommendation=done, status="done", response="Đã tổ chức"
    )
    theirs = recommend(oversight, world.front_b, TODAY + 1 * DAY)

    assert keys(xa) == [key_of(late), key_of(soon)]
    item = agenda.for_user(fresh(xa), TODAY, kinds=["oversight.recommendation"])[1]
    assert item.url == f"/oversight/{oversight.pk}/?answer={soon.pk}#rec-{soon.pk}"
    assert item.action is not None and item.action.url == item.url
    assert item.unit == world.front_a.name and item.days_left(TODAY) == 5
    assert keys(xa2) == [key_of(theirs)]
    assert keys(outsider) == []
    assert keys(tinh) == []  # the lead's specialist answers nothing, and escalates nothing


def test_the_lead_leaders_follow_up_what_is_long_overdue(world, oversight, lanhdao, xa):
    recent = recommend(oversight, world.front_a, TODAY - 3 * DAY)
    old = recommend(oversight, world.front_a, TODAY - 20 * DAY)
    assert keys(lanhdao) == [f"{key_of(old)}:escalated"]
    assert key_of(recent) in keys(xa) and key_of(old) in keys(xa)


def test_answering_takes_it_off_and_reads_its_reminder(
    world, oversight, xa, django_capture_on_commit_callbacks
):
    rec = recommend(oversight, world.front_a, TODAY + 5 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_recommendation_reminders(today=TODAY) == 1
    reminder = Notification.objects.get(user=xa, key=key_of(rec))
    assert reminder.url == f"/oversight/{oversight.pk}/?answer={rec.pk}#rec-{rec.pk}"
    assert keys(xa) == [key_of(rec)]

    with django_capture_on_commit_callbacks(execute=True):
        services.recommendation_respond(
            actor=fresh(xa), recommendation=rec, status="done", response="Đã tổ chức 3 hội nghị"
        )
    assert keys(xa) == []
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_the_query_count_does_not_grow(
    world, oversight, xa, lanhdao, django_assert_max_num_queries
):
    recommend(oversight, world.front_a, TODAY - 30 * DAY)
    user, leader = fresh(xa), fresh(lanhdao)
    with django_assert_max_num_queries(2):
        assert len(recommendations_due(user, TODAY)) == 1
    with django_assert_max_num_queries(3):  # the scope, the two kinds of item
        assert len(recommendations_due(leader, TODAY)) == 1
    for n in range(9):
        recommend(oversight, world.front_a, TODAY - (20 + n) * DAY)
    user, leader = fresh(xa), fresh(lanhdao)
    with django_assert_max_num_queries(2):
        assert len(recommendations_due(user, TODAY)) == 10
    with django_assert_max_num_queries(3):  # the scope, the two kinds of item
        assert len(recommendations_due(leader, TODAY)) == 10
