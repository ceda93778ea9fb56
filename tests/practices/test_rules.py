"""The rules a practice's record keeps, each through the service, the page and the API:
recognised only after an appraisal (or a leader's reason), decisions dated in order, and a
raised level that follows the previous decision. A refused request saves nothing."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from danvan.lib.errors import Conflict
from danvan.practices import services
from danvan.practices.models import Practice, PracticeStatus, Recognition
from tests.conftest import World, make_user
from tests.org.test_api import bearer
from tests.practices.test_practices import SCORES, register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
REASON = "Đã được Hội đồng Thi đua - Khen thưởng tỉnh đánh giá khi xét khen thưởng"


def post(client: Client, url: str, data: dict) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def recognise(world: World, actor, practice: Practice, **extra):  # type: ignore[no-untyped-def]
    data = {"decided_by": world.commission, "level": "province", "decision_number": "1-QĐ"}
    return services.practice_recognise(actor=actor, practice=practice, **{**data, **extra})


def state(practice: Practice) -> tuple[str, int, int, int]:
    """What a refused request must leave as it was: status, decisions, appraisals, history."""
    practice.refresh_from_db()
    return (
        practice.status,
        Recognition.objects.filter(practice=practice).count(),
        practice.appraisals.count(),
        practice.history.count(),
    )


# --- Recognised only after an appraisal, or with a leader's reason -------------------------


@pytest.mark.usefixtures("english")
def test_service_recognition_needs_an_appraisal_or_a_leaders_reason(
    world: World, tinh, lanhdao, xa
) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    before = state(practice)
    with pytest.raises(Conflict) as exc:
        recognise(world, tinh, practice)
    assert "not been appraised" in exc.value.message_dict["appraisal_waived_reason"][0]
    with pytest.raises(PermissionDenied, match="Only a leader"):
        recognise(world, tinh, practice, appraisal_waived_reason=REASON)  # a specialist
    with pytest.raises(PermissionDenied):
        recognise(world, xa, practice, appraisal_waived_reason=REASON)  # its own unit's reporter
    with pytest.raises(Conflict):
        recognise(world, lanhdao, practice, appraisal_waived_reason="   ")  # no reason at all
    assert state(practice) == before
    recognition = recognise(world, lanhdao, practice, appraisal_waived_reason=f" {REASON} ")
    assert recognition.appraisal_waived_reason == REASON
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.RECOGNISED
    last = practice.history.first()
    # The act is the verb; the reason is the leader's own words, nothing added to them.
    assert (last.history_verb, last.history_change_reason) == ("recognised", REASON)


def test_service_an_appraised_practice_needs_no_reason(world: World, tinh, lanhdao, xa) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    services.appraisal_record(actor=tinh, practice=practice, scores=SCORES)
    before = state(practice)
    with pytest.raises(ValidationError) as exc:
        recognise(world, lanhdao, practice, appraisal_waived_reason=REASON)
    assert "appraisal_waived_reason" in exc.value.message_dict
    assert state(practice) == before
    assert recognise(world, tinh, practice).appraisal_waived_reason == ""


def test_page_offers_the_reason_to_leaders_only_and_refuses_the_rest(
    world: World, tinh, lanhdao, xa, xa2, outsider, as_user
) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    url = f"/practices/{practice.pk}/decide/"
    before = state(practice)
    form = {"decision": "recognition", "decided_by": world.commission.pk, "level": "province",
            "decision_number": "5-QĐ", "appraisal_waived_reason": REASON}  # fmt: skip
    assert 'name="appraisal_waived_reason"' in as_user(lanhdao).get(url[:-7]).content.decode()
    assert 'name="appraisal_waived_reason"' not in as_user(tinh).get(url[:-7]).content.decode()
    refused = as_user(tinh).post(url, form)  # the specialist's form has no such field
    assert refused.status_code == 409
    assert refused.context["decision_form"].non_field_errors()  # shown above the form
    assert as_user(xa2).post(url, form).status_code == 404
    assert as_user(outsider).post(url, form).status_code == 404
    assert as_user(xa).post(url, form).status_code in (400, 403)  # its own unit decides nothing
    assert Client().post(url, form).status_code == 302  # to the sign-in page
    assert state(practice) == before
    assert as_user(lanhdao).post(url, form).status_code == 302
    assert Recognition.objects.get(practice=practice).appraisal_waived_reason == REASON
    assert REASON in as_user(xa).get(url[:-7]).content.decode()


def test_api_waiving_the_appraisal(world: World, tinh, lanhdao, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    url = f"/api/v1/practices/{practice.pk}/recognise"
    before = state(practice)
    body = {"decided_by_id": world.commission.pk, "level": "province",
            "decision_number": "7-QĐ", "appraisal_waived_reason": REASON}  # fmt: skip
    assert post(Client(), url, body).status_code == 401
    assert post(bearer(xa2), url, body).status_code == 404
    assert post(bearer(outsider), url, body).status_code == 404
    assert post(bearer(tinh), url, body).status_code == 403
    assert post(bearer(tinh), url, {**body, "appraisal_waived_reason": ""}).status_code == 409
    assert state(practice) == before
    answer = post(bearer(lanhdao), url, body)
    assert answer.status_code == 201
    assert answer.json()["recognitions"][0]["appraisal_waived_reason"] == REASON


# --- Decision dates: not before registration, not before the appraisal, not in the future --


@pytest.fixture
def appraised(world: World, tinh, xa) -> Practice:  # type: ignore[no-untyped-def]
    """Registered ten days ago, appraised five days ago."""
    practice = register(world, xa, registered_on=TODAY - 10 * DAY)
    services.appraisal_record(
        actor=tinh, practice=practice, scores=SCORES, appraised_on=TODAY - 5 * DAY
    )
    return practice


@pytest.mark.usefixtures("english")
def test_service_decision_dates(world: World, tinh, xa, appraised: Practice) -> None:  # type: ignore[no-untyped-def]
    before = state(appraised)
    for day, words in (
        (TODAY - 11 * DAY, "before the practice was registered"),
        (TODAY - 7 * DAY, "before the appraisal"),
        (TODAY + DAY, "in the future"),
    ):
        with pytest.raises(ValidationError) as exc:
            recognise(world, tinh, appraised, decided_on=day)
        assert words in exc.value.message_dict["decided_on"][0]
    assert state(appraised) == before
    assert recognise(world, tinh, appraised, decided_on=TODAY - 5 * DAY).decided_on < TODAY


def test_service_appraisal_and_registration_dates(world: World, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        register(world, xa, registered_on=TODAY + DAY)
    practice = register(world, xa, registered_on=TODAY - 3 * DAY)
    with pytest.raises(ValidationError) as exc:
        services.appraisal_record(
            actor=tinh, practice=practice, scores=SCORES, appraised_on=TODAY - 4 * DAY
        )
    assert "appraised_on" in exc.value.message_dict
    assert not practice.appraisals.exists()


def test_page_and_api_refuse_a_decision_dated_before_the_appraisal(
    world: World, tinh, appraised: Practice, as_user
) -> None:  # type: ignore[no-untyped-def]
    early = (TODAY - 7 * DAY).isoformat()
    before = state(appraised)
    page = as_user(tinh).post(f"/practices/{appraised.pk}/decide/", {
        "decision": "recognition", "decided_by": world.commission.pk, "level": "province",
        "decision_number": "8-QĐ", "decided_on": early,
    })  # fmt: skip
    assert page.status_code == 400 and "decided_on" in page.context["decision_form"].errors
    api = post(bearer(tinh), f"/api/v1/practices/{appraised.pk}/recognise", {
        "decided_by_id": world.commission.pk, "level": "province", "decision_number": "8-QĐ",
        "decided_on": early,
    })  # fmt: skip
    assert api.status_code == 400 and "decided_on" in api.json()["errors"]
    future = post(bearer(tinh), f"/api/v1/practices/{appraised.pk}/decisions", {
        "decided_by_id": world.commission.pk, "level": "province", "decision_number": "8-QĐ",
        "decided_on": (TODAY + DAY).isoformat(),
    })  # fmt: skip
    assert future.status_code == 400 and "decided_on" in future.json()["errors"]
    assert state(appraised) == before


# --- A raised level follows the previous decision -------------------------------------------


@pytest.mark.usefixtures("english")
def test_service_raising_a_level(world: World, tinh, xa, appraised: Practice) -> None:  # type: ignore[no-untyped-def]
    def raise_(**extra):  # type: ignore[no-untyped-def]
        data = {"decided_by": world.commission, "level": "province", "decision_number": "2-QĐ"}
        return services.practice_raise_level(actor=tinh, practice=appraised, **{**data, **extra})

    with pytest.raises(Conflict, match="Only a recognised practice"):
        raise_()
    recognise(world, tinh, appraised, level="commune", decided_on=TODAY - 2 * DAY)
    before = state(appraised)
    with pytest.raises(ValidationError) as exc:
        raise_(level="commune")
    assert "choose a higher level" in exc.value.message_dict["level"][0]
    with pytest.raises(ValidationError) as exc:
        raise_(decided_on=TODAY - 3 * DAY)
    assert "on or after the previous decision" in exc.value.message_dict["decided_on"][0]
    assert state(appraised) == before
    assert raise_(decided_on=TODAY - 2 * DAY).level == "province"
    admin = make_user("admin@example.vn", is_superuser=True, is_staff=True)
    services.practice_raise_level(
        actor=admin, practice=appraised, decided_by=world.commission, level="central",
        decision_number="3-QĐ/TW",
    )  # fmt: skip
    with pytest.raises(Conflict, match="nothing to raise"):
        services.practice_raise_level(
            actor=admin, practice=appraised, decided_by=world.commission, level="central",
            decision_number="4-QĐ/TW",
        )  # fmt: skip
    assert appraised.recognitions.count() == 3


def test_page_and_api_refuse_a_raise_that_does_not_follow(
    world: World, tinh, xa2, appraised: Practice, as_user
) -> None:  # type: ignore[no-untyped-def]
    recognise(world, tinh, appraised, level="province", decided_on=TODAY - DAY)
    before = state(appraised)
    page = as_user(tinh).post(f"/practices/{appraised.pk}/decide/", {
        "decision": "recognition", "decided_by": world.commission.pk, "level": "commune",
        "decision_number": "9-QĐ",
    })  # fmt: skip
    assert page.status_code == 400 and "level" in page.context["decision_form"].errors
    url = f"/api/v1/practices/{appraised.pk}/raise-level"
    body = {"decided_by_id": world.commission.pk, "level": "commune", "decision_number": "9"}
    assert post(bearer(tinh), url, body).status_code == 400
    assert post(bearer(xa2), url, {**body, "decided_by_id": world.front_b.pk}).status_code == 403
    assert post(Client(), url, body).status_code == 401
    assert state(appraised) == before


def test_page_shows_a_conflict_as_a_message(
    world: World, tinh, appraised: Practice, as_user
) -> None:  # type: ignore[no-untyped-def]
    services.practice_not_recognise(actor=tinh, practice=appraised, decided_by=world.commission)
    before = state(appraised)
    response = as_user(tinh).post(f"/practices/{appraised.pk}/appraise/", SCORES)
    assert response.status_code == 409
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert state(appraised) == before


# --- A decision not to recognise keeps its body, number and date -----------------------------


def test_page_records_who_decided_not_to_recognise_and_by_what_decision(
    world: World, tinh, xa, xa2, appraised: Practice, as_user
) -> None:  # type: ignore[no-untyped-def]
    url = f"/practices/{appraised.pk}/decide/"
    form = {"decision": "not_recognised", "decided_by": world.commission.pk,
            "decision_number": "12-TB/BDV", "decided_on": (TODAY + DAY).isoformat()}  # fmt: skip
    before = state(appraised)
    future = as_user(tinh).post(url, form)
    assert future.status_code == 400 and "decided_on" in future.context["decision_form"].errors
    assert as_user(xa2).post(url, form).status_code == 404
    assert state(appraised) == before
    yesterday = {**form, "decided_on": (TODAY - DAY).isoformat()}
    assert as_user(tinh).post(url, yesterday).status_code == 302
    appraised.refresh_from_db()
    assert appraised.status == PracticeStatus.NOT_RECOGNISED
    assert (appraised.not_recognised_by, appraised.not_recognised_number,
            appraised.not_recognised_on) == (world.commission, "12-TB/BDV", TODAY - DAY)  # fmt: skip
    page = as_user(xa).get(url[:-7]).content.decode()  # its own unit reads the decision
    shown = (f"Không công nhận · {world.commission.name} · quyết định số 12-TB/BDV "
             f"({(TODAY - DAY).strftime('%d/%m/%Y')})")  # fmt: skip
    assert shown in page


def test_api_records_who_decided_not_to_recognise_and_by_what_decision(
    world: World, tinh, xa, xa2, appraised: Practice
) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/practices/{appraised.pk}/not-recognised"
    body = {"decided_by_id": world.commission.pk, "decision_number": "13-TB/BDV",
            "decided_on": (TODAY - 7 * DAY).isoformat()}  # fmt: skip
    before = state(appraised)
    early = post(bearer(tinh), url, body)  # before the appraisal, five days ago
    assert early.status_code == 400 and "decided_on" in early.json()["errors"]
    own = {**body, "decided_by_id": world.front_a.pk, "decided_on": TODAY.isoformat()}
    assert post(bearer(xa), url, own).status_code == 403  # its own unit decides nothing
    assert post(bearer(xa2), url, body).status_code == 404
    assert post(Client(), url, body).status_code == 401
    assert state(appraised) == before
    answer = post(bearer(tinh), url, {**body, "decided_on": TODAY.isoformat()})
    assert answer.status_code == 200
    decided = answer.json()
    assert (decided["status"], decided["not_recognised_by_id"], decided["not_recognised_by"],
            decided["not_recognised_number"], decided["not_recognised_on"]) == (
        "not_recognised", world.commission.pk, world.commission.name, "13-TB/BDV",
        TODAY.isoformat(),
    )  # fmt: skip


def test_a_decision_not_to_recognise_with_a_date_and_no_number_reads_well(
    world: World, tinh, xa, appraised: Practice, as_user
) -> None:  # type: ignore[no-untyped-def]
    services.practice_not_recognise(
        actor=tinh, practice=appraised, decided_by=world.commission, decided_on=TODAY
    )
    page = as_user(xa).get(f"/practices/{appraised.pk}/").content.decode()
    said = page[page.index('id="not-recognised"') :]
    said = said[: said.index("</p>")]
    assert f"Không công nhận · {world.commission.name} ({TODAY.strftime('%d/%m/%Y')})" in said
    assert "quyết định số" not in said  # no number to name
