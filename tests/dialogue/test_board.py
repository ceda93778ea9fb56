"""The reception schedule board and the staff scorecard: who is behind, in a few queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dialogue import board, services, services_petitions
from danvan.dialogue.models import Dialogue, DialogueStatus, HostRole, Petition
from danvan.org.models import Area, Organization, OrganizationKind
from tests.conftest import World
from tests.factories import AreaFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
DAY = timezone.localdate()
YEAR = DAY.year - 1  # a whole year gone by: every month counts


def _receive(org: Organization, role: str, days: list[datetime.date]) -> None:
    for day in days:
        services.reception_create(
            actor=None, organization=org, held_on=day, host_role=role, place="Trụ sở", today=DAY
        )


def _government(area: Area, parent: Organization) -> Organization:
    return OrganizationFactory.create(
        name=f"Ủy ban nhân dân {area.name}", area=area, parent=parent,
        kind=OrganizationKind.objects.get(code="government"),
    )  # fmt: skip


def test_heads_behind_come_first_with_distinct_days_counted(world: World, tinh: User) -> None:
    ppc_a = _government(world.commune_a, world.party_a)
    for month in range(1, 13):
        first = datetime.date(YEAR, month, 3)
        # Two sessions the same day count as one reception day.
        _receive(
            world.party_a,
            HostRole.PARTY_SECRETARY,
            [first, first, first + datetime.timedelta(days=7)],
        )
        _receive(ppc_a, HostRole.COMMITTEE_CHAIR, [first, first + datetime.timedelta(days=1)])
    _receive(world.party_b, HostRole.PARTY_SECRETARY, [datetime.date(YEAR, 5, 4)])
    services.dialogue_create(
        actor=None, organization=ppc_a, kind="conference", title="Hội nghị đối thoại",
        held_on=datetime.date(YEAR, 6, 20), announced_on=datetime.date(YEAR, 6, 1),
        host_role=HostRole.COMMITTEE_CHAIR,
    )  # fmt: skip
    Dialogue.objects.update(status=DialogueStatus.HELD)
    heads = board.schedule(tinh, YEAR, today=DAY)
    assert [(h.organization, h.host_role) for h in heads] == [
        (world.party_b, "party_secretary"),
        (world.party_a, "party_secretary"),
        (ppc_a, "committee_chair"),
    ]
    behind, party_a, chair = heads
    assert behind.months_behind == 12 and behind.days_held == 1 and behind.behind
    assert (behind.conferences_held, behind.conferences_due, behind.conference_behind) == (
        0,
        1,
        True,
    )
    assert party_a.months_behind == 0 and party_a.days_held == 24
    assert party_a.conference_behind  # the Party committee held none itself
    assert chair.months_behind == 0 and not chair.behind and chair.conferences_held == 1
    assert [m.state for m in chair.months] == ["met"] * 12


def test_the_running_month_is_not_behind(world: World, tinh: User) -> None:
    heads = board.schedule(tinh, DAY.year, today=DAY)
    months = heads[0].months
    assert months[DAY.month - 1].state == "current"
    assert all(m.state == "behind" for m in months[: DAY.month - 1])
    assert all(m.state == "future" for m in months[DAY.month :])
    assert not heads[0].conference_behind and heads[0].conference_short  # the year runs


def test_the_schedule_page_and_its_scope(
    world: World, xa: User, tinh: User, outsider: User, as_user: Any
) -> None:
    page = as_user(tinh).get("/dialogue/schedule/", {"year": YEAR})
    assert page.status_code == 200
    assert world.party_a.name in page.text and world.party_b.name in page.text
    assert 'id="schedule-summary"' in page.text
    narrowed = as_user(tinh).get(
        "/dialogue/schedule/", {"year": YEAR, "organization": world.party_a.pk}
    )
    assert f">{world.party_a.name}</th>" in narrowed.text
    assert f">{world.party_b.name}</th>" not in narrowed.text
    # xa sees commune A's Front only: no head the schedule covers.
    assert 'id="schedule-empty"' in as_user(xa).get("/dialogue/schedule/").text
    assert (
        as_user(xa).get("/dialogue/schedule/", {"organization": world.party_b.pk}).status_code
        == 404
    )
    assert 'id="schedule-empty"' in as_user(outsider).get("/dialogue/schedule/").text


def _units(world: World, count: int) -> None:
    """`count` more units with a head: a commune's Party committee and, every other one, its
    People's Committee, each with reception days and a conference."""
    made = 0
    while made < count:
        area = AreaFactory.create(parent=world.province)
        party = OrganizationFactory.create(
            name=f"Đảng ủy {area.name}", area=area, parent=world.commission,
            kind=OrganizationKind.objects.get(code="party_committee"),
        )  # fmt: skip
        _receive(party, HostRole.PARTY_SECRETARY, [datetime.date(YEAR, 3, 2)])
        made += 1
        if made < count:
            government = _government(area, party)
            _receive(government, HostRole.COMMITTEE_CHAIR, [datetime.date(YEAR, 4, 2)])
            made += 1


def _queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dialogue/schedule/", {"year": YEAR}).status_code == 200
    return len(queries)


def test_the_board_reads_the_same_queries_for_3_and_12_units(
    world: World, tinh: User, as_user: Any
) -> None:
    client = as_user(tinh)
    _units(world, 1)  # with the world's two Party committees: 3 units
    assert len(board.schedule(tinh, YEAR, today=DAY)) == 3
    three = _queries(client)
    _units(world, 9)
    assert len(board.schedule(tinh, YEAR, today=DAY)) == 12
    assert _queries(client) == three


# --- The scorecard ----------------------------------------------------------------------------


def test_the_scorecard_counts_the_scope(
    world: World, tinh: User, xa2: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    petition = file_petition(received_on=DAY - datetime.timedelta(days=3), today=DAY)
    services_petitions.petition_accept(
        actor=None, petition=petition, accepted_on=DAY - datetime.timedelta(days=2), today=DAY
    )
    services_petitions.petition_settle(
        actor=None, petition=petition, result="Xong", settled_on=DAY, today=DAY
    )
    page = as_user(tinh).get("/dialogue/scorecard/")
    assert page.status_code == 200
    assert world.front_a.name in page.text and 'id="trend-chart"' in page.text
    assert "scorecard-trend" in page.text and "100" in page.text
    other = as_user(xa2).get("/dialogue/scorecard/")
    assert world.front_a.name not in other.text and 'id="trend-chart"' not in other.text
    earlier = as_user(tinh).get("/dialogue/scorecard/", {"period": f"{DAY.year - 2}"})
    assert earlier.status_code == 200 and world.front_a.name not in earlier.text
    wrong = as_user(tinh).get("/dialogue/scorecard/", {"period": "2021-2025"})
    assert wrong.status_code == 200 and "alert-warning" in wrong.text
    assert (
        as_user(xa2).get("/dialogue/scorecard/", {"organization": world.front_a.pk}).status_code
        == 404
    )
