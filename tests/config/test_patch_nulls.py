"""An explicit null in a PATCH is refused for fields that cannot be empty, and changes nothing."""

from __future__ import annotations

import datetime

import pytest

from danvan.documents.models import Document
from danvan.oversight.models import Oversight
from danvan.practices.models import Practice

DAY = datetime.date(2026, 3, 2)


def _created(client, url: str, body: dict) -> int:
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


@pytest.fixture
def api(as_user, tinh):
    return as_user(tinh)


@pytest.mark.parametrize("field", ["issuer", "number", "title", "kind", "issued_on"])
def test_a_document_keeps_its_required_fields(api, field):
    pk = _created(
        api,
        "/api/v1/documents",
        {
            "kind": "decision",
            "number": "23-QĐ/TW",
            "issuer": "Ban Chấp hành Trung ương",
            "issued_on": "2021-07-30",
            "title": "Quy chế công tác dân vận",
        },
    )
    response = api.patch(f"/api/v1/documents/{pk}", {field: None}, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert Document.objects.get(pk=pk).issuer == "Ban Chấp hành Trung ương"


@pytest.mark.parametrize("field", ["findings", "title", "team", "starts_on"])
def test_an_oversight_keeps_its_fields(api, world, field):
    pk = _created(
        api,
        "/api/v1/oversights",
        {
            "kind": "supervision",
            "title": "Giám sát thực hiện Quy chế dân chủ",
            "lead_id": world.commission.pk,
            "subject_ids": [world.front_a.pk],
            "starts_on": DAY.isoformat(),
            "ends_on": DAY.isoformat(),
            "findings": "Đã tổ chức đối thoại định kỳ.",
        },
    )
    response = api.patch(f"/api/v1/oversights/{pk}", {field: None}, content_type="application/json")
    assert response.status_code == 422
    assert Oversight.objects.get(pk=pk).findings == "Đã tổ chức đối thoại định kỳ."


@pytest.mark.parametrize("field", ["outputs", "name", "sustainability"])
def test_a_practice_keeps_its_fields(api, world, field):
    pk = _created(
        api,
        "/api/v1/practices",
        {
            "organization_id": world.front_a.pk,
            "kind": "model",
            "name": "Hiến đất làm đường",
            "field": "economy",
            "outputs": "12 km đường",
        },
    )
    response = api.patch(f"/api/v1/practices/{pk}", {field: None}, content_type="application/json")
    assert response.status_code == 422
    assert Practice.objects.get(pk=pk).outputs == "12 km đường"


def test_null_still_clears_a_field_that_may_be_empty(as_user, lanhdao, world):
    response = as_user(lanhdao).patch(
        f"/api/v1/organizations/{world.front_a.pk}",
        {"established_on": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["established_on"] is None
