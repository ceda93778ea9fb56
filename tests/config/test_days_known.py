"""Every day a person records lies within the years danvan knows (1900 to 2100), on the pages and
in the API alike: a year typed 0001 or 9999 is refused on its field and nothing is saved; the
first and last days of those years are kept."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from danvan.dialogue.models import Dialogue, Reception
from danvan.lib.history import attributed
from danvan.lib.periods import check_days
from danvan.meetings.models import Meeting
from danvan.situation.models import Note
from tests.config.test_unchanged_edits import _patch
from tests.conftest import World
from tests.dialogue.test_pages_dialogues import _dialogue_form
from tests.factories import DocumentFactory, OversightFactory, PracticeFactory, member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
D = datetime.date


def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_check_days_names_each_field_outside_the_years() -> None:
    note = Note(event_date=D(1, 1, 1), resolved_on=D(9999, 12, 31))
    with pytest.raises(ValidationError) as refused:
        check_days(note)
    assert set(refused.value.message_dict) == {"event_date", "resolved_on"}
    assert "1900" in refused.value.message_dict["event_date"][0]
    check_days(Note(event_date=D(1900, 1, 1), resolved_on=D(2100, 12, 31)))
    late = datetime.datetime(2101, 1, 1, 8, tzinfo=datetime.UTC)  # a time is a day too
    with pytest.raises(ValidationError, match="2100"):
        check_days(Meeting(starts_at=late, ends_at=late))


def test_a_time_is_judged_in_utc_as_it_is_stored() -> None:
    """Read in local time, 1900-01-01 00:00 in Hà Nội (UTC+7:06:30 then) passed and was stored
    in 1899; 2100-12-31 20:00 at UTC−5 is 2101 once stored."""
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    for moment in (
        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=hanoi),
        datetime.datetime(
            2100, 12, 31, 20, 0, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))
        ),
        datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=14))),
    ):
        with pytest.raises(ValidationError):
            check_days(Meeting(starts_at=moment, ends_at=moment))
    check_days(Meeting(starts_at=datetime.datetime(1900, 1, 1, 8, 0, tzinfo=hanoi)))


def test_a_persons_save_is_checked_and_the_systems_is_not(tinh) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        attributed(Note(event_date=D(1, 1, 1)), tinh)
    # A job touching a record stored before the rule (an erasure, a reminder) must not stop.
    assert attributed(Note(event_date=D(1, 1, 1)), None).event_date == D(1, 1, 1)


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "form", "model"),
    [
        ("/dialogue/receptions/new/", "reception", Reception),
        ("/dialogue/dialogues/new/", "dialogue", Dialogue),
    ],
)
def test_a_page_refuses_a_day_outside_the_years_on_its_field(
    world: World, as_user: Any, url: str, form: str, model: Any
) -> None:
    bithu = member(world.party_a, "reporter", email="bithu@example.vn")
    forms = {
        "reception": {
            "organization": world.party_a.pk, "kind": "regular", "held_on": "0001-01-01",
            "host_role": "party_secretary", "host_name": "Vi Văn Sơn", "place": "Trụ sở",
            "citizens": "7", "cases": "3",
        },
        "dialogue": _dialogue_form(world, held_on="9999-12-31"),
    }  # fmt: skip
    page = english(as_user(bithu)).post(url, forms[form])
    assert page.status_code == 200, page.status_code
    assert 'id="id_held_on_error"' in page.text and "between 1900 and 2100" in page.text
    assert not model.objects.exists()


# --- The API ---------------------------------------------------------------------------------

# The record, its API address and the date field a PATCH sets.
Case = tuple[Any, str, str]


def _document(world: World, users: dict[str, Any]) -> Case:
    return DocumentFactory(), "/api/v1/documents/{pk}", "issued_on"


def _oversight(world: World, users: dict[str, Any]) -> Case:
    oversight = OversightFactory(lead=world.commission, subjects=[world.front_a])
    return oversight, "/api/v1/oversights/{pk}", "starts_on"


def _practice(world: World, users: dict[str, Any]) -> Case:
    practice = PracticeFactory(actor=users["xa"], organization=world.front_a)
    return practice, "/api/v1/practices/{pk}", "started_on"


def _organization(world: World, users: dict[str, Any]) -> Case:
    return world.front_a, "/api/v1/organizations/{pk}", "established_on"


CASES: dict[str, tuple[Callable[..., Case], str]] = {
    "document": (_document, "tinh"),
    "oversight": (_oversight, "tinh"),
    "practice": (_practice, "xa"),
    "organisation": (_organization, "lanhdao"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_api_refuses_a_day_outside_the_years_and_keeps_their_first_day(
    case: str, world: World, tinh, lanhdao, xa, xa2
) -> None:
    make, editor = CASES[case]
    users = {"tinh": tinh, "lanhdao": lanhdao, "xa": xa}
    record, address, field = make(world, users)
    url = address.format(pk=record.pk)
    before = getattr(record, field)
    refused = _patch(english(bearer(users[editor])), url, {field: "0001-01-01"})
    assert refused.status_code == 400, refused.content
    assert "between 1900 and 2100" in refused.json()["errors"][field][0]
    record.refresh_from_db()
    assert getattr(record, field) == before
    assert _patch(bearer(xa2), url, {field: "1900-01-01"}).status_code in (403, 404)
    kept = _patch(bearer(users[editor]), url, {field: "1900-01-01"})
    assert kept.status_code == 200, kept.content
    record.refresh_from_db()
    assert getattr(record, field) == D(1900, 1, 1)
