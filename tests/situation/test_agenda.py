"""The situation app's agenda: alerts for the commission's leaders and specialists to
acknowledge (one click), and those given to someone to look into."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from danvan.accounts.models import User
from danvan.dashboard.models import Notification
from danvan.lib import agenda
from danvan.lib.notify import key_of
from danvan.org import services as org_services
from danvan.org.models import Organization, Role
from danvan.situation import services
from danvan.situation.agenda import alerts_waiting
from danvan.situation.models import Alert, AlertStatus, Level, Note
from tests.conftest import World, kind
from tests.factories import member
from tests.situation.conftest import TODAY

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@dataclass
class Commune:
    commission: Organization
    leader: User
    specialist: User


def commune_commission(world: World, party: Organization, name: str) -> Commune:
    """A commune's Mass Mobilization Commission, which its area's alerts go to."""
    commission = org_services.organization_create(
        actor=None, parent=party, name=name, kind=kind("mobilization_commission"), area=party.area
    )
    return Commune(
        commission,
        member(commission, Role.LEADER),
        member(commission, Role.SPECIALIST),
    )


@pytest.fixture
def commune_a(world: World) -> Commune:
    return commune_commission(world, world.party_a, "Ban Dân vận Đảng ủy xã Mường Xén")


@pytest.fixture
def commune_b(world: World) -> Commune:
    return commune_commission(world, world.party_b, "Ban Dân vận Đảng ủy xã Mỹ Lý")


@pytest.fixture
def hot_spot(file_note: Callable[..., Note]) -> Callable[..., Alert]:
    def make(**fields: object) -> Alert:
        note = file_note(level=Level.HOT_SPOT, **fields)
        return Alert.objects.get(note=note)

    return make


def keys(user: User) -> list[str]:
    return [i.key for i in agenda.for_user(fresh(user), TODAY, kinds=["situation.alert"])]


def test_the_commission_acknowledges_its_own_alerts(
    world, commune_a, commune_b, hot_spot, xa, tinh, outsider, english
):
    alert_a = hot_spot()
    alert_b = hot_spot(
        organization=world.front_b, area=world.commune_b, summary="Tranh chấp đất rừng ở bản 2"
    )
    assert alert_a.organization == commune_a.commission
    assert keys(commune_a.leader) == [key_of(alert_a)]
    assert keys(commune_a.specialist) == [key_of(alert_a)]
    assert keys(commune_b.leader) == [key_of(alert_b)]
    assert keys(xa) == []  # a reporter of the Front handles no alert
    assert keys(tinh) == []  # the province could, but the commune's commission is asked
    assert keys(outsider) == []

    item = alerts_waiting(fresh(commune_a.leader), TODAY)[0]
    assert item.what == "Acknowledge an early-warning alert"
    assert item.url == f"/situation/alerts/{alert_a.pk}/"
    assert item.unit == commune_a.commission.name and item.due_on == TODAY
    assert item.action is not None and item.action.method == "post"
    assert item.action.url == f"/situation/alerts/{alert_a.pk}/acknowledge/"
    assert item.action.confirm


def test_one_click_acknowledges_and_settles_the_alert_message(
    commune_a, hot_spot, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = hot_spot()
    told = Notification.objects.get(user=commune_a.leader, key=key_of(alert))
    assert told.read_at is None
    action = alerts_waiting(fresh(commune_a.leader), TODAY)[0].action
    assert action is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(commune_a.leader).post(action.url)
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == commune_a.leader
    told.refresh_from_db()
    assert told.read_at is not None
    assert keys(commune_a.leader) == []


def test_a_viewer_cannot_acknowledge_and_gets_nothing(world, commune_a, hot_spot, as_user):
    alert = hot_spot()
    viewer = member(commune_a.commission, Role.VIEWER)
    assert keys(viewer) == []
    assert as_user(viewer).post(f"/situation/alerts/{alert.pk}/acknowledge/").status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_an_alert_given_to_someone_waits_for_them_until_closed(commune_a, hot_spot, english):
    alert = hot_spot()
    services.alert_acknowledge(
        actor=fresh(commune_a.leader), alert=alert, assigned_to=commune_a.specialist
    )
    assert keys(commune_a.leader) == []
    items = alerts_waiting(fresh(commune_a.specialist), TODAY)
    assert [i.key for i in items] == [key_of(alert)]
    assert items[0].due_on is None and items[0].what.startswith("Look into the alert")
    services.alert_close(
        actor=fresh(commune_a.specialist), alert=alert, outcome="Đã đối thoại với bà con"
    )
    assert keys(commune_a.specialist) == []


def test_the_query_count_does_not_grow(commune_a, hot_spot, django_assert_max_num_queries):
    hot_spot(summary="Điểm nóng số 0")
    user = fresh(commune_a.leader)
    with django_assert_max_num_queries(2):  # the scope, the alerts
        assert len(alerts_waiting(user, TODAY)) == 1
    for n in range(1, 10):
        hot_spot(summary=f"Điểm nóng số {n}", event_date=TODAY - datetime.timedelta(days=n))
    user = fresh(commune_a.leader)
    with django_assert_max_num_queries(2):
        assert len(alerts_waiting(user, TODAY)) == 10
