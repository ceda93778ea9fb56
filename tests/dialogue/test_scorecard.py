"""The scorecard: on time against the (extended) deadline, median days, satisfied among those
who answered, merged petitions left out, a village under its commune, conferences due from the
commune People's Committees, the trend, and a query count that does not grow with the units."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danvan.dialogue import scorecard, services, services_petitions
from danvan.dialogue.models import Dialogue, DialogueKind, Petition
from danvan.lib import periods
from danvan.org import areas
from danvan.org import services as org_services
from danvan.org.models import AreaLevel, Organization
from danvan.org.scopes import ReportingScope
from tests.conftest import REFORM, World, kind
from tests.dialogue.conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
FilePetition = Callable[..., Petition]
S2 = periods.parse("2026S2")
RECEIVED = D(2026, 9, 1)


def settled(
    file_petition: FilePetition, on: datetime.date, confirmation: str = "", **kw: Any
) -> Petition:
    petition = file_petition(received_on=RECEIVED, **kw)
    services_petitions.petition_accept(
        actor=None, petition=petition, accepted_on=D(2026, 9, 2), today=TODAY
    )
    services_petitions.petition_settle(
        actor=None, petition=petition, result="Xong", settled_on=on, today=TODAY
    )
    if confirmation:
        services_petitions.petition_confirm(actor=None, petition=Petition.objects.get(pk=petition.pk),
                                  confirmation=confirmation, confirmed_on=on, today=TODAY)  # fmt: skip
    return petition


@pytest.fixture
def village(world: World) -> Any:
    return areas.area_create(
        actor=None, parent=world.commune_a, code="16813-03", name="Thôn 3",
        level=AreaLevel.VILLAGE, valid_from=REFORM,
    )  # fmt: skip


@pytest.fixture
def cases(world: World, village: Any, file_petition: FilePetition) -> dict[str, Petition]:
    """Commune A's Front: on time (in a village, satisfied), late (not satisfied), on time only
    thanks to an extension, and a duplicate merged away; commune B's Front: one overdue."""
    on_time = settled(file_petition, D(2026, 9, 21), "satisfied", area=village)  # 20 days
    late = file_petition(received_on=RECEIVED)
    services_petitions.petition_accept(
        actor=None, petition=late, accepted_on=D(2026, 9, 2), today=TODAY
    )
    Petition.objects.filter(pk=late.pk).update(due_on=D(2026, 9, 10))
    services_petitions.petition_settle(
        actor=None, petition=late, result="Muộn", settled_on=D(2026, 9, 30), today=TODAY
    )
    services_petitions.petition_confirm(actor=None, petition=Petition.objects.get(pk=late.pk),
                              confirmation="not_satisfied", confirmed_on=D(2026, 9, 30), today=TODAY)  # fmt: skip
    extended = file_petition(received_on=RECEIVED)
    services_petitions.petition_accept(
        actor=None, petition=extended, accepted_on=D(2026, 9, 2), today=TODAY
    )
    extended.refresh_from_db()
    assert extended.settle_due == D(2026, 10, 14)  # 31/8–2/9 off
    services_petitions.petition_extend(actor=None, petition=extended, working_days=10, reason="Khảo sát",
                             decided_on=D(2026, 10, 1), today=TODAY)  # fmt: skip
    settle_on = D(2026, 10, 20)  # after the law's date, before the extended one (28/10)
    services_petitions.petition_settle(
        actor=None, petition=extended, result="Xong", settled_on=settle_on, today=TODAY
    )
    duplicate = file_petition(received_on=RECEIVED)
    services_petitions.petition_merge(actor=None, petition=duplicate, into=on_time, today=TODAY)
    overdue = file_petition(
        organization=world.front_b, area=world.commune_b, received_on=D(2026, 10, 1)
    )
    earlier = file_petition(
        organization=world.front_b, area=world.commune_b, received_on=D(2026, 3, 2)
    )
    services_petitions.petition_accept(
        actor=None, petition=earlier, accepted_on=D(2026, 3, 3), today=TODAY
    )
    services_petitions.petition_settle(
        actor=None, petition=earlier, result="Xong", settled_on=D(2026, 3, 20), today=TODAY
    )
    return {"on_time": on_time, "late": late, "extended": extended, "duplicate": duplicate,
            "overdue": overdue, "earlier": earlier}  # fmt: skip


def test_by_unit(world: World, cases: dict[str, Petition]) -> None:
    lines = scorecard.by_unit(ReportingScope.of(world.commission), S2)
    assert [ln.key for ln in lines] == [world.front_a.pk, world.front_b.pk]
    a, b = lines
    assert a.name == world.front_a.name
    assert (a.received, a.settled, a.on_time, a.on_time_pct) == (3, 3, 2, 66.7)
    assert a.median_days == 29.0  # 20, 29 and 49 days from receipt
    assert (a.confirmed, a.satisfied, a.satisfied_pct) == (2, 1, 50.0)
    assert (b.received, b.settled, b.on_time_pct, b.open_overdue) == (1, 0, None, 1)
    assert a.as_dict()["on_time_pct"] == 66.7 and a.as_dict()["overdue_open"] == 0
    # The scope is the scope: commune B's Front alone.
    only_b = scorecard.by_unit(ReportingScope.of(world.front_b), S2)
    assert [ln.key for ln in only_b] == [world.front_b.pk]


def test_the_extended_deadline_decides_on_time(cases: dict[str, Petition]) -> None:
    extended = Petition.objects.get(pk=cases["extended"].pk)
    assert extended.settled_on > extended.settle_due  # type: ignore[operator]
    assert extended.settled_on_time is True
    assert Petition.objects.get(pk=cases["late"].pk).settled_on_time is False


def test_by_area_puts_a_village_under_its_commune(world: World, cases: dict[str, Petition]) -> None:
    lines = scorecard.by_area(ReportingScope.of(world.commission), S2)
    assert [(ln.key, ln.name, ln.received, ln.settled) for ln in lines] == [
        (world.commune_a.pk, world.commune_a.name, 3, 3),
        (world.commune_b.pk, world.commune_b.name, 1, 0),
    ]
    assert lines[0].median_days == 29.0


def test_total_and_trend_over_four_periods(world: World, cases: dict[str, Petition]) -> None:
    scope = ReportingScope.of(world.commission)
    total = scorecard.total(scope, S2)
    assert (total.received, total.settled, total.on_time, total.open_overdue) == (4, 3, 2, 1)
    trend = scorecard.trend(scope, S2)
    assert [code for code, _line in trend] == ["2025S1", "2025S2", "2026S1", "2026S2"]
    assert [line.settled for _code, line in trend] == [0, 0, 1, 3]
    assert [line.received for _code, line in trend] == [0, 0, 1, 4]
    assert len(scorecard.trend(scope, periods.parse("2026"), count=2)) == 2


def test_conferences_are_due_from_the_commune_peoples_committees(
    world: World, tinh: Any, hold_dialogue: Callable[..., Dialogue]
) -> None:
    def committee(parent: Organization, area: Any, name: str) -> Organization:
        return org_services.organization_create(
            actor=None, parent=parent, name=name, kind=kind("government"), area=area
        )

    ubnd_a = committee(world.party_a, world.commune_a, "UBND xã Mường Xén")
    ubnd_b = committee(world.party_b, world.commune_b, "UBND xã Mỹ Lý")
    conference = hold_dialogue(tinh, organization=ubnd_a, host_role="committee_chair")
    services.dialogue_hold(
        actor=tinh, dialogue=conference, participants=90, issues_raised="Đường", today=TODAY
    )
    direct = hold_dialogue(tinh, kind=DialogueKind.DIRECT)  # party A: not a conference, owes none
    services.dialogue_hold(
        actor=tinh, dialogue=direct, participants=30, issues_raised="Đất", today=TODAY
    )
    lines = {ln.key: ln for ln in scorecard.by_unit(ReportingScope.of(world.commission), S2)}
    assert (lines[ubnd_a.pk].dialogues_held, lines[ubnd_a.pk].dialogues_due) == (1, 1)
    # Commune B's committee did nothing: it is listed, owing its conference.
    assert (lines[ubnd_b.pk].name, lines[ubnd_b.pk].dialogues_held, lines[ubnd_b.pk].dialogues_due) == (
        "UBND xã Mỹ Lý", 0, 1
    )  # fmt: skip
    assert (lines[world.party_a.pk].dialogues_held, lines[world.party_a.pk].dialogues_due) == (1, 0)
    assert set(lines) == {ubnd_a.pk, ubnd_b.pk, world.party_a.pk}
    # The whole term owes one conference a year.
    term = {
        ln.key: ln
        for ln in scorecard.by_unit(ReportingScope.of(world.commission), periods.parse("2026-2030"))
    }
    assert term[ubnd_b.pk].dialogues_due == 5


def test_by_unit_queries_do_not_grow_with_the_units(
    world: World, file_petition: FilePetition
) -> None:
    scope = ReportingScope.of(world.commission)

    def add_units(count: int) -> None:
        for i in range(count):
            parent = world.party_a if i % 2 else world.party_b
            area = world.commune_a if i % 2 else world.commune_b
            org = org_services.organization_create(
                actor=None, parent=parent, name=f"Đơn vị {Organization.objects.count()}",
                kind=kind("government" if i % 3 == 0 else "mass_organization"), area=area,
            )  # fmt: skip
            settled(file_petition, D(2026, 9, 21), "satisfied", organization=org, area=area)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            lines = scorecard.by_unit(scope, S2)
            scorecard.by_area(scope, S2)
        assert lines
        return len(captured)

    add_units(3)
    few = queries()
    add_units(9)
    assert len(scorecard.by_unit(scope, S2)) >= 12
    assert queries() == few
