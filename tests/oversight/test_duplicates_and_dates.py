"""Refusals: years out of range, an oversight outside its plan item's period, and duplicates
(a second plan for the year, a second oversight for an item, a second conclusion)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from danvan.lib.errors import Conflict
from danvan.oversight import services
from danvan.oversight.models import Oversight, Plan, PlanItem
from tests.conftest import World
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.date.today()  # noqa: DTZ011 — only to place test dates in the past
YEAR = TODAY.year - 1
INSIDE, BEFORE, AFTER = D(YEAR, 3, 2), D(YEAR - 1, 11, 1), D(YEAR, 7, 1)  # the item is YEAR S1


def post_json(client: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def plan(world: World, tinh) -> Plan:  # type: ignore[no-untyped-def]
    return services.plan_create(
        actor=tinh, organization=world.commission, year=YEAR, title="Kế hoạch kiểm tra"
    )


@pytest.fixture
def item(plan: Plan, tinh, world: World) -> PlanItem:  # type: ignore[no-untyped-def]
    return services.plan_item_add(
        actor=tinh, plan=plan, kind="inspection", title="Kiểm tra Quy chế dân vận",
        period=f"{YEAR}S1", subjects=[world.front_a],
    )  # fmt: skip


def _oversight(world: World, tinh, start: datetime.date, item: PlanItem | None = None) -> Oversight:  # type: ignore[no-untyped-def]
    return services.oversight_create(
        actor=tinh, kind="inspection", title="Kiểm tra", lead=world.commission,
        subjects=[world.front_a], starts_on=start, ends_on=start + datetime.timedelta(days=2),
        plan_item=item,
    )  # fmt: skip


# --- Years ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [-1, 0, 1899, 10000, 99999])
def test_a_year_out_of_range_answers_422(world: World, tinh, year: int) -> None:  # type: ignore[no-untyped-def]
    client = bearer(tinh)
    for url in ("/api/v1/oversights", "/api/v1/oversight-plans"):
        response = client.get(url, {"year": year})
        assert response.status_code == 422 and "year" in response.json()["errors"], url
    body = {"organization_id": world.commission.pk, "year": year, "title": "KH"}
    made = post_json(client, "/api/v1/oversight-plans", body)
    assert made.status_code == 422 and "year" in made.json()["errors"]
    assert not Plan.objects.exists()


def test_a_year_in_range_is_answered(world: World, plan: Plan, tinh) -> None:  # type: ignore[no-untyped-def]
    _oversight(world, tinh, INSIDE)
    client = bearer(tinh)
    assert len(client.get("/api/v1/oversights", {"year": YEAR}).json()["items"]) == 1
    assert client.get("/api/v1/oversights", {"year": 1900}).json()["items"] == []
    assert [p["id"] for p in client.get("/api/v1/oversight-plans", {"year": YEAR}).json()["items"]] == [plan.pk]  # fmt: skip
    assert Client().get("/api/v1/oversights", {"year": YEAR}).status_code == 401


# --- An oversight within its plan item's period ---------------------------------------------


@pytest.mark.usefixtures("english")
def test_the_service_refuses_an_oversight_outside_the_period(
    world: World, item: PlanItem, tinh
) -> None:  # type: ignore[no-untyped-def]
    for start in (BEFORE, AFTER):
        with pytest.raises(ValidationError) as refused:
            _oversight(world, tinh, start, item)
        assert "starts_on" in refused.value.message_dict
    assert not Oversight.objects.exists()
    unplanned = _oversight(world, tinh, AFTER)
    with pytest.raises(ValidationError, match="does not carry it out"):
        services.oversight_update(actor=tinh, oversight=unplanned, plan_item=item)
    unplanned.refresh_from_db()
    assert unplanned.plan_item is None

    carried = _oversight(world, tinh, INSIDE, item)
    with pytest.raises(ValidationError) as moved:
        services.oversight_update(actor=tinh, oversight=carried, starts_on=AFTER, ends_on=AFTER)
    assert "starts_on" in moved.value.message_dict
    carried.refresh_from_db()
    assert carried.starts_on == INSIDE
    services.oversight_update(actor=tinh, oversight=carried, title="Kiểm tra đợt 1")  # unchanged
    assert carried.plan_item == item


def test_the_api_refuses_an_oversight_outside_the_period(
    world: World, item: PlanItem, tinh, xa2
) -> None:  # type: ignore[no-untyped-def]
    client = bearer(tinh)
    dates = {"starts_on": str(AFTER), "ends_on": str(AFTER)}
    carried = post_json(client, f"/api/v1/plan-items/{item.pk}/oversights", dates)
    assert carried.status_code == 400 and "starts_on" in carried.json()["errors"]
    body = {"kind": "inspection", "title": "Kiểm tra", "lead_id": world.commission.pk,
            "subject_ids": [world.front_a.pk], "plan_item_id": item.pk,
            "starts_on": str(BEFORE), "ends_on": str(BEFORE)}  # fmt: skip
    created = post_json(client, "/api/v1/oversights", body)
    assert created.status_code == 400 and "starts_on" in created.json()["errors"]
    stranger = post_json(bearer(xa2), f"/api/v1/plan-items/{item.pk}/oversights", dates)
    assert stranger.status_code == 404
    assert not Oversight.objects.exists()
    fine = post_json(client, "/api/v1/oversights", {**body, "starts_on": str(INSIDE),
                                                    "ends_on": str(INSIDE)})  # fmt: skip
    assert fine.status_code == 201, fine.content


def _form(world: World, item: PlanItem, start: datetime.date) -> dict[str, object]:
    return {
        "kind": "inspection", "title": "Kiểm tra", "lead": world.commission.pk,
        "plan_item": item.pk, "subjects": [world.front_a.pk], "starts_on": str(start),
        "ends_on": str(start), "team": "", "findings": "",
    }  # fmt: skip


def test_the_page_refuses_an_oversight_outside_the_period_or_a_second_one(
    world: World, item: PlanItem, tinh, xa, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(tinh)
    outside = client.post("/oversight/new/", _form(world, item, AFTER))
    assert outside.status_code == 200 and "starts_on" in outside.context["form"].errors
    assert as_user(xa).post("/oversight/new/", _form(world, item, INSIDE)).status_code == 200
    assert not Oversight.objects.exists()  # xa may not lead for the commission
    assert client.post("/oversight/new/", _form(world, item, INSIDE)).status_code == 302
    again = client.post("/oversight/new/", _form(world, item, D(YEAR, 4, 1)))
    assert again.status_code == 200 and "plan_item" in again.context["form"].errors
    assert Oversight.objects.count() == 1


# --- Duplicates ----------------------------------------------------------------------------


def test_a_second_oversight_for_an_item_is_refused(world: World, item: PlanItem, tinh) -> None:  # type: ignore[no-untyped-def]
    first = _oversight(world, tinh, INSIDE, item)
    with pytest.raises(Conflict) as refused:
        _oversight(world, tinh, D(YEAR, 5, 1), item)
    assert "plan_item" in refused.value.message_dict
    other = _oversight(world, tinh, D(YEAR, 5, 1))
    with pytest.raises(Conflict):
        services.oversight_update(actor=tinh, oversight=other, plan_item=item)
    other.refresh_from_db()
    assert other.plan_item is None
    assert list(item.oversights.all()) == [first]


def test_a_second_plan_for_the_year_is_refused(world: World, plan: Plan, tinh, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict) as refused:
        services.plan_create(actor=tinh, organization=world.commission, year=YEAR, title="Lại")
    assert "year" in refused.value.message_dict
    payload = {"organization_id": world.commission.pk, "year": YEAR, "title": "Lại"}
    again = post_json(bearer(tinh), "/api/v1/oversight-plans", payload)
    assert again.status_code == 409 and "year" in again.json()["errors"]
    assert post_json(bearer(xa), "/api/v1/oversight-plans", payload).status_code == 400
    page = as_user(tinh).post(
        "/oversight/plans/", {"organization": world.commission.pk, "year": YEAR, "title": "Lại"}
    )
    assert page.status_code == 200 and "year" in page.context["form"].errors
    assert list(Plan.objects.all()) == [plan]
    services.plan_create(actor=tinh, organization=world.commission, year=YEAR + 1, title="Sau")
    services.plan_create(actor=tinh, organization=world.party_a, year=YEAR, title="Xã")
    assert Plan.objects.count() == 3


def test_a_second_conclusion_is_refused_a_correction_is_not(world: World, tinh) -> None:  # type: ignore[no-untyped-def]
    done = _oversight(world, tinh, INSIDE)
    services.oversight_conclude(
        actor=tinh, oversight=done, conclusion_on=D(YEAR, 3, 20), conclusion="Tốt",
        conclusion_number="1-KL",
    )  # fmt: skip
    with pytest.raises(Conflict):
        services.oversight_conclude(
            actor=tinh, oversight=done, conclusion_on=D(YEAR, 3, 21), conclusion="Khác"
        )
    done.refresh_from_db()
    assert (done.conclusion_on, done.conclusion) == (D(YEAR, 3, 20), "Tốt")
    services.oversight_conclude(
        actor=tinh, oversight=done, conclusion_on=D(YEAR, 3, 21), conclusion="Sửa",
        correcting=True,
    )  # fmt: skip
    done.refresh_from_db()
    assert (done.conclusion_on, done.conclusion) == (D(YEAR, 3, 21), "Sửa")


def test_the_page_records_once_and_corrects_on_purpose(world: World, tinh, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    done = _oversight(world, tinh, INSIDE)
    url = f"/oversight/{done.pk}/conclude/"
    data = {"conclusion_on": str(D(YEAR, 3, 20)), "conclusion": "Tốt", "correcting": "False"}
    client = as_user(tinh)
    client.post(url, data)
    detail = client.get(f"/oversight/{done.pk}/").content.decode()
    assert 'name="correcting" value="True"' in detail  # the form now offers a correction
    page = client.post(url, {**data, "conclusion": "Khác"}, follow=True)
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    assert as_user(xa).post(url, {**data, "correcting": "True"}).status_code == 403
    done.refresh_from_db()
    assert done.conclusion == "Tốt"
    client.post(url, {**data, "conclusion": "Sửa", "correcting": "True"})
    done.refresh_from_db()
    assert done.conclusion == "Sửa"
