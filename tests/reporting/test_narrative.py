"""The consolidated report's text: condensed from the units' texts, edited and kept (with its
history) by the level's specialists, printed by the DOCX and PDF — and who is refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from docx import Document as Docx

from danvan.lib import periods
from danvan.reporting import report, services, services_narrative
from danvan.reporting.models import Narrative, ReportExport, SectionKind
from tests.org.test_api import bearer
from tests.reporting.test_services import GOOD
from tests.reporting.test_web_api import PERIOD, post_json, text

pytestmark = pytest.mark.django_db


def _approved(form, org, words: str) -> None:  # type: ignore[no-untyped-def]
    submission = services.submission_start(actor=None, form=form, organization=org, period=PERIOD)
    narrative = form.sections.get(kind=SectionKind.NARRATIVE)
    services.submission_save(
        actor=None, submission=submission, values=GOOD, narratives={str(narrative.pk): words}
    )
    services.submission_submit(actor=None, submission=submission)
    services.submission_approve(actor=None, submission=submission)


@pytest.fixture
def two_communes(half_form, world):  # type: ignore[no-untyped-def]
    _approved(half_form, world.party_a, "Tổ chức 4 hội nghị đối thoại.\nVận động 120 hộ dân.")
    _approved(half_form, world.party_b, "Tổ chức 4 hội nghị đối thoại\nXây dựng 2 mô hình mới.")
    return half_form.sections.get(kind=SectionKind.NARRATIVE)


def test_the_draft_condenses_the_units_texts() -> None:
    draft = report.condense(
        "Toàn tỉnh triển khai tốt.",
        [
            ("Xã A", "Tổ chức 4 hội nghị đối thoại.\nVận động 120 hộ dân."),
            ("Xã B", "tổ chức 4 hội nghị  đối thoại\n- Xây dựng 2 mô hình mới."),
            ("Xã C", "Toàn tỉnh triển khai tốt"),
        ],
    )
    assert draft.splitlines() == [
        "Toàn tỉnh triển khai tốt.",
        "- Xã A: Tổ chức 4 hội nghị đối thoại. Vận động 120 hộ dân.",
        "- Xã B: Xây dựng 2 mô hình mới.",
    ]  # one line per unit; what was already said is dropped (Xã C said nothing new)


def test_the_text_is_kept_with_history_and_printed(
    two_communes, half_form, world, tinh, xa, as_user, django_capture_on_commit_callbacks
) -> None:
    client = as_user(tinh)
    url = f"/reports/consolidated/?form={half_form.pk}&org={world.commission.pk}&period={PERIOD}"
    page = client.get(url).content.decode()
    key = str(two_communes.pk)
    assert f'name="t_{key}"' in page  # the editor, filled with the condensed draft
    assert "- Đảng ủy xã Mỹ Lý: Xây dựng 2 mô hình mới." in page
    data = {"form": half_form.pk, "org": world.commission.pk, "period": PERIOD}
    unchanged = report.consolidate(half_form, world.commission, periods.parse(PERIOD))
    client.post(
        "/reports/consolidated/narrative/", {**data, f"t_{key}": unchanged.narratives[0].draft}
    )
    assert not Narrative.objects.exists()  # nothing edited, nothing kept
    edited = (
        "Các xã tổ chức 8 hội nghị đối thoại, vận động 120 hộ dân.\n- Mỹ Lý xây dựng 2 mô hình."
    )
    response = client.post(
        "/reports/consolidated/narrative/", {**data, f"t_{key}": edited, "reason": "Gộp ý"}
    )
    assert response.status_code == 302 and response.url.endswith("#narrative")
    kept = Narrative.objects.get()
    assert kept.texts == {key: edited} and kept.updated_by == tinh
    record = kept.history.first()
    assert (record.history_user, record.history_change_reason) == (tinh, "Gộp ý")
    page = client.get(url).content.decode()
    assert 'id="kept-' in page and 'id="narrative-history"' in page and "Gộp ý" in page
    # the files print the kept text, not the units' own words
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/consolidated/export/", {**data, "format": "docx"})
    export = ReportExport.objects.get()
    paragraphs = [p.text for p in Docx(io.BytesIO(bytes(export.content))).paragraphs]
    assert "Các xã tổ chức 8 hội nghị đối thoại, vận động 120 hộ dân." in paragraphs
    assert "- Mỹ Lý xây dựng 2 mô hình." in paragraphs
    assert "Vận động 120 hộ dân." not in [p.strip("- ") for p in paragraphs]
    html = report.official.to_html(report.consolidated_paper(report.consolidate(
        half_form, world.commission, periods.parse(PERIOD))))  # fmt: skip
    assert "Các xã tổ chức 8 hội nghị đối thoại" in html and "Xây dựng 2 mô hình mới" not in html
    # starting again goes back to the units' texts
    client.post("/reports/consolidated/narrative/", {**data, "reset": key})
    kept.refresh_from_db()
    assert kept.texts == {} and kept.history.count() == 2


def test_who_may_keep_the_text(two_communes, half_form, world, xa, xa2, as_user, english) -> None:
    key = str(two_communes.pk)
    data = {"form": half_form.pk, "org": world.commission.pk, "period": PERIOD, f"t_{key}": "x"}
    assert as_user(xa2).post("/reports/consolidated/narrative/", data).status_code == 404
    own = {**data, "org": world.front_a.pk}
    assert as_user(xa).post("/reports/consolidated/narrative/", own).status_code == 403
    assert not Narrative.objects.exists()
    page = (
        as_user(xa)
        .get(f"/reports/consolidated/?form={half_form.pk}&org={world.front_a.pk}&period={PERIOD}")
        .content.decode()
    )
    assert 'id="narrative-form"' not in page  # a reporter reads, does not edit
    with pytest.raises(PermissionDenied):
        services_narrative.narrative_save(
            actor=xa, form=half_form, organization=world.front_a, period=PERIOD, texts={key: "x"}
        )
    with pytest.raises(ValidationError) as caught:
        services_narrative.narrative_save(
            actor=None, form=half_form, organization=world.commission, period="2025", texts={}
        )
    assert "period" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services_narrative.narrative_save(
            actor=None, form=half_form, organization=world.commission, period=PERIOD,
            texts={"999999": "x"},
        )  # fmt: skip
    assert "texts" in caught.value.message_dict


def test_api_keeps_the_text(two_communes, half_form, world, tinh, xa, xa2) -> None:
    key = str(two_communes.pk)
    body = {
        "form_id": half_form.pk,
        "organization_id": world.commission.pk,
        "period": PERIOD,
        "texts": {key: "Văn bản đã biên tập."},
    }
    url = "/api/v1/consolidated/narrative"
    put = lambda client, data: client.put(url, data, content_type="application/json")  # noqa: E731
    import json

    assert put(bearer(xa2), json.dumps(body)).status_code == 404
    assert (
        put(bearer(xa), json.dumps({**body, "organization_id": world.front_a.pk})).status_code
        == 403
    )
    assert put(Client(), json.dumps(body)).status_code == 401
    assert not Narrative.objects.exists()
    before = (
        bearer(tinh)
        .get(
            f"/api/v1/consolidated?form_id={half_form.pk}&organization_id={world.commission.pk}&period={PERIOD}"
        )
        .json()
    )
    assert before["narratives"][0]["kept"] is False
    assert "Xây dựng 2 mô hình mới" in before["narratives"][0]["text"]
    answer = put(bearer(tinh), json.dumps(body))
    assert answer.status_code == 200
    part = answer.json()["narratives"][0]
    assert (part["kept"], part["text"], part["section_id"]) == (
        True,
        "Văn bản đã biên tập.",
        int(key),
    )
    again = put(bearer(tinh), json.dumps({**body, "texts": {key: "Văn bản đã biên tập.  \n"}}))
    assert again.status_code == 200 and again.json()["narratives"][0]["kept"] is True
    assert Narrative.objects.get().history.count() == 1  # the same text again: no new entry
    bad = put(bearer(tinh), json.dumps({**body, "texts": {"0": "x"}}))
    assert bad.status_code == 400 and "texts" in text(bad)
    assert post_json(bearer(tinh), url, body).status_code == 405  # PUT, not POST
