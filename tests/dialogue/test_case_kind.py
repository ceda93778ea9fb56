"""A petition sent by the public (the form, Open311, the API) does not say whether it comes from
a remote area or asks for a second-level settlement, yet both lengthen the legal time: the
officer who accepts or refers it says so, on the page and through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from danvan.accounts.models import User
from danvan.dialogue import deadlines
from danvan.dialogue.models import Petition, PetitionKind
from tests.dialogue.test_services import ACCEPTED, TODAY, FilePetition, accept, invalid, refer
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db


def days(n: int, start: Any = ACCEPTED) -> Any:
    return deadlines.add_working_days(start, n)


def test_accepting_sets_the_remote_area_and_the_legal_time(
    xa: User, file_petition: FilePetition
) -> None:
    ordinary = accept(file_petition(channel="public_form"), xa)
    assert (ordinary.remote_area, ordinary.settle_due) == (False, days(30))
    remote = accept(file_petition(channel="public_form"), xa, remote_area=True)
    assert (remote.remote_area, remote.settle_due) == (True, days(45))
    both = accept(file_petition(), xa, remote_area=True, second_level=True, complexity="complex")
    assert both.settle_due == days(70)  # the law's longest, remote and second level
    kept = accept(file_petition(remote_area=True), xa)  # not said: as recorded at intake
    assert kept.remote_area and kept.settle_due == days(45)
    with invalid(petition := file_petition(), "complexity"):
        accept(petition, xa, complexity="urgent")


def test_referring_a_complaint_sets_a_second_level(xa: User, file_petition: FilePetition) -> None:
    complaint = file_petition(kind=PetitionKind.COMPLAINT)
    referred = refer(complaint, xa, second_level=True)
    assert referred.second_level and referred.settle_due == days(45)
    history = referred.history.first()
    assert history.history_verb == "referred" and history.second_level


def test_the_accept_and_refer_forms_carry_them(
    xa: User, file_petition: FilePetition, as_user: Any
) -> None:
    petition = file_petition(channel="public_form")
    client = as_user(xa)
    page = client.get(f"/dialogue/petitions/{petition.pk}/").text
    assert 'id="accept_remote_area"' in page and 'id="accept_second_level"' in page
    sent = client.post(
        f"/dialogue/petitions/{petition.pk}/accept/",
        {"accepted_on": TODAY.isoformat(), "complexity": "normal", "remote_area": "on"},
    )
    assert sent.status_code == 302
    petition.refresh_from_db()
    assert petition.remote_area and petition.settle_due == days(45, TODAY)
    complaint = file_petition(kind=PetitionKind.COMPLAINT, remote_area=True)
    form = client.get(f"/dialogue/petitions/{complaint.pk}/").text
    assert 'id="refer_remote_area" checked' in form  # as recorded, to confirm or correct
    referred = client.post(
        f"/dialogue/petitions/{complaint.pk}/refer/",
        {"referred_on": TODAY.isoformat(), "competent_body_name": "Thanh tra tỉnh",
         "complexity": "normal", "second_level": "on"},
    )  # fmt: skip
    assert referred.status_code == 302
    complaint.refresh_from_db()
    # Unticked on the form: the officer corrected the remote area.
    assert (complaint.remote_area, complaint.second_level) == (False, True)


def test_the_api_sets_them_and_refuses_others(
    xa: User, xa2: User, file_petition: FilePetition
) -> None:
    petition = file_petition(channel="api")

    def post(user: User, action: str, body: dict[str, Any]) -> Any:
        return bearer(user).post(
            f"/api/v1/petitions/{petition.pk}/{action}", json.dumps(body),
            content_type="application/json",
        )  # fmt: skip

    body = {"accepted_on": TODAY.isoformat(), "remote_area": True, "second_level": True}
    assert post(xa2, "accept", body).status_code == 404
    assert post(xa, "accept", {**body, "remote_area": "maybe"}).status_code == 422
    done = post(xa, "accept", body)
    assert done.status_code == 200, done.content
    answer = done.json()
    assert (answer["remote_area"], answer["second_level"]) == (True, True)
    assert answer["due_on"] == days(70, TODAY).isoformat()  # remote and second level
    assert Petition.objects.get(pk=petition.pk).settle_due == days(70, TODAY)
