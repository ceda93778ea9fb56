"""Open311 GeoReport v2 and the public API: listing and filing, errors in each one's shape, the
same limit per address, never a denunciation, never the person."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.test import Client

from danvan.config.api import api
from danvan.dialogue.models import Petition, Petitioner
from tests.conftest import World
from tests.public.conftest import PERSON, TODAY, assert_no_personal_data

OPEN311 = "/open311/v2"


def post311(client: Client, **data: str) -> Any:
    values = {
        "service_code": "land-clearance",
        "description": "Đường vào thôn 3 sạt lở\nĐoạn đường dài 50 m bị sạt lở sau mưa lũ.",
        "first_name": "Văn Thành",
        "last_name": "Nguyễn",
        "phone": PERSON["phone"],
        "email": PERSON["email"],
        "address_string": PERSON["address"],
        "area_code": "16813",
        "consent": "true",
    }
    values.update(data)
    return client.post(
        f"{OPEN311}/requests.json", {k: v for k, v in values.items() if v is not None}
    )


def test_services_are_the_active_topics_and_say_consent_is_required(
    world: World, land: Any, visitor: Client
) -> None:
    land.parent.is_active = True
    response = visitor.get(f"{OPEN311}/services.json")
    assert response.status_code == 200
    services = response.json()
    service = next(s for s in services if s["service_code"] == "land-clearance")
    assert service["service_name"] == land.name and service["group"] == land.group.name
    assert service["metadata"] is False and service["type"] == "realtime"
    assert "consent=true" in service["description"] and "area_code" in service["description"]
    land.is_active = False
    land.save()
    codes = {s["service_code"] for s in visitor.get(f"{OPEN311}/services.json").json()}
    assert "land-clearance" not in codes


def test_requests_list_cases_not_people_and_never_denunciations(
    world: World,
    file_petition: Callable[..., Petition],
    answer: Callable[..., Petition],
    denunciation: Petition,
    visitor: Client,
) -> None:
    waiting = file_petition()
    answered = answer(file_petition(summary="Đề nghị sửa cầu treo"))
    response = visitor.get(f"{OPEN311}/requests.json")
    assert response.status_code == 200
    found = {r["service_request_id"]: r for r in response.json()}
    # Lists name requests by a public id: a tracking code lets its holder confirm the answer.
    assert set(found) == {waiting.public_id, answered.public_id}
    # Drawn, not the row's number: the gaps would count the denunciations, never listed.
    assert all(re.fullmatch(r"DV[2-9A-HJKMNP-Z]{8}", i) for i in found)
    assert f"DV{waiting.pk}" not in found and denunciation.public_id not in found
    assert waiting.code not in response.content.decode()
    assert answered.code not in response.content.decode()
    row = found[answered.public_id]
    assert row["status"] == "closed" and row["status_notes"] == answered.result
    assert row["agency_responsible"] == world.front_a.name
    assert row["address"] == world.commune_a.name and row["address_id"] == "16813"
    assert row["service_code"] == "land-clearance"
    assert row["requested_datetime"].startswith(answered.received_on.isoformat())
    assert row["expected_datetime"].startswith(answered.due_on.isoformat())
    assert "lat" not in row and "long" not in row
    waiting_row = found[waiting.public_id]
    assert waiting_row["status"] == "open" and waiting_row["status_notes"] == ""
    assert waiting_row["description"] == ""  # not published: the citizen's words stay
    assert_no_personal_data(response.content.decode(), "sạt lở sau mưa lũ")
    only_open = visitor.get(f"{OPEN311}/requests.json", {"status": "open"}).json()
    assert [r["service_request_id"] for r in only_open] == [waiting.public_id]
    by_service = visitor.get(f"{OPEN311}/requests.json", {"service_code": "other-topic"}).json()
    assert by_service == []
    old = visitor.get(
        f"{OPEN311}/requests.json",
        {"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-06-30T23:59:59+07:00"},
    ).json()
    assert old == []
    detail = visitor.get(f"{OPEN311}/requests/{answered.code}.json")
    assert detail.status_code == 200 and detail.json()[0]["service_request_id"] == answered.code
    by_id = visitor.get(f"{OPEN311}/requests/{answered.public_id.lower()}.json")
    assert by_id.status_code == 200
    assert by_id.json()[0]["service_request_id"] == answered.public_id  # the code stays secret
    assert answered.code not in by_id.content.decode()
    listed = visitor.get(f"{OPEN311}/requests.json", {"service_request_id": answered.public_id})
    assert [r["service_request_id"] for r in listed.json()] == [answered.public_id]
    for hidden in (denunciation.public_id, f"DV{answered.pk}", "DV22222222"):
        assert visitor.get(f"{OPEN311}/requests/{hidden}.json").status_code == 404


def test_open311_errors_are_lists_with_the_http_status(
    denunciation: Petition, visitor: Client
) -> None:
    bad = visitor.get(f"{OPEN311}/requests.json", {"status": "pending", "start_date": "hôm qua"})
    assert bad.status_code == 400
    assert [e["code"] for e in bad.json()] == [400, 400]
    # Times whose day falls outside the calendar once in local time (found by a fuzzing crawl:
    # a page of HTML then, not the JSON list).
    for edge in (
        {"start_date": "0001-01-01T00:00:00+14:00"},
        {"end_date": "9999-12-31T23:59:59-12:00"},
    ):
        off = visitor.get(f"{OPEN311}/requests.json", edge)
        assert off.status_code == 400 and [e["code"] for e in off.json()] == [400]
    missing = visitor.get(f"{OPEN311}/requests/KN-2345-6789.json")
    hidden = visitor.get(f"{OPEN311}/requests/{denunciation.code}.json")
    assert missing.status_code == hidden.status_code == 404
    assert (
        missing.json()
        == hidden.json()
        == [{"code": 404, "description": missing.json()[0]["description"]}]
    )
    assert visitor.delete(f"{OPEN311}/requests.json").status_code == 405


def test_posting_a_request_files_a_petition_through_the_service(
    world: World, land: Any, visitor: Client
) -> None:
    response = post311(visitor)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert len(answer) == 1 and answer[0]["service_request_id"].startswith("KN-")
    petition = Petition.objects.get(code=answer[0]["service_request_id"])
    assert petition.channel == "api" and petition.organization == world.front_a
    assert petition.kind == "feedback" and petition.summary == "Đường vào thôn 3 sạt lở"
    petitioner = Petitioner.objects.get(petition=petition)
    assert petitioner.name == "Văn Thành Nguyễn" and petitioner.consent_version == "2026-01"
    assert petitioner.address == PERSON["address"]


def test_a_request_without_consent_or_with_unknown_codes_is_refused(
    world: World, land: Any, visitor: Client, settings: Any
) -> None:
    settings.DANVAN_PUBLIC_PETITION_RATE = "100/h"  # every POST counts, refused ones too
    for data, status in (
        ({"consent": None}, 400),
        ({"consent": "false"}, 400),
        ({"service_code": "khong-co"}, 400),
        ({"area_code": "99999"}, 400),
        ({"area_code": "417"}, 400),  # a district that ended in 2025
        ({"email": "not-an-address"}, 400),
        ({"description": ""}, 400),
    ):
        response = post311(visitor, **data)  # type: ignore[arg-type]
        assert response.status_code == status, data
        assert response.json()[0]["code"] == status and response.json()[0]["description"]
    assert not Petition.objects.exists()
    # address_id names the commune as area_code does.
    assert post311(visitor, area_code="", address_id="16816").status_code == 201
    assert Petition.objects.get().organization == world.front_b


def test_open311_shares_the_petition_limit_of_the_address(
    world: World, land: Any, visitor: Client, settings: Any
) -> None:
    settings.DANVAN_PUBLIC_PETITION_RATE = "1/h"
    assert post311(visitor).status_code == 201
    refused = post311(visitor)
    assert refused.status_code == 429 and refused.json()[0]["code"] == 429
    api_refused = visitor.post(
        "/api/v1/public/petitions", json.dumps(body(world)), content_type="application/json"
    )
    assert api_refused.status_code == 429
    assert Petition.objects.count() == 1


# --- The public API -------------------------------------------------------------------------


def body(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "area": "16813",
        "topic": "land-clearance",
        "kind": "petition",
        "summary": "Đề nghị sửa chữa đoạn đường liên thôn bị sạt lở",
        "text": "Đoạn đường từ thôn 3 đi trung tâm xã bị sạt lở sau mưa lũ.",
        "petitioner": dict(PERSON),
        "consent": True,
    }
    data.update(extra)
    return data


def send(client: Client, data: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/public/petitions", json.dumps(data), content_type="application/json"
    )


def test_the_api_files_a_petition_and_follows_it_by_code(
    world: World, land: Any, visitor: Client
) -> None:
    response = send(visitor, body(world))
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    petition = Petition.objects.get(code=code)
    assert petition.channel == "api" and petition.organization == world.front_a
    assert Petitioner.objects.get(petition=petition).consent_version == "2026-01"
    tracked = visitor.get(f"/api/v1/public/petitions/{code.lower()}")
    assert tracked.status_code == 200
    data = tracked.json()
    assert (
        data["code"] == code and data["state"] == "received" and data["unit"] == world.front_a.name
    )
    assert data["due_on"] == petition.due_on.isoformat() and data["deadline_kind"] == "accept"
    assert_no_personal_data(tracked.content.decode(), "sạt lở sau mưa lũ")
    # By the commune's id too.
    assert send(visitor, body(world, area=str(world.commune_b.pk))).status_code == 201


def test_the_api_refuses_without_consent_and_pretends_for_a_robot(
    world: World, land: Any, visitor: Client, settings: Any
) -> None:
    settings.DANVAN_PUBLIC_PETITION_RATE = "100/h"
    refused = send(visitor, body(world, consent=False))
    assert refused.status_code == 400 and "consent" in refused.json()["errors"]
    assert send(visitor, body(world, topic="khong-co")).status_code == 400
    assert send(visitor, body(world, area="417")).status_code == 400
    assert send(visitor, body(world, kind="rumour")).status_code == 422
    robot = send(visitor, body(world, website="http://spam.example"))
    assert robot.status_code == 201 and robot.json()["code"].startswith("KN-")
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_the_api_limit_answers_429_json(
    world: World, land: Any, visitor: Client, settings: Any
) -> None:
    settings.DANVAN_PUBLIC_PETITION_RATE = "1/h"
    assert send(visitor, body(world)).status_code == 201
    refused = send(visitor, body(world))
    assert refused.status_code == 429 and refused.json()["detail"]
    assert Petition.objects.count() == 1


def test_the_api_answers_the_same_404_for_missing_and_denunciation_codes(
    denunciation: Petition, answer: Callable[..., Petition], file_petition: Callable[..., Petition],
    visitor: Client,
) -> None:  # fmt: skip
    missing = visitor.get("/api/v1/public/petitions/KN-2345-6789")
    hidden = visitor.get(f"/api/v1/public/petitions/{denunciation.code}")
    assert missing.status_code == hidden.status_code == 404
    assert missing.content == hidden.content
    settled = answer(file_petition(), settled_on=TODAY)
    data = visitor.get(f"/api/v1/public/petitions/{settled.code}").json()
    assert data["answer"] == settled.result and data["on_time"] is True
    assert data["awaiting_confirmation"] is True


def test_the_public_operations_need_no_credentials_and_document_429() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    post = schema["paths"]["/api/v1/public/petitions"]["post"]
    get = schema["paths"]["/api/v1/public/petitions/{code}"]["get"]
    assert "security" not in post and "security" not in get
    assert 429 in post["responses"] and 400 in post["responses"]
    assert 404 in get["responses"]
    assert post["tags"] == ["Public"]


def test_the_lists_do_not_query_more_with_more_rows(
    world: World, file_petition: Callable[..., Petition], answer: Callable[..., Petition],
    visitor: Client,
) -> None:  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert visitor.get(path).status_code == 200
        return len(queries)

    for _ in range(2):
        answer(file_petition())
    paths = (f"{OPEN311}/requests.json", "/kien-nghi/feed.atom", "/kien-nghi/bang-xep-hang/")
    before = [count(p) for p in paths]
    for _ in range(3):
        answer(file_petition(organization=world.front_b, area=world.commune_b))
    assert [count(p) for p in paths] == before
