"""Small things found in use (issue 15): each reads right now, and stays so."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import translation

from danvan.accounts.models import User
from danvan.lib.history import history_for, json_text
from danvan.org import areas
from danvan.org.models import AreaLevel
from danvan.practices import services as practice_services
from danvan.practices.models import Practice, SubField
from danvan.reporting import definitions
from danvan.reporting.models import Submission, ValueType
from tests.conftest import World, kind
from tests.factories import DocumentFactory, UserFactory
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db


def _title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found is not None
    return found.group(1)


def test_the_statistics_page_title_is_plain_text(world: World, tinh, as_user) -> None:
    page = as_user(tinh).get("/practices/statistics/").content.decode()
    assert _title(page) == "Thống kê · danvan"


def test_the_unit_picker_on_not_adopted_names_a_unit_not_a_unit_of_measure(
    world: World, tinh, as_user
) -> None:
    page = as_user(tinh).get("/practices/not-adopted/").content.decode()
    label = re.search(r'<label class="form-label" for="unit">([^<]*)</label>', page)
    assert label is not None and label.group(1) == "Đơn vị"


def test_number_reads_as_a_document_number_or_a_count(world: World, tinh, as_user) -> None:
    DocumentFactory.create()
    page = as_user(tinh).get("/documents/").content.decode()
    assert '<th scope="col">Số hiệu</th>' in page
    with translation.override("vi"):
        assert str(ValueType.NUMBER.label) == "Số lượng"  # an indicator's kind of value
        from danvan.documents.forms import DocumentForm

        assert str(DocumentForm.base_fields["number"].label) == "Số hiệu"


def test_a_ward_shows_its_level_as_commune_level(world: World, tinh, as_user) -> None:
    ward = areas.area_create(
        actor=None, parent=world.province, code="16690", name="Phường Trường Thi",
        level=AreaLevel.COMMUNE,
    )  # fmt: skip
    page = as_user(tinh).get(f"/areas/{ward.pk}/").content.decode()
    level = re.search(r'<dt class="col-sm-5">Cấp</dt><dd class="col-sm-7">([^<]*)</dd>', page)
    assert level is not None and level.group(1) == "Cấp xã"
    with translation.override("vi"):
        assert [str(label) for _v, label in AreaLevel.choices] == [
            "Cấp tỉnh", "Cấp huyện", "Cấp xã", "Thôn, tổ dân phố",
        ]  # fmt: skip


# --- History -------------------------------------------------------------------------------


def test_history_shows_a_file_by_its_name(world: World, tinh) -> None:
    document = DocumentFactory.create()
    document.file.name = "documents/2026/nghi-quyet-23-nq-tw.pdf"
    document.save()
    changes = [c for entry in history_for(document) for c in entry.changes]
    shown = [c.new for c in changes if c.new.endswith(".pdf")]
    assert shown == ["nghi-quyet-23-nq-tw.pdf"]


def test_history_shows_json_as_text(world: World, english) -> None:
    form = definitions.form_create(
        actor=None, code="ghi-chep", name="Báo cáo ghi chép", periodicity="half",
        kinds=[kind("fatherland_front")],
        sections=[{"title": "Ưu điểm", "title_en": "Achievements", "kind": "narrative"}],
    )  # fmt: skip
    submission = Submission.objects.create(form=form, organization=world.front_a, period="2026S1")
    submission.narratives = {"ưu điểm": "Tổ chức 12 cuộc đối thoại", "tồn tại": ""}
    submission.warning_comments = {"DONE": {"ratio": 1.5, "ok": True}}
    submission.save()
    changes = {c.field: c.new for entry in history_for(submission) for c in entry.changes}
    assert changes["narrative sections"] == "ưu điểm: Tổ chức 12 cuộc đối thoại"
    assert changes["comments on warnings"] == "DONE: ok: yes; ratio: 1.5"  # keys sorted
    assert not any("{" in value or "'" in value for value in changes.values())


def test_json_text_reads_lists_and_map_shapes(english) -> None:
    assert json_text([1, 2500, "ba", None]) == "1, 2500, ba, —"
    square = {"type": "Polygon", "coordinates": [[[105.1, 21.0], [105.2, 21.0], [105.2, 21.1],
                                                  [105.1, 21.0]]]}  # fmt: skip
    assert json_text(square) == "map shape, 4 points"
    assert json_text({}) == "—"


# --- Sub-fields by field -------------------------------------------------------------------


def _subfields() -> tuple[SubField, SubField]:
    return (
        SubField.objects.create(field="economy", name="Hiến đất làm đường", name_en="Land"),
        SubField.objects.create(field="culture_society", name="Bảo vệ môi trường", name_en="Env"),
    )


def test_the_sub_field_list_follows_the_field(world: World, xa, as_user) -> None:
    land, environment = _subfields()
    page = as_user(xa).get("/practices/new/").content.decode()
    select = page[page.index('<select name="subfield"') :]
    select = select[: select.index("</select>")]
    assert 'data-filter-by="id_field"' in select
    assert f'value="{land.pk}" data-field="economy"' in select
    assert f'value="{environment.pk}" data-field="culture_society"' in select
    assert "danvan/dependent_select.js" in page


def test_a_sub_field_of_another_field_is_refused(world: World, xa, as_user) -> None:
    land, environment = _subfields()
    response = as_user(xa).post(
        "/practices/new/",
        {"kind": "model", "name": "Mô hình đường hoa", "field": "economy",
         "subfield": environment.pk, "organization": world.front_a.pk},
    )  # fmt: skip
    assert response.status_code == 200 and "subfield" in response.context["form"].errors
    assert not Practice.objects.exists()
    with pytest.raises(ValidationError) as refused:
        practice_services.practice_register(
            actor=xa, organization=world.front_a, kind="model", name="Mô hình",
            field="economy", subfield=environment,
        )  # fmt: skip
    assert "subfield" in refused.value.message_dict
    api = bearer(xa).post(
        "/api/v1/practices",
        json.dumps({"organization_id": world.front_a.pk, "kind": "model", "name": "Mô hình",
                    "field": "economy", "subfield_id": environment.pk}),
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 400 and not Practice.objects.exists()
    fitting = practice_services.practice_register(
        actor=xa, organization=world.front_a, kind="model", name="Mô hình",
        field="economy", subfield=land,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        practice_services.practice_update(actor=xa, practice=fitting, field="culture_society")


# --- The Django admin ----------------------------------------------------------------------


def _superuser() -> User:
    user: User = UserFactory.create(email="quantri@example.vn", is_staff=True, is_superuser=True)
    return user


def test_the_admin_is_for_superusers_only(world: World, lanhdao, as_user) -> None:
    lanhdao.is_staff = True  # staff, but not a superuser
    lanhdao.save()
    client = as_user(lanhdao)
    for path in ("/admin/", "/admin/login/", "/admin/org/organization/", "/admin/logout/"):
        assert client.get(path).status_code == 404, path
    anonymous = Client().get("/admin/org/area/")
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert "next=/admin/org/area/" in anonymous.url.replace("%2F", "/")
    superuser = as_user(_superuser())
    index = superuser.get("/admin/")
    assert index.status_code == 200
    assert superuser.get("/admin/login/").url == "/admin/"
    assert superuser.get("/admin/accounts/user/add/").status_code == 200
    # Secret keys of the two-factor devices are not in the admin; resets go through a unit.
    assert "/admin/otp_totp/" not in index.content.decode()
    assert superuser.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_the_admin_speaks_vietnamese(world: World) -> None:
    request = RequestFactory().get("/admin/")
    request.user = _superuser()

    def in_both(label: object) -> tuple[str, str]:
        with translation.override("en"):
            english = str(label)
        with translation.override("vi"):
            return english, str(label)

    left_in_english = []
    for model, model_admin in admin.site._registry.items():
        names = set(model_admin.get_list_display(request)) | set(
            model_admin.get_readonly_fields(request)
        )
        obj = model.objects.first() if model._meta.app_label == "org" else None
        names |= set(model_admin.get_fields(request, obj)) if obj else set()
        labels: list[object] = [model._meta.verbose_name, model._meta.verbose_name_plural,
                  model._meta.app_config.verbose_name]  # fmt: skip
        labels += [label_for_field(name, model, model_admin) for name in names if name != "__str__"]
        for fieldset_name, _options in model_admin.get_fieldsets(request, obj):
            if fieldset_name:
                labels.append(fieldset_name)
        for label in labels:
            english, vietnamese = in_both(label)
            if english == vietnamese and english not in {"ID", "API", "danvan"}:
                left_in_english.append(f"{model._meta.label}: {english}")
    assert left_in_english == []


def test_a_list_gives_up_to_500_a_page_as_its_document_says(tinh: User) -> None:
    for _ in range(120):
        DocumentFactory()
    client = bearer(tinh)
    page = client.get("/api/v1/documents", {"page_size": 500}).json()
    assert page["count"] == 120 and len(page["items"]) == 120  # not django-ninja's default 100
    assert len(client.get("/api/v1/documents").json()["items"]) == 50
    schema = client.get("/api/v1/openapi.json").json()
    (size,) = [
        p for p in schema["paths"]["/api/v1/documents"]["get"]["parameters"]
        if p["name"] == "page_size"
    ]  # fmt: skip
    assert "at most 500" in size["description"]


def test_an_unknown_api_address_answers_in_json(tinh: User) -> None:
    for path in ("/api/v1/nothing", "/api/v1/documents/"):  # the second: a trailing slash
        response = bearer(tinh).get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Không tìm thấy."}  # Vietnamese first
    page = Client().get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_method_an_api_address_does_not_take_answers_in_json(tinh: User) -> None:
    response = bearer(tinh).delete("/api/v1/documents")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
    assert response.json() == {
        "detail": "Địa chỉ này không nhận DELETE; chỉ nhận GET, POST."
    }  # fmt: skip
    page = Client().get("/accounts/logout/")  # a page keeps Django's answer
    assert page.status_code == 405 and not page["Content-Type"].startswith("application/json")


def test_a_host_the_site_does_not_serve_answers_in_json_under_the_api(tinh: User) -> None:
    """Django refuses the Host before any view (found by schemathesis sending «Host: J»): an
    API client still reads JSON; a page keeps Django's refusal page."""
    response = bearer(tinh).get("/api/v1/documents", HTTP_HOST="j")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Không đọc được yêu cầu."}
    page = Client().get("/orgs/", HTTP_HOST="j")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_a_refusal_django_answers_itself_is_json_under_the_api() -> None:
    """handler403: ninja answers its own endpoints' 403s; one Django raises before them (a
    middleware's PermissionDenied) still reads as JSON under /api/, a page elsewhere."""
    from django.core.exceptions import PermissionDenied

    from danvan.config.views import forbidden

    with translation.override("en"):
        api = forbidden(RequestFactory().get("/api/v1/documents"), PermissionDenied())
        said = forbidden(RequestFactory().get("/api/v1/documents"), PermissionDenied("Not yours."))
    assert api.status_code == 403 and api["Content-Type"] == "application/json"
    assert json.loads(api.content) == {"detail": "Forbidden."}
    assert json.loads(said.content) == {"detail": "Not yours."}
    page = forbidden(RequestFactory().get("/orgs/"), PermissionDenied())
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


def test_an_api_client_chooses_its_language_with_accept_language(tinh: User) -> None:
    client = bearer(tinh)
    english = client.get("/api/v1/nothing", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.json() == {"detail": "Not found."}
    assert english["Content-Language"] == "en" and "Accept-Language" in english["Vary"]
    preferred = client.get("/api/v1/nothing", headers={"Accept-Language": "fr, vi;q=0.8, en;q=0.5"})
    assert preferred.json() == {"detail": "Không tìm thấy."}  # the first supported one
    unknown = client.get("/api/v1/nothing", headers={"Accept-Language": "fr-FR"})
    assert unknown["Content-Language"] == "vi"
    client.cookies["django_language"] = "vi"  # the cookie, when set, decides
    chosen = client.get("/api/v1/nothing", headers={"Accept-Language": "en"})
    assert chosen.json() == {"detail": "Không tìm thấy."}
    # Pages open in Vietnamese whatever the browser says.
    page = Client().get("/accounts/login/", headers={"Accept-Language": "en"})
    assert page["Content-Language"] == "vi"
