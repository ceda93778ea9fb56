"""The registry's API: list, detail, create, PATCH (fields and status at once), sign-in.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.documents.models import Document, DocumentStatus
from tests.conftest import World
from tests.documents.helpers import (
    INSPECTION,
    PAYLOAD,
    PROGRAMME,
    QUY_CHE,
    D,
    api,
    in_english,
    oversight,
    programme,
    register,
    send,
)

pytestmark = pytest.mark.django_db


def test_api_list_and_filters(
    world: World, xa: User, decision: Document, resolution: Document, old_regulation: Document
) -> None:
    client = api(xa)  # reading the registry is for everyone who signs in

    def numbers(**query: str) -> list[str]:
        response = client.get("/api/v1/documents", query)
        assert response.status_code == 200, response.content
        return [d["number"] for d in response.json()["items"]]

    assert numbers() == ["23-QĐ/TW", "25-NQ/TW", "290-QĐ/TW"]  # newest first
    assert numbers(q="23-qd") == ["23-QĐ/TW"]
    assert numbers(q="quy che") == ["23-QĐ/TW", "290-QĐ/TW"]
    assert numbers(kind="resolution") == ["25-NQ/TW"]
    assert numbers(status="replaced") == ["290-QĐ/TW"]
    assert numbers(status="in_force", kind="decision") == ["23-QĐ/TW"]
    item = client.get("/api/v1/documents", {"status": "replaced"}).json()["items"][0]
    assert item["replaced_by_id"] == decision.pk and item["has_file"] is False


def test_api_detail_has_citation_and_references(
    world: World, tinh: User, xa2: User, decision: Document
) -> None:
    cited_by = programme(world, tinh, decision)
    checked_by = oversight(world, tinh, decision, start=D(2024, 4, 1))
    response = api(tinh).get(f"/api/v1/documents/{decision.pk}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["number"], data["has_file"]) == ("23-QĐ/TW", False)
    assert data["citation"] == "Quyết định số 23-QĐ/TW ngày 3/7/2021 của Bộ Chính trị"
    refs = {(r["source"], r["title"], r["url"]) for r in data["references"]}
    assert refs == {
        ("programs", PROGRAMME, f"http://testserver/programs/{cited_by.pk}/"),
        ("oversights", INSPECTION, f"http://testserver/oversight/{checked_by.pk}/"),
    }
    outside = api(xa2).get(f"/api/v1/documents/{decision.pk}")
    assert outside.status_code == 200 and outside.json()["references"] == []


def test_api_detail_of_an_unknown_document_is_404(world: World, tinh: User) -> None:
    response = api(tinh).get("/api/v1/documents/999999")
    assert response.status_code == 404 and "detail" in response.json()


def test_api_create(world: World, tinh: User) -> None:
    response = send(api(tinh), "post", "/api/v1/documents", PAYLOAD)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["citation"] == "Quyết định số 23-QĐ/TW ngày 3/7/2021 của Bộ Chính trị"
    assert created["references"] == [] and created["status"] == "in_force"
    assert Document.objects.get(pk=created["id"]).created_by == tinh


def test_api_create_refusals(world: World, xa: User, tinh: User, decision: Document) -> None:
    client = in_english(api(tinh))
    twin = send(client, "post", "/api/v1/documents", {**PAYLOAD, "number": " 23-qđ/tw "})
    assert twin.status_code == 400
    errors = twin.json()["errors"]
    assert list(errors) == ["number"] and "23-QĐ/TW" in errors["number"][0]

    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    late = send(client, "post", "/api/v1/documents", {**PAYLOAD, "number": "1-QĐ/TW",
                                                      "issued_on": future})  # fmt: skip
    assert late.status_code == 400
    assert late.json()["errors"] == {"issued_on": ["The date cannot be in the future."]}

    refused = send(api(xa), "post", "/api/v1/documents", {**PAYLOAD, "number": "2-QĐ/TW"})
    assert refused.status_code == 403
    assert Document.objects.count() == 1


def test_api_patch_updates_and_sets_the_status(
    world: World, tinh: User, decision: Document
) -> None:
    old = register(tinh, kind="regulation", number="290-QĐ/TW", issued_on=D(2010, 2, 25))
    client = api(tinh)
    url = f"/api/v1/documents/{old.pk}"

    response = send(client, "patch", url, {"summary": "Đã được thay thế."})
    assert response.status_code == 200, response.content
    assert (response.json()["summary"], response.json()["status"]) == (
        "Đã được thay thế.", "in_force",
    )  # fmt: skip

    replaced = send(client, "patch", url, {"replaced_by_id": decision.pk})
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()["status"], replaced.json()["replaced_by_id"]) == (
        "replaced", decision.pk,
    )  # fmt: skip
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.REPLACED, decision)

    back = send(client, "patch", url, {"replaced_by_id": 0})
    assert back.status_code == 200, back.content
    assert (back.json()["status"], back.json()["replaced_by_id"]) == ("in_force", None)
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.IN_FORCE, None)


def test_api_patch_refusals(world: World, tinh: User, xa: User, decision: Document) -> None:
    client = in_english(api(tinh))
    url = f"/api/v1/documents/{decision.pk}"

    unknown = send(client, "patch", url, {"replaced_by_id": 999999})
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"replaced_by_id": ["No document with id 999999."]}
    itself = send(client, "patch", url, {"replaced_by_id": decision.pk})
    assert itself.status_code == 400
    assert itself.json()["errors"] == {"replaced_by": ["A document cannot replace itself."]}
    bad_kind = send(client, "patch", url, {"kind": "memo"})
    assert bad_kind.status_code == 400 and list(bad_kind.json()["errors"]) == ["kind"]

    other = register(tinh, number="25-QĐ/TW")
    assert send(api(xa), "patch", url, {"title": "Đổi bởi xã"}).status_code == 403
    assert send(api(xa), "patch", url, {"replaced_by_id": other.pk}).status_code == 403
    assert send(api(tinh), "patch", "/api/v1/documents/999999", {"title": "x"}).status_code == 404
    decision.refresh_from_db()
    assert (decision.title, decision.kind) == (QUY_CHE, "decision")
    assert (decision.status, decision.replaced_by) == (DocumentStatus.IN_FORCE, None)


def test_api_patch_refused_changes_nothing(world: World, tinh: User, decision: Document) -> None:
    url = f"/api/v1/documents/{decision.pk}"
    response = send(api(tinh), "patch", url, {"title": "Nửa chừng", "replaced_by_id": 999999})
    assert response.status_code == 400
    decision.refresh_from_db()
    assert decision.title == QUY_CHE


def test_api_needs_a_sign_in(world: World, decision: Document) -> None:
    assert Client().get("/api/v1/documents").status_code == 401
    assert Client().get(f"/api/v1/documents/{decision.pk}").status_code == 401
    response = send(Client(), "post", "/api/v1/documents", {"number": "x"})
    assert response.status_code == 401
    assert Document.objects.count() == 1
