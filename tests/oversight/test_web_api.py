"""Oversight pages and API: who sees, who writes, who answers, and who is refused."""

from __future__ import annotations

import datetime
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danvan.oversight import services
from danvan.oversight.models import Oversight, Recommendation
from tests.conftest import World, _member
from tests.org.test_api import bearer
from tests.oversight.conftest import Units

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.date.today()  # noqa: DTZ011 — only to place test dates in the past


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def patch(client: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.patch(url, json.dumps(data), content_type="application/json")


def post_json(client: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def supervision(world: World, units: Units, tinh, decision23) -> Oversight:  # type: ignore[no-untyped-def]
    made = services.oversight_create(
        actor=tinh, kind="supervision", title="Giám sát dân chủ ở cơ sở", lead=world.commission,
        subjects=[world.front_a, units.ppc_a, world.front_b], documents=[decision23],
        starts_on=TODAY - datetime.timedelta(days=30), ends_on=TODAY - datetime.timedelta(days=20),
        team="Phó Trưởng ban — Trưởng đoàn",
    )  # fmt: skip
    services.recommendation_add(
        actor=tinh, oversight=made, text="Tổ chức hội nghị nhân dân", responsible=world.front_a,
        due_on=TODAY + datetime.timedelta(days=10),
    )  # fmt: skip
    return made


def test_the_list_shows_the_scope_and_the_figure(world: World, supervision, tinh, xa, xa2,
                                                 outsider) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page = signed_in(tinh).get("/oversight/", {"period": str(TODAY.year)})
    assert page.status_code == 200 and supervision.title in page.text
    assert "đối với 3 tổ chức" in page.text  # «1 cuộc giám sát đối với 3 tổ chức»
    assert supervision.title in signed_in(xa).get("/oversight/").text  # a subject's officer
    assert supervision.title in signed_in(xa2).get("/oversight/").text  # front_b is a subject
    assert supervision.title not in signed_in(outsider).get("/oversight/").text
    assert signed_in(outsider).get(f"/oversight/{supervision.pk}/").status_code == 404
    assert Client().get("/oversight/").status_code == 302
    bad = signed_in(tinh).get("/oversight/", {"period": "2026H7"})
    assert bad.status_code == 200 and "2026S1" in bad.text  # the accepted forms are named


def test_tinh_records_an_oversight_and_xa_is_refused(world: World, units: Units, tinh, xa,
                                                     decision23) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    form = {
        "kind": "inspection", "title": "Kiểm tra Quy chế dân vận", "lead": world.commission.pk,
        "subjects": [world.party_a.pk, world.party_b.pk], "documents": [decision23.pk],
        "starts_on": "2026-03-01", "ends_on": "2026-03-05", "team": "Trưởng đoàn",
    }  # fmt: skip
    assert signed_in(xa).post("/oversight/new/", form).status_code == 200  # form redisplayed
    assert not Oversight.objects.exists()
    response = signed_in(tinh).post("/oversight/new/", form)
    made = Oversight.objects.get()
    assert response.url == f"/oversight/{made.pk}/"
    assert set(made.subjects.values_list("pk", flat=True)) == {world.party_a.pk, world.party_b.pk}
    wrong = signed_in(tinh).post("/oversight/new/", {**form, "ends_on": "2026-02-01"})
    assert "end on or after" in wrong.text or "sau hoặc trùng" in wrong.text
    assert signed_in(xa).get(f"/oversight/{made.pk}/edit/").status_code == 404


def test_conclusion_dated_before_the_start_is_refused(supervision, tinh) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(tinh)
    early = (supervision.starts_on - datetime.timedelta(days=1)).isoformat()
    client.post(f"/oversight/{supervision.pk}/conclude/", {"conclusion_on": early,
                                                             "conclusion": "Tốt"})  # fmt: skip
    supervision.refresh_from_db()
    assert supervision.conclusion_on is None
    page = client.get(f"/oversight/{supervision.pk}/")
    assert "không được trước ngày bắt đầu" in page.text
    client.post(f"/oversight/{supervision.pk}/conclude/", {
        "conclusion_on": supervision.ends_on.isoformat(), "conclusion": "Thực hiện tốt",
        "conclusion_number": "12-TB"})  # fmt: skip
    supervision.refresh_from_db()
    assert supervision.conclusion_number == "12-TB"


def test_the_subject_answers_its_recommendation_others_cannot(world: World, supervision, xa, xa2,
                                                              tinh) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    rec = supervision.recommendations.get()
    url = f"/recommendations/{rec.pk}/respond/"
    data = {f"rec{rec.pk}-status": "done", f"rec{rec.pk}-response": "Đã tổ chức"}
    assert signed_in(xa2).post(url, data).status_code == 403  # sees the oversight, not its owner
    assert signed_in(xa).get(f"/recommendations/{rec.pk}/edit/").status_code == 403
    signed_in(xa).post(url, data)
    rec.refresh_from_db()
    assert (rec.status, rec.response) == ("done", "Đã tổ chức")
    board = signed_in(xa).get("/recommendations/", {"mine": "1", "follow_up": "done"})
    assert "Tổ chức hội nghị nhân dân" in board.text
    assert signed_in(tinh).get("/recommendations/", {"follow_up": "overdue"}).status_code == 200


def test_a_recommendation_needs_a_responsible_and_a_date(supervision, tinh) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(tinh)
    client.post(f"/oversight/{supervision.pk}/recommendations/", {"text": "Thiếu hạn"})
    assert supervision.recommendations.count() == 1
    messages = [str(m) for m in client.get(f"/oversight/{supervision.pk}/").context["messages"]]
    assert any("Đơn vị thực hiện" in m for m in messages)


def test_plan_pages(world: World, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(tinh).post(
        "/oversight/plans/", {"organization": world.commission.pk, "year": 2026, "title": "KH 2026"}
    )
    plan_url = response.url
    signed_in(tinh).post(plan_url, {"kind": "inspection", "title": "Kiểm tra", "period": "2026Q1",
                                    "subjects": [world.party_a.pk]})  # fmt: skip
    page = signed_in(tinh).get(plan_url)
    assert "Kiểm tra" in page.text and page.context["progress"]["items"][0].state == "missed"
    assert signed_in(xa).get(plan_url).status_code == 404
    bad = signed_in(tinh).post(plan_url, {"kind": "inspection", "title": "x", "period": "2030"})
    assert bad.status_code == 200 and "2026Q2" in bad.text


def test_excel_exports(supervision, tinh) -> None:  # type: ignore[no-untyped-def]
    sheet = openpyxl.load_workbook(
        io.BytesIO(signed_in(tinh).get("/oversight/export.xlsx").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Hình thức" and rows[1][1] == supervision.title and rows[1][4] == 3
    recs = openpyxl.load_workbook(
        io.BytesIO(signed_in(tinh).get("/recommendations/export.xlsx").content)
    ).active
    assert list(recs.iter_rows(values_only=True))[1][2] == "Tổ chức hội nghị nhân dân"


def test_list_and_board_queries_do_not_grow(world: World, units: Units, tinh) -> None:  # type: ignore[no-untyped-def]
    def count(url: str) -> int:
        client = signed_in(tinh)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    def make(n: int) -> None:
        for i in range(n):
            made = services.oversight_create(
                actor=None, kind="inspection", title=f"KT {i}", lead=world.commission,
                subjects=[world.party_a, units.ppc_b], starts_on=D(2026, 3, 1), ends_on=D(2026, 3, 2),
            )  # fmt: skip
            services.recommendation_add(actor=None, oversight=made, text="x",
                                        responsible=world.party_a, due_on=D(2026, 5, 1))  # fmt: skip

    make(2)
    few = [count(u) for u in ("/oversight/", "/recommendations/", "/api/v1/oversights",
                              "/api/v1/recommendations")]  # fmt: skip
    make(18)
    many = [count(u) for u in ("/oversight/", "/recommendations/", "/api/v1/oversights",
                               "/api/v1/recommendations")]  # fmt: skip
    assert few == many


# --- API -----------------------------------------------------------------------------------


def test_api_create_update_and_refusals(
    world: World, units: Units, tinh, xa, xa2, decision23
) -> None:  # type: ignore[no-untyped-def]
    payload = {
        "kind": "supervision", "title": "Giám sát", "lead_id": world.commission.pk,
        "subject_ids": [world.front_a.pk, units.ppc_a.pk, world.party_b.pk],
        "document_ids": [decision23.pk], "starts_on": "2026-04-01", "ends_on": "2026-04-03",
    }  # fmt: skip
    refused = post_json(bearer(xa), "/api/v1/oversights", payload)  # the commission: not theirs
    assert refused.status_code == 400 and "lead_id" in refused.json()["errors"]
    viewer = _member(world.commission, "viewer@example.vn", "viewer")
    assert post_json(bearer(viewer), "/api/v1/oversights", payload).status_code == 403
    created = post_json(bearer(tinh), "/api/v1/oversights", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert sorted(body["subject_ids"]) == sorted(payload["subject_ids"])
    assert body["stage"] == "concluded" or body["conclusion_on"] is None
    outside = post_json(bearer(tinh), "/api/v1/oversights",
                        {**payload, "lead_id": world.party_a.pk, "subject_ids": [world.front_b.pk]})  # fmt: skip
    assert outside.status_code == 400 and "subjects" in outside.json()["errors"]
    early = patch(bearer(tinh), f"/api/v1/oversights/{body['id']}",
                  {"conclusion_on": "2026-03-01", "conclusion": "x"})  # fmt: skip
    assert early.status_code == 400 and "conclusion_on" in early.json()["errors"]
    concluded = patch(bearer(tinh), f"/api/v1/oversights/{body['id']}",
                      {"conclusion_on": "2026-04-10", "conclusion": "Tốt", "findings": "Ổn"})  # fmt: skip
    assert concluded.json()["stage"] == "concluded" and concluded.json()["findings"] == "Ổn"
    rec = post_json(bearer(tinh), "/api/v1/recommendations", {
        "oversight_id": body["id"], "text": "Khắc phục", "responsible_id": world.front_a.pk,
        "due_on": "2026-06-30"})  # fmt: skip
    assert rec.status_code == 201
    missing = post_json(bearer(tinh), "/api/v1/recommendations",
                        {"oversight_id": body["id"], "text": "x", "responsible_id": world.front_a.pk})  # fmt: skip
    assert missing.status_code == 422  # the schema asks for due_on
    rec_id = rec.json()["id"]
    assert (
        patch(bearer(xa2), f"/api/v1/recommendations/{rec_id}", {"status": "done"}).status_code
        == 404
    )
    answered = patch(bearer(xa), f"/api/v1/recommendations/{rec_id}",
                     {"status": "done", "response": "Đã khắc phục"})  # fmt: skip
    assert answered.json()["follow_up"] == "done"
    assert (
        patch(bearer(xa), f"/api/v1/recommendations/{rec_id}", {"text": "khác"}).status_code == 403
    )


def test_api_lists_filters_and_figures(world: World, supervision, tinh, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    assert bearer(xa).get("/api/v1/oversights").json()["count"] == 1
    assert bearer(outsider).get("/api/v1/oversights").json()["count"] == 0
    assert bearer(outsider).get(f"/api/v1/oversights/{supervision.pk}").status_code == 404
    assert bearer(tinh).get("/api/v1/oversights", {"kind": "inspection"}).json()["count"] == 0
    doc = supervision.documents.get().pk
    assert bearer(tinh).get("/api/v1/oversights", {"document": doc}).json()["count"] == 1
    assert bearer(xa2).get("/api/v1/recommendations", {"mine": True}).json()["count"] == 0
    assert bearer(xa).get("/api/v1/recommendations", {"mine": True}).json()["count"] == 1
    figures = bearer(tinh).get("/api/v1/oversights/figures", {"period": str(TODAY.year)}).json()
    if supervision.starts_on.year == TODAY.year:
        assert (figures["supervisions"], figures["supervised_organizations"]) == (1, 3)
    narrowed = bearer(tinh).get("/api/v1/oversights/figures",
                                {"period": str(TODAY.year), "org": world.party_a.pk}).json()  # fmt: skip
    assert narrowed["supervisions"] == 0
    assert bearer(xa).get("/api/v1/oversights/figures",
                          {"period": "2026", "org": world.commission.pk}).status_code == 400  # fmt: skip
    assert bearer(tinh).get("/api/v1/oversights/figures", {"period": "bad"}).status_code == 400
    assert Client().get("/api/v1/oversights").status_code == 401
    assert Recommendation.objects.count() == 1


def test_an_addressee_who_is_not_a_subject_sees_the_oversight(world: World, units: Units, tinh,
                                                              xa, xa2) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    made = services.oversight_create(
        actor=tinh, kind="inspection", title="Kiểm tra Đảng ủy xã Mỹ Lý", lead=world.commission,
        subjects=[world.party_b], starts_on=D(2026, 3, 1), ends_on=D(2026, 3, 2),
    )  # fmt: skip
    assert signed_in(xa).get(f"/oversight/{made.pk}/").status_code == 404
    services.recommendation_add(
        actor=tinh, oversight=made, text="Phối hợp với Mặt trận xã Mường Xén",
        responsible=world.front_a, due_on=D(2026, 6, 1),
    )  # fmt: skip
    page = signed_in(xa).get(f"/oversight/{made.pk}/")
    assert page.status_code == 200 and "Phối hợp với Mặt trận xã Mường Xén" in page.text
    # «Mine» is what is addressed to the organisations one belongs to, not to the whole subtree.
    mine = signed_in(tinh).get("/recommendations/", {"mine": "1"})
    assert "Phối hợp với Mặt trận xã Mường Xén" not in mine.text
    assert (
        "Phối hợp với Mặt trận xã Mường Xén" in signed_in(xa).get("/recommendations/?mine=1").text
    )


def test_search_history_and_the_document_page_list(world: World, supervision, tinh,
                                                   decision23) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    client = signed_in(tinh)
    assert client.get("/oversight/", {"q": "muong xen"}).context["page"].paginator.count == 1
    assert client.get("/oversight/", {"q": "23-qd/tw"}).context["page"].paginator.count == 1
    assert client.get("/oversight/", {"q": "khong co"}).context["page"].paginator.count == 0
    page = client.get(f"/oversight/{supervision.pk}/")
    assert "#None" not in page.text and "Ủy ban nhân dân xã Mường Xén" in page.text
    listed = client.get(f"/oversight/?document={decision23.pk}").context["page"].paginator.count
    assert listed == 1


def test_plan_refusals(world: World, tinh, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    data = {"organization": world.commission.pk, "year": 2026, "title": "KH"}
    assert signed_in(outsider).post("/oversight/plans/", data).status_code == 403
    signed_in(xa).post("/oversight/plans/", data)  # the commission is not xa's to choose
    plan = services.plan_create(actor=tinh, organization=world.commission, year=2026, title="KH")
    assert plan.__class__.objects.count() == 1
    item = services.plan_item_add(actor=tinh, plan=plan, kind="inspection", title="KT",
                                  period="2026Q3")  # fmt: skip
    item_data = {"kind": "inspection", "title": "x", "period": "2026Q1"}
    assert signed_in(xa2).post(f"/oversight/plans/{plan.pk}/", item_data).status_code == 404
    assert signed_in(xa).post(f"/oversight/plan-items/{item.pk}/delete/").status_code == 404
    assert plan.items.count() == 1


def test_the_reminders_command_queues_every_app(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("reminders", stdout=out)
    assert "send_task_reminders" in out.getvalue()
    assert "send_recommendation_reminders" in out.getvalue()
