"""Dân vận khéo: register, appraise, recognise, replicate, showcase — and who is refused."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from danvan.practices import selectors, services
from danvan.practices.models import Practice, PracticeResult, PracticeStatus, Replication
from tests.conftest import World

pytestmark = pytest.mark.django_db

SCORES = {
    "score_identity": 8, "score_leadership": 9, "score_mobilisation": 8,
    "score_urgency": 7, "score_recognition": 8, "score_sustainability": 9,
}  # fmt: skip


def register(world: World, xa, **extra) -> Practice:  # type: ignore[no-untyped-def]
    fields = {
        "kind": "model", "name": "Mô hình hiến đất làm đường", "field": "economy",
        "situation": "Đường liên thôn hẹp", "outputs": "5 km đường bê tông",
        "results": [{"metric": "Đất hiến", "value": "1200", "unit": "m²"}],
    }  # fmt: skip
    fields.update(extra)
    return services.practice_register(actor=xa, organization=world.front_a, **fields)


def recognise(world: World, tinh, practice: Practice, level: str = "province") -> None:  # type: ignore[no-untyped-def]
    services.appraisal_record(actor=tinh, practice=practice, scores=SCORES)
    services.practice_decide(
        actor=tinh, practice=practice, recognised=True, decided_by=world.commission,
        level=level, decision_number="123-QĐ/BDV",
    )  # fmt: skip


def test_the_whole_workflow(world: World, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    assert practice.status == PracticeStatus.REGISTERED and practice.area == world.commune_a
    recognise(world, tinh, practice)
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.RECOGNISED
    replication = services.replication_record(
        actor=xa2, practice=practice, organization=world.front_b,
        adopted_on=timezone.localdate(), adaptation="Áp dụng cho thôn vùng cao",
        results=[{"metric": "Đất hiến", "value_before": "0", "value": "800", "unit": "m²"}],
    )  # fmt: skip
    assert replication.results.get().value_before == 0
    adoption = selectors.adoption(practice)
    assert adoption["adopted"] == 1 and adoption["units"] == 1  # the other commune Front
    assert adoption["within"] == world.commission


def test_xa_cannot_appraise_its_own_and_xa2_cannot_see_it_before_recognition(
    world, tinh, xa, xa2
) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    with pytest.raises(PermissionDenied):
        services.appraisal_record(actor=xa, practice=practice, scores=SCORES)
    client = Client()
    client.force_login(xa2)
    assert client.get(f"/practices/{practice.pk}/").status_code == 404
    recognise(world, tinh, practice)
    assert client.get(f"/practices/{practice.pk}/").status_code == 200


def test_bad_input_is_refused_and_nothing_saved(world, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        register(
            world,
            xa,
            name="Âm",
            results=[{"metric": "Hộ thoát nghèo", "value": "-3", "unit": "hộ"}],
        )
    with pytest.raises(ValidationError):
        register(
            world, xa, name="Không đơn vị", results=[{"metric": "Đất", "value": "5", "unit": ""}]
        )
    with pytest.raises(ValidationError):
        register(world, xa, name="Cá nhân", kind="individual_example", person_name="Nguyễn Văn A")
    with pytest.raises(ValidationError):
        register(world, xa, name="Công khai", kind="individual_example", is_public=True)
    assert not Practice.objects.exists() and not PracticeResult.objects.exists()
    practice = register(world, xa)
    services.appraisal_record(actor=tinh, practice=practice, scores=SCORES)
    with pytest.raises(ValidationError) as exc:
        services.practice_decide(
            actor=tinh, practice=practice, recognised=True, decided_by=world.commission,
            level="central", decision_number="1",
        )  # fmt: skip
    assert "level" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.practice_decide(
            actor=tinh, practice=practice, recognised=True, decided_by=world.commission,
            level="province", decision_number=" ",
        )  # fmt: skip
    assert "decision_number" in exc.value.message_dict


def test_recognition_is_raised_later_and_the_history_shows_each_step(world, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    recognise(world, tinh, practice, level="commune")
    with pytest.raises(ValidationError):
        services.practice_decide(
            actor=tinh, practice=practice, recognised=True, decided_by=world.commission,
            level="commune", decision_number="2",
        )  # fmt: skip
    services.practice_decide(
        actor=tinh, practice=practice, recognised=True, decided_by=world.commission,
        level="province", decision_number="45-QĐ/TU",
    )  # fmt: skip
    acts = [(h.history_verb, h.history_change_reason) for h in practice.history.all()]
    # Newest first: raised, recognised, appraised, registered; a decision number is no reason.
    assert acts == [("raised", None), ("recognised", None), ("appraised", None), ("", None)]


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), "green").save(buffer, "JPEG")
    return buffer.getvalue()


def test_photos_are_resized_and_a_fake_is_refused(world, xa) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    photo = services.photo_add(
        actor=xa, practice=practice, upload=SimpleUploadedFile("anh.jpg", _jpeg())
    )
    assert Image.open(photo.image).size == (1600, 800)
    with pytest.raises(ValidationError):
        services.photo_add(
            actor=xa, practice=practice, upload=SimpleUploadedFile("x.jpg", b"MZ...")
        )


def test_showcase_shows_only_public_recognised_practices_and_no_internal_fields(
    world, tinh, xa
) -> None:  # type: ignore[no-untyped-def]
    public = register(world, xa, name="Mô hình Dân vận khéo công khai", is_public=True)
    hidden = register(world, xa, name="Mô hình nội bộ", is_public=False)
    pending = register(world, xa, name="Mô hình chờ thẩm định", is_public=True)
    recognise(world, tinh, public)
    recognise(world, tinh, hidden)
    services.appraisal_record(actor=tinh, practice=pending, scores={**SCORES, "score_urgency": 3})
    services.practice_update  # noqa: B018 — appraisal comments are internal
    from danvan.practices.models import Appraisal

    Appraisal.objects.filter(practice=public).update(comments="Ghi chú nội bộ của tổ thẩm định")
    visitor = Client()
    page = visitor.get("/thuc-tien/", {"q": "dan van kheo cong khai"}).content.decode()
    assert "Mô hình Dân vận khéo công khai" in page
    everything = visitor.get("/thuc-tien/").content.decode()
    assert "Mô hình nội bộ" not in everything and "Mô hình chờ thẩm định" not in everything
    assert visitor.get(f"/thuc-tien/{hidden.pk}/").status_code == 404
    assert visitor.get(f"/thuc-tien/{pending.pk}/").status_code == 404
    detail = visitor.get(f"/thuc-tien/{public.pk}/").content.decode()
    assert "Ghi chú nội bộ" not in detail and "/60" not in detail
    assert visitor.get(f"/thuc-tien/{public.pk}/in/").status_code == 200
    feed = visitor.get("/thuc-tien/feed.atom").content.decode()
    assert "Mô hình Dân vận khéo công khai" in feed and "Mô hình nội bộ" not in feed


def test_web_register_and_workflow_pages(world, tinh, xa, xa2, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user(xa).post("/practices/new/", {
        "kind": "model", "name": "Tổ tự quản đường làng", "field": "culture_society",
        "organization": world.front_a.pk, "metric": "Tuyến đường", "value": "3", "unit": "km",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    practice = Practice.objects.get(name="Tổ tự quản đường làng")
    tinh_client = as_user(tinh)
    assert tinh_client.post(f"/practices/{practice.pk}/appraise/", SCORES).status_code == 302
    response = tinh_client.post(f"/practices/{practice.pk}/decide/", {
        "decision": "recognition", "decided_by": world.commission.pk, "level": "province",
        "decision_number": "12-QĐ",
    })  # fmt: skip
    assert response.status_code == 302
    assert as_user(xa).post(f"/practices/{practice.pk}/appraise/", SCORES).status_code == 403
    response = as_user(xa2).post(f"/practices/{practice.pk}/replicate/", {
        "organization": world.front_b.pk, "adopted_on": timezone.localdate().isoformat(), "metric": "Tuyến đường",
        "value_before": "0", "value": "2", "unit": "km",
    })  # fmt: skip
    assert response.status_code == 302
    assert Replication.objects.get().organization == world.front_b
    stats = as_user(tinh).get("/practices/statistics/", {"period": "2026"}).content.decode()
    assert "stats-table" in stats


def test_api_register_appraise_decide_replicate_and_refusals(world, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    from tests.org.test_api import bearer

    def post(client, url, data):  # type: ignore[no-untyped-def]
        return client.post(url, json.dumps(data), content_type="application/json")

    response = post(bearer(xa), "/api/v1/practices", {
        "organization_id": world.front_a.pk, "kind": "model", "name": "Mô hình qua API",
        "field": "economy", "results": [{"metric": "Hộ thoát nghèo", "value": 12, "unit": "hộ"}],
    })  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert bearer(xa2).get(f"/api/v1/practices/{pk}").status_code == 404
    assert post(bearer(xa), f"/api/v1/practices/{pk}/appraisals", SCORES).status_code == 403
    assert post(bearer(tinh), f"/api/v1/practices/{pk}/appraisals", SCORES).status_code == 201
    bad = post(bearer(tinh), f"/api/v1/practices/{pk}/decisions", {
        "decided_by_id": world.commission.pk, "level": "province",
    })  # fmt: skip
    assert bad.status_code == 400 and "decision_number" in bad.json()["errors"]
    ok = post(bearer(tinh), f"/api/v1/practices/{pk}/decisions", {
        "decided_by_id": world.commission.pk, "level": "province", "decision_number": "9-QĐ",
    })  # fmt: skip
    assert ok.json()["status"] == "recognised"
    today = timezone.localdate().isoformat()  # on or after the recognition
    negative = post(bearer(xa2), "/api/v1/replications", {
        "practice_id": pk, "organization_id": world.front_b.pk, "adopted_on": today,
        "results": [{"metric": "Hộ", "value": -1, "unit": "hộ"}],
    })  # fmt: skip
    assert negative.status_code == 400 and not Replication.objects.exists()
    created = post(bearer(xa2), "/api/v1/replications", {
        "practice_id": pk, "organization_id": world.front_b.pk, "adopted_on": today,
    })  # fmt: skip
    assert created.status_code == 201
    assert bearer(xa2).get("/api/v1/replications", {"practice": pk}).json()["count"] == 1


def test_showcase_filters_by_area(world, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa, name="Mô hình theo địa bàn", is_public=True)
    recognise(world, tinh, practice)
    visitor = Client()
    found = visitor.get("/thuc-tien/", {"area": world.commune_a.pk}).content.decode()
    elsewhere = visitor.get("/thuc-tien/", {"area": world.commune_b.pk}).content.decode()
    assert "Mô hình theo địa bàn" in found and "Mô hình theo địa bàn" not in elsewhere
    assert "Xã Mường Xén</option>" in found


def test_another_unit_reads_a_recognised_practice_but_may_not_change_it(
    world, tinh, xa, xa2, as_user
) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    recognise(world, tinh, practice)
    client = as_user(xa2)
    assert client.get(f"/practices/{practice.pk}/").status_code == 200
    assert client.get(f"/practices/{practice.pk}/edit/").status_code == 403
    response = client.post(f"/practices/{practice.pk}/result/", {
        "metric": "x", "value": "1", "unit": "hộ", "as_of": "2026-01-01",
    })  # fmt: skip
    assert response.status_code == 403
    assert practice.results.count() == 1


def test_photos_of_unpublished_practices_stay_private(world, xa, xa2, as_user) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    photo = services.photo_add(
        actor=xa, practice=practice, upload=SimpleUploadedFile("anh.jpg", _jpeg())
    )
    url = f"/practices/photos/{photo.pk}/"
    assert Client().get(url).status_code == 404
    assert as_user(xa2).get(url).status_code == 404
    assert as_user(xa).get(url).status_code == 200
