"""Files added to a petition after the intake — papers the citizen brings later, a body's
letter — by those who handle it, while it is being handled: the service, the page, the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from danvan.accounts.models import User
from danvan.dialogue import services_petitions, services_privacy
from danvan.dialogue.models import Petition
from danvan.lib.errors import Conflict
from danvan.org.models import Role
from tests.conftest import World
from tests.dialogue.conftest import TODAY
from tests.factories import member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def petition(file_petition: Callable[..., Petition]) -> Petition:
    return file_petition()


@pytest.fixture
def viewer(world: World) -> User:
    return member(world.front_a, Role.VIEWER, email="xem@example.vn")


def pdf(name: str = "bien-ban-giao-dat-1998.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 bien ban", "application/pdf")


def exe() -> SimpleUploadedFile:
    return SimpleUploadedFile("tai-lieu.exe", b"MZ\x90\x00", "application/octet-stream")


def names(petition: Petition) -> list[str]:
    return list(petition.attachments.order_by("pk").values_list("name", flat=True))


# --- The service ------------------------------------------------------------------------------


def test_those_who_handle_it_add_files_while_it_is_handled(
    xa: User, xa2: User, viewer: User, petition: Petition, english: None
) -> None:
    added = services_petitions.petition_attach(
        actor=xa, petition=petition, attachments=[pdf(), pdf("xac-nhan-truong-ban.pdf")]
    )
    assert [a.name for a in added] == names(petition)
    assert names(petition) == ["bien-ban-giao-dat-1998.pdf", "xac-nhan-truong-ban.pdf"]
    entry = petition.history.first()
    assert entry.history_verb == "attached"
    assert entry.history_change_reason == "bien-ban-giao-dat-1998.pdf, xac-nhan-truong-ban.pdf"
    with pytest.raises(PermissionDenied):
        services_petitions.petition_attach(actor=viewer, petition=petition, attachments=[pdf()])
    with pytest.raises(PermissionDenied):
        services_petitions.petition_attach(actor=xa2, petition=petition, attachments=[pdf()])
    with pytest.raises(ValidationError) as empty:
        services_petitions.petition_attach(actor=xa, petition=petition, attachments=[])
    assert "attachments" in empty.value.message_dict
    with pytest.raises(ValidationError):
        services_petitions.petition_attach(actor=xa, petition=petition, attachments=[pdf(), exe()])
    too_many = [pdf(f"trang-{n}.pdf") for n in range(11)]
    with pytest.raises(ValidationError):
        services_petitions.petition_attach(actor=xa, petition=petition, attachments=too_many)
    assert len(names(petition)) == 2  # a refusal keeps nothing of what was sent

    services_petitions.petition_accept(actor=xa, petition=petition, accepted_on=TODAY, today=TODAY)
    services_petitions.petition_settle(
        actor=xa, petition=petition, result="Đã trả lời", settled_on=TODAY, today=TODAY
    )
    with pytest.raises(Conflict):  # answered: reopen it first
        services_petitions.petition_attach(actor=xa, petition=petition, attachments=[pdf()])


def test_the_names_are_masked_in_the_history_and_erasure_takes_the_files(
    xa: User, quantri: User, petition: Petition
) -> None:
    services_petitions.petition_attach(
        actor=xa, petition=petition, attachments=[pdf("cccd-079201001234.pdf")]
    )
    reason = petition.history.first().history_change_reason or ""
    assert "079201001234" not in reason and reason.startswith("cccd-")
    services_privacy.petitioner_erase(actor=quantri, petition=petition, reason="Hết thời hạn")
    assert names(petition) == []


# --- The page ---------------------------------------------------------------------------------


def test_the_page_adds_files_for_the_handlers_only(
    xa: User, xa2: User, viewer: User, petition: Petition, as_user: Any
) -> None:
    url = f"/dialogue/petitions/{petition.pk}/attach/"
    page = as_user(xa).get(f"/dialogue/petitions/{petition.pk}/?open=attach").text
    assert 'id="action-attach" open>' in page and 'enctype="multipart/form-data"' in page
    assert (
        'id="action-attach"' not in as_user(viewer).get(f"/dialogue/petitions/{petition.pk}/").text
    )
    sent = as_user(xa).post(url, {"attachments": [pdf(), pdf("so-do-thua-dat.pdf")]}, follow=True)
    assert sent.status_code == 200 and "Đã thêm 2 tệp." in sent.text
    assert names(petition) == ["bien-ban-giao-dat-1998.pdf", "so-do-thua-dat.pdf"]
    first = petition.attachments.order_by("pk").first()
    assert first is not None
    assert f"/dialogue/petitions/{petition.pk}/attachments/{first.pk}/" in sent.text
    refused = as_user(xa).post(url, {"attachments": [exe()]})
    assert refused.status_code == 200 and 'id="action-attach" open>' in refused.text
    assert "attach_attachments" in refused.text and len(names(petition)) == 2
    nothing = as_user(xa).post(url, {})
    assert nothing.status_code == 200 and len(names(petition)) == 2
    assert as_user(viewer).post(url, {"attachments": [pdf()]}).status_code == 403
    assert as_user(xa2).post(url, {"attachments": [pdf()]}).status_code == 404
    assert len(names(petition)) == 2


# --- The API ----------------------------------------------------------------------------------


def test_the_api_adds_lists_and_serves_the_files(
    xa: User, xa2: User, viewer: User, petition: Petition
) -> None:
    url = f"/api/v1/petitions/{petition.pk}/attachments"
    added = bearer(xa).post(url, {"files": [pdf(), pdf("xac-nhan-truong-ban.pdf")]})
    assert added.status_code == 201, added.content
    files = added.json()["attachments"]
    assert [f["name"] for f in files] == ["bien-ban-giao-dat-1998.pdf", "xac-nhan-truong-ban.pdf"]
    assert files[0]["url"] == f"{url}/{files[0]['id']}"
    assert bearer(xa).get(f"/api/v1/petitions/{petition.pk}").json()["attachments"] == files
    download = bearer(viewer).get(files[0]["url"])  # whoever sees the petition reads its files
    assert download.status_code == 200 and download.getvalue().startswith(b"%PDF")
    assert bearer(xa2).get(files[0]["url"]).status_code == 404
    assert bearer(xa).get(f"{url}/{files[1]['id'] + 100}").status_code == 404

    refused = bearer(xa).post(url, {"files": [exe()]})
    assert refused.status_code == 400 and refused.json()["detail"]
    assert bearer(viewer).post(url, {"files": [pdf()]}).status_code == 403
    assert bearer(xa2).post(url, {"files": [pdf()]}).status_code == 404
    assert Client().post(url, {"files": [pdf()]}).status_code == 401
    history = bearer(xa).get(f"/api/v1/petitions/{petition.pk}/history").json()
    assert history[0]["verb"] == "attached"
    assert len(names(petition)) == 2

    settle = {"result": "Đã trả lời công dân", "settled_on": TODAY.isoformat()}
    accept = {"accepted_on": TODAY.isoformat()}
    for action, body in (("accept", accept), ("settle", settle)):
        done = bearer(xa).post(
            f"/api/v1/petitions/{petition.pk}/{action}", json.dumps(body),
            content_type="application/json",
        )  # fmt: skip
        assert done.status_code == 200, done.content
    assert bearer(xa).post(url, {"files": [pdf()]}).status_code == 409
