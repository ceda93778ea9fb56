"""Meetings in search everywhere: by the words of their title, accents and case ignored, for who
sees them and nobody else."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import search
from danvan.meetings import services
from danvan.meetings.models import BridgePoint, Kind, Meeting
from danvan.meetings.search import find_meetings
from tests.conftest import World

from .conftest import at

pytestmark = pytest.mark.django_db

KIND = "meetings.meeting"


def titles(user: User, query: str) -> list[str]:
    fresh = User.objects.get(pk=user.pk)
    groups = {g.name: g for g in search.search(fresh, query, kinds={KIND})}
    return [hit.title for hit in groups[KIND].hits] if KIND in groups else []


@pytest.fixture
def session(world: World, xa: User) -> Meeting:
    """Commune A's Front's own working session: xa2 does not see it."""
    return services.meeting_create(
        actor=xa, host=world.front_a, kind=Kind.WORKING_SESSION,
        title="Giao ban Mặt trận xã Mường Xén quý IV", starts_at=at(3, 8), ends_at=at(3, 10),
    )  # fmt: skip


def test_the_source_is_registered() -> None:
    assert KIND in dict(search.sources())


def test_found_without_accents_by_who_sees_it(
    world: World, review: Meeting, fronts: list[BridgePoint], session: Meeting,
    tinh: User, xa: User, xa2: User, outsider: User,
) -> None:  # fmt: skip
    assert titles(xa, "hoi nghi truc tuyen so ket") == [review.title]
    assert titles(xa, "HỘI NGHỊ Trực Tuyến") == [review.title]
    assert titles(xa2, "so ket 6 thang") == [review.title]  # through commune B's point
    assert titles(tinh, "muong xen") == [session.title]  # the province sees the commune's
    assert titles(xa, "muong xen") == [session.title]
    assert titles(xa2, "muong xen") == []
    assert titles(outsider, "hoi nghi") == []
    assert titles(xa, "muong ly") == []  # every word must match
    assert titles(xa, "dan van") == [review.title]  # «đ» as «d»
    hit = next(g for g in search.search(User.objects.get(pk=xa.pk), "giao ban") if g.name == KIND)
    assert hit.hits[0].url == f"/meetings/{session.pk}/"
    day = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
    assert world.front_a.name in hit.hits[0].subtitle and day in hit.hits[0].subtitle


def test_decomposed_titles_and_odd_characters(world: World, tinh: User) -> None:
    typed = unicodedata.normalize("NFD", "Hội nghị giao ban (tháng 10) 1+1")
    found = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION, title=typed,
        starts_at=at(3, 8), ends_at=at(3, 10),
    )  # fmt: skip
    assert found.title == typed
    assert titles(tinh, "hoi nghi giao ban") == [typed]
    assert titles(tinh, "(thang 10)") == [typed]
    assert titles(tinh, "1+1") == [typed]
    assert titles(tinh, "[a-z]* .*") == []  # searched as written, not as a pattern


def test_the_latest_first_in_one_query(
    world: World, tinh: User, django_assert_max_num_queries: Callable[..., object]
) -> None:
    for days in (2, 9, 5):
        services.meeting_create(
            actor=tinh, host=world.commission, kind=Kind.THEMATIC,
            title=f"Hội nghị chuyên đề sau {days} ngày", starts_at=at(days, 8),
            ends_at=at(days, 10),
        )  # fmt: skip
    reader = User.objects.get(pk=tinh.pk)
    with django_assert_max_num_queries(2):  # the user's scope, the meetings
        hits = find_meetings(reader, ["chuyen", "de"], 2)
    assert [h.title for h in hits] == [
        "Hội nghị chuyên đề sau 9 ngày",
        "Hội nghị chuyên đề sau 5 ngày",
    ]
