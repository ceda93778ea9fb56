"""Figures beyond what a report keeps are refused with a message, on the page and in the API,
and nothing of the batch is saved."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from danvan.reporting import definitions, services
from danvan.reporting.models import LARGEST, Indicator, Value
from tests.org.test_api import bearer
from tests.reporting.test_services import start
from tests.reporting.test_web_api import as_user  # noqa: F401 — the English pages

pytestmark = pytest.mark.django_db

HUGE = "1" * 400
# (what was typed or sent, the message that says what is wrong)
TYPED = [
    ("1e30", "Type a number"),
    (HUGE, "too large: a figure must be less than 100,000,000,000,000"),
    ("-" + HUGE, "too large"),
    ("Infinity", "Type a number"),
    ("NaN", "Type a number"),
    ("-1e-400", "Type a number"),
    ("100000000000000", "too large"),
    ("0." + "0" * 399 + "1", "At most 4 decimals"),
]
SENT: list[tuple[Any, str]] = [
    (1e30, "too large"),
    (float("inf"), "Type a number"),
    (float("-inf"), "Type a number"),
    (float("nan"), "Type a number"),
    (-0.0, "too small"),  # what JSON's -1e-400 becomes
    (int(HUGE), "too large"),
    (Decimal("Infinity"), "Type a number"),
    (Decimal("NaN"), "Type a number"),
    (Decimal("1E+30"), "too large"),
]


def test_parse_value_refuses_figures_beyond_the_range(half_form, english) -> None:
    meetings = Indicator.objects.get(code="MEETINGS")
    for raw, message in [*TYPED, *SENT]:
        with pytest.raises(ValidationError, match=message):
            services.parse_value(meetings, raw)
    largest = LARGEST - Decimal("0.0001")
    assert services.parse_value(meetings, str(largest)) == (largest, "")
    assert services.parse_value(meetings, "-99999999999999") == (Decimal("-99999999999999"), "")
    assert services.parse_value(meetings, 12.5) == (Decimal("12.5"), "")
    assert services.parse_value(meetings, 0.0) == (Decimal(0), "")
    # the bound follows the column: 20 digits with 4 decimals, two spare for the roll-ups' sums
    assert Decimal(10) ** 14 == LARGEST


def test_a_value_beyond_the_range_saves_nothing(half_form, world, xa, english) -> None:
    submission = start(half_form, world.front_a, xa)
    for raw, _message in TYPED:
        with pytest.raises(ValidationError) as caught:
            services.submission_save(
                actor=xa, submission=submission, values={"PLANNED": "10", "MEETINGS": raw}
            )
        assert list(caught.value.error_dict) == ["MEETINGS"]
    assert not Value.objects.filter(submission=submission).exists()


def test_the_page_shows_the_message_and_keeps_nothing(
    half_form,
    world,
    xa,
    as_user,  # noqa: F811
) -> None:
    submission = start(half_form, world.front_a, xa)
    client = as_user(xa)
    for raw, message in TYPED:
        response = client.post(
            f"/reports/{submission.pk}/save/",
            {"v_MEETINGS": raw, "v_PLANNED": "10", "action": "save"},
            follow=True,
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert message.split(":")[0] in page, raw
    assert not Value.objects.filter(submission=submission).exists()


def _patch_raw(client, url: str, body: str):  # type: ignore[no-untyped-def]
    return client.patch(url, body, content_type="application/json")


def test_the_api_answers_400_and_keeps_nothing(half_form, world, xa) -> None:
    submission = start(half_form, world.front_a, xa)
    client = bearer(xa)
    url = f"/api/v1/submissions/{submission.pk}"
    # JSON as a client might send it: numbers out of range, and the non-standard tokens
    for literal in ("1e30", HUGE, "-" + HUGE, "Infinity", "-Infinity", "NaN", "-1e-400"):
        response = _patch_raw(
            client, url, '{"values": {"PLANNED": 10, "MEETINGS": ' + literal + "}}"
        )
        assert response.status_code == 400, literal
        assert "MEETINGS" in response.json()["errors"], literal
    for raw, _message in TYPED:
        response = _patch_raw(client, url, json.dumps({"values": {"MEETINGS": raw}}))
        assert response.status_code == 400 and "MEETINGS" in response.json()["errors"]
    assert not Value.objects.filter(submission=submission).exists()
    ok = _patch_raw(client, url, '{"values": {"MEETINGS": 99999999999999}}')
    assert ok.status_code == 200
    assert Value.objects.get(submission=submission).number == Decimal("99999999999999")


def test_indicator_bounds_beyond_the_range_are_refused(half_form, lanhdao, english) -> None:
    meetings = Indicator.objects.get(code="MEETINGS")
    with pytest.raises(ValidationError) as caught:
        definitions.indicator_update(actor=lanhdao, indicator=meetings, max_value=Decimal(HUGE))
    assert "max_value" in caught.value.error_dict
    client = bearer(lanhdao)
    url = f"/api/v1/indicators/{meetings.pk}"
    for body in ('{"min_value": -1e30}', '{"max_value": ' + HUGE + "}", '{"max_value": "NaN"}'):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code in (400, 422), body
    meetings.refresh_from_db()
    assert meetings.min_value is None and meetings.max_value is None
