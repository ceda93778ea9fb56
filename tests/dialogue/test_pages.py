"""The petition pages: the list and its export, intake with duplicate suggestions, a petition's
page and each action on it, the petitioner's identity — who may, who is refused."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dialogue import services_petitions, services_privacy
from danvan.dialogue.models import (
    IdentityAccess,
    Petition,
    Petitioner,
    PetitionKind,
    PetitionState,
)
from danvan.org.models import Role
from danvan.situation.models import Note, Topic
from tests.conftest import World
from tests.factories import member

pytestmark = pytest.mark.django_db
# The pages judge dates against the real day.
DAY = timezone.localdate()
SUMMARY = "Đề nghị sửa chữa đoạn đường liên thôn bị sạt lở"


@pytest.fixture
def viewer(world: World) -> User:
    return member(world.front_a, Role.VIEWER, email="xem@example.vn")


@pytest.fixture
def petition(file_petition: Callable[..., Petition]) -> Petition:
    return file_petition()


@pytest.fixture
def form(world: World, land: Topic) -> dict[str, Any]:
    return {
        "organization": world.front_a.pk,
        "area": world.commune_a.pk,
        "topic": land.pk,
        "kind": "petition",
        "channel": "letter",
        "complexity": "normal",
        "summary": "Kiến nghị lắp đèn chiếu sáng tuyến đường trục xã",
        "text": "Tuyến đường trục xã chưa có đèn, người dân đi lại ban đêm khó khăn.",
        "received_on": DAY.isoformat(),
        "name": "Lò Văn Pâng",
        "phone": "0987654321",
        "address": "Bản Huồi Pốc",
        "consent": "on",
    }


def _act(client: Any, p: Petition, action: str, data: dict[str, Any]) -> Any:
    return client.post(f"/dialogue/petitions/{p.pk}/{action}/", data)


# --- The list -----------------------------------------------------------------------------


def test_list_shows_the_scope_and_filters(
    world: World, xa: User, xa2: User, tinh: User, as_user: Any,
    file_petition: Callable[..., Petition],
) -> None:  # fmt: skip
    mine = file_petition()
    other = file_petition(
        organization=world.front_b, area=world.commune_b, summary="Phản ánh ô nhiễm nguồn nước"
    )
    page = as_user(xa).get("/dialogue/")
    assert page.status_code == 200
    assert mine.code in page.text and other.code not in page.text
    assert 'id="new-petition"' in page.text and 'id="dialogue-nav"' in page.text
    assert as_user(xa2).get("/dialogue/").text.count(other.code) == 1
    whole = as_user(tinh)
    assert mine.code in whole.get("/dialogue/").text
    assert other.code not in whole.get("/dialogue/", {"q": "duong lien thon"}).text
    assert mine.code in whole.get("/dialogue/", {"q": "duong lien thon"}).text
    assert mine.code in whole.get("/dialogue/", {"q": mine.code}).text
    assert mine.code not in whole.get("/dialogue/", {"state": "settled"}).text
    assert mine.code in whole.get("/dialogue/", {"organization": world.front_a.pk}).text
    assert other.code not in whole.get("/dialogue/", {"organization": world.front_a.pk}).text
    assert mine.code in whole.get("/dialogue/", {"area": world.commune_a.pk}).text
    assert other.code not in whole.get("/dialogue/", {"area": world.commune_a.pk}).text
    # The derived figures link here with the period's dates.
    later = {"received_from": (mine.received_on + datetime.timedelta(days=1)).isoformat()}
    assert "petitions-empty" in whole.get("/dialogue/", later).text
    span = {"received_from": mine.received_on.isoformat(), "received_to": DAY.isoformat()}
    assert mine.code in whole.get("/dialogue/", span).text
    # A unit outside the scope is 404, like any record outside it.
    assert as_user(xa).get("/dialogue/", {"organization": world.front_b.pk}).status_code == 404


def test_overdue_is_derived_and_filtered(
    xa: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    late = file_petition(received_on=DAY - datetime.timedelta(days=40), today=DAY)
    fresh = file_petition(summary="Kiến nghị về trợ cấp hộ nghèo")
    client = as_user(xa)
    page = client.get("/dialogue/", {"overdue": "1"})
    assert late.code in page.text and fresh.code not in page.text
    assert "text-bg-danger" in page.text
    page = client.get("/dialogue/", {"overdue": "0"})
    assert fresh.code in page.text and late.code not in page.text
    # Its page counts the days past the deadline (it failed to render, 500, once).
    page = client.get(f"/dialogue/petitions/{late.pk}/")
    assert page.status_code == 200
    on_time = re.search(r'<p [^>]*id="on-time">(.*?)</p>', page.text, re.S)
    assert on_time is not None and "text-danger" in on_time.group(1)
    assert f"{(DAY - late.due_on).days} " in on_time.group(1)


def test_empty_list_and_a_viewer_without_the_new_button(
    viewer: User, outsider: User, as_user: Any
) -> None:
    page = as_user(viewer).get("/dialogue/")
    assert page.status_code == 200 and 'id="petitions-empty"' in page.text
    assert 'id="new-petition"' not in page.text
    assert as_user(outsider).get("/dialogue/").status_code == 200
    assert as_user(outsider).get("/dialogue/petitions/new/").status_code == 403
    assert as_user(viewer).get("/dialogue/petitions/new/").status_code == 403


def _count_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dialogue/").status_code == 200
    return len(queries)


def test_the_list_reads_a_flat_number_of_queries(
    world: World, tinh: User, xa: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    client = as_user(tinh)
    for i in range(10):
        services_petitions.petition_accept(
            actor=None, petition=file_petition(summary=f"Kiến nghị số {i}"),
            accepted_on=DAY, handler=xa,
        )  # fmt: skip
    ten = _count_queries(client)
    for i in range(40):
        file_petition(summary=f"Phản ánh thứ {i}")
    assert Petition.objects.count() == 50
    assert _count_queries(client) == ten


# --- Intake -------------------------------------------------------------------------------


def test_xa_records_a_petition_that_xa2_cannot_reach(
    world: World, xa: User, xa2: User, outsider: User, as_user: Any, form: dict[str, Any]
) -> None:
    page = as_user(xa).get("/dialogue/petitions/new/")
    assert page.status_code == 200
    assert "erased after the case is closed" in page.text or "xóa sau khi" in page.text
    response = as_user(xa).post("/dialogue/petitions/new/", form, follow=True)
    made = Petition.objects.get()
    assert response.redirect_chain[-1][0] == f"/dialogue/petitions/{made.pk}/"
    assert made.code in response.text  # the message gives the tracking code
    assert (made.organization, made.area, made.channel, made.created_by) == (
        world.front_a, world.commune_a, "letter", xa,
    )  # fmt: skip
    person = Petitioner.objects.get(petition=made)
    assert (person.name, person.phone, person.consent_version) == (
        "Lò Văn Pâng",
        "0987654321",
        "2026-01",
    )
    assert "Lò Văn Pâng" not in response.text  # the identity is not on the page
    assert as_user(xa2).get(f"/dialogue/petitions/{made.pk}/").status_code == 404
    assert as_user(outsider).get(f"/dialogue/petitions/{made.pk}/").status_code == 404


def test_a_refused_intake_saves_nothing(xa: User, as_user: Any, form: dict[str, Any]) -> None:
    form["consent"] = ""
    page = as_user(xa).post("/dialogue/petitions/new/", form)
    assert page.status_code == 200 and "invalid-feedback" in page.text
    form.update(consent="on", received_on=(DAY + datetime.timedelta(days=3)).isoformat())
    assert as_user(xa).post("/dialogue/petitions/new/", form).status_code == 200
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_duplicates_are_suggested_and_nothing_saved_until_confirmed(
    xa: User, as_user: Any, form: dict[str, Any], petition: Petition
) -> None:
    form["summary"] = "Đề nghị sửa đoạn đường liên thôn bị sạt lở nặng"
    client = as_user(xa)
    page = client.post("/dialogue/petitions/new/", form)
    assert page.status_code == 200 and 'id="similar-petitions"' in page.text
    assert petition.code in page.text and f"/dialogue/petitions/{petition.pk}/" in page.text
    assert 'type="checkbox" name="not_duplicate"' in page.text
    assert Petition.objects.count() == 1
    response = client.post("/dialogue/petitions/new/", {**form, "not_duplicate": "on"})
    assert response.status_code == 302 and Petition.objects.count() == 2


def test_attachments_at_intake_are_seen_with_the_petition(
    xa: User, xa2: User, as_user: Any, form: dict[str, Any]
) -> None:
    files = [
        SimpleUploadedFile("don.pdf", b"%PDF-1.4 don", content_type="application/pdf"),
        SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png"),
    ]
    assert (
        as_user(xa).post("/dialogue/petitions/new/", {**form, "attachments": files}).status_code
        == 302
    )
    made = Petition.objects.get()
    first = made.attachments.order_by("pk").first()
    assert made.attachments.count() == 2 and first is not None
    url = f"/dialogue/petitions/{made.pk}/attachments/{first.pk}/"
    assert url in as_user(xa).get(f"/dialogue/petitions/{made.pk}/").text
    assert as_user(xa).get(url).status_code == 200
    assert as_user(xa2).get(url).status_code == 404


# --- A petition's page and its actions ----------------------------------------------------


def test_the_page_shows_actions_only_to_those_who_handle_it(
    xa: User, viewer: User, as_user: Any, petition: Petition
) -> None:
    page = as_user(xa).get(f"/dialogue/petitions/{petition.pk}/")
    assert page.status_code == 200
    for action in ("accept", "refer", "refuse", "merge", "note"):
        assert f'id="action-{action}"' in page.text
    for action in ("settle", "extend", "confirm", "reopen"):
        assert f'id="action-{action}"' not in page.text
    assert 'id="show-petitioner"' in page.text
    seen = as_user(viewer).get(f"/dialogue/petitions/{petition.pk}/")
    assert seen.status_code == 200 and 'id="action-accept"' not in seen.text
    assert 'id="show-petitioner"' not in seen.text
    refused = _act(
        as_user(viewer),
        petition,
        "accept",
        {"accepted_on": DAY.isoformat(), "complexity": "normal"},
    )
    assert refused.status_code == 403
    petition.refresh_from_db()
    assert petition.state == PetitionState.RECEIVED


def test_xa2_cannot_act_on_xa_petition(
    xa2: User, outsider: User, as_user: Any, petition: Petition
) -> None:
    data = {"accepted_on": DAY.isoformat(), "complexity": "normal"}
    assert _act(as_user(xa2), petition, "accept", data).status_code == 404
    assert _act(as_user(outsider), petition, "accept", data).status_code == 404
    assert as_user(xa2).get(f"/dialogue/petitions/{petition.pk}/identity/").status_code == 404
    petition.refresh_from_db()
    assert petition.state == PetitionState.RECEIVED
    assert as_user(xa2).get(f"/dialogue/petitions/{petition.pk}/unknown/").status_code == 405


def test_accept_extend_settle_confirm_reopen_close(
    xa: User, lanhdao: User, as_user: Any, petition: Petition
) -> None:
    client = as_user(xa)
    today = DAY.isoformat()
    response = _act(
        client,
        petition,
        "accept",
        {"accepted_on": today, "complexity": "complex", "handler": xa.pk},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.state, petition.handler, petition.complexity) == ("in_progress", xa, "complex")
    settle_due = petition.due_on
    page = client.get(f"/dialogue/petitions/{petition.pk}/")
    assert 'id="action-settle"' in page.text and 'id="action-accept"' not in page.text
    assert _act(client, petition, "assign", {"handler": lanhdao.pk}).status_code == 302
    petition.refresh_from_db()
    assert petition.handler == lanhdao
    response = _act(
        client,
        petition,
        "extend",
        {"working_days": "5", "reason": "Cần xác minh thực địa", "decided_on": today},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.due_on > settle_due and petition.extensions.count() == 1
    assert "Cần xác minh thực địa" in client.get(f"/dialogue/petitions/{petition.pk}/").text
    response = _act(
        client,
        petition,
        "settle",
        {"result": "Đã sửa xong đoạn đường", "settled_on": today, "publish": "on"},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == "settled" and petition.published and petition.settled_on_time
    assert "text-bg-success" in client.get(f"/dialogue/petitions/{petition.pk}/").text
    response = _act(
        client, petition, "confirm", {"confirmation": "not_satisfied", "confirmed_on": today}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.state, petition.confirmation) == ("closed", "not_satisfied")
    assert _act(client, petition, "reopen", {"reason": ""}).status_code == 200  # a form error
    petition.refresh_from_db()
    assert petition.state == "closed"
    assert _act(client, petition, "reopen", {"reason": "Công dân chưa đồng ý"}).status_code == 302
    petition.refresh_from_db()
    assert petition.state == "in_progress" and petition.reopened == 1
    _act(client, petition, "settle", {"result": "Đã giải thích", "settled_on": today})
    assert _act(client, petition, "close", {}).status_code == 302
    petition.refresh_from_db()
    assert petition.state == "closed" and not petition.published


def test_the_handler_is_told_in_the_sites_language_whoever_records_the_answer(
    xa: User, as_user: Any, petition: Petition, django_capture_on_commit_callbacks: Any
) -> None:
    services_petitions.petition_accept(
        actor=xa, petition=petition, accepted_on=DAY, complexity="normal", handler=xa
    )
    services_petitions.petition_settle(
        actor=xa, petition=petition, result="Đã sửa xong", settled_on=DAY
    )
    client = as_user(xa)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the officer reads English…
    with django_capture_on_commit_callbacks(execute=True):
        answer = {"confirmation": "not_satisfied", "confirmed_on": DAY.isoformat()}
        assert _act(client, petition, "confirm", answer).status_code == 302
    # …and the handler is told in the site's language.
    [told] = [m for m in mail.outbox if m.to == [xa.email]]
    petition.refresh_from_db()
    assert told.subject == (
        f"danvan: công dân chưa hài lòng với kết quả giải quyết kiến nghị {petition.code}"
    )


def test_a_state_that_does_not_allow_the_action_is_a_message(
    xa: User, as_user: Any, petition: Petition
) -> None:
    client = as_user(xa)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _act(client, petition, "settle", {"result": "Xong", "settled_on": DAY.isoformat()})
    assert response.status_code == 302
    page = client.get(response.url)
    assert "alert-danger" in page.text and "Only a petition being settled" in page.text
    petition.refresh_from_db()
    assert petition.state == PetitionState.RECEIVED and petition.result == ""


def test_refuse_needs_a_reason_and_refer_a_body(
    world: World, xa: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    client = as_user(xa)
    first = file_petition()
    page = _act(client, first, "refuse", {"refused_on": DAY.isoformat(), "reason": ""})
    assert page.status_code == 200 and "invalid-feedback" in page.text
    assert (
        _act(
            client,
            first,
            "refuse",
            {"refused_on": DAY.isoformat(), "reason": "Không thuộc thẩm quyền"},
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert first.state == "refused"
    complaint = file_petition(
        kind=PetitionKind.COMPLAINT, summary="Khiếu nại quyết định thu hồi đất"
    )
    page = client.get(f"/dialogue/petitions/{complaint.pk}/")
    assert 'id="action-accept"' not in page.text and 'id="action-refer"' in page.text
    page = _act(client, complaint, "refer", {"referred_on": DAY.isoformat()})
    assert page.status_code == 200 and "invalid-feedback" in page.text
    response = _act(
        client,
        complaint,
        "refer",
        {
            "referred_on": DAY.isoformat(),
            "competent_body": world.party_a.pk,
            "reason": "Thuộc thẩm quyền",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.competent_body) == ("referred", world.party_a)


def test_merge_by_code_and_link_a_note(
    world: World, xa: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    client = as_user(xa)
    first = file_petition()
    second = file_petition(summary="Đường liên thôn 3 sạt lở")
    elsewhere = file_petition(organization=world.front_b, area=world.commune_b)
    page = _act(client, second, "merge", {"into": elsewhere.code})
    assert page.status_code == 200 and "invalid-feedback" in page.text  # outside the scope
    response = _act(client, second, "merge", {"into": first.code.lower().replace("-", " ")})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.state, second.merged_into) == ("merged", first)
    page = client.get(f"/dialogue/petitions/{first.pk}/")
    assert second.code in page.text
    assert _act(client, first, "note", {"level": "watch"}).status_code == 302
    first.refresh_from_db()
    note = Note.objects.get()
    assert first.note == note and note.summary == first.summary
    assert f"/situation/notes/{note.pk}/" in client.get(f"/dialogue/petitions/{first.pk}/").text
    page = _act(client, second, "note", {"note": "999999", "level": "normal"})
    assert page.status_code == 200  # merged: the service still checks the note is seen
    second.refresh_from_db()
    assert second.note is None


# --- The petitioner -------------------------------------------------------------------------


def test_identity_is_shown_on_request_and_logged(
    xa: User, viewer: User, as_user: Any, petition: Petition
) -> None:
    client = as_user(xa)
    url = f"/dialogue/petitions/{petition.pk}/identity/"
    page = client.get(url)
    assert page.status_code == 200 and "Nguyễn Văn Thành" not in page.text
    assert not IdentityAccess.objects.exists()
    page = client.post(url)
    assert page.status_code == 200 and "Nguyễn Văn Thành" in page.text and "0912345678" in page.text
    assert page["Cache-Control"] == "no-store"
    access = IdentityAccess.objects.get()
    assert (access.user, access.petition, access.purpose) == (xa, petition, "view")
    assert as_user(viewer).get(url).status_code == 403
    assert as_user(viewer).post(url).status_code == 403
    assert IdentityAccess.objects.count() == 1


def test_a_denouncer_is_shown_only_to_the_assigned_handler(
    xa: User, tinh: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    denunciation = file_petition(kind=PetitionKind.DENUNCIATION, summary="Tố cáo cán bộ địa chính")
    url = f"/dialogue/petitions/{denunciation.pk}/identity/"
    assert as_user(xa).post(url).status_code == 403
    assert (
        'id="show-petitioner"'
        not in as_user(xa).get(f"/dialogue/petitions/{denunciation.pk}/").text
    )
    services_petitions.petition_refer(
        actor=None, petition=denunciation, referred_on=DAY, competent_body_name="Thanh tra tỉnh"
    )
    services_petitions.petition_assign(actor=None, petition=denunciation, handler=tinh)
    assert as_user(xa).post(url).status_code == 403
    page = as_user(tinh).post(url)
    assert page.status_code == 200 and "Nguyễn Văn Thành" in page.text
    assert list(IdentityAccess.objects.values_list("user", flat=True)) == [tinh.pk]


def test_erased_data_shows_as_erased(
    xa: User, quantri: User, as_user: Any, petition: Petition
) -> None:
    services_privacy.petitioner_erase(
        actor=quantri, petition=petition, reason="Yêu cầu của công dân"
    )
    page = as_user(xa).get(f"/dialogue/petitions/{petition.pk}/")
    assert 'id="petitioner-erased"' in page.text
    page = as_user(xa).post(f"/dialogue/petitions/{petition.pk}/identity/")
    assert page.status_code == 200 and 'id="identity-erased"' in page.text
    assert "Nguyễn Văn Thành" not in page.text
