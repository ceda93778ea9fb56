"""The calendar: the personal feed address (made once, renewed on demand), the feed a calendar
program reads without signing in, and one meeting's .ics; each holds only what the person sees."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from icalendar import Calendar

from danvan.accounts.models import User
from danvan.meetings import ics, services, services_calendar
from danvan.meetings.models import BridgePoint, FeedKey, Kind, Meeting

from .conftest import at

pytestmark = pytest.mark.django_db

AsUser = Callable[[User], Client]


def feed_path(user: User) -> str:
    return f"/meetings/calendar/{services_calendar.feed_key_get_or_create(user=user).key}.ics"


def uids(content: bytes) -> set[str]:
    calendar = Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    return {str(event["uid"]) for event in calendar.walk("VEVENT")}


@pytest.fixture
def session(world, xa) -> Meeting:  # type: ignore[no-untyped-def]
    """Commune A's Front's own working session: xa2 does not see it."""
    return services.meeting_create(
        actor=xa, host=world.front_a, kind=Kind.WORKING_SESSION, title="Giao ban Mặt trận xã",
        starts_at=at(3, 8), ends_at=at(3, 10), place="Nhà văn hóa bản Huồi Giảng",
    )  # fmt: skip


def test_the_page_gives_the_personal_address(
    xa: User, as_user: Callable[[User], Client], review: Meeting, fronts: list[BridgePoint]
) -> None:
    client = as_user(xa)
    page = client.get("/meetings/calendar/")
    assert page.status_code == 200
    key = FeedKey.objects.get(user=xa).key
    assert len(key) >= 40
    html = page.content.decode()
    assert f'value="http://testserver/meetings/calendar/{key}.ics"' in html
    assert 'data-copy="#feed-url"' in html and "danvan/copy.js" in html
    assert 'id="feed-renew"' in html and "data-confirm=" in html
    assert f'href="/meetings/{review.pk}.ics"' in html  # the next meetings, each to download
    assert client.get("/meetings/calendar/").status_code == 200
    assert FeedKey.objects.get(user=xa).key == key  # made once
    assert FeedKey.objects.count() == 1


def test_signing_in_is_needed_for_the_page(client: Client, xa: User) -> None:
    assert client.get("/meetings/calendar/").status_code == 302
    assert client.post("/meetings/calendar/").status_code == 302
    assert not FeedKey.objects.exists()


def test_the_feed_holds_exactly_the_meetings_one_sees(
    client: Client, review: Meeting, fronts: list[BridgePoint], session: Meeting,
    tinh: User, xa: User, xa2: User, outsider: User,
) -> None:  # fmt: skip
    response = client.get(feed_path(xa))  # no session: the key stands for signing in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline;")
    assert 'filename="danvan-meetings.ics"' in response["Content-Disposition"]
    assert uids(response.content) == {ics.uid(review), ics.uid(session)}
    assert uids(client.get(feed_path(xa2)).content) == {ics.uid(review)}  # through its point
    assert uids(client.get(feed_path(tinh)).content) == {ics.uid(review), ics.uid(session)}
    empty = client.get(feed_path(outsider))
    assert empty.status_code == 200 and uids(empty.content) == set()
    # A cancelled meeting stays in the feed, marked so, for calendar programs to remove it.
    services.meeting_cancel(actor=xa, meeting=session, reason="Trùng lịch")
    events = Calendar.from_ical(client.get(feed_path(xa)).content).walk("VEVENT")
    assert {str(e["uid"]): str(e["status"]) for e in events}[ics.uid(session)] == "CANCELLED"


def test_an_unknown_key_or_an_inactive_account_is_not_found(client: Client, xa: User) -> None:
    assert client.get("/meetings/calendar/not-a-key.ics").status_code == 404
    path = feed_path(xa)
    User.objects.filter(pk=xa.pk).update(is_active=False)
    assert client.get(path).status_code == 404


def test_a_new_address_turns_the_old_one_off(
    client: Client, xa: User, xa2: User, as_user: AsUser, review: Meeting,
    fronts: list[BridgePoint],
) -> None:  # fmt: skip
    old = feed_path(xa)
    theirs = feed_path(xa2)
    response = as_user(xa).post("/meetings/calendar/")
    assert response.status_code == 302 and response.url == "/meetings/calendar/"
    new = feed_path(xa)
    assert new != old
    assert client.get(old).status_code == 404
    assert uids(client.get(new).content) == {ics.uid(review)}
    assert client.get(theirs).status_code == 200  # only one's own address changes
    assert FeedKey.objects.count() == 2


def test_the_feed_reads_in_few_queries(
    client: Client,
    world,
    tinh: User,
    django_assert_max_num_queries: Callable[..., object],  # type: ignore[no-untyped-def]
) -> None:
    path = feed_path(tinh)
    for day in range(1, 6):
        services.meeting_create(
            actor=tinh, host=world.commission, kind=Kind.THEMATIC, title=f"Chuyên đề {day}",
            starts_at=at(day, 8), ends_at=at(day, 10),
        )  # fmt: skip
    with django_assert_max_num_queries(4):  # the key and user, the scope, the meetings
        assert len(uids(client.get(path).content)) == 5


def test_one_meetings_ics_for_who_sees_it(
    as_user: AsUser, client: Client, session: Meeting, xa: User, xa2: User, outsider: User
) -> None:
    response = as_user(xa).get(f"/meetings/{session.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{session.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == session.title
    assert str(event["location"]) == "Nhà văn hóa bản Huồi Giảng"
    assert event.decoded("dtstart") == session.starts_at
    assert as_user(xa2).get(f"/meetings/{session.pk}.ics").status_code == 404
    assert as_user(outsider).get(f"/meetings/{session.pk}.ics").status_code == 404
    assert as_user(xa).get("/meetings/999999.ics").status_code == 404
    assert client.get(f"/meetings/{session.pk}.ics").status_code == 302  # to sign in
