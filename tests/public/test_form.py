"""The public petition form: routing to the commune's unit, consent, the honeypot, the limit per
address, attachments, and ID numbers typed into the text."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from danvan.dialogue.models import Petition, PetitionAttachment, Petitioner
from danvan.public import routing
from tests.conftest import World
from tests.public.conftest import PERSON, assert_no_personal_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODE = re.compile(r"KN-[2-9A-Z]{4}-[2-9A-Z]{4}")


def form_data(world: World, land: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "area": world.commune_a.pk,
        "topic": land.pk,
        "kind": "petition",
        "summary": "Đề nghị sửa chữa đoạn đường liên thôn bị sạt lở",
        "text": "Đoạn đường từ thôn 3 đi trung tâm xã bị sạt lở sau mưa lũ.",
        **PERSON,
        "consent": "on",
        "website": "",
    }
    data.update(extra)
    return data


def test_the_form_offers_the_communes_that_receive_petitions_and_the_consent_text(
    world: World, visitor: Client
) -> None:
    page = visitor.get("/kien-nghi/").content.decode()
    assert "Xã Mường Xén" in page and "Xã Mỹ Lý" in page
    assert "Huyện Kỳ Sơn" not in page  # a district, and it ended in 2025
    assert "xử lý kiến nghị" in page or "handling my petition" in page  # the consent text
    assert 'name="website"' in page and 'class="d-none"' in page  # the honeypot, hidden by CSS


def test_sending_creates_the_petition_for_the_communes_front_and_shows_the_code(
    world: World, land: Any, visitor: Client
) -> None:
    response = visitor.post("/kien-nghi/", form_data(world, land))
    assert response.status_code == 302 and response["Location"] == "/kien-nghi/da-gui/"
    petition = Petition.objects.get()
    assert petition.organization == world.front_a and petition.channel == "public_form"
    assert petition.created_by is None
    page = visitor.get("/kien-nghi/da-gui/").content.decode()
    assert petition.code in page and f"/kien-nghi/tra-cuu/{petition.code}/" in page
    petitioner = Petitioner.objects.get(petition=petition)
    assert petitioner.name == PERSON["name"] and petitioner.email == PERSON["email"]
    assert petitioner.consent_version == "2026-01" and petitioner.consent_at is not None
    assert_no_personal_data(page)


def test_a_denunciation_gets_its_code_but_no_tracking_link(
    world: World, land: Any, visitor: Client
) -> None:
    """A denunciation is confidential: the sender is told it cannot be followed here."""
    response = visitor.post("/kien-nghi/", form_data(world, land, kind="denunciation"))
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.kind == "denunciation"
    page = visitor.get("/kien-nghi/da-gui/").content.decode()
    assert petition.code in page and 'id="confidential-notice"' in page
    assert f"/kien-nghi/tra-cuu/{petition.code}/" not in page
    assert visitor.get(f"/kien-nghi/tra-cuu/{petition.code}/").status_code == 404


def test_routing_prefers_the_front_then_the_party_committee(world: World) -> None:
    assert routing.handling_unit(world.commune_a) == world.front_a
    world.front_b.dissolved_on = datetime.date(2026, 1, 1)
    world.front_b.save()
    assert routing.handling_unit(world.commune_b) == world.party_b
    world.party_b.dissolved_on = datetime.date(2026, 1, 1)
    world.party_b.save()
    assert routing.handling_unit(world.commune_b) is None
    assert world.commune_b not in routing.communes_receiving()
    assert routing.commune_by_code("16813") == world.commune_a
    assert routing.commune_by_code("417") is None


def test_a_commune_without_a_receiving_unit_is_refused(
    world: World, land: Any, visitor: Client
) -> None:
    world.front_b.dissolved_on = world.party_b.dissolved_on = datetime.date(2026, 1, 1)
    world.front_b.save()
    world.party_b.save()
    response = visitor.post("/kien-nghi/", form_data(world, land, area=world.commune_b.pk))
    assert response.status_code == 200 and not Petition.objects.exists()


def test_without_consent_nothing_is_saved(world: World, land: Any, visitor: Client) -> None:
    data = form_data(world, land)
    del data["consent"]
    response = visitor.post("/kien-nghi/", data)
    assert response.status_code == 200
    assert "consent_error" in response.content.decode()
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_a_robot_filling_the_honeypot_is_told_success_and_nothing_is_saved(
    world: World, land: Any, visitor: Client
) -> None:
    response = visitor.post("/kien-nghi/", form_data(world, land, website="http://spam.example"))
    assert response.status_code == 302
    page = visitor.get("/kien-nghi/da-gui/").content.decode()
    code = CODE.search(page)
    assert code is not None  # looks like a real code
    assert not Petition.objects.exists() and not Petitioner.objects.exists()
    assert visitor.get(f"/kien-nghi/tra-cuu/{code.group(0)}/").status_code == 404


def test_the_limit_per_address_answers_429_in_vietnamese(
    world: World, land: Any, visitor: Client, settings: Any
) -> None:
    settings.DANVAN_PUBLIC_PETITION_RATE = "2/h"
    for _ in range(3):
        assert visitor.get("/kien-nghi/").status_code == 200  # reading does not count
        unticked = visitor.post("/kien-nghi/", form_data(world, land, consent=""))
        assert unticked.status_code == 200  # a field to put right: not counted either
    assert visitor.post("/kien-nghi/", form_data(world, land)).status_code == 302
    assert visitor.post("/kien-nghi/", form_data(world, land)).status_code == 302
    refused = visitor.post("/kien-nghi/", form_data(world, land, summary="Xin làm lại cầu treo"))
    assert refused.status_code == 429
    assert '<html lang="vi">' in refused.content.decode()  # Vietnamese first
    assert 'id="rate-limited"' in refused.content.decode()
    assert "Xin làm lại cầu treo" in refused.content.decode()  # what was typed is kept
    visitor.cookies["django_language"] = "en"
    refused = visitor.post("/kien-nghi/", form_data(world, land))
    assert refused.status_code == 429 and "wait an hour" in refused.content.decode()
    assert Petition.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")  # another address has its own limit
    assert other.post("/kien-nghi/", form_data(world, land)).status_code == 302


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_attachments_are_checked_and_at_most_three(
    world: World, land: Any, visitor: Client, media: None
) -> None:
    program = SimpleUploadedFile("anh.exe", b"MZ\x90\x00binary", content_type="application/pdf")
    response = visitor.post("/kien-nghi/", form_data(world, land, attachments=[program]))
    assert response.status_code == 200 and "attachments_error" in response.content.decode()
    text = SimpleUploadedFile("ghi-chu.txt", b"hello", content_type="text/plain")
    response = visitor.post("/kien-nghi/", form_data(world, land, attachments=[text]))
    assert response.status_code == 200 and "attachments_error" in response.content.decode()
    four = [
        SimpleUploadedFile(f"don-{i}.pdf", PDF, content_type="application/pdf") for i in range(4)
    ]
    response = visitor.post("/kien-nghi/", form_data(world, land, attachments=four))
    assert response.status_code == 200 and "attachments_error" in response.content.decode()
    assert not Petition.objects.exists() and not PetitionAttachment.objects.exists()
    letter = SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf")
    unticked = visitor.post("/kien-nghi/", form_data(world, land, consent="", attachments=[letter]))
    assert 'id="files-again"' in unticked.content.decode()  # the browser forgot the file: say so
    untouched = visitor.post("/kien-nghi/", form_data(world, land, consent=""))
    assert 'id="files-again"' not in untouched.content.decode()
    two = [
        SimpleUploadedFile(f"Đơn {i}.pdf", PDF, content_type="application/pdf") for i in range(2)
    ]
    assert visitor.post("/kien-nghi/", form_data(world, land, attachments=two)).status_code == 302
    assert sorted(PetitionAttachment.objects.values_list("name", flat=True)) == [
        "Don_0.pdf",
        "Don_1.pdf",
    ]


def test_an_id_number_in_the_text_is_kept_encrypted_and_never_shown(
    world: World, land: Any, visitor: Client
) -> None:
    text = "Tôi là chủ hộ, CCCD số 040085012345 cấp năm 2021, đề nghị xem xét lại ranh giới đất."
    assert visitor.post("/kien-nghi/", form_data(world, land, text=text)).status_code == 302
    petition = Petition.objects.get()
    assert "040085012345" not in (petition.text or "") and "•••" in (petition.text or "")
    assert Petitioner.objects.get(petition=petition).id_number == "040085012345"
    page = visitor.get(f"/kien-nghi/tra-cuu/{petition.code}/").content.decode()
    api = visitor.get(f"/api/v1/public/petitions/{petition.code}").content.decode()
    open311 = visitor.get(f"/open311/v2/requests/{petition.code}.json").content.decode()
    for shown in (page, api, open311):
        assert "040085012345" not in shown and "ranh giới" not in shown
        assert_no_personal_data(shown)


def test_an_id_number_before_a_comma_is_masked_too(
    world: World, land: Any, visitor: Client
) -> None:
    text = "CCCD số 040085012345, đề nghị xem xét lại."
    assert visitor.post("/kien-nghi/", form_data(world, land, text=text)).status_code == 302
    assert "040085012345" not in (Petition.objects.get().text or "")
