"""A plan item is removed softly: it leaves the plan, its count and the API, keeps its history
(«deleted», «restored»), and comes back with Undo — on the page, through the service and the
API — for whoever may change the plan, and nobody else."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from danvan.accounts.models import User
from danvan.lib.errors import Conflict
from danvan.oversight import selectors, services
from danvan.oversight.models import Plan, PlanItem
from tests.conftest import World, _member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year - 1  # noqa: DTZ011 — a plan of last year


@pytest.fixture
def viewer(world: World) -> User:
    return _member(world.commission, "viewer@example.vn", "viewer")


@pytest.fixture
def plan(world: World, tinh: User) -> Plan:
    return services.plan_create(
        actor=tinh, organization=world.commission, year=YEAR, title="Kế hoạch kiểm tra"
    )


def add(plan: Plan, tinh: User, title: str, quarter: int) -> PlanItem:
    return services.plan_item_add(
        actor=tinh, plan=plan, kind="inspection", title=title, period=f"{YEAR}Q{quarter}"
    )


def verbs(item: PlanItem) -> list[str]:
    return list(
        item.history.order_by("history_date", "history_id").values_list("history_verb", flat=True)
    )


def test_the_service_removes_softly_and_restores_in_place(
    world: World, plan: Plan, tinh: User, xa: User, viewer: User
) -> None:
    first, second = add(plan, tinh, "Một", 1), add(plan, tinh, "Hai", 2)
    with pytest.raises(PermissionDenied):
        services.plan_item_delete(actor=viewer, plan_item=first)
    services.plan_item_delete(actor=tinh, plan_item=first)
    assert list(plan.items.all()) == [second]
    assert selectors.plans_for_user(tinh).get().item_count == 1
    kept = PlanItem.all_objects.get(pk=first.pk)
    assert kept.deleted_by == tinh and kept.deleted_at is not None
    assert not selectors.plan_items_for_user(tinh).filter(pk=first.pk).exists()
    with pytest.raises(Conflict):
        services.plan_item_delete(actor=tinh, plan_item=kept)

    with pytest.raises(PermissionDenied):
        services.plan_item_restore(actor=viewer, plan_item=kept)
    services.plan_item_restore(actor=tinh, plan_item=kept)
    assert [i.title for i in plan.items.all()] == ["Một", "Hai"]  # back in its place
    assert verbs(kept) == ["", "deleted", "restored"]
    with pytest.raises(Conflict):
        services.plan_item_restore(actor=tinh, plan_item=kept)


def test_a_removed_item_cannot_be_carried_out(world: World, plan: Plan, tinh: User) -> None:
    item = add(plan, tinh, "Một", 2)
    services.plan_item_delete(actor=tinh, plan_item=item)
    with pytest.raises(ValidationError) as refused:
        services.oversight_create(
            actor=tinh, kind="inspection", title="KT", lead=world.commission,
            subjects=[world.party_a], starts_on=datetime.date(YEAR, 5, 1),
            ends_on=datetime.date(YEAR, 5, 5), plan_item=item,
        )  # fmt: skip
    assert "plan_item" in refused.value.message_dict


def test_the_page_offers_undo_and_keeps_the_history(
    world: World, plan: Plan, tinh: User, as_user: Any
) -> None:
    item = add(plan, tinh, "Kiểm tra Quy chế dân chủ", 3)
    client = as_user(tinh)
    page = client.post(f"/oversight/plan-items/{item.pk}/delete/", follow=True)
    html = page.content.decode()
    restore = f"/oversight/plan-items/{item.pk}/restore/"
    assert f'action="{restore}"' in html  # the Undo beside the message
    assert not plan.items.exists()
    assert 'id="item-history"' in html and "Kiểm tra Quy chế dân chủ" in html
    assert client.get(restore).status_code == 405
    back = client.post(restore, follow=True).content.decode()
    assert list(plan.items.all()) == [item]
    assert f'action="{restore}"' not in back
    assert f'action="/oversight/plan-items/{item.pk}/delete/"' in back
    again = client.post(restore, follow=True)  # nothing to undo: said, nothing changed
    assert again.status_code == 200 and list(plan.items.all()) == [item]


@pytest.mark.parametrize(("who", "expected"), [("xa2", 404), ("xa", 404), ("viewer", 403)])
def test_the_page_refuses_others(
    plan: Plan, tinh: User, as_user: Any, request: pytest.FixtureRequest, who: str, expected: int
) -> None:
    item = add(plan, tinh, "Một", 1)
    services.plan_item_delete(actor=tinh, plan_item=item)
    client = as_user(request.getfixturevalue(who))
    assert client.post(f"/oversight/plan-items/{item.pk}/restore/").status_code == expected
    assert not plan.items.exists()
    anonymous = Client().post(f"/oversight/plan-items/{item.pk}/restore/")
    assert anonymous.status_code == 302 and "/login" in anonymous.url
    assert not plan.items.exists()


def test_the_api_removes_and_restores(
    plan: Plan, tinh: User, xa2: User, viewer: User, outsider: User
) -> None:
    item = add(plan, tinh, "Một", 1)
    client = bearer(tinh)
    assert client.delete(f"/api/v1/plan-items/{item.pk}").status_code == 204
    listed = client.get(f"/api/v1/oversight-plans/{plan.pk}").json()
    assert listed["items"] == [] and listed["by_kind"][0]["planned"] == 0
    url = f"/api/v1/plan-items/{item.pk}/restore"
    assert bearer(xa2).post(url).status_code == 404
    assert bearer(outsider).post(url).status_code == 404
    assert bearer(viewer).post(url).status_code == 403
    assert Client().post(url).status_code == 401
    assert not plan.items.exists()
    restored = client.post(url)
    assert restored.status_code == 200 and restored.json()["id"] == item.pk
    assert restored.json()["state"] == "missed"  # last year's first quarter, not carried out
    assert [i["id"] for i in client.get(f"/api/v1/oversight-plans/{plan.pk}").json()["items"]] == [
        item.pk
    ]
    conflict = client.post(url)
    assert conflict.status_code == 409 and json.loads(conflict.content)["detail"]
    history = PlanItem.history.filter(id=item.pk, history_user=tinh)
    assert set(history.values_list("history_verb", flat=True)) == {"", "deleted", "restored"}
