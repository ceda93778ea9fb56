"""A record's history through the API: the act, who, and the person's own words, scoped."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.test import Client

from danvan.oversight import services as oversight_services
from danvan.programs import services as program_services
from tests.factories import OversightFactory, ProgramFactory
from tests.org.test_api import bearer


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_programmes_history_says_signed_and_ended(world, tinh, lanhdao, xa2) -> None:  # type: ignore[no-untyped-def]
    program = ProgramFactory(lead=world.commission, parties=[world.front_a])
    program_services.program_sign(actor=tinh, program=program, signed_on=datetime.date(2021, 3, 15))
    program_services.program_end(actor=lanhdao, program=program)
    url = f"/api/v1/programs/{program.pk}/history"
    entries = _english(bearer(tinh)).get(url).json()
    assert [e["verb"] for e in entries[:2]] == ["ended", "signed"]
    assert entries[0]["action"] == "ended" and entries[0]["who"] == lanhdao.full_name
    vietnamese = bearer(tinh).get(url).json()
    assert vietnamese[1]["action"] == "đã ký"
    assert bearer(xa2).get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_an_oversights_history_says_concluded(world, tinh, xa2) -> None:  # type: ignore[no-untyped-def]
    oversight = OversightFactory(lead=world.commission, subjects=[world.front_a])
    oversight_services.oversight_conclude(
        actor=tinh,
        oversight=oversight,
        conclusion_on=datetime.date(2026, 3, 20),
        conclusion="Thực hiện tốt Quy chế dân chủ ở cơ sở.",
    )
    url = f"/api/v1/oversights/{oversight.pk}/history"
    entries = _english(bearer(tinh)).get(url).json()
    assert entries[0]["verb"] == "concluded" and entries[0]["action"] == "concluded"
    assert bearer(xa2).get(url).status_code == 404
