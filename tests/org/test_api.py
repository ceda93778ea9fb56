"""The REST API for areas, organisations and memberships, including who must be refused."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danvan.accounts.services import token_create
from danvan.org import areas, services
from danvan.org.models import Membership, Organization, Role
from tests.conftest import World, kind

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:  # type: ignore[no-untyped-def]
    _token, raw = token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, url: str, data: dict) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: dict) -> object:
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_anonymous_gets_a_readable_401(world: World) -> None:
    response = Client().get("/api/v1/organizations")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_bad_token_is_refused(world: World) -> None:
    client = Client(headers={"Authorization": "Bearer dv_not-a-token"})
    assert client.get("/api/v1/areas").status_code == 401


def test_list_is_scoped_and_filterable(world: World, tinh, xa) -> None:
    tinh_api = bearer(tinh)
    everything = tinh_api.get("/api/v1/organizations").json()
    assert everything["count"] == 5
    fronts = tinh_api.get("/api/v1/organizations", {"kind": "fatherland_front"}).json()
    assert {o["name"] for o in fronts["items"]} == {
        "Ủy ban MTTQ Việt Nam xã Mường Xén",
        "Ủy ban MTTQ Việt Nam xã Mỹ Lý",
    }
    by_text = tinh_api.get("/api/v1/organizations", {"q": "muong xen"}).json()
    assert by_text["count"] == 2
    children = tinh_api.get("/api/v1/organizations", {"parent_id": world.party_a.pk}).json()
    assert [o["id"] for o in children["items"]] == [world.front_a.pk]
    assert children["items"][0]["parent_id"] == world.party_a.pk
    mine = bearer(xa).get("/api/v1/organizations").json()
    assert [o["id"] for o in mine["items"]] == [world.front_a.pk]


def test_detail_outside_scope_is_404(world: World, xa) -> None:
    client = bearer(xa)
    assert client.get(f"/api/v1/organizations/{world.front_a.pk}").status_code == 200
    response = client.get(f"/api/v1/organizations/{world.front_b.pk}")
    assert response.status_code == 404 and response.json() == {"detail": "Không tìm thấy."}


def test_areas_list_detail_and_filters(world: World, tinh) -> None:
    client = bearer(tinh)
    communes = client.get("/api/v1/areas", {"level": "commune", "valid_on": "2026-01-01"}).json()
    assert {a["code"] for a in communes["items"]} == {"16813", "16816"}
    old = client.get("/api/v1/areas", {"valid_on": "2020-01-01", "level": "district"}).json()
    assert [a["code"] for a in old["items"]] == ["417"]
    detail = client.get(f"/api/v1/areas/{world.commune_a.pk}").json()
    assert detail["parent_id"] == world.province.pk and detail["name"] == "Xã Mường Xén"


def test_leader_creates_and_updates_an_organisation(world: World, lanhdao) -> None:
    client = bearer(lanhdao)
    response = post(client, "/api/v1/organizations", {
        "name": "Hội Nông dân xã Mường Xén", "kind": "mass_organization",
        "area_id": world.commune_a.pk, "parent_id": world.party_a.pk,
    })  # fmt: skip
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["parent_id"] == world.party_a.pk and created["kind"] == "mass_organization"
    response = patch(client, f"/api/v1/organizations/{created['id']}", {"abbreviation": "HND"})
    assert response.json()["abbreviation"] == "HND"
    org = Organization.objects.get(pk=created["id"])
    assert org.history.first().history_user == lanhdao


def test_reporter_may_not_create_or_update(world: World, xa) -> None:
    client = bearer(xa)
    response = post(client, "/api/v1/organizations", {
        "name": "Chi hội", "kind": "mass_organization", "area_id": world.commune_a.pk,
        "parent_id": world.front_a.pk,
    })  # fmt: skip
    assert response.status_code == 403
    assert response.json()["detail"]
    assert (
        patch(client, f"/api/v1/organizations/{world.front_a.pk}", {"name": "X"}).status_code == 403
    )


def test_errors_are_readable_json(world: World, lanhdao) -> None:
    client = bearer(lanhdao)
    cycle = patch(client, f"/api/v1/organizations/{world.party_a.pk}",
                  {"parent_id": world.front_a.pk})  # fmt: skip
    assert cycle.status_code == 400
    assert "parent" in cycle.json()["errors"]
    unknown_kind = post(client, "/api/v1/organizations", {
        "name": "X", "kind": "club", "area_id": world.commune_a.pk, "parent_id": world.party_a.pk,
    })  # fmt: skip
    assert unknown_kind.status_code == 400 and "fatherland_front" in unknown_kind.json()["detail"]
    missing = post(client, "/api/v1/organizations", {"name": "X"})
    assert missing.status_code == 422
    assert "kind" in missing.json()["detail"] and "area_id" in missing.json()["detail"]
    duplicate = post(client, "/api/v1/areas", {
        "code": "16813", "name": "Trùng", "level": "commune", "parent_id": world.province.pk,
        "valid_from": "2026-01-01",
    })  # fmt: skip
    assert duplicate.status_code == 400 and "16813" in duplicate.json()["detail"]


def test_area_create_and_successors(world: World, lanhdao, tinh) -> None:
    client = bearer(lanhdao)
    response = post(client, "/api/v1/areas", {
        "code": "16852", "name": "Xã Tà Cạ", "level": "commune",
        "parent_id": world.old_district.pk, "valid_to": "2025-06-30",
        "successor_ids": [world.commune_a.pk],
    })  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["successor_ids"] == [world.commune_a.pk]
    assert post(bearer(tinh), "/api/v1/areas", {
        "code": "1", "name": "X", "level": "commune", "parent_id": world.province.pk,
    }).status_code == 403  # fmt: skip


def test_memberships_create_update_and_scope(world: World, lanhdao, xa, xa2) -> None:
    client = bearer(lanhdao)
    response = post(client, "/api/v1/memberships", {
        "user_email": "xa2@example.vn", "organization_id": world.front_a.pk, "role": "viewer",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    membership_id = response.json()["id"]
    updated = patch(client, f"/api/v1/memberships/{membership_id}", {"role": "reporter"})
    assert updated.json()["role"] == "reporter"
    ended = patch(client, f"/api/v1/memberships/{membership_id}", {"ended": True})
    assert ended.json()["is_active"] is False
    assert Membership.objects.filter(pk=membership_id).exists()  # kept, not deleted
    # xa sees the memberships of its own unit, not those of xa2's.
    xa_view = bearer(xa).get("/api/v1/memberships").json()
    assert {m["user_email"] for m in xa_view["items"]} == {"xa@example.vn"}
    # the id a body names a person by (a petition's handler, an alert's assignee)
    assert {m["user_id"] for m in xa_view["items"]} == {xa.pk}
    xa2_membership = Membership.objects.get(user=xa2, organization=world.front_b)
    assert bearer(xa).get(f"/api/v1/memberships/{xa2_membership.pk}").status_code == 404
    refused = post(bearer(xa), "/api/v1/memberships", {
        "user_email": "xa2@example.vn", "organization_id": world.front_a.pk, "role": "viewer",
    })  # fmt: skip
    assert refused.status_code == 403
    no_account = post(client, "/api/v1/memberships", {
        "user_email": "nobody@example.vn", "organization_id": world.front_a.pk, "role": "viewer",
    })  # fmt: skip
    assert no_account.status_code == 400
    assert "lời mời" in no_account.json()["detail"]


def test_membership_for_dissolved_organisation_via_api(world: World, lanhdao, xa2) -> None:
    client = bearer(lanhdao)
    response = post(client, f"/api/v1/organizations/{world.front_b.pk}/dissolve",
                    {"dissolved_on": "2026-01-01", "successor_id": world.front_a.pk})  # fmt: skip
    assert response.json()["dissolved_on"] == "2026-01-01"
    refused = post(client, "/api/v1/memberships", {
        "user_email": "xa2@example.vn", "organization_id": world.front_b.pk, "role": "viewer",
    })  # fmt: skip
    assert refused.status_code == 400 and "organization" in refused.json()["errors"]


def test_session_auth_works_for_the_browser(world: World, tinh, as_user) -> None:
    assert as_user(tinh).get("/api/v1/areas").status_code == 200


def test_session_of_a_leader_without_second_factor_is_refused(world: World, lanhdao) -> None:
    client = Client()
    client.force_login(lanhdao)
    assert client.get("/api/v1/areas").status_code == 401


def test_openapi_and_docs_are_served_without_a_cdn(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/organizations" in schema["paths"]
    docs = Client().get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle" in docs
    # Every script, style and icon is served from here (the page's random CSRF token may
    # spell "cdn" by chance: the addresses are what is checked).
    addresses = re.findall(r'(?:src|href)="([^"]*)"', docs)
    assert addresses and all(a.startswith("/static/") for a in addresses), addresses
    assert "://" not in docs


@pytest.mark.parametrize("url", ["/api/v1/organizations", "/api/v1/areas", "/api/v1/memberships"])
def test_api_lists_keep_their_query_count(world: World, tinh, url: str) -> None:
    client = bearer(tinh)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": 500})
            assert response.status_code == 200
        return len(ctx.captured_queries)

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            area = areas.area_create(
                actor=None, parent=world.province, code=f"8{i:04d}", name=f"Xã {i}",
                level="commune", successors=[],
            )  # fmt: skip
            org = services.organization_create(
                actor=None, parent=world.commission, name=f"Đơn vị {i}",
                kind=kind("mass_organization"), area=area,
            )  # fmt: skip
            user = type(tinh).objects.create_user(f"u{i}@example.vn", "x")
            services.membership_create(actor=None, user=user, organization=org, role=Role.VIEWER)

    grow(10, 0)
    client.get(url)  # the first use of a token records when it was used
    at_ten = count()
    grow(190, 10)
    assert count() == at_ten


@pytest.mark.parametrize(
    ("url_of", "payload", "field"),
    [
        (lambda w: f"/api/v1/organizations/{w.front_a.pk}", {"email": "notanemail"}, "email"),
        (lambda w: f"/api/v1/organizations/{w.front_a.pk}", {"name": "x" * 400}, "name"),
        (lambda w: f"/api/v1/areas/{w.commune_a.pk}", {"code": "1" * 40}, "code"),
    ],
)
def test_bad_values_are_400_not_500(world: World, lanhdao, url_of, payload, field) -> None:
    response = patch(bearer(lanhdao), url_of(world), payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("url_of", "payload"),
    [
        (lambda w: f"/api/v1/organizations/{w.front_a.pk}", {"name": None}),
        (lambda w: f"/api/v1/areas/{w.commune_a.pk}", {"is_border": None}),
    ],
)
def test_null_for_a_field_that_cannot_be_empty_is_422(
    world: World, lanhdao, url_of, payload
) -> None:
    response = patch(bearer(lanhdao), url_of(world), payload)
    assert response.status_code == 422, response.content
    assert next(iter(payload)) in response.json()["detail"]


def test_schema_errors_are_readable(world: World, lanhdao) -> None:
    response = patch(bearer(lanhdao), f"/api/v1/areas/{world.commune_a.pk}", {"population": "x"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("population:")


def test_a_commune_leader_cannot_change_official_areas(world: World) -> None:
    from tests.conftest import make_user

    leader = make_user("leader.a@example.vn")
    services.membership_create(actor=None, user=leader, organization=world.front_a, role="leader")
    response = patch(bearer(leader), f"/api/v1/areas/{world.commune_a.pk}", {"name": "Đổi tên"})
    assert response.status_code == 403
