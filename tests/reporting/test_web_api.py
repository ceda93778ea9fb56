"""Report pages and API: fill in, review, completeness, pivot, exports — and who is refused."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from docx import Document as Docx

from danvan.org.models import Organization
from danvan.reporting import services
from danvan.reporting.models import Indicator, ReportExport, Submission, SubmissionStatus, Value
from tests.conftest import _member, kind
from tests.org.test_api import bearer
from tests.reporting.test_services import GOOD

pytestmark = pytest.mark.django_db
PERIOD = "2025S2"


def post_json(client: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def text(response) -> str:  # type: ignore[no-untyped-def]
    """An API answer as text; the API speaks Vietnamese unless the user chose English."""
    return json.dumps(response.json(), ensure_ascii=False)


def patch(client: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def as_user(as_user):  # type: ignore[no-untyped-def]
    """The pages in English, so the assertions read the English messages."""

    def make(user):  # type: ignore[no-untyped-def]
        client = as_user(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def submitted(form, org) -> Submission:  # type: ignore[no-untyped-def]
    submission = services.submission_start(actor=None, form=form, organization=org, period=PERIOD)
    services.submission_save(actor=None, submission=submission, values=GOOD)
    return services.submission_submit(actor=None, submission=submission)


# --- Pages -----------------------------------------------------------------------------------


def test_pages_ask_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/reports/", "/reports/pivot/", "/reports/completeness/", "/reports/indicators/"):
        assert client.get(url).status_code == 302


def test_fill_in_fail_a_check_fix_and_submit(half_form, world, xa, as_user, english) -> None:
    client = as_user(xa)
    home = client.get("/reports/")
    assert "Ủy ban MTTQ Việt Nam xã Mường Xén" in home.content.decode()
    response = client.post(
        "/reports/start/",
        {"form": half_form.pk, "organization": world.front_a.pk, "period": PERIOD},
    )
    submission = Submission.objects.get(organization=world.front_a, period=PERIOD)
    assert response.url == f"/reports/{submission.pk}/"
    page = client.get(response.url).content.decode()
    assert 'id="v_OV_SUPERVISIONS"' in page and "see the records" in page
    # a wrong figure: nothing saved, the typed text shown again with the message
    response = client.post(
        f"/reports/{submission.pk}/save/",
        {"v_MEETINGS": "bốn", "v_PLANNED": "10", "action": "save"},
        follow=True,
    )
    text = response.content.decode()
    assert "Type a number" in text and 'value="bốn"' in text
    assert not Value.objects.filter(submission=submission).exists()
    values = {f"v_{k}": v for k, v in GOOD.items()}
    response = client.post(
        f"/reports/{submission.pk}/save/",
        {**values, "v_DONE": "11", "action": "submit"},
        follow=True,
    )
    text = response.content.decode()
    assert "cannot exceed tasks planned" in text
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT
    # Saving and submitting is one transaction: refused, nothing is saved, and what was typed
    # is shown again to be fixed.
    assert not Value.objects.filter(submission=submission).exists()
    assert 'id="v_DONE"' in text and 'value="11"' in text
    response = client.post(
        f"/reports/{submission.pk}/save/", {**values, "action": "submit"}, follow=True
    )
    assert "The report was submitted" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED


def test_review_on_the_page_and_who_is_refused(
    half_form, world, xa, xa2, tinh, outsider, as_user, english
) -> None:
    submission = submitted(half_form, world.front_a)
    assert as_user(xa2).get(f"/reports/{submission.pk}/").status_code == 404
    assert as_user(outsider).get(f"/reports/{submission.pk}/").status_code == 404
    assert as_user(xa).post(f"/reports/{submission.pk}/approve/").status_code == 403
    reviewer = as_user(tinh)
    assert "Mường Xén" in reviewer.get("/reports/").content.decode()  # waiting for review
    response = reviewer.post(
        f"/reports/{submission.pk}/return/", {"comment": "Bổ sung số liệu"}, follow=True
    )
    assert "Returned to the unit" in response.content.decode()
    assert "Bổ sung số liệu" in as_user(xa).get(f"/reports/{submission.pk}/").content.decode()
    services.submission_submit(actor=xa, submission=submission)
    response = reviewer.post(f"/reports/{submission.pk}/approve/", follow=True)
    assert "Approved" in response.content.decode()
    response = reviewer.post(f"/reports/{submission.pk}/approve/", follow=True)
    assert "already approved" in response.content.decode()
    response = reviewer.post(f"/reports/{submission.pk}/reopen/", {"reason": ""}, follow=True)
    assert "Give the reason" in response.content.decode()


def test_the_units_email_is_in_the_sites_language_whoever_returns_it(
    half_form, world, xa, tinh, as_user, django_capture_on_commit_callbacks
) -> None:
    """A reviewer reading the pages (or the API) in English writes to a commune in
    Vietnamese: a message is built in the site's language, not in the sender's."""
    submission = submitted(half_form, world.front_a)
    with django_capture_on_commit_callbacks(execute=True):
        page = as_user(tinh).post(f"/reports/{submission.pk}/return/", {"comment": "Bổ sung"})
    assert page.status_code == 302
    services.submission_submit(actor=xa, submission=submission)
    with django_capture_on_commit_callbacks(execute=True):
        api = bearer(tinh).post(
            f"/api/v1/submissions/{submission.pk}/return", json.dumps({"comment": "Sửa"}),
            content_type="application/json", headers={"accept-language": "en"},
        )  # fmt: skip
    assert api.status_code == 200
    subjects = [m.subject for m in mail.outbox if m.to == [xa.email]]
    returned = f"Báo cáo «{half_form.name}» ({PERIOD}) bị trả lại"  # its Vietnamese name
    assert subjects == [returned, returned]
    assert all("needs changes" not in m.body for m in mail.outbox)


def test_completeness_board_and_reminders(
    half_form, world, xa, tinh, as_user, english, django_capture_on_commit_callbacks
) -> None:
    submitted(half_form, world.party_a)
    _member(world.party_b, "pb@example.vn", "reporter")
    page = as_user(tinh).get(
        f"/reports/completeness/?form={half_form.pk}&org={world.commission.pk}&period={PERIOD}"
    )
    text = page.content.decode()
    assert "1/2" in text and "Đảng ủy xã Mỹ Lý" in text and 'id="remind-late"' in text
    data = {"form": half_form.pk, "org": world.commission.pk, "period": PERIOD}
    assert (
        as_user(xa).post("/reports/completeness/remind/", data).status_code == 404
    )  # not in scope
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(tinh).post("/reports/completeness/remind/", data, follow=True)
    assert "Reminders sent to 1 late unit" in response.content.decode()
    # Sent from the English page, written in the site's language.
    late = f"Báo cáo «{half_form.name}» kỳ {PERIOD} đã quá hạn"
    assert [m.subject for m in mail.outbox] == [late]


def test_pivot_page_excel_and_flat_query_count(half_form, world, tinh, as_user) -> None:
    # children before their parents: an approved parent's report is reopened before one below
    for org in (world.front_a, world.party_a, world.party_b):
        services.submission_approve(actor=None, submission=submitted(half_form, org))
    client = as_user(tinh)
    url = f"/reports/pivot/?form={half_form.pk}&node={world.commission.pk}&period=2025&indicator=MEETINGS&indicator=PLANNED"
    page = client.get(url).content.decode()
    assert 'id="pivot-chart"' in page and "Đảng ủy xã Mường Xén" in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("Đảng ủy xã Mường Xén", 8, 20)  # its own report and its Front's
    assert rows[-1][:3] == ("Whole scope", 12, 30)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        services.submission_approve(
            actor=None,
            submission=submitted(
                half_form,
                Organization.objects.add_child(
                    world.commission,
                    instance=Organization(
                        name=f"Đảng ủy {i}", kind=kind("party_committee"), area=world.commune_a
                    ),
                ),
            ),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_consolidated_report_docx_and_pdf(
    half_form, world, tinh, xa, as_user, django_capture_on_commit_callbacks
) -> None:
    submission = services.submission_start(
        actor=None, form=half_form, organization=world.front_a, period=PERIOD
    )
    narrative = half_form.sections.get(kind="narrative")
    services.submission_save(
        actor=None,
        submission=submission,
        values=GOOD,
        narratives={str(narrative.pk): "Tổ chức 4 hội nghị đối thoại"},
    )
    services.submission_submit(actor=None, submission=submission)
    services.submission_approve(actor=None, submission=submission)
    client = as_user(tinh)
    page = client.get(
        f"/reports/consolidated/?form={half_form.pk}&org={world.party_a.pk}&period={PERIOD}"
    ).content.decode()
    assert "Tổ chức 4 hội nghị đối thoại" in page  # the child's text, for the editor
    data = {"form": half_form.pk, "org": world.party_a.pk, "period": PERIOD}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/consolidated/export/", {**data, "format": "docx"})
    export = ReportExport.objects.get()
    assert response.url == f"/reports/exports/{export.pk}/"
    assert export.status == "done" and export.progress == 100
    assert "export-download" in client.get(response.url).content.decode()
    docx = Docx(io.BytesIO(client.get(f"/reports/exports/{export.pk}/download/").content))
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    assert "Số cuộc họp" in cells and "4" in cells
    assert any("Tổ chức 4 hội nghị đối thoại" in p.text for p in docx.paragraphs)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/consolidated/export/", {**data, "format": "pdf"})
    pdf = ReportExport.objects.get(file_format="pdf")
    body = client.get(f"/reports/exports/{pdf.pk}/download/")
    assert body["Content-Type"] == "application/pdf" and body.content.startswith(b"%PDF")
    assert as_user(xa).get(f"/reports/exports/{export.pk}/").status_code == 404  # not theirs


def test_indicator_pages_for_definers_only(
    half_form, world, tinh, lanhdao, as_user, english
) -> None:
    assert as_user(tinh).get("/reports/indicators/new/").status_code == 403
    client = as_user(lanhdao)
    response = client.post(
        "/reports/indicators/new/",
        {
            "code": "LOOP",
            "name": "Vòng",
            "value_type": "number",
            "aggregation": "none",
            "source": "formula",
            "formula": "LOOP + 1",
            "decimal_places": "2",
            "is_active": "on",
        },
    )
    assert "circle" in response.content.decode()
    response = client.post(
        "/reports/indicators/new/",
        {
            "code": "RATE",
            "name": "Tỷ lệ",
            "value_type": "percent",
            "aggregation": "none",
            "source": "formula",
            "formula": "DONE / PLANNED * 100",
            "decimal_places": "2",
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and Indicator.objects.filter(code="RATE").exists()
    assert "DONE / PLANNED * 100" in client.get("/reports/indicators/").content.decode()
    assert "Meetings" in client.get(f"/reports/forms/{half_form.pk}/").content.decode()


# --- API -------------------------------------------------------------------------------------


def test_api_submission_workflow_and_rollups(
    half_form, world, xa, xa2, tinh, outsider, english
) -> None:
    assert Client().get("/api/v1/indicators").status_code == 401
    reporter = bearer(xa)
    codes = [i["code"] for i in reporter.get("/api/v1/indicators?page_size=100").json()["items"]]
    assert "OV_SUPERVISIONS" in codes
    forms = reporter.get("/api/v1/forms").json()
    assert forms[0]["sections"][0]["indicators"][0]["code"] == "MEETINGS"
    body = {"form_id": half_form.pk, "organization_id": world.front_a.pk, "period": "2026S2"}
    refused = post_json(reporter, "/api/v1/submissions", body)
    assert refused.status_code == 400 and "chưa kết thúc" in text(refused)
    other_unit = post_json(bearer(xa2), "/api/v1/submissions", {**body, "period": PERIOD})
    assert other_unit.status_code == 400 and "organization_id" in other_unit.json()["errors"]
    created = post_json(reporter, "/api/v1/submissions", {**body, "period": PERIOD})
    assert created.status_code == 201
    pk = created.json()["id"]
    bad = patch(reporter, f"/api/v1/submissions/{pk}", {"values": {"SATISFACTION": 120}})
    assert bad.status_code == 400 and "SATISFACTION" in bad.json()["errors"]
    saved = patch(reporter, f"/api/v1/submissions/{pk}", {"values": GOOD})
    assert {v["code"]: v["value"] for v in saved.json()["values"]}["DONE_PCT"] == "80.00"
    assert post_json(reporter, f"/api/v1/submissions/{pk}/submit", {}).json()["status"] == (
        "submitted"
    )
    assert post_json(reporter, f"/api/v1/submissions/{pk}/approve", {}).status_code == 403
    assert bearer(xa2).get(f"/api/v1/submissions/{pk}").status_code == 404
    assert bearer(outsider).get(f"/api/v1/submissions/{pk}").status_code == 404
    reviewer = bearer(tinh)
    returned = post_json(reviewer, f"/api/v1/submissions/{pk}/return", {"comment": "Sửa"})
    assert returned.json()["status"] == "returned"
    post_json(reporter, f"/api/v1/submissions/{pk}/submit", {})
    assert post_json(reviewer, f"/api/v1/submissions/{pk}/approve", {}).json()["status"] == (
        "approved"
    )
    again = post_json(reviewer, f"/api/v1/submissions/{pk}/approve", {})
    assert again.status_code == 409 and "đã ở trạng thái" in text(again)
    rollup = reviewer.get(
        f"/api/v1/rollups?indicator=MEETINGS&scope={world.commission.pk}&period=2025S2"
    ).json()
    assert rollup["value"] == "4" or float(rollup["value"]) == 4
    area = reviewer.get(
        f"/api/v1/rollups?indicator=MEETINGS&scope=a{world.province.pk}&period=2025"
    ).json()
    assert float(area["value"]) == 4
    assert (
        bearer(xa2)
        .get(f"/api/v1/rollups?indicator=MEETINGS&scope={world.front_a.pk}&period=2025S2")
        .status_code
        == 404
    )
    unknown = reviewer.get(
        f"/api/v1/rollups?indicator=NOPE&scope={world.commission.pk}&period=2025"
    )
    assert unknown.status_code == 400
    pivot = reviewer.get(
        f"/api/v1/rollups/pivot?period=2025S2&indicator=MEETINGS&indicator=DONE_PCT"
        f"&scope={world.party_a.pk}&scope={world.party_b.pk}"
    ).json()
    assert [float(r["values"]["MEETINGS"] or 0) for r in pivot["rows"]] == [4, 0]
    assert float(pivot["rows"][0]["values"]["DONE_PCT"]) == 80
    listed = reviewer.get(f"/api/v1/submissions?status=approved&form_id={half_form.pk}").json()
    assert [s["id"] for s in listed["items"]] == [pk]
    reopened = post_json(reviewer, f"/api/v1/submissions/{pk}/reopen", {"reason": "Sai"})
    assert reopened.json()["status"] == "returned"
    assert (
        reviewer.get(
            f"/api/v1/rollups?indicator=MEETINGS&scope={world.commission.pk}&period=2025S2"
        ).json()["value"]
        is None
    )


def test_api_indicator_create_refuses_cycles_and_non_definers(
    half_form, tinh, lanhdao, english
) -> None:
    body = {"code": "X1", "name": "x", "source": "formula", "formula": "X1 * 2"}
    assert post_json(bearer(tinh), "/api/v1/indicators", body).status_code == 403
    refused = post_json(bearer(lanhdao), "/api/v1/indicators", body)
    assert refused.status_code == 400 and "vòng lặp" in text(refused)
    ok = post_json(bearer(lanhdao), "/api/v1/indicators", {**body, "formula": "DONE * 2"})
    assert ok.status_code == 201 and ok.json()["code"] == "X1"


def test_pages_outside_ones_scope_answer_404(half_form, world, xa2, as_user) -> None:
    client = as_user(xa2)
    scope = f"form={half_form.pk}&period={PERIOD}"
    assert client.get(f"/reports/pivot/?{scope}&node={world.commission.pk}").status_code == 404
    assert client.get(f"/reports/pivot/?{scope}&node=a{world.province.pk}").status_code == 404
    assert (
        client.get(f"/reports/consolidated/?{scope}&org={world.commission.pk}").status_code == 404
    )
    assert client.get(f"/reports/completeness/?{scope}&org={world.party_a.pk}").status_code == 404
    data = {"form": half_form.pk, "org": world.commission.pk, "period": PERIOD, "format": "docx"}
    assert client.post("/reports/consolidated/export/", data).status_code == 404
    assert not ReportExport.objects.exists()
    pivot = bearer(xa2).get(
        f"/api/v1/rollups/pivot?period={PERIOD}&indicator=MEETINGS&scope={world.front_a.pk}"
    )
    assert pivot.status_code == 404


def test_reports_waiting_for_review_cost_the_same_however_many(
    half_form, world, tinh, xa, as_user
) -> None:
    client = as_user(tinh)
    submitted(half_form, world.front_a)
    with CaptureQueriesContext(connection) as few:
        assert "Mường Xén" in client.get("/reports/").content.decode()
    for org in (world.front_b, world.party_a, world.party_b):
        submitted(half_form, org)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/reports/").content.decode()
    assert "Mỹ Lý" in page
    assert len(many) == len(few)
    # a reporter sees none of them to review
    assert 'id="waiting-table"' not in as_user(xa).get("/reports/").content.decode()


def test_the_pivot_of_derived_figures_reads_each_group_once(
    half_form, world, tinh, as_user
) -> None:
    """Derived figures are computed for all the rows together: a pivot of thirty units makes
    the queries of a pivot of two (lib/figures, org.scopes.per_scope)."""
    from danvan.lib import figures as registry
    from danvan.reporting import definitions
    from danvan.reporting.models import Source

    codes = []
    for group in ("dialogue", "situation", "meetings", "oversight", "practices", "programs"):
        source = next(s for s in registry.sources() if s.group == group)
        code = f"D_{group.upper()}"
        definitions.indicator_create(
            actor=None, code=code, name=str(source.label), source=Source.DERIVED,
            derived_key=source.key,
        )  # fmt: skip
        codes.append(code)
    form = definitions.form_create(
        actor=None, code="derived", name="Báo cáo số liệu tự tính", periodicity="half",
        kinds=[kind("party_committee"), kind("mobilization_commission")],
        sections=[{"title": "Số liệu", "title_en": "Figures", "indicators": codes}],
    )  # fmt: skip
    url = f"/reports/pivot/?form={form.pk}&node={world.commission.pk}&period=2025"
    client = as_user(tinh)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert "Đảng ủy xã Mường Xén" in page.content.decode()
    for i in range(5):
        Organization.objects.add_child(
            world.commission,
            instance=Organization(
                name=f"Đảng ủy {i}", kind=kind("party_committee"), area=world.commune_a
            ),
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "Đảng ủy 4" in page.content.decode()
    assert len(many) == len(few)
