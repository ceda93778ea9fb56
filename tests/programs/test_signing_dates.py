"""The signing date: within the years danvan knows, by the end of the term, not before the term it renews was signed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from danvan.programs import services
from danvan.programs.models import Program
from tests.conftest import World
from tests.org.test_api import bearer
from tests.programs.conftest import send
from tests.programs.test_api_workflow import state

pytestmark = pytest.mark.django_db
D = datetime.date


def _draft(world: World, tinh, term: str, predecessor: Program | None = None) -> Program:  # type: ignore[no-untyped-def]
    return services.program_create(
        actor=tinh, kind="coordination_programme", title="Chương trình phối hợp",
        lead=world.commission, parties=[world.front_a], term=term, contents=["Một"],
        predecessor=predecessor,
    )  # fmt: skip


@pytest.mark.parametrize("day", [D(1, 1, 1), D(1899, 12, 31), D(2021, 1, 1)])
def test_a_date_outside_the_bounds_is_refused(world: World, tinh, day: datetime.date) -> None:  # type: ignore[no-untyped-def]
    draft = _draft(world, tinh, "2018-2020")
    before = state(draft)
    with pytest.raises(ValidationError) as refused:
        services.program_put_in_force(actor=tinh, program=draft, signed_on=day)
    assert "signed_on" in refused.value.message_dict
    assert state(draft) == before


def test_a_date_within_the_bounds_is_kept(world: World, tinh) -> None:  # type: ignore[no-untyped-def]
    early = _draft(world, tinh, "2018-2020")  # signed before its term starts, as often happens
    services.program_put_in_force(actor=tinh, program=early, signed_on=D(2017, 12, 20))
    last_day = _draft(world, tinh, "2018-2020")
    services.program_put_in_force(actor=tinh, program=last_day, signed_on=D(2020, 12, 31))
    assert (early.status, last_day.signed_on) == ("in_force", D(2020, 12, 31))


@pytest.mark.usefixtures("english")
def test_a_renewal_is_not_signed_before_the_term_it_renews(world: World, tinh) -> None:  # type: ignore[no-untyped-def]
    old = _draft(world, tinh, "2016-2020")
    services.program_put_in_force(actor=tinh, program=old, signed_on=D(2016, 3, 15))
    renewal = _draft(world, tinh, "2021-2025", predecessor=old)
    before = state(renewal)
    with pytest.raises(ValidationError, match="previous term") as refused:
        services.program_put_in_force(actor=tinh, program=renewal, signed_on=D(2016, 3, 14))
    assert "signed_on" in refused.value.message_dict
    assert state(renewal) == before
    services.program_put_in_force(actor=tinh, program=renewal, signed_on=D(2016, 3, 15))
    assert renewal.status == "in_force"


def test_the_api_refuses_a_bad_date_and_the_refused_users(world: World, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    draft = _draft(world, tinh, "2018-2020")
    url = f"/api/v1/programs/{draft.pk}/sign"
    before = state(draft)
    for day in ("0001-01-01", "1899-12-31", "2021-01-01"):
        refused = send(bearer(tinh), "post", url, {"signed_on": day})
        assert refused.status_code == 400 and "signed_on" in refused.json()["errors"], day
    assert send(bearer(xa), "post", url, {"signed_on": "2018-01-05"}).status_code == 403
    assert send(bearer(xa2), "post", url, {"signed_on": "2018-01-05"}).status_code == 404
    assert send(Client(), "post", url, {"signed_on": "2018-01-05"}).status_code == 401
    assert state(draft) == before
    signed = send(bearer(tinh), "post", url, {"signed_on": "2018-01-05"})
    assert signed.status_code == 200 and signed.json()["signed_on"] == "2018-01-05"


def test_the_page_refuses_a_bad_date(world: World, tinh, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    draft = _draft(world, tinh, "2018-2020")
    url = f"/programs/{draft.pk}/sign/"
    before = state(draft)
    page = as_user(tinh).post(url, {"signed_on": "0001-01-01"}, follow=True)
    assert page.status_code == 200
    assert "1900" in page.content.decode() and "2100" in page.content.decode()  # says which days
    assert as_user(xa).post(url, {"signed_on": "2018-01-05"}).status_code == 403
    assert state(draft) == before
    as_user(tinh).post(url, {"signed_on": "2018-01-05"})
    assert state(draft)[:2] == ("in_force", D(2018, 1, 5))
