"""The figures the half-year report derives from dialogue records, through lib/figures."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest

from danvan.accounts.models import User
from danvan.dialogue import figures, services, services_petitions
from danvan.dialogue.models import Dialogue, Petition, Reception
from danvan.lib import figures as registry
from danvan.lib import periods
from danvan.org.scopes import ReportingScope
from tests.conftest import World
from tests.dialogue.conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
KEYS = [
    "dialogue.petitions_received",
    "dialogue.petitions_settled",
    "dialogue.petitions_settled_on_time",
    "dialogue.dialogues_held",
    "dialogue.reception_days",
    "dialogue.commitments_kept",
]


def test_the_figures_are_registered() -> None:
    for key in KEYS:
        source = registry.get(key)
        assert source is not None, key
        assert source.group == "dialogue"
    assert registry.get("dialogue.petitioners") is None
    url = registry.records_url("dialogue.petitions_received", 7, periods.parse("2026S2"))
    assert url == "/dialogue/?received_from=2026-07-01&received_to=2026-12-31&organization=7"


def test_the_figures_over_a_scope_and_period(
    world: World,
    tinh: User,
    file_petition: Callable[..., Petition],
    hold_dialogue: Callable[..., Dialogue],
    record_reception: Callable[..., Reception],
    django_assert_num_queries: Callable[..., object],
) -> None:
    on_time = file_petition(received_on=D(2026, 11, 2))
    services_petitions.petition_accept(
        actor=None, petition=on_time, accepted_on=D(2026, 11, 3), today=TODAY
    )
    services_petitions.petition_settle(
        actor=None, petition=on_time, result="Xong", settled_on=TODAY, today=TODAY
    )
    late = file_petition(received_on=D(2026, 11, 2))
    services_petitions.petition_accept(
        actor=None, petition=late, accepted_on=D(2026, 11, 3), today=TODAY
    )
    Petition.objects.filter(pk=late.pk).update(due_on=D(2026, 11, 20))
    services_petitions.petition_settle(
        actor=None, petition=late, result="Xong", settled_on=TODAY, today=TODAY
    )
    services_petitions.petition_merge(
        actor=None, petition=file_petition(), into=late, today=TODAY
    )  # not counted
    file_petition(received_on=D(2026, 6, 30))  # the half year before
    file_petition(organization=world.front_b, area=world.commune_b)  # commune B
    held = hold_dialogue(tinh)
    services.dialogue_hold(
        actor=tinh, dialogue=held, participants=50, issues_raised="Đường", today=TODAY
    )
    hold_dialogue(
        tinh, held_on=TODAY + datetime.timedelta(days=10), announced_on=TODAY
    )  # announced only
    kept = services.commitment_add(actor=tinh, dialogue=held, text="Sửa đường", due_on=TODAY,
                                   responsible=world.front_a)  # fmt: skip
    services.commitment_keep(
        actor=tinh, commitment=kept, done_on=TODAY, evidence="Biên bản", today=TODAY
    )
    services.commitment_add(
        actor=tinh, dialogue=held, text="Đèn", due_on=TODAY, responsible_name="UBND"
    )
    record_reception(tinh)
    record_reception(tinh, host_role="committee_chair")  # the same day: one reception day
    record_reception(tinh, held_on=TODAY - datetime.timedelta(days=6))

    period = periods.parse("2026S2")
    with django_assert_num_queries(4):
        found = figures.dialogue_figures(ReportingScope.of(world.party_a), period)
    assert found == {
        "petitions_received": 2,
        "petitions_settled": 2,
        "petitions_settled_on_time": 1,
        "dialogues_held": 1,
        "reception_days": 2,
        "commitments_kept": 1,
    }
    whole = figures.dialogue_figures(ReportingScope.of(world.commission), period)
    assert whole["petitions_received"] == 3
    assert figures.dialogue_figures(
        ReportingScope.of(world.front_b), periods.parse("2026S1")
    ) == dict.fromkeys(found, 0)
    calculator = registry.Calculator()
    assert calculator.value(
        "dialogue.petitions_settled_on_time", ReportingScope.of(world.party_a), period
    ) == (Decimal(1))
    # A pivot's rows: the same four queries for any number of units, each unit's own figures.
    units = [ReportingScope.of(world.party_a), ReportingScope.of(world.party_b)]
    with django_assert_num_queries(4):
        together = figures.dialogue_figures_of(units, period)
    assert together == [found, figures.dialogue_figures(units[1], period)]
    assert together[1]["petitions_received"] == 1  # commune B's
    # Overlapping scopes (a dissolved unit's old members count towards their successor too):
    # a second batch of disjoint ones, four more queries.
    with django_assert_num_queries(8):
        nested = figures.dialogue_figures_of([ReportingScope.of(world.commission), *units], period)
    assert nested == [whole, *together]
