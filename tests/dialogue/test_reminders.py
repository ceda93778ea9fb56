"""Reminders on petitions and commitments (due soon, overdue, escalated), each once per
deadline, an extension starting them again; the daily upkeep closes unconfirmed answers."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dialogue import reminders, services, services_petitions, tasks
from danvan.dialogue.models import Commitment, Dialogue, Petition, PetitionState
from danvan.lib import reminders as registry
from danvan.org.models import Role
from tests.conftest import World
from tests.dialogue.conftest import TODAY
from tests.factories import member

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)


@pytest.fixture
def bithu(world: World) -> User:
    """A leader of commune A's Party committee, above the Front: hears of what is long overdue."""
    return member(world.party_a, Role.LEADER, email="bithu@example.vn")


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Callable[..., list[list[str]]]:
    def sent(send: Callable[..., int], day: datetime.date) -> list[list[str]]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            count = send(today=day)
        assert count == len(mail.outbox)
        return sorted(m.to for m in mail.outbox)

    return sent


def test_petition_reminders_once_per_deadline(
    world: World, xa: User, xa2: User, bithu: User, run: Callable[..., list[list[str]]],
    file_petition: Callable[..., Petition],
) -> None:  # fmt: skip
    petition = file_petition()
    services_petitions.petition_accept(
        actor=None, petition=petition, accepted_on=D(2026, 12, 2), today=TODAY
    )
    petition.refresh_from_db()
    assert petition.due_on == D(2027, 1, 14)
    send = reminders.send_petition_reminders
    assert run(send, D(2027, 1, 6)) == []
    assert run(send, D(2027, 1, 7)) == [["xa@example.vn"]]  # 7 days before
    body = mail.outbox[0].body
    assert petition.code in body and f"/dialogue/petitions/{petition.pk}/" in body
    assert "14/01/2027" in body
    assert "Nguyễn Văn Thành" not in body and "0912345678" not in body  # never the person
    assert run(send, D(2027, 1, 8)) == []  # once
    assert run(send, D(2027, 1, 15)) == [["xa@example.vn"]]  # overdue
    assert run(send, D(2027, 1, 16)) == []
    assert run(send, D(2027, 1, 29)) == [["bithu@example.vn"]]  # 15 days: the unit above
    assert run(send, D(2027, 1, 30)) == []
    # An extension gives a new deadline: the reminders start again.
    services_petitions.petition_extend(actor=xa, petition=petition, working_days=10, reason="Khảo sát",
                             decided_on=D(2027, 1, 20), today=D(2027, 1, 20))  # fmt: skip
    petition.refresh_from_db()
    assert petition.due_on == D(2027, 1, 28)
    assert run(send, D(2027, 1, 21)) == [["xa@example.vn"]]
    assert run(send, D(2027, 1, 22)) == []
    # Named to a handler, the petition's reminders go to them alone.
    services_petitions.petition_assign(actor=xa, petition=petition, handler=xa)
    member(world.front_a, Role.SPECIALIST, email="canbo@example.vn")
    assert run(send, D(2027, 1, 29)) == [["xa@example.vn"]]
    # Settled, it is not reminded of any more.
    services_petitions.petition_settle(actor=xa, petition=petition, result="Xong", settled_on=D(2027, 2, 1),
                             today=D(2027, 2, 1))  # fmt: skip
    assert run(send, D(2027, 3, 1)) == []


def test_a_unit_without_officers_is_reminded_once_it_has_one(
    world: World, run: Callable[..., list[list[str]]], file_petition: Callable[..., Petition]
) -> None:
    file_petition()  # acceptance due 15/12/2026, nobody in commune A's Front yet
    assert run(reminders.send_petition_reminders, D(2026, 12, 9)) == []
    member(world.front_a, Role.REPORTER, email="moi@example.vn")
    assert run(reminders.send_petition_reminders, D(2026, 12, 10)) == [["moi@example.vn"]]


def test_commitment_reminders(
    world: World, tinh: User, xa: User, bithu: User, run: Callable[..., list[list[str]]],
    hold_dialogue: Callable[..., Dialogue],
) -> None:  # fmt: skip
    dialogue = hold_dialogue(tinh)
    services.dialogue_hold(
        actor=tinh, dialogue=dialogue, participants=80, issues_raised="Đường", today=TODAY
    )
    road = services.commitment_add(actor=tinh, dialogue=dialogue, text="Sửa đoạn đường sạt lở",
                                   due_on=D(2026, 12, 20), responsible=world.front_a)  # fmt: skip
    services.commitment_add(actor=tinh, dialogue=dialogue, text="Lắp đèn đường", due_on=D(2027, 3, 1),
                            responsible_name="Công ty điện lực")  # fmt: skip
    send = reminders.send_commitment_reminders
    assert run(send, D(2026, 12, 12)) == []
    assert run(send, D(2026, 12, 13)) == [["xa@example.vn"]]
    body = mail.outbox[0].body
    assert "Sửa đoạn đường sạt lở" in body and f"#commitment-{road.pk}" in body
    assert run(send, D(2026, 12, 14)) == []
    assert run(send, D(2026, 12, 21)) == [["xa@example.vn"]]  # overdue
    assert run(send, D(2027, 1, 4)) == [["bithu@example.vn"]]  # escalated to the host's leaders
    Commitment.objects.filter(pk=road.pk).update(due_on=D(2027, 1, 10))  # a new date agreed
    assert run(send, D(2027, 1, 5)) == [["xa@example.vn"]]
    services.commitment_keep(actor=tinh, commitment=road, done_on=D(2027, 1, 6), evidence="Biên bản",
                             today=D(2027, 1, 6))  # fmt: skip
    assert run(send, D(2027, 1, 20)) == []
    # An outside body is not in danvan: the host unit's leaders are told.
    assert run(send, D(2027, 2, 25)) == [["bithu@example.vn"]]


def test_settled_petitions_left_unconfirmed_are_closed(
    xa: User, file_petition: Callable[..., Petition]
) -> None:
    waited = settings.DANVAN_PETITION_DAYS["auto_close"]
    petition = file_petition()
    services_petitions.petition_accept(
        actor=xa, petition=petition, accepted_on=D(2026, 12, 2), today=TODAY
    )
    services_petitions.petition_settle(
        actor=xa, petition=petition, result="Xong", settled_on=TODAY, today=TODAY
    )
    assert services_petitions.close_unconfirmed(today=TODAY + waited * DAY) == 0  # still waiting
    assert services_petitions.close_unconfirmed(today=TODAY + (waited + 1) * DAY) == 1
    petition.refresh_from_db()
    assert (petition.state, petition.closed_on, petition.confirmation) == (
        PetitionState.CLOSED, TODAY + (waited + 1) * DAY, ""
    )  # fmt: skip
    last = petition.history.latest("history_date")
    assert (last.history_verb, last.history_user) == ("closed", None)
    assert services_petitions.close_unconfirmed(today=TODAY + (waited + 2) * DAY) == 0


def test_the_reminders_command_runs_the_dialogue_jobs(
    world: World,
    xa: User,
    file_petition: Callable[..., Petition],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert tasks.petition_reminders in registry.jobs()
    assert tasks.daily_upkeep in registry.jobs()
    today = timezone.localdate()
    due = file_petition(received_on=TODAY)
    Petition.objects.filter(pk=due.pk).update(due_on=today + 3 * DAY)
    waiting = file_petition()
    services_petitions.petition_accept(
        actor=None, petition=waiting, accepted_on=D(2026, 12, 2), today=TODAY
    )
    services_petitions.petition_settle(
        actor=None, petition=waiting, result="Xong", settled_on=TODAY, today=TODAY
    )
    Petition.objects.filter(pk=waiting.pk).update(settled_on=today - 31 * DAY)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reminders", stdout=out)
    assert "petition_reminders: queued (SUCCESSFUL)" in out.getvalue()
    assert "daily_upkeep: queued (SUCCESSFUL)" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]
    assert due.code in mail.outbox[0].body
    assert Petition.objects.get(pk=waiting.pk).state == PetitionState.CLOSED


def test_the_run_reads_officers_once_whatever_the_number_of_petitions(
    world: World, xa: User, xa2: User, bithu: User, file_petition: Callable[..., Petition]
) -> None:
    """Recipients are read for all units at once and reminders recorded in bulk: the queries
    do not grow with the petitions (the nation's daily run, bench/RESULTS.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        for i in range(count):
            org, area = (
                (world.front_a, world.commune_a) if i % 2 else (world.front_b, world.commune_b)
            )
            file_petition(organization=org, area=area, received_on=TODAY - 40 * DAY)
        with CaptureQueriesContext(connection) as captured:
            reminders.send_petition_reminders(today=TODAY)
        return len(captured)

    few = queries(2)
    many = queries(10)
    assert few == many
