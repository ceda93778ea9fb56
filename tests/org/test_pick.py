"""The pickers' lookup endpoints: scoped to the user, diacritics ignored, names in Vietnamese
order, narrowed by the form's signed allowed set; the anonymous are sent to sign in."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from danvan.lib import pickers
from tests.conftest import World
from tests.factories import DocumentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def values(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(v) for v in re.findall(r'data-value="(\d+)"', response.content.decode())]


def test_a_unit_is_found_without_its_diacritics(world: World, tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    found = names(as_user(tinh).get("/orgs/pick/", {"q": "muong xen"}))
    assert found == ["Đảng ủy xã Mường Xén", "Ủy ban MTTQ Việt Nam xã Mường Xén"]


def test_a_commune_cannot_find_another_communes_units(world: World, xa, xa2, as_user) -> None:  # type: ignore[no-untyped-def]
    assert names(as_user(xa2).get("/orgs/pick/", {"q": "muong xen"})) == []
    assert "Không tìm thấy kết quả nào cho «muong xen»." in as_user(xa2).get(
        "/orgs/pick/", {"q": "muong xen"}
    ).content.decode().replace("&laquo;", "«").replace("&raquo;", "»")
    # Everything xa2 may see, with nothing typed: its own Front only.
    assert values(as_user(xa2).get("/orgs/pick/")) == [world.front_b.pk]
    assert names(as_user(xa).get("/orgs/pick/", {"q": "muong xen"})) == [
        "Ủy ban MTTQ Việt Nam xã Mường Xén"
    ]
    assert names(as_user(xa2).get("/areas/pick/", {"q": "muong xen"})) == []


def test_a_parent_is_named_only_when_the_user_may_see_it(world: World, tinh, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    as_tinh = as_user(tinh).get("/orgs/pick/", {"q": "mttq muong xen"}).content.decode()
    assert 'data-detail="Đảng ủy xã Mường Xén · Xã Mường Xén"' in as_tinh
    as_xa = as_user(xa).get("/orgs/pick/", {"q": "mttq muong xen"}).content.decode()
    assert 'data-detail="Xã Mường Xén"' in as_xa and "Đảng ủy" not in as_xa


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    for url in ("/orgs/pick/", "/areas/pick/", "/documents/pick/"):
        response = Client().get(url, {"q": "muong xen"})
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_allowed_set_narrows_the_answer_and_cannot_be_altered(
    world: World, tinh, xa2, as_user
) -> None:  # type: ignore[no-untyped-def]
    token = pickers.limit_token("org.organization", [world.party_a.pk, world.front_b.pk])
    client = as_user(tinh)
    assert sorted(values(client.get("/orgs/pick/", {"limit_to": token}))) == sorted(
        [world.party_a.pk, world.front_b.pk]
    )
    assert values(client.get("/orgs/pick/", {"q": "mttq", "limit_to": token})) == [world.front_b.pk]
    # A token widens nothing: the scope applies first.
    assert values(as_user(xa2).get("/orgs/pick/", {"limit_to": token})) == [world.front_b.pk]
    altered = client.get("/orgs/pick/", {"limit_to": token[:-3] + "abc"})
    assert altered.status_code == 400
    area_token = pickers.limit_token("org.area", [world.commune_a.pk])
    assert client.get("/orgs/pick/", {"limit_to": area_token}).status_code == 400
    assert values(client.get("/areas/pick/", {"limit_to": area_token})) == [world.commune_a.pk]


def test_names_come_in_vietnamese_order_and_a_long_answer_says_there_is_more(
    world: World, tinh, as_user, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for name in ("Hội Nông dân xã Bình", "Hội Nông dân xã Bích", "Hội Nông dân xã Bạch",
                 "Hội Nông dân xã Đông", "Hội Nông dân xã Dương"):  # fmt: skip
        OrganizationFactory.create(name=name, parent=world.commission, area=world.commune_a)
    client = as_user(tinh)
    found = names(client.get("/orgs/pick/", {"q": "hoi nong dan"}))
    assert found == [
        "Hội Nông dân xã Bạch",
        "Hội Nông dân xã Bích",
        "Hội Nông dân xã Bình",
        "Hội Nông dân xã Dương",
        "Hội Nông dân xã Đông",
    ]
    for n in range(pickers.SHOWN):
        OrganizationFactory.create(
            name=f"Chi hội Nông dân thôn {n}", parent=world.commission, area=world.commune_b
        )
    client.get("/orgs/pick/", {"q": "nong dan"})  # the session and scope, read once
    with django_assert_max_num_queries(8):
        response = client.get("/orgs/pick/", {"q": "nong dan"})
    assert len(values(response)) == pickers.SHOWN
    assert "Còn nhiều kết quả khác" in response.content.decode()


def test_areas_are_found_with_their_parent_and_code(world: World, tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user(tinh).get("/areas/pick/", {"q": "xa muong"}).content.decode()
    assert 'data-label="Xã Mường Xén"' in page
    assert 'data-detail="Nghệ An · 16813, 01/07/2025–…"' in page


def test_documents_are_found_by_number_or_title_without_diacritics(
    world: World, tinh, as_user
) -> None:  # type: ignore[no-untyped-def]
    DocumentFactory.create(number="23-QĐ/TW", title="Quy định về công tác dân vận")
    DocumentFactory.create(number="99-NQ/TW", title="Nghị quyết về đối thoại")
    client = as_user(tinh)
    assert names(client.get("/documents/pick/", {"q": "23-qd"})) == [
        "23-QĐ/TW — Quy định về công tác dân vận"
    ]
    assert names(client.get("/documents/pick/", {"q": "doi thoai"})) == [
        "99-NQ/TW — Nghị quyết về đối thoại"
    ]


def test_a_form_page_offers_the_picker_with_the_same_field_name(
    world: World, tinh, as_user
) -> None:  # type: ignore[no-untyped-def]
    page = as_user(tinh).get("/programs/new/").content.decode()
    lead = re.search(r'<div class="dv-picker".*?<select name="lead".*?</select>', page, re.S)
    assert lead is not None and 'data-lookup="/orgs/pick/"' in lead.group(0)
    assert f'<option value="{world.front_a.pk}"' in lead.group(0)
    assert 'role="combobox"' in page and 'name="term_from"' in page
