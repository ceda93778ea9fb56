"""The report form editor: services, pages and API — and who is refused.

Forms are kept by the leaders and administrators of a top-level unit (lanhdao); a specialist
(tinh), a commune reporter (xa) and the leader of a child unit are refused (403).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from danvan.lib.errors import Conflict
from danvan.reporting import definitions, services_forms
from danvan.reporting.models import (
    Form,
    FormIndicator,
    Indicator,
    Section,
    SectionKind,
    ValidationRule,
)
from danvan.reporting.selectors_forms import form_history
from tests.conftest import kind
from tests.factories import member
from tests.org.test_api import bearer
from tests.reporting.test_web_api import PERIOD, patch, post_json, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_leader(world):  # type: ignore[no-untyped-def]
    """The leader of a commune's Party committee: a leader, but not of a top-level unit."""
    return member(world.party_a, "leader", email="lanhdao-xa@example.vn")


def _items(section: Section) -> list[str]:
    return [i.indicator.code for i in section.items.order_by("order").select_related("indicator")]


# --- Services --------------------------------------------------------------------------------


def test_settings_change_with_history_and_periodicity_stays_once_reported(
    half_form, world, lanhdao, xa, child_leader, english
) -> None:
    for refused in (xa, child_leader):
        with pytest.raises(PermissionDenied):
            services_forms.form_update(actor=refused, form=half_form, name="Khác")
    services_forms.form_update(
        actor=lanhdao,
        form=half_form,
        name="Báo cáo sáu tháng",
        deadline_days=20,
        kinds=[kind("fatherland_front")],
        area_levels=["commune"],
    )
    half_form.refresh_from_db()
    assert (half_form.name, half_form.deadline_days, half_form.area_levels) == (
        "Báo cáo sáu tháng",
        20,
        "commune",
    )
    assert [k.code for k in half_form.kinds.all()] == ["fatherland_front"]
    assert half_form.history.first().history_user == lanhdao
    # The levels read as their names in the history, not as the keys stored («commune»).
    shown = [
        c.new for e in form_history(half_form) for c in e.changes if c.field == "levels that report"
    ]
    assert shown == ["Commune"]
    with translation.override("vi"):
        assert [c.new for e in form_history(half_form) for c in e.changes if "xã" in c.new] == [
            "Cấp xã"
        ]
    with pytest.raises(ValidationError) as caught:
        services_forms.form_update(actor=lanhdao, form=half_form, area_levels=["planet"])
    assert "area_levels" in caught.value.message_dict
    services_forms.form_update(actor=lanhdao, form=half_form, periodicity="year")  # no report yet
    services_forms.form_update(actor=lanhdao, form=half_form, periodicity="half")
    submitted(half_form, world.front_a)
    with pytest.raises(Conflict) as conflict:
        services_forms.form_update(actor=lanhdao, form=half_form, periodicity="year")
    assert "periodicity" in conflict.value.message_dict
    half_form.refresh_from_db()
    assert half_form.periodicity == "half"


def test_sections_added_moved_and_removed_only_when_empty(half_form, lanhdao, xa, english) -> None:
    with pytest.raises(PermissionDenied):
        services_forms.section_add(actor=xa, form=half_form, title="Hạn chế")
    with pytest.raises(ValidationError):
        services_forms.section_add(actor=lanhdao, form=half_form, title="  ")
    limits = services_forms.section_add(
        actor=lanhdao, form=half_form, title="Hạn chế", kind=SectionKind.NARRATIVE
    )
    titles = lambda: list(half_form.sections.order_by("order").values_list("title", flat=True))  # noqa: E731
    assert titles() == ["Kết quả", "Ưu điểm", "Hạn chế"]
    services_forms.section_move(actor=lanhdao, section=limits, step=-1)
    assert titles() == ["Kết quả", "Hạn chế", "Ưu điểm"]
    services_forms.section_move(actor=lanhdao, section=limits, step=-1)
    services_forms.section_move(actor=lanhdao, section=limits, step=-1)  # already first
    assert titles() == ["Hạn chế", "Kết quả", "Ưu điểm"]
    results = half_form.sections.get(title="Kết quả")
    with pytest.raises(Conflict):  # it holds indicators
        services_forms.section_remove(actor=lanhdao, section=results)
    with pytest.raises(Conflict):
        services_forms.section_update(actor=lanhdao, section=results, kind=SectionKind.NARRATIVE)
    services_forms.section_update(actor=lanhdao, section=limits, title="Hạn chế, yếu kém")
    services_forms.section_remove(actor=lanhdao, section=limits, reason="Gộp vào phần khác")
    assert titles() == ["Kết quả", "Ưu điểm"]
    history = form_history(half_form)
    removed = next(e for e in history if e.verb == "removed")
    assert removed.subject == "Hạn chế, yếu kém" and removed.reason == "Gộp vào phần khác"


def test_a_narrative_section_with_text_in_reports_stays(half_form, world, lanhdao) -> None:
    from danvan.reporting import services

    narrative = half_form.sections.get(kind=SectionKind.NARRATIVE)
    report = services.submission_start(
        actor=None, form=half_form, organization=world.front_a, period=PERIOD
    )
    services.submission_save(actor=None, submission=report, narratives={str(narrative.pk): "Tốt"})
    with pytest.raises(Conflict):
        services_forms.section_remove(actor=lanhdao, section=narrative)
    assert Section.objects.filter(pk=narrative.pk).exists()


def test_indicators_on_a_section(half_form, world, lanhdao, xa, english) -> None:
    results = half_form.sections.get(title="Kết quả")
    definitions.indicator_create(actor=None, code="PEOPLE", name="Số lượt người", unit="người")
    people = Indicator.objects.get(code="PEOPLE")
    with pytest.raises(PermissionDenied):
        services_forms.item_add(actor=xa, section=results, indicator=people)
    item = services_forms.item_add(actor=lanhdao, section=results, indicator=people, required=False)
    assert _items(results)[-1] == "PEOPLE" and not item.required
    with pytest.raises(ValidationError, match="already on this form"):
        services_forms.item_add(actor=lanhdao, section=results, indicator=people)
    narrative = half_form.sections.get(kind=SectionKind.NARRATIVE)
    with pytest.raises(ValidationError):
        services_forms.item_add(
            actor=lanhdao, section=narrative, indicator=Indicator.objects.get(code="MEETINGS")
        )
    services_forms.item_move(actor=lanhdao, item=item, step=-1)
    assert _items(results)[-2:] == ["PEOPLE", "OV_SUPERVISIONS"]
    services_forms.item_update(actor=lanhdao, item=item, required=True)
    assert FormIndicator.objects.get(pk=item.pk).required
    # a new indicator, derived from the records, made and placed at once
    made = services_forms.item_create_with_indicator(
        actor=lanhdao,
        section=results,
        code="OV_INSPECTIONS_X",
        name="Số cuộc kiểm tra",
        source="derived",
        derived_key="oversight.inspections",
    )
    assert made.indicator.derived_key == "oversight.inspections"
    # a refused new indicator saves nothing, not even the indicator
    with pytest.raises(ValidationError):
        services_forms.item_create_with_indicator(
            actor=lanhdao, section=narrative, code="LOST", name="Mất"
        )
    assert not Indicator.objects.filter(code="LOST").exists()
    # taken off while no report holds it; kept once one does
    services_forms.item_remove(actor=lanhdao, item=item)
    assert "PEOPLE" not in _items(results)
    submitted(half_form, world.front_a)
    meetings = results.items.get(indicator__code="MEETINGS")
    with pytest.raises(Conflict, match="MEETINGS"):
        services_forms.item_remove(actor=lanhdao, item=meetings)
    assert FormIndicator.objects.filter(pk=meetings.pk).exists()
    subjects = {e.subject for e in form_history(half_form)}
    assert "Kết quả · PEOPLE" in subjects


def test_rules_change_and_are_switched_off_not_deleted(half_form, lanhdao, tinh, english) -> None:
    rule = ValidationRule.objects.get(form=half_form, left="DONE")
    with pytest.raises(PermissionDenied):
        services_forms.rule_update(actor=tinh, rule=rule, operator="<")
    with pytest.raises(ValidationError) as caught:
        services_forms.rule_update(actor=lanhdao, rule=rule, right="NOPE")
    assert "left" in caught.value.message_dict  # unknown codes are named on the left
    rule.refresh_from_db()
    assert rule.right == "PLANNED"
    services_forms.rule_update(actor=lanhdao, rule=rule, operator="<", is_active=False)
    rule.refresh_from_db()
    assert (rule.operator, rule.is_active) == ("<", False)
    assert ValidationRule.objects.filter(pk=rule.pk).exists()


# --- Pages -----------------------------------------------------------------------------------


def test_pages_refuse_who_may_not_edit(half_form, world, tinh, xa, child_leader, as_user) -> None:
    edit = f"/reports/forms/{half_form.pk}/edit/"
    section = half_form.sections.first()
    for refused in (xa, tinh, child_leader):
        client = as_user(refused)
        page = client.get("/reports/forms/").content.decode()
        assert "Báo cáo 6 tháng" in page and edit not in page  # they read, they do not edit
        assert client.get("/reports/forms/new/").status_code == 403
        assert client.get(edit).status_code == 403
        assert client.post(edit, {"name": "Khác"}).status_code == 403
        assert client.get(f"/reports/forms/{half_form.pk}/preview/").status_code == 403
        assert client.post(f"/reports/sections/{section.pk}/remove/").status_code == 403
    half_form.refresh_from_db()
    assert half_form.name == "Báo cáo 6 tháng"
    assert Client().get(edit).status_code == 302  # to the sign-in page


def test_make_a_form_on_its_pages(half_form, world, lanhdao, as_user) -> None:
    client = as_user(lanhdao)
    assert client.get("/reports/forms/999999/edit/").status_code == 404
    assert 'id="new-form"' in client.get("/reports/forms/").content.decode()
    response = client.post(
        "/reports/forms/new/",
        {
            "code": "quy-che-dan-chu",
            "name": "Báo cáo thực hiện quy chế dân chủ",
            "periodicity": "year",
            "deadline_days": "20",
            "kinds": [kind("party_committee").pk],
            "area_levels": ["commune"],
            "is_active": "on",
        },
    )
    form = Form.objects.get(code="quy-che-dan-chu")
    assert response.status_code == 302 and response.url == f"/reports/forms/{form.pk}/edit/"
    assert (form.periodicity, form.level_list) == ("year", ["commune"])
    again = client.post("/reports/forms/new/", {"code": "quy-che-dan-chu", "name": "x",
                                                "periodicity": "year", "deadline_days": "5"})  # fmt: skip
    assert again.status_code == 200 and Form.objects.filter(code="quy-che-dan-chu").count() == 1
    response = client.post(
        f"/reports/forms/{form.pk}/sections/new/",
        {"title": "Kết quả thực hiện", "kind": "indicators"},
    )
    section = form.sections.get()
    assert response.url == f"/reports/sections/{section.pk}/"
    meetings = Indicator.objects.get(code="MEETINGS")
    client.post(
        f"/reports/sections/{section.pk}/",
        {"action": "add", "add-indicator": meetings.pk, "add-required": "on"},
    )
    page = client.post(
        f"/reports/sections/{section.pk}/",
        {
            "action": "new",
            "new-code": "dc_people",
            "new-name": "Số nội dung nhân dân bàn và quyết định",
            "new-unit": "nội dung",
            "new-value_type": "number",
            "new-source": "derived",
            "new-derived_key": "",
            "new-aggregation": "sum",
            "new-decimal_places": "0",
        },
    )
    assert page.status_code == 200 and "is-invalid" in page.content.decode()  # no source chosen
    client.post(
        f"/reports/sections/{section.pk}/",
        {
            "action": "new",
            "new-code": "dc_people",
            "new-name": "Số nội dung nhân dân bàn và quyết định",
            "new-unit": "nội dung",
            "new-value_type": "number",
            "new-source": "typed",
            "new-aggregation": "sum",
            "new-decimal_places": "0",
        },
    )
    assert _items(section) == ["MEETINGS", "DC_PEOPLE"]
    derived_page = client.get(f"/reports/sections/{section.pk}/").content.decode()
    assert "Số cuộc giám sát" in derived_page  # the derived figures, labelled in Vietnamese
    item = section.items.get(indicator__code="DC_PEOPLE")
    client.post(f"/reports/form-items/{item.pk}/move/", {"step": "up"})
    assert _items(section) == ["DC_PEOPLE", "MEETINGS"]
    client.post(f"/reports/form-items/{item.pk}/required/", {"required": "0"})
    assert not FormIndicator.objects.get(pk=item.pk).required
    rule = client.post(
        f"/reports/forms/{form.pk}/rules/new/",
        {"left": "DC_PEOPLE", "operator": ">=", "right": "0", "severity": "error",
         "message": "Không được âm", "is_active": "on"},
    )  # fmt: skip
    assert rule.status_code == 302 and form.rules.get().message == "Không được âm"
    edit = client.get(f"/reports/forms/{form.pk}/edit/").content.decode()
    assert "Kết quả thực hiện" in edit and "DC_PEOPLE" in edit and 'id="history"' in edit


def test_the_preview_is_the_form_a_unit_fills_in(half_form, lanhdao, as_user) -> None:
    page = as_user(lanhdao).get(f"/reports/forms/{half_form.pk}/preview/").content.decode()
    assert "Kết quả" in page and "Ưu điểm" in page
    assert 'name="v_MEETINGS"' in page and 'name="n_' in page  # the fill-in form's own fields
    assert page.count(" disabled") >= 6  # nothing can be typed
    assert "Số cuộc giám sát" in page  # where the derived figure comes from
    assert "Nhiệm vụ hoàn thành / Nhiệm vụ kế hoạch * 100" in page  # the formula, in words
    assert "Số nhiệm vụ hoàn thành không thể vượt kế hoạch" in page  # the checks


# --- API -------------------------------------------------------------------------------------


def test_api_edits_forms_as_the_pages_do(
    half_form, world, lanhdao, tinh, xa, child_leader, english
) -> None:
    body = {
        "code": "nam",
        "name": "Báo cáo năm",
        "periodicity": "year",
        "kinds": ["party_committee"],
    }
    for refused in (xa, tinh, child_leader):
        assert post_json(bearer(refused), "/api/v1/forms", body).status_code == 403
        assert (
            patch(bearer(refused), f"/api/v1/forms/{half_form.pk}", {"name": "x"}).status_code
            == 403
        )
    assert post_json(Client(), "/api/v1/forms", body).status_code == 401
    assert not Form.objects.filter(code="nam").exists()
    client = bearer(lanhdao)
    assert post_json(client, "/api/v1/forms", {**body, "kinds": ["nope"]}).status_code == 400
    created = post_json(client, "/api/v1/forms", body)
    assert created.status_code == 201 and created.json()["kinds"] == ["party_committee"]
    pk = created.json()["id"]
    assert patch(client, "/api/v1/forms/999999", {"name": "x"}).status_code == 404
    section = post_json(client, f"/api/v1/forms/{pk}/sections", {"title": "Số liệu"})
    assert section.status_code == 201
    sid = section.json()["id"]
    added = post_json(client, f"/api/v1/sections/{sid}/indicators", {"code": "MEETINGS"})
    assert added.status_code == 201 and added.json()["code"] == "MEETINGS"
    made = post_json(
        client,
        f"/api/v1/sections/{sid}/indicators",
        {"code": "DERIVED_X", "name": "Số cuộc giám sát", "source": "derived",
         "derived_key": "oversight.supervisions", "required": False},
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["derived_key"] == "oversight.supervisions"
    unknown = post_json(client, f"/api/v1/sections/{sid}/indicators", {"code": "NOPE"})
    assert unknown.status_code == 400
    moved = post_json(client, f"/api/v1/form-items/{made.json()['id']}/move", {"direction": "up"})
    assert [i["code"] for i in moved.json()["indicators"]] == ["DERIVED_X", "MEETINGS"]
    optional = patch(client, f"/api/v1/form-items/{added.json()['id']}", {"required": False})
    assert optional.json()["required"] is False
    second = post_json(
        client, f"/api/v1/forms/{pk}/sections", {"title": "Ý kiến", "kind": "narrative"}
    )
    moved = post_json(client, f"/api/v1/sections/{second.json()['id']}/move", {"direction": "up"})
    assert [s["title"] for s in moved.json()["sections"]] == ["Ý kiến", "Số liệu"]
    busy = post_json(client, f"/api/v1/sections/{sid}/remove", {"reason": ""})
    assert busy.status_code == 409
    rule = post_json(
        client,
        f"/api/v1/forms/{pk}/rules",
        {"left": "MEETINGS", "operator": ">=", "right": "DERIVED_X", "severity": "warning",
         "message": "Ít hơn số đã ghi"},
    )  # fmt: skip
    assert rule.status_code == 201
    off = patch(client, f"/api/v1/rules/{rule.json()['id']}", {"is_active": False})
    assert off.json()["is_active"] is False
    assert (
        patch(bearer(xa), f"/api/v1/rules/{rule.json()['id']}", {"is_active": True}).status_code
        == 403
    )
    changed = patch(
        client, f"/api/v1/forms/{pk}", {"deadline_days": 30, "area_levels": ["commune"]}
    )
    assert changed.status_code == 200 and changed.json()["deadline_days"] == 30
    history = client.get(f"/api/v1/forms/{pk}/history").json()
    assert len(history) >= 6 and all(h["who"] for h in history)
    # periodicity stays once units have reported
    submitted(half_form, world.front_a)
    refused = patch(client, f"/api/v1/forms/{half_form.pk}", {"periodicity": "year"})
    assert refused.status_code == 409
    # everyone signed in reads the forms
    listed = bearer(xa).get("/api/v1/forms?all=true").json()
    assert {f["code"] for f in listed} >= {"half-report", "nam"}
