"""The org app's agenda: invitations into a unit one administers that expired unaccepted."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import agenda
from danvan.lib.notify import key_of
from danvan.org import services
from danvan.org.agenda import expired_invitations, unit_paths
from danvan.org.models import Invitation, Organization, Role, Verb
from tests.conftest import World
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def expired(
    actor: User, org: Organization, email: str, days_ago: int = 2, role: str = Role.REPORTER
) -> Invitation:
    """An invitation sent a week before it expired, `days_ago` days ago."""
    invitation, _raw = services.invitation_create(
        actor=actor, email=email, organization=org, role=role
    )
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=now - (7 + days_ago) * DAY, expires_at=now - days_ago * DAY
    )
    invitation.refresh_from_db()
    return invitation


def keys(user: User) -> list[str]:
    today = timezone.localdate()
    return [i.key for i in agenda.for_user(fresh(user), today, kinds=["org.invitation"])]


def test_unit_paths_are_the_own_units_with_the_verb(world: World, lanhdao, tinh, xa) -> None:
    assert unit_paths(fresh(lanhdao), verb=Verb.ADMINISTER) == [world.commission.path]
    assert unit_paths(fresh(tinh), verb=Verb.ADMINISTER) == []
    assert unit_paths(fresh(tinh), verb=Verb.EDIT) == [world.commission.path]
    assert unit_paths(fresh(xa), roles=[Role.LEADER, Role.SPECIALIST]) == []
    assert unit_paths(fresh(xa)) == [world.front_a.path]


def test_the_administrators_of_the_unit_are_asked_to_invite_again(
    world: World, lanhdao, tinh, xa, outsider, english
) -> None:
    front_admin = member(world.front_a, Role.ADMIN)
    lapsed = expired(lanhdao, world.commission, "moi@example.vn", days_ago=2)
    front = expired(front_admin, world.front_a, "canbo@example.vn", days_ago=1)
    expired(lanhdao, world.commission, "cu@example.vn", days_ago=9)  # expired long ago
    services.invitation_create(
        actor=lanhdao, email="dangcho@example.vn", organization=world.commission, role="reporter"
    )  # still pending

    items = expired_invitations(fresh(lanhdao), timezone.localdate())
    assert [i.key for i in items] == [key_of(lapsed)]
    item = items[0]
    assert item.title == "moi@example.vn — Reporter"
    assert item.unit == world.commission.name
    assert item.url == f"/orgs/{world.commission.pk}/#members"
    assert item.action is not None and item.action.label == "Invite again"
    assert item.days_late(timezone.localdate()) == 2
    # The front's administrator keeps the front's; the province leader is not asked for it.
    assert keys(front_admin) == [key_of(front)]
    assert keys(tinh) == [] and keys(xa) == [] and keys(outsider) == []


def test_it_leaves_once_invited_again_or_joined(world: World, lanhdao) -> None:
    again = expired(lanhdao, world.commission, "moi@example.vn")
    joined = expired(lanhdao, world.commission, "vao@example.vn")
    assert set(keys(lanhdao)) == {key_of(again), key_of(joined)}
    services.invitation_create(
        actor=lanhdao, email="moi@example.vn", organization=world.commission, role="reporter"
    )
    person = UserFactory.create(email="vao@example.vn")
    services.membership_create(
        actor=None, user=person, organization=world.commission, role="reporter"
    )
    assert keys(lanhdao) == []


def test_the_query_count_does_not_grow(world: World, lanhdao, django_assert_max_num_queries):
    expired(lanhdao, world.commission, "a0@example.vn")
    user = fresh(lanhdao)
    with django_assert_max_num_queries(2):  # the scope, the invitations
        assert len(expired_invitations(user, timezone.localdate())) == 1
    for n in range(1, 10):
        expired(lanhdao, world.commission, f"a{n}@example.vn")
    user = fresh(lanhdao)
    with django_assert_max_num_queries(2):
        assert len(expired_invitations(user, timezone.localdate())) == 10
