"""The practices API end to end: every workflow step as a sub-resource, with the same rules
and refusals as the pages, the adoption figure, and a list that costs no query per row."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from PIL import Image

from danvan.lib.history import VERBS
from danvan.org import areas as org_areas
from danvan.org import services as org_services
from danvan.org.models import AreaLevel, Organization
from danvan.practices import services
from danvan.practices.models import (
    Practice,
    PracticePhoto,
    PracticeStatus,
    Recognition,
    Replication,
    SubField,
)
from tests.conftest import REFORM, World, kind
from tests.org.test_api import bearer
from tests.practices.test_practices import SCORES, register

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: dict) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: dict) -> object:
    return client.patch(url, json.dumps(data), content_type="application/json")


def add_commune(world: World, code: str, name: str) -> Organization:
    """Another commune with its Party committee and Fatherland Front, under the commission."""
    area = org_areas.area_create(
        actor=None, parent=world.province, code=code, name=name,
        level=AreaLevel.COMMUNE, valid_from=REFORM,
    )  # fmt: skip
    party = org_services.organization_create(
        actor=None, parent=world.commission, name=f"Đảng ủy {name}",
        kind=kind("party_committee"), area=area,
    )  # fmt: skip
    return org_services.organization_create(
        actor=None, parent=party, name=f"Ủy ban MTTQ Việt Nam {name}",
        kind=kind("fatherland_front"), area=area,
    )  # fmt: skip


def decision(world: World, level: str, number: str, **extra: object) -> dict:
    return {"decided_by_id": world.commission.pk, "level": level, "decision_number": number,
            **extra}  # fmt: skip


@pytest.mark.usefixtures("english")
def test_the_full_path_through_the_api(world: World, tinh, lanhdao, xa, xa2, as_user) -> None:  # type: ignore[no-untyped-def]
    front_c = add_commune(world, "16819", "Xã Bắc Lý")
    add_commune(world, "16822", "Xã Keng Đu")  # a third unit that does not adopt it
    subfield = SubField.objects.create(field="economy", name="Hiến đất", name_en="Land")
    listed = bearer(xa).get("/api/v1/practices/subfields").json()
    assert subfield.pk in [s["id"] for s in listed]
    created = post(bearer(xa), "/api/v1/practices", {
        "organization_id": world.front_a.pk, "kind": "model", "name": "Mô hình đường hoa",
        "field": "economy", "subfield_id": subfield.pk, "budget_dong": 15_000_000,
        "situation": "Đường làng nhếch nhác", "results": [
            {"metric": "Đường hoa", "value": 3, "unit": "km"}],
    })  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["subfield_id"] == subfield.pk
    assert created.json()["budget_dong"] == 15_000_000
    changed = patch(bearer(xa), f"/api/v1/practices/{pk}", {"outputs": "3 km", "workdays": 120})
    assert changed.status_code == 200 and changed.json()["workdays"] == 120
    result = post(bearer(xa), f"/api/v1/practices/{pk}/results", {
        "metric": "Hộ tham gia", "value": 210, "unit": "hộ",
    })  # fmt: skip
    assert result.status_code == 201 and result.json()["value"] == "210.00"

    appraised = post(bearer(tinh), f"/api/v1/practices/{pk}/appraisals", SCORES)
    assert appraised.status_code == 201
    assert appraised.json()["status"] == PracticeStatus.UNDER_APPRAISAL
    assert appraised.json()["appraisals"][0]["total"] == sum(SCORES.values())
    recognised = post(bearer(tinh), f"/api/v1/practices/{pk}/recognise",
                      decision(world, "commune", "12-QĐ/BDV"))  # fmt: skip
    assert recognised.status_code == 201, recognised.content
    assert recognised.json()["status"] == "recognised"
    raised = post(bearer(tinh), f"/api/v1/practices/{pk}/raise-level",
                  decision(world, "province", "45-QĐ/TU"))  # fmt: skip
    assert raised.status_code == 201, raised.content
    assert [r["level"] for r in raised.json()["recognitions"]] == ["commune", "province"]
    commended = post(bearer(lanhdao), f"/api/v1/practices/{pk}/commend",
                     decision(world, "province", "67-QĐ/UBND"))  # fmt: skip
    assert commended.status_code == 201 and commended.json()["status"] == "commended"

    for client, front in ((bearer(xa2), world.front_b), (bearer(tinh), front_c)):
        adopted = post(client, "/api/v1/replications", {
            "practice_id": pk, "organization_id": front.pk,
            "adopted_on": timezone.localdate().isoformat(),
            "results": [{"metric": "Đường hoa", "value_before": 0, "value": 1, "unit": "km"}],
        })  # fmt: skip
        assert adopted.status_code == 201, adopted.content
    replication = Replication.objects.get(organization=front_c)
    more = post(bearer(tinh), f"/api/v1/replications/{replication.pk}/results", {
        "metric": "Hộ tham gia", "value": 40, "unit": "hộ",
    })  # fmt: skip
    assert more.status_code == 201

    detail = bearer(tinh).get(f"/api/v1/practices/{pk}").json()
    assert detail["adoption"]["adopted"] == 2 and detail["adoption"]["of"] == 3
    assert world.front_a.kind.name in detail["adoption"]["counts"]  # in the reader's language
    # Each act by its verb, named in the reader's language (Vietnamese, the site's default);
    # a decision number is in the decision, not given as a reason.
    acts = [(h["verb"], h["action"], h["reason"]) for h in detail["history"] if h["verb"]]
    with translation.override("vi"):
        assert acts == [
            (verb, str(VERBS[verb]), "")
            for verb in ("commended", "raised", "recognised", "appraised")
        ]
    # The page says the same.
    assert Practice.objects.get(pk=pk).status == PracticeStatus.COMMENDED
    page = as_user(tinh).get(f"/practices/{pk}/").content.decode()
    assert re.search(r'id="adoption">\D*2\D+3\D', page), "the page shows 2 of 3 as well"
    # xa2 reads the recognised practice, without the appraisers' scores, and the same figure:
    # the Fronts under the commission that recognised it, whoever reads.
    seen = bearer(xa2).get(f"/api/v1/practices/{pk}").json()
    assert seen["appraisals"] == []
    assert (seen["adoption"]["adopted"], seen["adoption"]["of"]) == (2, 3)


def test_each_step_refuses_the_one_who_may_not(world: World, tinh, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    pk = practice.pk
    steps = [
        ("appraisals", SCORES),
        ("recognise", decision(world, "province", "1")),
        ("raise-level", decision(world, "province", "1")),
        ("commend", decision(world, "province", "1")),
        ("not-recognised", {"decided_by_id": world.commission.pk}),
        ("decisions", decision(world, "province", "1")),
        ("results", {"metric": "x", "value": 1, "unit": "hộ"}),
    ]
    for step, body in steps:
        url = f"/api/v1/practices/{pk}/{step}"
        assert post(Client(), url, body).status_code == 401, step
        assert post(bearer(xa2), url, body).status_code == 404, step
        assert post(bearer(outsider), url, body).status_code == 404, step
        if step != "results":  # its own unit, deciding as itself
            own = {**body, "decided_by_id": world.front_a.pk} if "decided_by_id" in body else body
            assert post(bearer(xa), url, own).status_code == 403, step
    assert bearer(outsider).get(f"/api/v1/practices/{pk}").status_code == 404
    assert patch(bearer(xa2), f"/api/v1/practices/{pk}", {"name": "x"}).status_code == 404
    assert patch(bearer(xa), f"/api/v1/practices/{pk}", {"name": None}).status_code == 422
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.REGISTERED and practice.name != "x"
    assert not practice.appraisals.exists() and practice.results.count() == 1


@pytest.mark.usefixtures("english")
def test_state_conflicts_answer_409_and_change_nothing(world: World, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    url = f"/api/v1/practices/{practice.pk}"
    not_appraised = post(bearer(tinh), f"{url}/recognise", decision(world, "province", "1"))
    assert not_appraised.status_code == 409
    assert "appraisal_waived_reason" in not_appraised.json()["errors"]
    assert (
        post(bearer(tinh), f"{url}/raise-level", decision(world, "province", "1")).status_code
        == 409
    )
    assert post(bearer(tinh), f"{url}/commend", decision(world, "province", "1")).status_code == 409
    assert not Recognition.objects.exists()
    post(bearer(tinh), f"{url}/appraisals", SCORES)
    assert (
        post(bearer(tinh), f"{url}/recognise", decision(world, "province", "2")).status_code == 201
    )
    again = post(bearer(tinh), f"{url}/recognise", decision(world, "province", "3"))
    assert again.status_code == 409 and "nâng cấp công nhận" in again.json()["detail"]
    assert post(bearer(tinh), f"{url}/appraisals", SCORES).status_code == 409
    no_back = post(bearer(tinh), f"{url}/not-recognised", {"decided_by_id": world.commission.pk})
    assert no_back.status_code == 409
    lower = post(bearer(tinh), f"{url}/raise-level", decision(world, "commune", "4"))
    assert lower.status_code == 400 and "level" in lower.json()["errors"]
    body = {"practice_id": practice.pk, "organization_id": world.front_b.pk,
            "adopted_on": timezone.localdate().isoformat()}  # fmt: skip
    assert post(bearer(xa2), "/api/v1/replications", body).status_code == 201
    assert post(bearer(xa2), "/api/v1/replications", body).status_code == 409
    assert Recognition.objects.count() == 1 and Replication.objects.count() == 1
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.RECOGNISED


def test_a_practice_not_recognised_through_the_api(world: World, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    url = f"/api/v1/practices/{practice.pk}/not-recognised"
    services.appraisal_record(actor=tinh, practice=practice, scores=SCORES)
    answer = post(bearer(tinh), url, {"decided_by_id": world.commission.pk})
    assert answer.status_code == 200 and answer.json()["status"] == "not_recognised"
    assert post(bearer(tinh), url, {"decided_by_id": world.commission.pk}).status_code == 409


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG")
    return buffer.getvalue()


def test_photos_through_the_api_multipart(world: World, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    practice = register(world, xa)
    url = f"/api/v1/practices/{practice.pk}/photos"
    image = SimpleUploadedFile("anh.jpg", _jpeg(), content_type="image/jpeg")
    sent = bearer(xa).post(url, {"image": image, "caption": "Đường hoa"})
    assert sent.status_code == 201, sent.content
    assert sent.json()["url"] == f"/practices/photos/{sent.json()['id']}/"
    fake = SimpleUploadedFile("x.jpg", b"MZ...", content_type="image/jpeg")
    assert bearer(xa).post(url, {"image": fake}).status_code == 400
    other = SimpleUploadedFile("anh.jpg", _jpeg(), content_type="image/jpeg")
    assert bearer(xa2).post(url, {"image": other}).status_code == 404
    assert PracticePhoto.objects.count() == 1
    assert bearer(xa).get(f"/api/v1/practices/{practice.pk}").json()["photos"][0]["caption"]


def test_the_list_carries_the_adoption_figure_at_a_flat_query_count(world: World, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    def count() -> tuple[int, dict]:
        client = bearer(tinh)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/practices", {"page_size": 50})
        assert response.status_code == 200
        return len(queries), response.json()

    practice = register(world, xa, name="Mô hình 0")
    services.appraisal_record(actor=tinh, practice=practice, scores=SCORES)
    services.practice_recognise(
        actor=tinh, practice=practice, decided_by=world.commission, level="province",
        decision_number="1",
    )  # fmt: skip
    services.replication_record(
        actor=tinh, practice=practice, organization=world.front_b,
        adopted_on=timezone.localdate(),
    )  # fmt: skip
    few, body = count()
    assert body["items"][0]["adoption"]["adopted"] == 1 and body["items"][0]["adoption"]["of"] == 1
    for n in range(1, 8):
        register(world, xa, name=f"Mô hình {n}")
    many, body = count()
    assert body["count"] == 8 and many == few
    by_name = {p["name"]: p["adoption"] for p in body["items"]}
    # Not yet recognised: counted under the unit above its own (commune A's Party committee),
    # where no other Front is.
    assert by_name["Mô hình 1"] == {**by_name["Mô hình 1"], "adopted": 0, "of": 0}


def test_not_adopted_and_statistics_through_the_api(world: World, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    services.appraisal_record(actor=tinh, practice=practice, scores=SCORES)
    services.practice_recognise(
        actor=tinh, practice=practice, decided_by=world.commission, level="province",
        decision_number="1",
    )  # fmt: skip
    unit = bearer(xa2).get("/api/v1/practices/not-adopted", {"organization_id": world.front_b.pk})
    assert [p["id"] for p in unit.json()["items"]] == [practice.pk]
    area = bearer(tinh).get("/api/v1/practices/not-adopted", {"area_id": world.commune_a.pk})
    assert area.json()["items"] == []  # built there
    refused = bearer(xa2).get(
        "/api/v1/practices/not-adopted", {"organization_id": world.front_a.pk}
    )
    assert refused.status_code == 400
    assert bearer(xa2).get("/api/v1/practices/not-adopted").status_code == 400
    year = str(datetime.date.today().year)  # noqa: DTZ011
    figures = bearer(tinh).get("/api/v1/practices/statistics", {"period": year}).json()
    assert figures["total"]["registered"] == 1 and figures["total"]["recognised_province"] == 1
    assert bearer(tinh).get("/api/v1/practices/statistics", {"period": "2026S9"}).status_code == 400
    assert Client().get("/api/v1/practices/statistics", {"period": year}).status_code == 401
