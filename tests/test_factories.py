"""The factories build valid records through the services, with history, in a few words."""

from __future__ import annotations

from danvan.org.models import Area, Organization, Role
from danvan.org.selectors import user_can
from danvan.programs.models import Program
from tests.factories import (
    DocumentFactory,
    OrganizationFactory,
    OversightFactory,
    PracticeFactory,
    ProgramFactory,
    member,
)


def test_a_member_gets_the_role_in_the_subtree(world) -> None:  # type: ignore[no-untyped-def]
    leader = member(world.commission, Role.LEADER)
    assert leader.active_memberships().get().role == Role.LEADER
    assert user_can(leader, "edit", world.front_a)


def test_records_come_from_their_services(world, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    program = ProgramFactory(lead=world.commission, parties=[world.front_a])
    assert program.status == "draft" and program.contents.count() == 2
    assert Program.history.filter(id=program.pk).exists()
    practice = PracticeFactory(actor=xa, organization=world.front_a)
    assert practice.area == world.front_a.area and practice.status == "registered"
    oversight = OversightFactory(lead=world.commission, subjects=[world.front_a, world.party_a])
    assert set(oversight.subjects.all()) == {world.front_a, world.party_a}
    first, second = DocumentFactory(), DocumentFactory()
    assert first.number != second.number
    unit = OrganizationFactory(parent=world.commission, area__parent=world.province)
    assert Organization.objects.parent_of(unit) == world.commission
    assert Area.objects.parent_of(unit.area) == world.province
