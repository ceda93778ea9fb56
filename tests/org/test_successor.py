"""Correcting a dissolved organisation's successor, on the page and over the API: whose figures
its history counts towards (the stored predecessors follow), with the reason in its history."""

from __future__ import annotations

import datetime

import pytest

from danvan.org import services
from danvan.org.models import Organization, OrganizationPredecessor
from tests.conftest import World
from tests.org.test_api import bearer, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def dissolved(world: World) -> Organization:
    """Commune B's Front, dissolved with no successor recorded."""
    return services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=datetime.date(2026, 1, 1)
    )


def predecessors_of(org: Organization) -> list[str]:
    return list(
        OrganizationPredecessor.objects.filter(node=org).values_list("predecessor__name", flat=True)
    )


def save_successor(client, org: Organization, successor: Organization | None, reason: str):  # type: ignore[no-untyped-def]
    """Post the successor page as a leader would; the organisation is read again after."""
    response = client.post(
        f"/orgs/{org.pk}/successor/",
        {"successor": successor.pk if successor else "", "reason": reason},
    )
    org.refresh_from_db()
    return response


def test_a_leader_records_then_undoes_the_successor_on_the_page(
    world: World, dissolved: Organization, lanhdao, as_user
) -> None:
    client = as_user(lanhdao)
    detail = client.get(f"/orgs/{dissolved.pk}/").content.decode()
    assert f'href="/orgs/{dissolved.pk}/successor/"' in detail  # «Đổi đơn vị kế thừa»
    page = client.get(f"/orgs/{dissolved.pk}/successor/").content.decode()
    assert "Ủy ban MTTQ Việt Nam xã Mỹ Lý" in page and 'name="reason"' in page
    response = save_successor(client, dissolved, world.front_a, "Nghị quyết 1687/NQ-UBTVQH15")
    assert response.status_code == 302
    assert dissolved.successor == world.front_a
    assert predecessors_of(world.front_a) == ["Ủy ban MTTQ Việt Nam xã Mỹ Lý"]
    assert dissolved.history.first().history_change_reason == "Nghị quyết 1687/NQ-UBTVQH15"
    save_successor(client, dissolved, None, "Ghi nhầm")
    assert dissolved.successor is None and predecessors_of(world.front_a) == []


def test_the_page_refuses_who_may_not_and_what_cannot_be(
    world: World, dissolved: Organization, lanhdao, tinh, xa, as_user
) -> None:
    assert as_user(tinh).get(f"/orgs/{dissolved.pk}/successor/").status_code == 403  # specialist
    assert as_user(xa).get(f"/orgs/{dissolved.pk}/successor/").status_code == 404  # not in scope
    assert as_user(lanhdao).get(f"/orgs/{world.front_a.pk}/successor/").status_code == 403  # active
    # The unit itself (or one inside it) is refused by the service, whatever the form offers;
    # through the API, where nothing narrows the choice first.
    services.organization_dissolve(
        actor=None, org=world.party_b, dissolved_on=datetime.date(2026, 1, 1)
    )
    for inside in (world.party_b, dissolved):
        answer = post(
            bearer(lanhdao),
            f"/api/v1/organizations/{world.party_b.pk}/successor",
            {"successor_id": inside.pk},
        )
        assert answer.status_code == 400
        assert "một đơn vị trực thuộc" in answer.json()["errors"]["successor"][0]
    world.party_b.refresh_from_db()
    assert world.party_b.successor is None


def test_a_reason_alone_keeps_a_successor_dissolved_since(
    world: World, dissolved: Organization, lanhdao, as_user
) -> None:
    services.organization_successor_set(actor=None, org=dissolved, successor=world.front_a)
    services.organization_dissolve(
        actor=None, org=world.front_a, dissolved_on=datetime.date(2026, 6, 1)
    )
    client = as_user(lanhdao)
    page = client.get(f"/orgs/{dissolved.pk}/successor/").content.decode()
    assert f'<option value="{world.front_a.pk}"' in page and "selected" in page
    response = save_successor(client, dissolved, world.front_a, "Bổ sung số quyết định")
    assert response.status_code == 302
    assert dissolved.successor == world.front_a
    assert dissolved.history.first().history_change_reason == "Bổ sung số quyết định"
    # A dissolved unit is still refused as a new successor.
    services.organization_successor_set(actor=None, org=dissolved, successor=None)
    refused = save_successor(client, dissolved, world.front_a, "x")
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()


def test_the_api_records_corrects_and_refuses(
    world: World, dissolved: Organization, lanhdao, tinh
) -> None:
    url = f"/api/v1/organizations/{dissolved.pk}/successor"
    answer = post(bearer(lanhdao), url, {"successor_id": world.front_a.pk, "reason": "QĐ 12"})
    assert answer.status_code == 200
    assert (answer.json()["successor_id"], answer.json()["is_active"]) == (world.front_a.pk, False)
    assert predecessors_of(world.front_a) == ["Ủy ban MTTQ Việt Nam xã Mỹ Lý"]
    assert post(bearer(tinh), url, {"successor_id": None}).status_code == 403
    outside = post(bearer(lanhdao), url, {"successor_id": 999_999})
    assert outside.status_code == 400 and "successor_id" in outside.json()["errors"]
    active = post(
        bearer(lanhdao), f"/api/v1/organizations/{world.front_a.pk}/successor", {"reason": ""}
    )
    assert active.status_code == 400 and "successor" in active.json()["errors"]
    undone = post(bearer(lanhdao), url, {"successor_id": None, "reason": "Ghi nhầm"})
    assert undone.status_code == 200 and undone.json()["successor_id"] is None
    assert predecessors_of(world.front_a) == []
