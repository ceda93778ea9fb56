"""The API for implementation summaries and the document status, with who must be refused."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import docx
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danvan.accounts.models import User
from danvan.documents import services
from danvan.documents.models import Document, DocumentStatus, ImplementationSummary
from danvan.org import services as org_services
from danvan.oversight import services as oversight_services
from tests.conftest import World, _member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
D = datetime.date


def send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def decision(world: World) -> Document:
    return services.document_create(
        actor=None, kind="decision", number="23-QĐ/TW", issuer="Bộ Chính trị",
        issued_on=D(2021, 7, 3), title="Quy chế công tác dân vận của hệ thống chính trị",
    )  # fmt: skip


@pytest.fixture
def successor(world: World) -> Document:
    return services.document_create(
        actor=None, kind="regulation", number="99-QĐ/TW", issuer="Bộ Chính trị",
        issued_on=D(2024, 1, 5), title="Quy chế mới",
    )  # fmt: skip


@pytest.fixture
def inspected(world: World, tinh: User, decision: Document) -> None:
    """An inspection of the decision in 2024, concluded, so the summary has figures."""
    made = oversight_services.oversight_create(
        actor=tinh, kind="inspection", title="Kiểm tra thực hiện Quy chế 2024",
        lead=world.commission, subjects=[world.front_a], starts_on=D(2024, 3, 1),
        ends_on=D(2024, 3, 5), documents=[decision],
    )  # fmt: skip
    oversight_services.oversight_conclude(
        actor=tinh, oversight=made, conclusion_on=D(2024, 3, 20), conclusion="Thực hiện tốt."
    )


def _summary(tinh: User, decision: Document, world: World) -> ImplementationSummary:
    return services.summary_open(
        actor=tinh, document=decision, organization=world.commission, period="2021-2025"
    )


def test_open_a_summary_and_who_is_refused(
    world: World, tinh: User, xa: User, xa2: User, outsider: User, decision: Document,
    inspected: None,
) -> None:  # fmt: skip
    url = f"/api/v1/documents/{decision.pk}/summaries"
    payload = {"organization_id": world.commission.pk, "period": "2021-2025"}
    assert send(bearer(outsider), "post", url, payload).status_code == 403  # acts for nobody
    outside = send(bearer(xa2), "post", url, payload)  # the commission is not in xa2's scope
    assert outside.status_code == 400 and "organization_id" in outside.json()["errors"]
    viewer = _member(world.commission, "viewer@example.vn", "viewer")
    assert send(bearer(viewer), "post", url, payload).status_code == 403
    assert send(Client(), "post", url, payload).status_code == 401
    early = send(bearer(tinh), "post", url, {**payload, "period": "2020"})
    assert early.status_code == 400 and "period" in early.json()["errors"]
    bad = send(bearer(tinh), "post", url, {**payload, "period": "20xx"})
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    assert (
        send(bearer(tinh), "post", "/api/v1/documents/999999/summaries", payload).status_code == 404
    )
    assert not ImplementationSummary.objects.exists()

    opened = send(bearer(tinh), "post", url, payload)
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert (body["document_id"], body["organization_id"], body["period"]) == (
        decision.pk, world.commission.pk, "2021-2025",
    )  # fmt: skip
    assert body["place"] == world.province.name and body["created_by_id"] == tinh.pk
    assert body["facts"]["period_phrase"] == "giai đoạn 2021–2025 (5 năm)"
    assert "Kiểm tra thực hiện Quy chế 2024" in json.dumps(body["facts"], ensure_ascii=False)
    assert body["achievements"]  # the draft the page also starts from
    assert ImplementationSummary.objects.get().history.get().history_user == tinh

    again = send(bearer(tinh), "post", url, payload)
    assert again.status_code == 409 and "period" in again.json()["errors"]
    # A commune's reporter may summarise its own Front.
    own = send(bearer(xa), "post", url, {"organization_id": world.front_a.pk, "period": "2024"})
    assert own.status_code == 201, own.content
    assert ImplementationSummary.objects.count() == 2


def test_a_dissolved_organisation_writes_no_summary(
    world: World, lanhdao: User, tinh: User, decision: Document
) -> None:
    org_services.organization_dissolve(actor=None, org=world.front_b, dissolved_on=D(2025, 12, 1))
    response = send(bearer(tinh), "post", f"/api/v1/documents/{decision.pk}/summaries",
                    {"organization_id": world.front_b.pk, "period": "2024"})  # fmt: skip
    assert response.status_code == 400 and "organization" in response.json()["errors"]
    assert not ImplementationSummary.objects.exists()


def test_read_edit_and_download(
    world: World, tinh: User, xa: User, xa2: User, outsider: User, decision: Document,
    inspected: None,
) -> None:  # fmt: skip
    summary = _summary(tinh, decision, world)
    url = f"/api/v1/summaries/{summary.pk}"
    read = bearer(tinh).get(url)
    assert read.status_code == 200 and read.json()["id"] == summary.pk
    sections = {"number": "15-BC/BDVTU", "achievements": "Đã tổ chức 12 hội nghị.",
                "limitations": "Một số nơi còn hình thức.", "directions": "Tiếp tục."}  # fmt: skip
    for stranger in (xa, xa2, outsider):  # the commission's summary is outside their scope
        assert bearer(stranger).get(url).status_code == 404
        assert send(bearer(stranger), "patch", url, sections).status_code == 404
        assert bearer(stranger).get(f"{url}/docx").status_code == 404
    assert Client().get(url).status_code == 401
    assert send(Client(), "patch", url, sections).status_code == 401
    viewer = _member(world.commission, "viewer@example.vn", "viewer")
    assert bearer(viewer).get(url).status_code == 200
    assert send(bearer(viewer), "patch", url, sections).status_code == 403
    null = send(bearer(tinh), "patch", url, {"lessons": None})  # refused, not a 500
    assert null.status_code in (400, 422) and "lessons" in null.json()["detail"]
    too_long = send(bearer(tinh), "patch", url, {"number": "x" * 61})
    assert too_long.status_code == 400 and "number" in too_long.json()["errors"]
    summary.refresh_from_db()
    assert summary.number == "" and summary.limitations == ""  # the refusals changed nothing

    patched = send(bearer(tinh), "patch", url, sections)
    assert patched.status_code == 200, patched.content
    assert {k: patched.json()[k] for k in sections} == sections
    kept = send(bearer(tinh), "patch", url, {"lessons": "Sát cơ sở."}).json()
    assert (kept["lessons"], kept["number"]) == ("Sát cơ sở.", "15-BC/BDVTU")
    assert summary.history.first().history_user == tinh  # type: ignore[attr-defined]

    download = bearer(tinh).get(f"{url}/docx")
    assert download.status_code == 200
    assert download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert download["Content-Disposition"].endswith('.docx"')
    word = docx.Document(io.BytesIO(download.content))
    text = "\n".join([p.text for p in word.paragraphs] + [
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    ])  # fmt: skip
    assert "15-BC/BDVTU" in text and "Đã tổ chức 12 hội nghị." in text and "Sát cơ sở." in text


def test_list_a_documents_summaries(
    world: World, tinh: User, xa: User, xa2: User, decision: Document
) -> None:
    commission = _summary(tinh, decision, world)
    commune = services.summary_open(
        actor=xa, document=decision, organization=world.front_a, period="2024"
    )
    url = f"/api/v1/documents/{decision.pk}/summaries"

    def ids(user: User) -> list[int]:
        response = bearer(user).get(url)
        assert response.status_code == 200, response.content
        return [s["id"] for s in response.json()["items"]]

    assert sorted(ids(tinh)) == sorted([commission.pk, commune.pk])
    assert ids(xa) == [commune.pk]
    assert ids(xa2) == []
    assert bearer(tinh).get("/api/v1/documents/999999/summaries").status_code == 404
    assert Client().get(url).status_code == 401


def test_summary_list_query_count_is_flat(
    world: World, tinh: User, decision: Document, django_assert_max_num_queries: Any
) -> None:
    client = bearer(tinh)
    url = f"/api/v1/documents/{decision.pk}/summaries"

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):  # one summary a month, from January 2022
            period = f"{2022 + n // 12}{n % 12 + 1:02d}"
            services.summary_open(
                actor=tinh, document=decision, organization=world.commission, period=period
            )

    grow(0, 2)
    client.get(url)  # the first use of a token records when it was used
    with CaptureQueriesContext(connection) as at_two:
        assert len(client.get(url).json()["items"]) == 2
    grow(2, 20)
    with django_assert_max_num_queries(len(at_two)):
        rows = client.get(url).json()["items"]
    assert len(rows) == 20 and {r["organization_name"] for r in rows} == {world.commission.name}


def test_status_action_replaces_and_restores(
    world: World, tinh: User, xa: User, decision: Document, successor: Document
) -> None:
    url = f"/api/v1/documents/{decision.pk}/status"
    assert send(bearer(xa), "post", url, {"replaced_by_id": successor.pk}).status_code == 403
    assert send(Client(), "post", url, {"replaced_by_id": successor.pk}).status_code == 401
    itself = send(bearer(tinh), "post", url, {"replaced_by_id": decision.pk})
    assert itself.status_code == 400 and "replaced_by" in itself.json()["errors"]
    unknown = send(bearer(tinh), "post", url, {"replaced_by_id": 999999})
    assert unknown.status_code == 400 and "replaced_by_id" in unknown.json()["errors"]
    decision.refresh_from_db()
    assert decision.status == DocumentStatus.IN_FORCE  # the refusals changed nothing

    replaced = send(bearer(tinh), "post", url, {"replaced_by_id": successor.pk})
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()["status"], replaced.json()["replaced_by_id"]) == (
        "replaced", successor.pk,
    )  # fmt: skip
    restored = send(bearer(tinh), "post", url, {"replaced_by_id": None}).json()
    assert (restored["status"], restored["replaced_by_id"]) == ("in_force", None)
    assert decision.history.first().history_user == tinh  # type: ignore[attr-defined]
    assert send(bearer(tinh), "post", "/api/v1/documents/999999/status", {}).status_code == 404


def test_document_file_download(
    world: World, tinh: User, xa2: User, decision: Document, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    url = f"/api/v1/documents/{decision.pk}/file"
    assert bearer(tinh).get(url).status_code == 404  # nothing attached
    services.document_update(
        actor=None, document=decision, file=SimpleUploadedFile("qd23.pdf", b"%PDF-1.4 quy che")
    )
    response = bearer(xa2).get(url)  # the registry is shared by everyone who signs in
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 quy che"  # type: ignore[attr-defined]
    assert Client().get(url).status_code == 401
