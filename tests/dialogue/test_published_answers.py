"""A published answer is read by everyone (the tracking page, the public feed, Open311's list):
a result or a summary that seems to name a private person is refused when «publish» is ticked,
unless the officer confirms it names only public offices and places; unpublished, it is kept
as written. The cast: xa handles commune A's petitions; xa2 is another commune's officer."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dialogue import services_petitions
from danvan.dialogue.models import Petition, PetitionState
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NAMED_RESULT = "Đã đối thoại với ông Nguyễn Văn Tám, sửa xong đoạn đường"
PLAIN_RESULT = "Đã sửa xong đoạn đường liên thôn"
NAMED_SUMMARY = "Hộ bà Lò Thị Mai đề nghị sửa đường"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def accepted(xa: User, file_petition: Callable[..., Petition]) -> Callable[..., Petition]:
    def make(**fields: Any) -> Petition:
        petition = file_petition(xa, **fields)
        services_petitions.petition_accept(
            actor=xa, petition=petition, accepted_on=TODAY - datetime.timedelta(days=1)
        )
        return Petition.objects.get(pk=petition.pk)

    return make


def test_the_service_refuses_a_named_person_only_when_published(
    xa: User, accepted: Callable[..., Petition]
) -> None:
    petition = accepted(summary=NAMED_SUMMARY)
    with pytest.raises(ValidationError) as refused:
        services_petitions.petition_settle(
            actor=xa, petition=petition, result=NAMED_RESULT, settled_on=TODAY
        )
    assert set(refused.value.message_dict) == {"result", "publish"}
    assert "ông Nguyễn Văn Tám" in refused.value.message_dict["result"][0]
    assert "bà Lò Thị Mai" in refused.value.message_dict["publish"][0]
    assert Petition.objects.get(pk=petition.pk).state == PetitionState.ACCEPTED
    kept = services_petitions.petition_settle(
        actor=xa, petition=petition, result=NAMED_RESULT, settled_on=TODAY, publish=False
    )
    assert (kept.state, kept.published, kept.result) == ("settled", False, NAMED_RESULT)


def test_the_page_offers_the_confirmation_once_refused(
    xa: User, xa2: User, as_user: Any, accepted: Callable[..., Petition]
) -> None:
    petition = accepted()
    url = f"/dialogue/petitions/{petition.pk}/settle/"
    body = {"result": NAMED_RESULT, "settled_on": TODAY.isoformat(), "publish": "on"}
    page = english(as_user(xa)).get(f"/dialogue/petitions/{petition.pk}/")
    assert 'type="checkbox" name="confirm_no_person"' not in page.text  # not ticked in advance
    refused = english(as_user(xa)).post(url, body)
    assert refused.status_code == 200 and 'id="settle_result_error"' in refused.text
    assert "Published, the result is read by everyone" in refused.text
    assert 'type="checkbox" name="confirm_no_person"' in refused.text
    assert Petition.objects.get(pk=petition.pk).state == PetitionState.ACCEPTED
    assert as_user(xa2).post(url, {**body, "confirm_no_person": "on"}).status_code == 404
    done = as_user(xa).post(url, {**body, "confirm_no_person": "on"})
    assert done.status_code == 302
    settled = Petition.objects.get(pk=petition.pk)
    assert (settled.state, settled.published, settled.result) == ("settled", True, NAMED_RESULT)


def test_the_api_refuses_then_takes_the_confirmation(
    xa: User, xa2: User, accepted: Callable[..., Petition]
) -> None:
    petition = accepted(summary=NAMED_SUMMARY)
    url = f"/api/v1/petitions/{petition.pk}/settle"

    def post(client: Client, body: dict[str, Any]) -> Any:
        return client.post(url, json.dumps(body), content_type="application/json")

    refused = post(english(bearer(xa)), {"result": PLAIN_RESULT})
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["publish"]
    assert "citizen's summary" in refused.json()["errors"]["publish"][0]
    assert post(bearer(xa2), {"result": PLAIN_RESULT, "confirm_no_person": True}).status_code == 404
    assert Petition.objects.get(pk=petition.pk).state == PetitionState.ACCEPTED
    done = post(bearer(xa), {"result": PLAIN_RESULT, "confirm_no_person": True})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "settled"
