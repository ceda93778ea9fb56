"""Tracking by code: what the citizen reads (never the person), the same 404 for a missing code
and a denunciation's, after the same queries; the citizen's confirmation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danvan.dialogue import services_petitions
from danvan.dialogue.models import Petition
from tests.conftest import World
from tests.public.conftest import TODAY, assert_no_personal_data

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def same_page(html: str, code: str) -> str:
    """The page without the code typed and the (per-request masked) CSRF token."""
    return CSRF.sub("", html.replace(code, "X"))


TEXT = "Đoạn đường từ thôn 3 đi trung tâm xã bị sạt lở sau mưa lũ."


def test_the_tracking_page_shows_the_case_and_never_the_person(
    world: World, file_petition: Callable[..., Petition], visitor: Client
) -> None:
    petition = file_petition(channel="public_form")
    page = visitor.get(f"/kien-nghi/tra-cuu/{petition.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert petition.code in html and world.front_a.name in html
    assert petition.received_on.strftime("%d/%m/%Y") in html
    assert petition.due_on.strftime("%d/%m/%Y") in html
    assert_no_personal_data(html, TEXT)
    # Not answered yet: the summary (the citizen's words) is not shown either.
    assert petition.summary not in html


def test_a_typed_code_is_normalised_and_a_malformed_one_explained(
    file_petition: Callable[..., Petition], visitor: Client
) -> None:
    petition = file_petition()
    typed = petition.code.lower().replace("-", " ")
    response = visitor.get("/kien-nghi/tra-cuu/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/kien-nghi/tra-cuu/{petition.code}/"
    lower = visitor.get(f"/kien-nghi/tra-cuu/{petition.code.lower()}/")
    assert lower.status_code == 302 and lower["Location"] == f"/kien-nghi/tra-cuu/{petition.code}/"
    response = visitor.get("/kien-nghi/tra-cuu/", {"code": "KN-12"})
    assert response.status_code == 200 and "code_error" in response.content.decode()


def test_missing_and_denunciation_codes_answer_the_same_404_after_the_same_queries(
    denunciation: Petition, visitor: Client
) -> None:
    missing = "KN-2345-6789" if denunciation.code != "KN-2345-6789" else "KN-9876-5432"
    visitor.get("/kien-nghi/tra-cuu/")  # the session and language settle before counting
    with CaptureQueriesContext(connection) as for_missing:
        a = visitor.get(f"/kien-nghi/tra-cuu/{missing}/")
    with CaptureQueriesContext(connection) as for_denunciation:
        b = visitor.get(f"/kien-nghi/tra-cuu/{denunciation.code}/")
    assert a.status_code == b.status_code == 404
    assert len(for_missing) == len(for_denunciation) == 1
    assert same_page(a.content.decode(), missing) == same_page(
        b.content.decode(), denunciation.code
    )
    assert (
        denunciation.summary not in b.content.decode()
        and "Thanh tra huyện" not in b.content.decode()
    )
    # The confirmation, the API and Open311 alike.
    for path in ("/kien-nghi/tra-cuu/{}/xac-nhan/",):
        assert visitor.post(path.format(missing), {"confirmation": "satisfied"}).status_code == 404
        assert (
            visitor.post(path.format(denunciation.code), {"confirmation": "satisfied"}).status_code
            == 404
        )
    denunciation.refresh_from_db()
    assert denunciation.state == "settled"


def test_extensions_referral_and_refusal_are_shown(
    world: World, file_petition: Callable[..., Petition], visitor: Client
) -> None:
    extended = file_petition()
    services_petitions.petition_accept(
        actor=None, petition=extended, accepted_on=extended.received_on, today=TODAY
    )
    extension = services_petitions.petition_extend(
        actor=None, petition=extended, working_days=10, reason="Cần khảo sát thực địa với huyện.",
        decided_on=TODAY, today=TODAY,
    )  # fmt: skip
    html = visitor.get(f"/kien-nghi/tra-cuu/{extended.code}/").content.decode()
    assert extension.new_due.strftime("%d/%m/%Y") in html and "Cần khảo sát thực địa" in html
    complaint = file_petition(kind="complaint", summary="Khiếu nại quyết định thu hồi đất")
    services_petitions.petition_refer(
        actor=None, petition=complaint, referred_on=TODAY, competent_body=world.party_a, today=TODAY
    )
    html = visitor.get(f"/kien-nghi/tra-cuu/{complaint.code}/").content.decode()
    assert world.party_a.name in html
    refused = file_petition()
    services_petitions.petition_refuse(
        actor=None, petition=refused, reason="Nội dung đã được giải quyết tại kỳ trước.",
        refused_on=TODAY, today=TODAY,
    )  # fmt: skip
    html = visitor.get(f"/kien-nghi/tra-cuu/{refused.code}/").content.decode()
    assert "Nội dung đã được giải quyết tại kỳ trước." in html


def test_a_merged_petition_shows_the_progress_of_the_one_it_was_merged_into(
    file_petition: Callable[..., Petition],
    answer: Callable[..., Petition],
    denunciation: Petition,
    visitor: Client,
) -> None:
    kept = file_petition()
    duplicate = file_petition()
    services_petitions.petition_merge(actor=None, petition=duplicate, into=kept)
    html = visitor.get(f"/kien-nghi/tra-cuu/{duplicate.code}/").content.decode()
    assert 'id="merged-into"' in html and kept.due_on.strftime("%d/%m/%Y") in html
    result = answer(kept, result="Đã gia cố kè, bàn giao cho thôn quản lý.").result
    html = visitor.get(f"/kien-nghi/tra-cuu/{duplicate.code}/").content.decode()
    assert "Đã gia cố kè" in html  # the answer reaches the duplicate's sender too
    # Never the other petition's code: its holder alone confirms the answer.
    assert kept.code not in html and "xac-nhan" not in html
    api = visitor.get(f"/api/v1/public/petitions/{duplicate.code}").json()
    assert api["merged_into"]["answer"] == result and kept.code not in json.dumps(api)
    # Merged into a denunciation: the denunciation's code is not revealed.
    hidden = file_petition(kind="denunciation")
    other = file_petition()
    services_petitions.petition_merge(actor=None, petition=other, into=hidden)
    html = visitor.get(f"/kien-nghi/tra-cuu/{other.code}/").content.decode()
    assert hidden.code not in html


def test_the_citizen_confirms_a_settled_answer_once(
    file_petition: Callable[..., Petition], answer: Callable[..., Petition], visitor: Client
) -> None:
    petition = answer(file_petition())
    html = visitor.get(f"/kien-nghi/tra-cuu/{petition.code}/").content.decode()
    assert petition.result in html and petition.summary in html  # published
    assert f"/kien-nghi/tra-cuu/{petition.code}/xac-nhan/" in html
    url = f"/kien-nghi/tra-cuu/{petition.code}/xac-nhan/"
    assert visitor.post(url, {"confirmation": "maybe"}).status_code == 400
    petition.refresh_from_db()
    assert petition.state == "settled"
    response = visitor.post(url, {"confirmation": "satisfied", "comment": "Cảm ơn, gọi 0987654321"})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == "closed" and petition.confirmation == "satisfied"
    assert "0987654321" not in (petition.history.first().history_change_reason or "")
    again = visitor.post(url, {"confirmation": "not_satisfied"}, follow=True)
    assert again.status_code == 200
    petition.refresh_from_db()
    assert petition.confirmation == "satisfied"
    assert 'action="/kien-nghi/tra-cuu/' not in again.content.decode()  # no form once closed


def test_an_unpublished_answer_is_not_shown_and_an_open_petition_cannot_be_confirmed(
    file_petition: Callable[..., Petition], answer: Callable[..., Petition], visitor: Client
) -> None:
    quiet = answer(file_petition(), publish=False)
    html = visitor.get(f"/kien-nghi/tra-cuu/{quiet.code}/").content.decode()
    assert quiet.result not in html
    open_one = file_petition()
    response = visitor.post(
        f"/kien-nghi/tra-cuu/{open_one.code}/xac-nhan/", {"confirmation": "satisfied"}
    )
    assert response.status_code == 302
    open_one.refresh_from_db()
    assert open_one.state == "received" and open_one.confirmation == ""


def test_the_confirmation_is_limited_per_address(
    file_petition: Callable[..., Petition], answer: Callable[..., Petition], visitor: Client,
    settings: Any,
) -> None:  # fmt: skip
    settings.DANVAN_PUBLIC_PETITION_RATE = "1/h"
    first, second = answer(file_petition()), answer(file_petition())
    ok = visitor.post(f"/kien-nghi/tra-cuu/{first.code}/xac-nhan/", {"confirmation": "satisfied"})
    assert ok.status_code == 302
    refused = visitor.post(
        f"/kien-nghi/tra-cuu/{second.code}/xac-nhan/", {"confirmation": "satisfied"}
    )
    assert refused.status_code == 429
    second.refresh_from_db()
    assert second.state == "settled"


def test_the_tracking_lookup_asks_for_one_row_by_its_unique_code_without_sorting(
    file_petition: Callable[..., Petition], visitor: Client
) -> None:
    """The most visited public page (issue 17's load): the code is unique, so no ORDER BY —
    Django compares every selected column of the five tables joined to build one."""
    petition = file_petition()
    with CaptureQueriesContext(connection) as asked:
        assert visitor.get(f"/kien-nghi/tra-cuu/{petition.code}/").status_code == 200
    lookups = [q["sql"] for q in asked if '"dialogue_petition"."code" =' in q["sql"]]
    assert len(lookups) == 1 and "ORDER BY" not in lookups[0] and "LIMIT 1" in lookups[0]
