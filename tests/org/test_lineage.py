"""The precomputed predecessors (org/lineage.py): kept right by the services that record a
succession, undo it, chain it or move a unit, equal to the walk they replace, and refilled
by the data migration."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.org import areas, lineage, services
from danvan.org.models import Area, AreaPredecessor, Organization, OrganizationPredecessor
from tests.conftest import World, kind

GONE = datetime.date(2026, 1, 1)


def stored(node: Organization | Area) -> set[int]:
    table = OrganizationPredecessor if isinstance(node, Organization) else AreaPredecessor
    return set(table.objects.filter(node=node).values_list("predecessor_id", flat=True))


def assert_stored_equals_walk(model: type[Organization] | type[Area]) -> None:
    nodes = list(model.objects.all())
    successor_path = "successor__path" if model is Organization else "successors__path"
    walked = lineage.walk(model, nodes, successor_path=successor_path, step=model.steplen)
    read = lineage.roots(nodes)
    for node in nodes:
        assert sorted(read[node.pk][1:]) == sorted(walked[node.pk]), node.name


def unit(world: World, name: str, parent: Organization | None = None) -> Organization:
    return services.organization_create(
        actor=None,
        parent=parent or world.commission,
        name=name,
        kind=kind("fatherland_front"),
        area=world.commune_a,
    )


def test_a_recorded_succession_counts_for_the_successor_and_its_ancestors(world: World) -> None:
    services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=GONE, successor=world.front_a
    )
    assert stored(world.front_a) == {world.front_b.pk}
    assert stored(world.party_a) == {world.front_b.pk}
    # Inside the commission's own subtree already: not repeated.
    assert stored(world.commission) == set()
    assert stored(world.front_b) == stored(world.party_b) == set()
    roots = lineage.roots([world.front_a])[world.front_a.pk]
    assert roots == [(world.front_a.pk, world.front_a.path), (world.front_b.pk, world.front_b.path)]
    assert_stored_equals_walk(Organization)


def test_a_unit_registered_dissolved_with_its_successor_counts_at_once(world: World) -> None:
    old = services.organization_create(
        actor=None, parent=None, name="Ban cũ", kind=kind("fatherland_front"),
        area=world.commune_a, dissolved_on=GONE, successor=world.front_a,
    )  # fmt: skip
    assert stored(world.front_a) == stored(world.party_a) == stored(world.commission) == {old.pk}
    assert_stored_equals_walk(Organization)


def test_undoing_a_succession_removes_it_and_keeps_the_reason(world: World, lanhdao) -> None:
    services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=GONE, successor=world.front_a
    )
    services.organization_successor_set(
        actor=lanhdao, org=world.front_b, successor=None, reason="Ghi nhầm đơn vị kế thừa"
    )
    assert stored(world.front_a) == stored(world.party_a) == set()
    assert not OrganizationPredecessor.objects.exists()
    latest = Organization.history.filter(id=world.front_b.pk).first()
    assert latest is not None
    assert latest.successor_id is None
    assert latest.history_change_reason == "Ghi nhầm đơn vị kế thừa"
    assert latest.history_user == lanhdao
    assert_stored_equals_walk(Organization)


def test_correcting_a_successor_moves_the_history_to_the_new_one(world: World) -> None:
    services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=GONE, successor=world.front_a
    )
    other = unit(world, "Ban mới")
    services.organization_successor_set(actor=None, org=world.front_b, successor=other)
    assert stored(world.front_a) == stored(world.party_a) == set()
    assert stored(other) == {world.front_b.pk}
    assert_stored_equals_walk(Organization)


def test_setting_a_successor_is_refused_where_dissolving_would_be(world: World, xa) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organization_successor_set(actor=None, org=world.front_a, successor=world.front_b)
    assert "successor" in caught.value.message_dict
    services.organization_dissolve(actor=None, org=world.front_b, dissolved_on=GONE)
    with pytest.raises(PermissionDenied):
        services.organization_successor_set(actor=xa, org=world.front_b, successor=world.front_a)
    with pytest.raises(ValidationError) as caught:
        services.organization_successor_set(actor=None, org=world.party_b, successor=world.front_b)
    assert "successor" in caught.value.message_dict
    assert not OrganizationPredecessor.objects.exists()
    assert Organization.objects.get(pk=world.front_b.pk).successor_id is None


def test_a_chain_a_b_c_counts_both_for_c(world: World) -> None:
    a = unit(world, "Đơn vị A")
    b = unit(world, "Đơn vị B")
    c = world.front_a
    services.organization_dissolve(actor=None, org=a, dissolved_on=GONE, successor=b)
    assert stored(b) == {a.pk}
    services.organization_dissolve(
        actor=None, org=b, dissolved_on=datetime.date(2026, 6, 30), successor=c
    )
    assert stored(c) == stored(world.party_a) == {a.pk, b.pk}
    assert stored(b) == {a.pk}  # B's own history keeps A
    assert stored(world.commission) == set()
    assert_stored_equals_walk(Organization)
    # Undoing the later link cuts the chain for C; B keeps A.
    services.organization_successor_set(actor=None, org=b, successor=None)
    assert stored(c) == stored(world.party_a) == set()
    assert stored(b) == {a.pk}
    assert_stored_equals_walk(Organization)


def test_a_predecessor_inside_another_is_not_repeated(world: World) -> None:
    old_district = unit(world, "Huyện cũ")
    old_commune = unit(world, "Xã cũ", parent=old_district)
    services.organization_dissolve(
        actor=None, org=old_commune, dissolved_on=GONE, successor=world.front_a
    )
    services.organization_dissolve(
        actor=None, org=old_district, dissolved_on=GONE, successor=world.party_a
    )
    assert stored(world.front_a) == {old_commune.pk}
    assert stored(world.party_a) == {old_district.pk}  # the old commune is inside it
    assert_stored_equals_walk(Organization)


def test_moving_a_unit_moves_its_predecessors_with_it(world: World) -> None:
    services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=GONE, successor=world.front_a
    )
    services.organization_update(actor=None, org=world.front_a, parent=world.party_b)
    assert stored(world.party_a) == set()
    # front_b lies in party_b's own subtree: nothing to add there.
    assert stored(world.party_b) == set()
    assert stored(Organization.objects.get(pk=world.front_a.pk)) == {world.front_b.pk}
    assert_stored_equals_walk(Organization)
    other = unit(world, "Ban khác")
    services.organization_update(actor=None, org=world.front_a, parent=other)
    assert stored(other) == {world.front_b.pk}
    assert_stored_equals_walk(Organization)


def test_area_successors_recorded_and_undone(world: World) -> None:
    areas.area_update(actor=None, area=world.old_district, successors=[world.commune_a])
    assert stored(world.commune_a) == {world.old_district.pk}
    assert stored(world.province) == set()  # the old district is inside the province
    assert_stored_equals_walk(Area)
    areas.area_update(
        actor=None, area=world.old_district, successors=[world.commune_a, world.commune_b]
    )
    assert stored(world.commune_b) == {world.old_district.pk}
    areas.area_update(actor=None, area=world.old_district, successors=[])
    assert not AreaPredecessor.objects.exists()
    assert_stored_equals_walk(Area)


def test_the_data_migration_and_rebuild_give_what_the_services_kept(world: World) -> None:
    a = unit(world, "Đơn vị A")
    services.organization_dissolve(actor=None, org=a, dissolved_on=GONE, successor=world.front_b)
    services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=GONE, successor=world.front_a
    )
    areas.area_update(actor=None, area=world.old_district, successors=[world.commune_b])
    kept = {
        model: set(model.objects.values_list("node_id", "predecessor_id"))
        for model in (OrganizationPredecessor, AreaPredecessor)
    }
    assert all(kept.values())
    migration = importlib.import_module("danvan.org.migrations.0007_fill_predecessors")
    OrganizationPredecessor.objects.all().delete()
    AreaPredecessor.objects.all().delete()
    migration.fill(apps, None)
    for model, rows in kept.items():
        assert set(model.objects.values_list("node_id", "predecessor_id")) == rows
    OrganizationPredecessor.objects.all().delete()
    lineage.rebuild(Organization)
    assert (
        set(OrganizationPredecessor.objects.values_list("node_id", "predecessor_id"))
        == (kept[OrganizationPredecessor])
    )
