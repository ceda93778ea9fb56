"""A measured result that fits its column, an adoption dated after the recognition, and an
adoption figure that does not depend on who reads it — through the service, page and API."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from danvan.practices import selectors, services
from danvan.practices.models import Practice, PracticeResult, Replication
from tests.conftest import World
from tests.org.test_api import bearer
from tests.practices.test_api_workflow import add_commune
from tests.practices.test_practices import SCORES, recognise, register

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TOO_LARGE = [
    str(2**70), "99999999999999999999", 2**70, 1e308,
    "9999999999999999.99",  # fits the column, but SQLite would read it back as 1e16
    "1000000000000000",
]  # fmt: skip
# Typed text is a number as people write it (lib/numbers): no exponents, no words.
NOT_A_NUMBER = ["NaN", "Infinity", "-Infinity", float("inf"), float("nan"), "abc", "1e400"]


def post(client: Client, url: str, data: dict | str) -> object:
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, body, content_type="application/json")


def row(**extra: object) -> dict:
    return {"metric": "Hộ thoát nghèo", "value": "12", "unit": "hộ", **extra}


def recognised_earlier(world: World, tinh, xa) -> Practice:  # type: ignore[no-untyped-def]
    """Registered a month ago, appraised, recognised ten days ago."""
    today = timezone.localdate()
    practice = register(world, xa, registered_on=today - 30 * DAY)
    services.appraisal_record(
        actor=tinh, practice=practice, scores=SCORES, appraised_on=today - 20 * DAY
    )
    services.practice_recognise(
        actor=tinh, practice=practice, decided_by=world.commission, level="province",
        decision_number="7-QĐ/BDV", decided_on=today - 10 * DAY,
    )  # fmt: skip
    return practice


def pages_still_answer(world: World, tinh, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    """What a bad number used to break: the lists and pages that read the results."""
    for user in (tinh, xa):
        assert bearer(user).get("/api/v1/practices").status_code == 200
        assert as_user(user).get("/practices/").status_code == 200
    for practice in Practice.objects.all():
        assert as_user(xa).get(f"/practices/{practice.pk}/").status_code == 200
        assert bearer(xa).get(f"/api/v1/practices/{practice.pk}").status_code == 200


# --- 1. Numbers, texts and dates that fit the columns ------------------------------------


@pytest.mark.usefixtures("english")
def test_service_refuses_a_result_beyond_its_column(world: World, xa) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    for value in TOO_LARGE:
        with pytest.raises(ValidationError) as refused:
            services.result_add(actor=xa, practice=practice, **row(value=value))
        assert "too large" in refused.value.message_dict["value"][0], value
    for value in NOT_A_NUMBER:
        with pytest.raises(ValidationError) as refused:
            services.result_add(actor=xa, practice=practice, **row(value=value))
        assert refused.value.message_dict["value"][0].startswith("Type a number"), value
    with pytest.raises(ValidationError) as refused:
        services.result_add(actor=xa, practice=practice, **row(value="1.234"))
    assert "decimal point" in refused.value.message_dict["value"][0]
    today = timezone.localdate()
    bad_rows = {
        "metric": row(metric="x" * 201),
        "unit": row(unit="u" * 51),
        "as_of": row(as_of=today + DAY),
        "value_before": row(value_before="1e400"),
    }
    for field, bad in bad_rows.items():
        with pytest.raises(ValidationError) as refused:
            services.result_add(actor=xa, practice=practice, **bad)
        assert list(refused.value.message_dict) == [field]
    with pytest.raises(ValidationError) as refused:
        services.result_add(actor=xa, practice=practice, **row(as_of=datetime.date(1899, 12, 31)))
    assert "1900" in refused.value.message_dict["as_of"][0]
    assert practice.results.count() == 1  # the one it was registered with
    largest = "999999999999999.99"
    kept = services.result_add(
        actor=xa, practice=practice, **row(metric="m" * 200, unit="u" * 50, value=largest,
                                           as_of=datetime.date(1900, 1, 1))
    )  # fmt: skip
    kept.refresh_from_db()  # reads back, rounded at most to the 15 digits SQLite keeps
    assert abs(kept.value - Decimal(largest)) < 1


def test_service_saves_nothing_of_a_registration_or_an_adoption_with_a_bad_result(
    world: World, tinh, xa, xa2
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        register(world, xa, name="Quá lớn", results=[row(), row(value=2**70)])
    assert not Practice.objects.filter(name="Quá lớn").exists()
    assert not PracticeResult.objects.exists()
    practice = register(world, xa)
    recognise(world, tinh, practice)
    with pytest.raises(ValidationError):
        services.replication_record(
            actor=xa2, practice=practice, organization=world.front_b,
            adopted_on=timezone.localdate(), results=[row(value_before="NaN")],
        )  # fmt: skip
    assert not Replication.objects.exists() and practice.results.count() == 1


def test_api_refuses_numbers_beyond_the_column_and_saves_nothing(
    world: World, tinh, xa, xa2, outsider, as_user
) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    url = f"/api/v1/practices/{practice.pk}/results"
    for value in ("1e308", str(2**70), '"99999999999999999999"', '"1e400"'):
        answer = post(bearer(xa), url, f'{{"metric": "Hộ", "value": {value}, "unit": "hộ"}}')
        assert answer.status_code == 400 and "value" in answer.json()["errors"], value
    for value in ("1e400", '"NaN"', '"Infinity"'):  # refused by the schema already
        answer = post(bearer(xa), url, f'{{"metric": "Hộ", "value": {value}, "unit": "hộ"}}')
        assert answer.status_code == 422 and "value" in answer.json()["errors"], value
    long_unit = post(bearer(xa), url, row(unit="u" * 51))
    assert long_unit.status_code == 400 and "unit" in long_unit.json()["errors"]
    early = post(bearer(xa), url, row(as_of="0001-01-01"))
    assert early.status_code == 400 and "as_of" in early.json()["errors"]
    assert post(bearer(xa2), url, row()).status_code == 404
    assert post(bearer(outsider), url, row()).status_code == 404
    assert practice.results.count() == 1

    created = post(bearer(xa), "/api/v1/practices", {
        "organization_id": world.front_a.pk, "kind": "model", "name": "Mô hình quá cỡ",
        "field": "economy", "results": [row(), row(value=2**70)],
    })  # fmt: skip
    assert created.status_code == 400 and "value" in created.json()["errors"]
    assert not Practice.objects.filter(name="Mô hình quá cỡ").exists()

    recognise(world, tinh, practice)
    adoption = {"practice_id": practice.pk, "organization_id": world.front_b.pk,
                "adopted_on": timezone.localdate().isoformat()}  # fmt: skip
    bad = post(bearer(xa2), "/api/v1/replications", {**adoption, "results": [row(value=2**70)]})
    assert bad.status_code == 400 and "value" in bad.json()["errors"]
    assert not Replication.objects.exists()
    assert post(bearer(xa2), "/api/v1/replications", adoption).status_code == 201
    replication = Replication.objects.get()
    more = f"/api/v1/replications/{replication.pk}/results"
    assert post(bearer(xa2), more, row(value=1e308)).status_code == 400
    assert post(bearer(xa), more, row()).status_code == 403  # not the adopting unit
    assert not replication.results.exists() and practice.results.count() == 1
    pages_still_answer(world, tinh, xa, as_user)


def test_pages_refuse_numbers_beyond_the_column_and_save_nothing(
    world: World, tinh, xa, xa2, as_user
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate().isoformat()
    registered = as_user(xa).post("/practices/new/", {
        "kind": "model", "name": "Mô hình quá cỡ", "field": "economy",
        "organization": world.front_a.pk, "metric": "Hộ", "value": "99999999999999999999",
        "unit": "hộ",
    })  # fmt: skip
    assert registered.status_code == 200 and "value" in registered.context["form"].errors
    assert not Practice.objects.filter(name="Mô hình quá cỡ").exists()
    practice = register(world, xa)
    url = f"/practices/{practice.pk}/result/"
    for value in ("99999999999999999999", "1e400", "Infinity", "1.234"):
        answer = as_user(xa).post(url, {"metric": "Hộ", "value": value, "unit": "hộ",
                                        "as_of": today})  # fmt: skip
        assert answer.status_code == 400, value
        assert "value" in answer.context["result_form"].errors, value
    future = as_user(xa).post(url, {"metric": "Hộ", "value": "3", "unit": "hộ",
                                    "as_of": "2999-01-01"})  # fmt: skip
    assert future.status_code == 400 and "as_of" in future.context["result_form"].errors
    assert practice.results.count() == 1
    recognise(world, tinh, practice)
    assert as_user(xa2).post(url, {"metric": "Hộ", "value": "3", "unit": "hộ",
                                   "as_of": today}).status_code == 403  # fmt: skip
    adopted = as_user(xa2).post(f"/practices/{practice.pk}/replicate/", {
        "organization": world.front_b.pk, "adopted_on": today, "metric": "Hộ",
        "value_before": "1e400", "value": "2", "unit": "hộ",
    })  # fmt: skip
    assert adopted.status_code == 400
    assert "value_before" in adopted.context["replication_form"].errors
    assert not Replication.objects.exists() and practice.results.count() == 1
    pages_still_answer(world, tinh, xa, as_user)


# --- 2. An adoption follows the recognition ----------------------------------------------


@pytest.mark.usefixtures("english")
def test_service_dates_an_adoption_on_or_after_the_recognition(world: World, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    practice = recognised_earlier(world, tinh, xa)
    recognised_on = timezone.localdate() - 10 * DAY
    for day in (datetime.date(1, 1, 1), recognised_on - DAY, timezone.localdate() + DAY):
        with pytest.raises(ValidationError) as refused:
            services.replication_record(
                actor=xa2, practice=practice, organization=world.front_b, adopted_on=day
            )
        assert list(refused.value.message_dict) == ["adopted_on"], day
    with pytest.raises(ValidationError) as refused:
        services.replication_record(
            actor=xa2, practice=practice, organization=world.front_b, adopted_on=recognised_on - DAY
        )
    assert recognised_on.strftime("%d/%m/%Y") in refused.value.message_dict["adopted_on"][0]
    assert not Replication.objects.exists()
    services.replication_record(
        actor=xa2, practice=practice, organization=world.front_b, adopted_on=recognised_on
    )
    assert Replication.objects.get().adopted_on == recognised_on


def test_page_and_api_refuse_an_adoption_dated_before_the_recognition(
    world: World, tinh, xa, xa2, outsider, as_user
) -> None:  # type: ignore[no-untyped-def]
    practice = recognised_earlier(world, tinh, xa)
    before = (timezone.localdate() - 11 * DAY).isoformat()
    for day in ("0001-01-01", before):
        page = as_user(xa2).post(f"/practices/{practice.pk}/replicate/", {
            "organization": world.front_b.pk, "adopted_on": day,
        })  # fmt: skip
        assert page.status_code == 400 and "adopted_on" in page.context["replication_form"].errors
        answer = post(bearer(xa2), "/api/v1/replications", {
            "practice_id": practice.pk, "organization_id": world.front_b.pk, "adopted_on": day,
        })  # fmt: skip
        assert answer.status_code == 400 and "adopted_on" in answer.json()["errors"], day
    outside = post(bearer(outsider), "/api/v1/replications", {
        "practice_id": practice.pk, "organization_id": world.front_b.pk,
        "adopted_on": timezone.localdate().isoformat(),
    })  # fmt: skip
    assert outside.status_code == 400 and "organization_id" in outside.json()["errors"]
    assert not Replication.objects.exists()


# --- 3. The adoption figure is the same for every reader ---------------------------------


def test_every_reader_sees_the_same_adoption_figure(world: World, tinh, xa, xa2, as_user) -> None:  # type: ignore[no-untyped-def]
    front_c = add_commune(world, "16819", "Xã Bắc Lý")
    add_commune(world, "16822", "Xã Keng Đu")  # a Front that does not adopt it
    created = post(bearer(xa), "/api/v1/practices", {
        "organization_id": world.front_a.pk, "kind": "model", "name": "Mô hình chung",
        "field": "economy",
    })  # fmt: skip
    assert created.status_code == 201
    practice = Practice.objects.get(pk=created.json()["id"])
    # Before recognition: under commune A's Party committee, where no other Front is.
    before = created.json()["adoption"]
    assert (before["adopted"], before["of"]) == (0, 0)
    assert bearer(tinh).get(f"/api/v1/practices/{practice.pk}").json()["adoption"] == before
    recognise(world, tinh, practice)
    for user, front in ((xa2, world.front_b), (tinh, front_c)):
        services.replication_record(
            actor=user, practice=practice, organization=front, adopted_on=timezone.localdate()
        )
    # Recognised by the commission: the three other Fronts under it, two of which adopted it.
    for user in (xa, xa2, tinh):
        detail = bearer(user).get(f"/api/v1/practices/{practice.pk}").json()["adoption"]
        assert (detail["adopted"], detail["of"]) == (2, 3), user
        listed = bearer(user).get("/api/v1/practices").json()["items"]
        row_ = next(p["adoption"] for p in listed if p["id"] == practice.pk)
        assert row_ == detail, user
        page = as_user(user).get(f"/practices/{practice.pk}/").content.decode()
        assert re.search(r'id="adoption">\D*2\D+3\D[^<]*' + world.commission.name, page), user
    figure = selectors.adoption(practice)
    assert (figure["adopted"], figure["units"], figure["within"]) == (2, 3, world.commission)
    # A dissolved Front is no longer a unit that could adopt it, nor one that did.
    front_c.dissolved_on = timezone.localdate()
    front_c.save()
    assert (
        selectors.adoption(practice)["adopted"] == 1 and selectors.adoption(practice)["units"] == 2
    )
