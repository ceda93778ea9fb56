"""The API for annual plans and the oversight workflow actions, with who must be refused."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danvan.oversight import services
from danvan.oversight.models import Oversight, Plan, PlanItem, Recommendation
from tests.conftest import World, _member
from tests.org.test_api import bearer
from tests.oversight.conftest import Units

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.date.today()  # noqa: DTZ011 — only to place test dates in the past
LAST_YEAR = TODAY.year - 1


def post_json(client: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def viewer(world: World):  # type: ignore[no-untyped-def]
    """Sees the commission's subtree but may change nothing in it."""
    return _member(world.commission, "viewer@example.vn", "viewer")


@pytest.fixture
def plan(world: World, tinh) -> Plan:  # type: ignore[no-untyped-def]
    return services.plan_create(
        actor=tinh, organization=world.commission, year=LAST_YEAR, title="Kế hoạch kiểm tra"
    )


def _item(plan: Plan, actor, kind: str, quarter: int, subjects) -> PlanItem:  # type: ignore[no-untyped-def]
    return services.plan_item_add(
        actor=actor, plan=plan, kind=kind, title=f"{kind} Q{quarter}",
        period=f"{plan.year}Q{quarter}", subjects=subjects,
    )  # fmt: skip


def _oversight(world: World, actor, item: PlanItem | None, start: datetime.date) -> Oversight:  # type: ignore[no-untyped-def]
    return services.oversight_create(
        actor=actor, kind=item.kind if item else "survey", title="Thực hiện", lead=world.commission,
        subjects=[world.front_a], starts_on=start, ends_on=start + datetime.timedelta(days=2),
        plan_item=item,
    )  # fmt: skip


# --- Plans ---------------------------------------------------------------------------------


def test_list_is_scoped_and_filtered(world: World, plan: Plan, tinh, xa, outsider) -> None:  # type: ignore[no-untyped-def]
    other = services.plan_create(actor=tinh, organization=world.party_a, year=TODAY.year, title="B")
    own = services.plan_create(actor=xa, organization=world.front_a, year=TODAY.year, title="C")

    def ids(client: Client, **query: object) -> list[int]:
        response = client.get("/api/v1/oversight-plans", query)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["items"]]

    tinh_api = bearer(tinh)
    assert sorted(ids(tinh_api)) == sorted([plan.pk, other.pk, own.pk])
    assert ids(tinh_api, year=LAST_YEAR) == [plan.pk]
    assert sorted(ids(tinh_api, organization=world.party_a.pk)) == [other.pk]
    first = tinh_api.get("/api/v1/oversight-plans", {"year": LAST_YEAR}).json()["items"][0]
    assert first["organization_name"] == world.commission.name and first["item_count"] == 0
    assert ids(bearer(xa)) == [own.pk]
    assert ids(bearer(outsider)) == []
    narrowed = bearer(xa).get("/api/v1/oversight-plans", {"organization": world.commission.pk})
    assert narrowed.status_code == 400 and "organization" in narrowed.json()["errors"]
    assert Client().get("/api/v1/oversight-plans").status_code == 401


def test_create_a_plan_and_who_is_refused(world: World, tinh, xa, viewer, outsider) -> None:  # type: ignore[no-untyped-def]
    payload = {"organization_id": world.commission.pk, "year": 2026, "title": "KH 2026"}
    outside = post_json(bearer(xa), "/api/v1/oversight-plans", payload)  # not xa's commission
    assert outside.status_code == 400 and "organization_id" in outside.json()["errors"]
    assert post_json(bearer(outsider), "/api/v1/oversight-plans", payload).status_code == 400
    assert post_json(bearer(viewer), "/api/v1/oversight-plans", payload).status_code == 403
    assert post_json(Client(), "/api/v1/oversight-plans", payload).status_code == 401
    bad_year = post_json(bearer(tinh), "/api/v1/oversight-plans", {**payload, "year": 1800})
    assert bad_year.status_code == 422 and "year" in bad_year.json()["errors"]
    assert not Plan.objects.exists()  # every refusal left nothing behind

    created = post_json(bearer(tinh), "/api/v1/oversight-plans", {**payload, "note": "Ghi chú"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["year"], body["note"], body["items"]) == (
        "KH 2026", 2026, "Ghi chú", [],
    )  # fmt: skip
    assert [k["kind"] for k in body["by_kind"]] == ["inspection", "supervision", "survey"]
    assert Plan.objects.get().history.get().history_user == tinh


def test_detail_shows_plan_versus_done(world: World, plan: Plan, tinh, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    inspection = _item(plan, tinh, "inspection", 1, [world.front_a])
    supervision = _item(plan, tinh, "supervision", 2, [])
    _item(plan, tinh, "survey", 3, [])  # nothing carried it out, and its quarter is over
    done = _oversight(world, tinh, inspection, D(LAST_YEAR, 2, 1))
    services.oversight_conclude(
        actor=tinh, oversight=done, conclusion_on=D(LAST_YEAR, 2, 10), conclusion="Tốt"
    )
    _oversight(world, tinh, supervision, D(LAST_YEAR, 5, 1))  # under way: no conclusion
    _oversight(world, tinh, None, D(LAST_YEAR, 9, 1))  # outside the plan

    response = bearer(tinh).get(f"/api/v1/oversight-plans/{plan.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(i["kind"], i["state"]) for i in body["items"]] == [
        ("inspection", "done"), ("supervision", "under_way"), ("survey", "missed"),
    ]  # fmt: skip
    assert body["items"][0]["oversight_ids"] == [done.pk]
    assert body["items"][0]["subject_ids"] == [world.front_a.pk]
    assert body["items"][0]["when"]  # the period as people say it
    by_kind = {k["kind"]: k for k in body["by_kind"]}
    assert (by_kind["inspection"]["planned"], by_kind["inspection"]["pct"]) == (1, 100)
    assert by_kind["survey"]["missed"] == 1 and by_kind["supervision"]["under_way"] == 1
    assert body["unplanned_count"] == 1 and body["unplanned"][0]["kind"] == "survey"
    assert body["item_count"] == 3
    for stranger in (xa2, outsider):
        assert bearer(stranger).get(f"/api/v1/oversight-plans/{plan.pk}").status_code == 404
    assert Client().get(f"/api/v1/oversight-plans/{plan.pk}").status_code == 401
    assert bearer(tinh).get("/api/v1/oversight-plans/999999").status_code == 404


def test_add_items_and_who_is_refused(world: World, plan: Plan, tinh, xa2, viewer) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/oversight-plans/{plan.pk}/items"
    item = {"kind": "inspection", "title": "Kiểm tra Quy chế", "period": f"{LAST_YEAR}Q2",
            "subject_ids": [world.party_a.pk, world.party_b.pk]}  # fmt: skip
    assert post_json(bearer(xa2), url, item).status_code == 404
    assert post_json(bearer(viewer), url, item).status_code == 403
    assert post_json(Client(), url, item).status_code == 401
    bad = post_json(bearer(tinh), url, {**item, "period": f"{LAST_YEAR + 1}Q1"})
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    unknown = post_json(bearer(tinh), url, {**item, "kind": "audit"})
    assert unknown.status_code == 400 and "kind" in unknown.json()["errors"]
    assert not plan.items.exists()

    added = post_json(bearer(tinh), url, item)
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["plan_id"], body["order"], body["state"], body["oversight_ids"]) == (
        plan.pk, 1, "missed", [],
    )  # fmt: skip
    assert sorted(body["subject_ids"]) == sorted([world.party_a.pk, world.party_b.pk])
    second = post_json(bearer(tinh), url, {**item, "period": f"{LAST_YEAR}12"}).json()
    assert second["order"] == 2 and second["period"] == f"{LAST_YEAR}12"


def test_delete_an_item_unless_an_oversight_carries_it_out(world: World, plan: Plan, tinh, xa2,
                                                           viewer) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    free = _item(plan, tinh, "inspection", 1, [])
    carried = _item(plan, tinh, "supervision", 2, [])
    _oversight(world, tinh, carried, D(LAST_YEAR, 5, 1))
    assert bearer(xa2).delete(f"/api/v1/plan-items/{free.pk}").status_code == 404
    assert bearer(viewer).delete(f"/api/v1/plan-items/{free.pk}").status_code == 403
    assert Client().delete(f"/api/v1/plan-items/{free.pk}").status_code == 401
    conflict = bearer(tinh).delete(f"/api/v1/plan-items/{carried.pk}")
    assert conflict.status_code == 409 and conflict.json()["detail"]
    assert plan.items.count() == 2  # nothing removed by the refusals

    assert bearer(tinh).delete(f"/api/v1/plan-items/{free.pk}").status_code == 204
    assert list(plan.items.all()) == [carried]
    removal = PlanItem.history.filter(id=free.pk, history_verb="deleted").get()
    assert removal.history_user == tinh and removal.deleted_by == tinh  # kept, restorable
    assert bearer(tinh).delete(f"/api/v1/plan-items/{free.pk}").status_code == 404


def test_carry_out_a_plan_item(world: World, plan: Plan, tinh, xa2, viewer, decision23) -> None:  # type: ignore[no-untyped-def]
    item = _item(plan, tinh, "inspection", 2, [world.party_a, world.front_a])
    url = f"/api/v1/plan-items/{item.pk}/oversights"
    dates = {"starts_on": f"{LAST_YEAR}-04-02", "ends_on": f"{LAST_YEAR}-04-05"}
    assert post_json(bearer(xa2), url, dates).status_code == 404
    assert post_json(bearer(viewer), url, dates).status_code == 403
    assert post_json(Client(), url, dates).status_code == 401
    backwards = post_json(bearer(tinh), url, {**dates, "ends_on": f"{LAST_YEAR}-04-01"})
    assert backwards.status_code == 400 and "ends_on" in backwards.json()["errors"]
    assert not Oversight.objects.exists()

    made = post_json(bearer(tinh), url, {**dates, "document_ids": [decision23.pk]})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["kind"], body["title"], body["lead_id"], body["plan_item_id"]) == (
        "inspection", item.title, world.commission.pk, item.pk,
    )  # fmt: skip
    assert sorted(body["subject_ids"]) == sorted([world.party_a.pk, world.front_a.pk])
    assert body["document_ids"] == [decision23.pk]
    again = post_json(bearer(tinh), url, {**dates, "title": "Đợt 2",
                                          "subject_ids": [world.party_b.pk]})  # fmt: skip
    assert again.status_code == 409 and "plan_item" in again.json()["errors"]
    assert Oversight.objects.count() == 1  # one oversight carries out one item
    detail = bearer(tinh).get(f"/api/v1/oversight-plans/{plan.pk}").json()
    assert detail["items"][0]["state"] == "under_way"
    assert detail["items"][0]["oversight_ids"] == [body["id"]]


def test_plan_list_query_count_is_flat(world: World, tinh, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = bearer(tinh)

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            made = services.plan_create(
                actor=tinh, organization=world.commission, year=2000 + i, title=f"KH {i}"
            )
            _item(made, tinh, "inspection", 1, [world.front_a])

    grow(0, 2)
    client.get("/api/v1/oversight-plans")  # the first use of a token records when it was used
    with CaptureQueriesContext(connection) as at_two:
        assert len(client.get("/api/v1/oversight-plans").json()["items"]) == 2
    grow(2, 20)
    with django_assert_max_num_queries(len(at_two)):
        rows = client.get("/api/v1/oversight-plans").json()["items"]
    assert len(rows) == 20 and all(r["item_count"] == 1 for r in rows)


# --- Workflow actions on an oversight ------------------------------------------------------


@pytest.fixture
def inspection(world: World, units: Units, tinh) -> Oversight:  # type: ignore[no-untyped-def]
    return services.oversight_create(
        actor=tinh, kind="inspection", title="Kiểm tra dân chủ ở cơ sở", lead=world.commission,
        subjects=[world.front_a, units.ppc_a], starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY - datetime.timedelta(days=25),
    )  # fmt: skip


def test_conclude_and_who_is_refused(inspection: Oversight, tinh, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/oversights/{inspection.pk}/conclude"
    payload = {"conclusion_on": str(TODAY), "conclusion_number": "05-KL/BDVTU",
               "conclusion": "Cơ bản thực hiện tốt.", "findings": "Còn hình thức."}  # fmt: skip
    assert post_json(bearer(xa), url, payload).status_code == 403  # a subject, not the lead
    for stranger in (xa2, outsider):
        assert post_json(bearer(stranger), url, payload).status_code == 404
    assert post_json(Client(), url, payload).status_code == 401
    future = post_json(bearer(tinh), url, {**payload, "conclusion_on": "2999-01-01"})
    assert future.status_code == 400 and "conclusion_on" in future.json()["errors"]
    empty = post_json(bearer(tinh), url, {"conclusion_on": str(TODAY)})
    assert empty.status_code == 400 and "conclusion" in empty.json()["errors"]
    inspection.refresh_from_db()
    assert inspection.conclusion_on is None and inspection.findings == ""

    done = post_json(bearer(tinh), url, payload)
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["stage"], body["conclusion_number"], body["findings"]) == (
        "concluded", "05-KL/BDVTU", "Còn hình thức.",
    )  # fmt: skip
    assert inspection.history.first().history_user == tinh  # type: ignore[attr-defined]
    # Recorded once: a second conclude would overwrite it unseen; PATCH corrects it.
    again = post_json(bearer(tinh), url, {**payload, "conclusion_number": "06-KL/BDVTU"})
    assert again.status_code == 409
    inspection.refresh_from_db()
    assert inspection.conclusion_number == "05-KL/BDVTU"
    corrected = bearer(tinh).patch(
        f"/api/v1/oversights/{inspection.pk}", json.dumps({"conclusion_number": "06-KL/BDVTU"}),
        content_type="application/json",
    )  # fmt: skip
    assert corrected.json()["conclusion_number"] == "06-KL/BDVTU"


def test_conclusion_file_download(inspection: Oversight, tinh, xa2, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    url = f"/api/v1/oversights/{inspection.pk}/conclusion"
    assert bearer(tinh).get(url).status_code == 404  # nothing attached yet
    services.oversight_conclude(
        actor=tinh, oversight=inspection, conclusion_on=TODAY,
        conclusion_file=SimpleUploadedFile("ket-luan.pdf", b"%PDF-1.4 ket luan"),
    )  # fmt: skip
    response = bearer(tinh).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 ket luan"  # type: ignore[attr-defined]
    assert bearer(xa2).get(url).status_code == 404


def test_add_a_recommendation_and_answer_it(world: World, inspection: Oversight, tinh, xa, xa2,
                                            viewer) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    url = f"/api/v1/oversights/{inspection.pk}/recommendations"
    payload = {"text": "Tổ chức hội nghị nhân dân", "responsible_id": world.front_a.pk,
               "due_on": str(TODAY + datetime.timedelta(days=60))}  # fmt: skip
    assert post_json(bearer(xa), url, payload).status_code == 403
    assert post_json(bearer(xa2), url, payload).status_code == 404
    assert post_json(Client(), url, payload).status_code == 401
    early = post_json(bearer(tinh), url, {**payload, "due_on": "2000-01-01"})
    assert early.status_code == 400 and "due_on" in early.json()["errors"]
    assert not Recommendation.objects.exists()

    added = post_json(bearer(tinh), url, payload)
    assert added.status_code == 201, added.content
    rec = added.json()
    assert (rec["number"], rec["oversight_id"], rec["follow_up"]) == (1, inspection.pk, "open")
    assert post_json(bearer(tinh), url, payload).json()["number"] == 2

    respond = f"/api/v1/recommendations/{rec['id']}/respond"
    answer = {"status": "done", "response": "Đã tổ chức hội nghị ngày 15/5."}
    assert post_json(bearer(xa2), respond, answer).status_code == 404
    assert post_json(bearer(viewer), respond, answer).status_code == 403
    assert post_json(Client(), respond, answer).status_code == 401
    silent = post_json(bearer(xa), respond, {"status": "done"})
    assert silent.status_code == 400 and "response" in silent.json()["errors"]
    wrong = post_json(bearer(xa), respond, {"status": "finished"})
    assert wrong.status_code == 400 and "status" in wrong.json()["errors"]
    assert Recommendation.objects.get(pk=rec["id"]).status == "open"

    answered = post_json(bearer(xa), respond, answer)
    assert answered.status_code == 200, answered.content
    assert (answered.json()["follow_up"], answered.json()["done_on"]) == ("done", str(TODAY))
    stored = Recommendation.objects.get(pk=rec["id"])
    assert stored.history.first().history_user == xa  # type: ignore[attr-defined]


def test_the_oversight_links_its_plan_only_for_those_who_see_the_plan(  # type: ignore[no-untyped-def]
    world: World, plan: Plan, tinh, xa, as_user
) -> None:
    """xa's Front is a subject of the commission's inspection: xa reads the oversight and the
    plan's title, without a link to the plan, which is the commission's (404 for xa)."""
    item = _item(plan, tinh, "inspection", 2, [world.front_a])
    oversight = _oversight(world, tinh, item, D(LAST_YEAR, 5, 4))
    url = f"/oversight/plans/{plan.pk}/"
    assert as_user(tinh).get(f"/oversight/{oversight.pk}/").text.count(f'href="{url}"') == 1
    page = as_user(xa).get(f"/oversight/{oversight.pk}/")
    assert page.status_code == 200 and "Kế hoạch kiểm tra" in page.text
    assert f'href="{url}"' not in page.text
    assert as_user(xa).get(url).status_code == 404
