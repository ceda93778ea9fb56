"""The data requests page: administrators record a petitioner's request by the petition's code,
acknowledge it on its legal clock, and do or refuse it — everyone else is refused."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dialogue import services_privacy
from danvan.dialogue.models import DataRequest, Petition, Petitioner
from tests.conftest import World

pytestmark = pytest.mark.django_db
DAY = timezone.localdate()
URL = "/dialogue/data-requests/"


def test_only_administrators_reach_the_page(
    xa: User, lanhdao: User, quantri: User, outsider: User, as_user: Any, petition_for: Any
) -> None:
    for refused in (xa, lanhdao, outsider):
        assert as_user(refused).get(URL).status_code == 403
        data = {"code": petition_for.code, "kind": "see", "received_on": DAY.isoformat()}
        assert as_user(refused).post(URL, data).status_code == 403
        assert 'href="/dialogue/data-requests/"' not in as_user(refused).get("/dialogue/").text
    assert not DataRequest.objects.exists()
    page = as_user(quantri).get(URL)
    assert page.status_code == 200 and 'id="requests-empty"' in page.text
    assert 'href="/dialogue/data-requests/"' in as_user(quantri).get("/dialogue/").text


@pytest.fixture
def petition_for(file_petition: Callable[..., Petition]) -> Petition:
    return file_petition()


def test_record_acknowledge_and_erase(quantri: User, as_user: Any, petition_for: Petition) -> None:
    client = as_user(quantri)
    page = client.post(
        URL, {"code": "KN-2345-6789", "kind": "erase", "received_on": DAY.isoformat()}
    )
    assert page.status_code == 200 and "invalid-feedback" in page.text
    old = DAY - datetime.timedelta(days=10)
    data = {"code": petition_for.code.lower(), "kind": "erase", "received_on": old.isoformat()}
    assert client.post(URL, data).status_code == 302
    request = DataRequest.objects.get()
    assert request.petition == petition_for and request.state == "received"
    page = client.get(URL)
    assert petition_for.code in page.text and "text-bg-danger" in page.text  # overdue
    act = f"{URL}{request.pk}/"
    assert (
        client.post(act + "acknowledge/", {"acknowledged_on": DAY.isoformat()}).status_code == 302
    )
    request.refresh_from_db()
    assert request.state == "acknowledged"
    assert client.post(act + "complete/", {"outcome": ""}).status_code == 200
    assert client.post(act + "complete/", {"outcome": "Đã xóa theo yêu cầu"}).status_code == 302
    request.refresh_from_db()
    assert request.state == "done"
    assert Petitioner.objects.get(petition=petition_for).is_erased
    assert petition_for.code not in client.get(URL).text  # closed: not among the open ones
    assert petition_for.code in client.get(URL, {"show": "all"}).text
    again = client.post(act + "refuse/", {"outcome": "x"})
    assert again.status_code == 302  # already closed: a message, nothing changed
    request.refresh_from_db()
    assert request.state == "done"


def test_correct_and_refuse(
    world: World, quantri: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    first = file_petition()
    second = file_petition(summary="Kiến nghị khác")
    client = as_user(quantri)
    fix = services_privacy.data_request_create(
        actor=quantri, petition=first, kind="correct", received_on=DAY
    )
    no = services_privacy.data_request_create(
        actor=quantri, petition=second, kind="see", received_on=DAY
    )
    page = client.get(URL)
    assert f'id="done{fix.pk}_phone"' in page.text and f'id="done{no.pk}_phone"' not in page.text
    response = client.post(
        f"{URL}{fix.pk}/complete/", {"outcome": "Sửa số điện thoại", "phone": "0911222333"}
    )
    assert response.status_code == 302
    assert Petitioner.objects.get(petition=first).phone == "0911222333"
    assert (
        client.post(
            f"{URL}{no.pk}/refuse/", {"outcome": "Không xác minh được người yêu cầu"}
        ).status_code
        == 302
    )
    no.refresh_from_db()
    assert no.state == "refused"
    assert client.post(f"{URL}{no.pk}/unknown/", {}).status_code == 404


def test_an_administrator_elsewhere_does_not_reach_the_request(
    world: World, quantri: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    from danvan.org.models import Role
    from tests.factories import member

    admin_b = member(world.front_b, Role.ADMIN, email="quantri-b@example.vn")
    request = services_privacy.data_request_create(
        actor=quantri, petition=file_petition(), kind="see", received_on=DAY
    )
    client = as_user(admin_b)
    assert client.get(URL).status_code == 200
    assert (
        client.post(
            f"{URL}{request.pk}/acknowledge/", {"acknowledged_on": DAY.isoformat()}
        ).status_code
        == 404
    )
    request.refresh_from_db()
    assert request.state == "received"


def test_erasing_removes_the_files_the_citizen_sent(
    quantri: User,
    xa: User,
    as_user: Any,
    file_petition: Callable[..., Petition],
    django_capture_on_commit_callbacks: Any,
) -> None:
    photo = SimpleUploadedFile("cccd-lo-van-c.png", b"\x89PNG\r\n\x1a\n0000")
    petition = file_petition(attachments=[photo])
    attachment = petition.attachments.get()
    stored, url = attachment.file.name, f"/dialogue/petitions/{petition.pk}/attachments/"
    storage = attachment.file.storage
    assert storage.exists(stored) and as_user(xa).get(f"{url}{attachment.pk}/").status_code == 200
    client = as_user(quantri)
    data = {"code": petition.code, "kind": "erase", "received_on": DAY.isoformat()}
    assert client.post(URL, data).status_code == 302
    act = f"{URL}{DataRequest.objects.get().pk}/"
    client.post(act + "acknowledge/", {"acknowledged_on": DAY.isoformat()})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(act + "complete/", {"outcome": "Đã xóa theo yêu cầu"}).status_code == 302
    assert not storage.exists(stored)
    assert as_user(xa).get(f"{url}{attachment.pk}/").status_code == 404
    page = as_user(xa).get(f"/dialogue/petitions/{petition.pk}/")
    assert page.status_code == 200 and "cccd-lo-van-c" not in page.text
