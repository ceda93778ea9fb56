"""What the report pages do, through /api/v1/ with the same services — and who is refused."""

from __future__ import annotations

import io
import json

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from docx import Document as Docx

from danvan.org.models import Organization
from danvan.reporting import services
from danvan.reporting.models import Indicator, Reminder, ReportExport
from tests.conftest import _member, kind
from tests.org.test_api import bearer
from tests.reporting.test_services import GOOD
from tests.reporting.test_web_api import PERIOD, patch, post_json, submitted

pytestmark = pytest.mark.django_db


def _level(form, org) -> str:  # type: ignore[no-untyped-def]
    return f"form_id={form.pk}&organization_id={org.pk}&period={PERIOD}"


# --- Completeness board and reminders --------------------------------------------------------


def test_completeness_board(half_form, world, tinh, xa2, outsider) -> None:
    submitted(half_form, world.party_a)
    url = f"/api/v1/completeness?{_level(half_form, world.commission)}"
    board = bearer(tinh).get(url)
    assert board.status_code == 200
    data = board.json()
    assert [(c["organization_name"], c["state"]) for c in data["children"]] == [
        ("Đảng ủy xã Mường Xén", "submitted"),
        ("Đảng ủy xã Mỹ Lý", "missing"),
    ]
    assert (data["expected"], data["submitted"], data["late"]) == (2, 1, 1)
    assert data["children"][0]["submission_id"] is not None
    assert {r["level"]: r["expected"] for r in data["levels"]} == {"commune": 4}
    assert bearer(xa2).get(url).status_code == 404
    assert bearer(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 401
    bad = bearer(tinh).get(url.replace(PERIOD, "2025S9"))
    assert bad.status_code == 400 and "period" in bad.json()["errors"]


def test_completeness_costs_the_same_however_many_units(half_form, world, tinh) -> None:
    client = bearer(tinh)
    url = f"/api/v1/completeness?{_level(half_form, world.commission)}"
    client.get(url)  # the token and the scope, looked up once
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()["children"]) == 2
    for i in range(4):
        unit = Organization.objects.add_child(
            world.commission,
            instance=Organization(
                name=f"Đảng ủy {i}", kind=kind("party_committee"), area=world.commune_a
            ),
        )
        submitted(half_form, unit)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["children"]) == 6
    assert len(many) == len(few)


def test_remind_the_late_units(
    half_form, world, tinh, xa, outsider, django_capture_on_commit_callbacks
) -> None:
    officer = _member(world.party_b, "pb@example.vn", "reporter")
    body = {"form_id": half_form.pk, "organization_id": world.commission.pk, "period": PERIOD}
    assert post_json(bearer(xa), "/api/v1/completeness/remind", body).status_code == 404
    assert post_json(bearer(outsider), "/api/v1/completeness/remind", body).status_code == 404
    assert post_json(Client(), "/api/v1/completeness/remind", body).status_code == 401
    own = {**body, "organization_id": world.front_a.pk}
    assert post_json(bearer(xa), "/api/v1/completeness/remind", own).status_code == 403
    assert not Reminder.objects.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(bearer(tinh), "/api/v1/completeness/remind", body)
    # Both Party committees are late; only Mỹ Lý's has an officer to remind, and the answer
    # names Mường Xén's, with the page where an officer is added
    assert response.status_code == 200 and response.json() == {
        "reminded": 1,
        "unreachable": [
            {
                "organization_id": world.party_a.pk,
                "organization_name": "Đảng ủy xã Mường Xén",
                "members_url": f"/orgs/{world.party_a.pk}/#members",
            }
        ],
    }
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert Reminder.objects.filter(organization=world.party_b).count() == 1


# --- Consolidated report and its exports ----------------------------------------------------


def _approved_with_text(form, org) -> None:  # type: ignore[no-untyped-def]
    submission = services.submission_start(actor=None, form=form, organization=org, period=PERIOD)
    narrative = form.sections.get(kind="narrative")
    services.submission_save(
        actor=None,
        submission=submission,
        values=GOOD,
        narratives={str(narrative.pk): "Tổ chức 4 hội nghị đối thoại"},
    )
    services.submission_submit(actor=None, submission=submission)
    services.submission_approve(actor=None, submission=submission)


def test_consolidated_report(half_form, world, tinh, xa2, outsider) -> None:
    _approved_with_text(half_form, world.front_a)
    url = f"/api/v1/consolidated?{_level(half_form, world.party_a)}"
    report = bearer(tinh).get(url)
    assert report.status_code == 200
    data = report.json()
    rows = {r["indicator"]: r["figure"] for t in data["tables"] for r in t["rows"]}
    assert rows["Số cuộc họp"] == "4"
    assert data["narratives"][0]["children"] == [
        {"unit": "Ủy ban MTTQ Việt Nam xã Mường Xén", "text": "Tổ chức 4 hội nghị đối thoại"}
    ]
    assert (data["reported"], data["expected"]) == (1, 1)
    assert bearer(xa2).get(url).status_code == 404
    assert bearer(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_export_start_follow_and_download(
    half_form, world, tinh, xa, xa2, outsider, django_capture_on_commit_callbacks
) -> None:
    _approved_with_text(half_form, world.front_a)
    client = bearer(tinh)
    body = {
        "form_id": half_form.pk,
        "organization_id": world.party_a.pk,
        "period": PERIOD,
        "format": "docx",
    }
    # refused: outside the scope, not signed in, a wrong format or period — nothing queued
    assert post_json(bearer(xa2), "/api/v1/exports", body).status_code == 404
    assert post_json(bearer(outsider), "/api/v1/exports", body).status_code == 404
    assert post_json(Client(), "/api/v1/exports", body).status_code == 401
    assert post_json(client, "/api/v1/exports", {**body, "format": "xls"}).status_code == 400
    assert post_json(client, "/api/v1/exports", {**body, "period": "20XX"}).status_code == 400
    assert not ReportExport.objects.exists()
    # queued: 202 with its id; the file cannot be fetched yet
    queued = post_json(client, "/api/v1/exports", body)
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued" and queued.json()["download_url"] is None
    waiting = client.get(f"/api/v1/exports/{queued.json()['id']}/download")
    assert waiting.status_code == 409
    # built by the task, as on the page
    with django_capture_on_commit_callbacks(execute=True):
        started = post_json(client, "/api/v1/exports", body)
    pk = started.json()["id"]
    status = client.get(f"/api/v1/exports/{pk}").json()
    assert (status["status"], status["progress"], status["format"]) == ("done", 100, "docx")
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="half-report-{PERIOD}.docx"'
    paragraphs = [p.text for p in Docx(io.BytesIO(download.content)).paragraphs]
    assert any("Tổ chức 4 hội nghị đối thoại" in p for p in paragraphs)
    # another user's export is not found, even by one who sees the unit
    for other in (xa, xa2, outsider):
        assert bearer(other).get(f"/api/v1/exports/{pk}").status_code == 404
        assert bearer(other).get(f"/api/v1/exports/{pk}/download").status_code == 404
    assert Client().get(f"/api/v1/exports/{pk}").status_code == 401
    with django_capture_on_commit_callbacks(execute=True):
        pdf = post_json(client, "/api/v1/exports", {**body, "format": "pdf"}).json()
    body_pdf = client.get(f"/api/v1/exports/{pdf['id']}/download")
    assert body_pdf["Content-Type"] == "application/pdf" and body_pdf.content.startswith(b"%PDF")


def test_export_list_is_ones_own_and_costs_the_same(half_form, world, tinh, lanhdao) -> None:
    client = bearer(tinh)
    body = {"form_id": half_form.pk, "organization_id": world.commission.pk, "period": PERIOD}
    post_json(client, "/api/v1/exports", body)
    post_json(bearer(lanhdao), "/api/v1/exports", body)
    with CaptureQueriesContext(connection) as few:
        listed = client.get("/api/v1/exports").json()
    assert listed["count"] == 1 and listed["items"][0]["period"] == PERIOD
    for _i in range(5):
        post_json(client, "/api/v1/exports", body)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/exports").json()["count"] == 6
    assert len(many) == len(few)
    assert Client().get("/api/v1/exports").status_code == 401


# --- Indicators ------------------------------------------------------------------------------


def test_indicator_update(half_form, world, tinh, lanhdao, outsider) -> None:
    meetings = Indicator.objects.get(code="MEETINGS")
    url = f"/api/v1/indicators/{meetings.pk}"
    assert bearer(tinh).get(url).json()["code"] == "MEETINGS"
    assert patch(bearer(tinh), url, {"name": "Khác"}).status_code == 403
    assert patch(bearer(outsider), url, {"name": "Khác"}).status_code == 403
    assert patch(Client(), url, {"name": "Khác"}).status_code == 401
    assert patch(bearer(lanhdao), "/api/v1/indicators/999999", {"name": "x"}).status_code == 404
    assert patch(bearer(lanhdao), url, {"name": None}).status_code == 422  # null: leave it out
    meetings.refresh_from_db()
    assert meetings.name == "Số cuộc họp"
    client = bearer(lanhdao)
    changed = patch(client, url, {"name": "Số hội nghị", "unit": "cuộc", "max_value": "50"})
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["max_value"]) == ("Số hội nghị", "50")
    cleared = patch(client, url, {"max_value": None})
    assert cleared.status_code == 200 and cleared.json()["max_value"] is None
    assert patch(client, url, {"aggregation": "nope"}).status_code == 400
    # once reports hold its figures, its value type cannot change: a state conflict
    submitted(half_form, world.front_a)
    refused = patch(client, url, {"value_type": "percent"})
    assert refused.status_code == 409 and "value_type" in refused.json()["errors"]
    meetings.refresh_from_db()
    assert (meetings.name, meetings.value_type, meetings.max_value) == (
        "Số hội nghị",
        "number",
        None,
    )
    assert json.loads(client.get(url).content)["unit"] == "cuộc"
