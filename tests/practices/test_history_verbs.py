"""A practice's history names each act by its verb, in the reader's language, and keeps as
reason only what the person wrote."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from danvan.lib.history import VERBS, history_for
from danvan.practices import services
from danvan.practices.models import Practice, Recognition, Replication
from tests.conftest import World
from tests.org.test_api import bearer
from tests.practices.test_practices import recognise, register

pytestmark = pytest.mark.django_db


def history_section(client: Client, practice: Practice) -> str:
    page = client.get(f"/practices/{practice.pk}/")
    assert page.status_code == 200
    return page.content.decode().split('id="history"', 1)[1]


def test_a_recognition_is_recorded_with_its_verb(world: World, tinh, xa) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    recognise(world, tinh, practice)
    latest = history_for(practice)[0]
    assert (latest.verb, latest.reason, latest.who) == ("recognised", "", str(tinh))
    decision = Recognition.objects.get(practice=practice).history.get()
    assert (decision.history_verb, decision.history_user) == ("recognised", tinh)


def test_the_page_shows_the_verb_in_the_readers_language(world: World, tinh, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    recognise(world, tinh, practice)
    client = as_user(xa)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "· recognised" in history_section(client, practice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with translation.override("vi"):
        vietnamese = str(VERBS["recognised"])
    assert f"· {vietnamese}" in history_section(client, practice)


@pytest.mark.usefixtures("english")
def test_the_api_history_carries_verb_action_and_reason(world: World, lanhdao, xa) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    why = "Đã được Hội đồng Thi đua tỉnh đánh giá"
    services.practice_recognise(
        actor=lanhdao, practice=practice, decided_by=world.commission, level="province",
        decision_number="9-QĐ/BDV", appraisal_waived_reason=why,
    )  # fmt: skip
    reader = bearer(xa)
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    history = reader.get(f"/api/v1/practices/{practice.pk}").json()["history"]
    assert {k: history[0][k] for k in ("verb", "action", "reason")} == {
        "verb": "recognised",
        "action": "recognised",
        "reason": why,
    }
    assert history[-1]["verb"] == "" and history[-1]["action"] == "created"


def test_not_recognised_and_an_adoption_carry_their_verbs(world: World, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    refused = register(world, xa, name="Mô hình chưa đạt")
    services.practice_not_recognise(actor=tinh, practice=refused, decided_by=world.commission)
    latest = refused.history.first()
    assert (latest.history_verb, latest.history_change_reason) == ("not_recognised", None)
    practice = register(world, xa)
    recognise(world, tinh, practice)
    replication = services.replication_record(
        actor=xa2, practice=practice, organization=world.front_b,
        adopted_on=timezone.localdate(),
    )  # fmt: skip
    adopted = Replication.objects.get(pk=replication.pk).history.get()
    assert (adopted.history_verb, adopted.history_user) == ("replicated", xa2)
