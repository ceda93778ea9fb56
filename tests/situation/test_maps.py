"""Area maps: a boundary (GeoJSON) or a point per area, checked before it is kept, and kept by
the leaders of a top-level unit."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.accounts.models import User
from danvan.org import areas
from danvan.org.models import AreaLevel, Organization, Role
from danvan.situation import selectors, services, services_maps
from danvan.situation.models import AreaMap
from tests.conftest import World, kind
from tests.factories import member

pytestmark = pytest.mark.django_db


def square(x: float, y: float, size: float = 0.1) -> list[list[float]]:
    """A closed ring: a square with its south-west corner at (x, y)."""
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


MUONG_XEN = {"type": "Polygon", "coordinates": [square(104.1, 19.4)]}
NGHE_AN = {"type": "Polygon", "coordinates": [square(103.8, 18.5, 2.0)]}


def refused(actor: User | None, area: Any, boundary: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        services_maps.area_map_set(actor=actor, area=area, boundary=boundary)
    assert set(caught.value.message_dict) == {"boundary"}
    return caught.value.message_dict["boundary"][0]


def test_a_polygon_is_kept_as_a_dict_or_a_json_string(world: World, lanhdao: User) -> None:
    kept = services_maps.area_map_set(actor=lanhdao, area=world.commune_a, boundary=MUONG_XEN)
    assert kept.boundary == MUONG_XEN
    again = services_maps.area_map_set(
        actor=lanhdao, area=world.commune_a, boundary=json.dumps(NGHE_AN_SMALL)
    )
    assert again.pk == kept.pk and AreaMap.objects.get().boundary == NGHE_AN_SMALL
    assert selectors.area_map(world.commune_a) == again
    assert [h.history_user for h in kept.history.all()] == [lanhdao, lanhdao]


NGHE_AN_SMALL = {"type": "Polygon", "coordinates": [square(104.2, 19.5, 0.05)]}


def test_a_feature_must_be_of_this_area(world: World, lanhdao: User, english: None) -> None:
    feature = {"type": "Feature", "properties": {"code": "16813"}, "geometry": MUONG_XEN}
    kept = services_maps.area_map_set(actor=lanhdao, area=world.commune_a, boundary=feature)
    assert kept.boundary == MUONG_XEN  # the geometry alone
    said = refused(lanhdao, world.commune_b, feature)
    assert "16813" in said and "Xã Mỹ Lý" in said and "16816" in said
    collection = {"type": "FeatureCollection", "features": [feature]}
    assert services_maps.area_map_set(actor=lanhdao, area=world.commune_a, boundary=collection)
    two = {"type": "FeatureCollection", "features": [feature, feature]}
    assert "2 features" in refused(lanhdao, world.commune_a, two)
    assert AreaMap.objects.filter(area=world.commune_b).count() == 0


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Point", "coordinates": [104.1, 19.4]},
        {"type": "LineString", "coordinates": square(104.1, 19.4)},
        {"type": "Polygon", "coordinates": [square(104.1, 19.4)[:-1]]},  # not closed
        {"type": "Polygon", "coordinates": [[[104.1, 19.4], [104.2, 19.4], [104.1, 19.4]]]},
        {
            "type": "Polygon",
            "coordinates": [[[104.1, 19.4], [200.0, 19.4], [104.2, 19.5], [104.1, 19.4]]],
        },
        {
            "type": "Polygon",
            "coordinates": [[[104.1, 95.0], [104.2, 19.4], [104.2, 19.5], [104.1, 95.0]]],
        },
        {
            "type": "Polygon",
            "coordinates": [[["104.1", 19.4], [104.2, 19.4], [104.2, 19.5], ["104.1", 19.4]]],
        },
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [5]},
        {"type": "MultiPolygon", "coordinates": [5, 6]},
        {"type": "MultiPolygon", "coordinates": [[5]]},
        {"type": "Feature", "properties": None, "geometry": None},
        [1, 2, 3],
        "{not json",
        "[" * 100_000,
    ],
)
def test_what_is_not_a_closed_polygon_is_refused(
    world: World, lanhdao: User, boundary: Any
) -> None:
    refused(lanhdao, world.commune_a, boundary)
    assert not AreaMap.objects.exists()


def test_too_many_points(world: World, lanhdao: User, settings: Any, english: None) -> None:
    settings.DANVAN_MAX_BOUNDARY_POINTS = 8
    two_squares = {"type": "MultiPolygon", "coordinates": [[square(104.1, 19.4)],
                                                            [square(104.3, 19.4)]]}  # fmt: skip
    assert "10 points" in refused(lanhdao, world.commune_a, two_squares)
    assert services_maps.area_map_set(actor=lanhdao, area=world.commune_a, boundary=MUONG_XEN)


def test_a_boundary_outside_its_parent_is_refused(
    world: World, lanhdao: User, english: None
) -> None:
    services_maps.area_map_set(actor=lanhdao, area=world.province, boundary=NGHE_AN)
    hanoi = {"type": "Polygon", "coordinates": [square(105.8, 21.0)]}
    said = refused(lanhdao, world.commune_a, hanoi)
    assert "Nghệ An" in said and "Xã Mường Xén" in said
    assert services_maps.area_map_set(actor=lanhdao, area=world.commune_a, boundary=MUONG_XEN)


def test_a_point_alone(world: World, lanhdao: User) -> None:
    kept = services_maps.area_map_set(
        actor=lanhdao, area=world.commune_a, latitude=19.412345678, longitude=104.1
    )
    kept.refresh_from_db()
    assert (kept.latitude, kept.longitude) == (Decimal("19.41235"), Decimal("104.10000"))
    assert kept.boundary is None
    with pytest.raises(ValidationError) as half:
        services_maps.area_map_set(actor=lanhdao, area=world.commune_b, latitude=19.4)
    assert set(half.value.message_dict) == {"boundary"}
    with pytest.raises(ValidationError) as lat:
        services_maps.area_map_set(actor=lanhdao, area=world.commune_b, latitude=91, longitude=104)
    assert set(lat.value.message_dict) == {"latitude"}
    with pytest.raises(ValidationError) as lon:
        services_maps.area_map_set(actor=lanhdao, area=world.commune_b, latitude=19, longitude=-181)
    assert set(lon.value.message_dict) == {"longitude"}
    assert AreaMap.objects.count() == 1


def test_who_keeps_the_maps(world: World, lanhdao: User, tinh: User, xa: User) -> None:
    assert selectors.may_edit_maps(lanhdao)
    assert not selectors.may_edit_maps(tinh)  # a specialist
    assert not selectors.may_edit_maps(xa)
    front_leader = member(world.front_a, Role.LEADER)  # a leader, but not of a top-level unit
    assert not selectors.may_edit_maps(front_leader)
    for actor in (tinh, xa, front_leader):
        with pytest.raises(PermissionDenied):
            services_maps.area_map_set(actor=actor, area=world.commune_a, boundary=MUONG_XEN)
    assert not AreaMap.objects.exists()


def test_a_leader_of_another_province_does_not_draw_this_one(world: World) -> None:
    ha_tinh = areas.area_create(
        actor=None, parent=None, code="42", name="Hà Tĩnh", level=AreaLevel.PROVINCE
    )
    from danvan.org import services as org_services

    commission: Organization = org_services.organization_create(
        actor=None, parent=None, name="Ban Dân vận Tỉnh ủy Hà Tĩnh",
        kind=kind("mobilization_commission"), area=ha_tinh,
    )  # fmt: skip
    leader = member(commission, Role.LEADER)
    assert selectors.may_edit_maps(leader)  # the button: a leader of a top-level unit
    with pytest.raises(PermissionDenied):
        services_maps.area_map_set(actor=leader, area=world.commune_a, boundary=MUONG_XEN)
    services_maps.area_map_set(
        actor=leader, area=ha_tinh, boundary={"type": "Polygon", "coordinates": [square(105, 18)]}
    )
    assert list(AreaMap.objects.values_list("area", flat=True)) == [ha_tinh.pk]


def test_the_board_map_has_boundaries_and_points(
    world: World, lanhdao: User, tinh: User, django_assert_max_num_queries: Any
) -> None:
    from danvan.lib import periods
    from danvan.situation import board
    from tests.situation.conftest import TODAY

    services_maps.area_map_set(actor=lanhdao, area=world.commune_a, boundary=MUONG_XEN)
    services_maps.area_map_set(actor=lanhdao, area=world.commune_b, latitude=19.5, longitude=104.3)
    for area, org, n in ((world.commune_a, world.front_a, 2), (world.commune_b, world.front_b, 1)):
        for _ in range(n):
            services.note_create(
                actor=None, organization=org, area=area, topic=land_topic(), event_date=TODAY,
                summary="Bà con kiến nghị về đường giao thông", source="meeting", today=TODAY,
            )  # fmt: skip
    rows = board.area_table(tinh, scope=world.province, period=periods.parse("202612"))
    with django_assert_max_num_queries(1):
        found = board.map_features(world.province, rows)
    (feature,) = found["geojson"]["features"]
    assert feature["geometry"] == MUONG_XEN
    assert feature["properties"] == {"name": "Xã Mường Xén", "id": world.commune_a.pk}
    assert found["points"] == [{"name": "Xã Mỹ Lý", "value": [104.3, 19.5, 1]}]
    assert found["values"] == [
        {"name": "Xã Mường Xén", "value": 2},
        {"name": "Xã Mỹ Lý", "value": 1},
    ]


def land_topic() -> Any:
    from danvan.situation.models import Topic

    return Topic.objects.get(code="land-clearance")
