"""The dialogue app's agenda: petitions of the current stage, commitments past their date,
dialogues to record and publish, personal data requests to acknowledge."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from danvan.accounts.models import User
from danvan.dashboard.models import Notification
from danvan.dialogue import reminders, services, services_petitions, services_privacy
from danvan.dialogue.agenda import (
    commitments_late,
    data_requests_to_acknowledge,
    dialogues_to_publish,
    petitions_due,
)
from danvan.dialogue.models import Commitment, Dialogue, Petition, PetitionKind
from danvan.lib import agenda
from danvan.lib.notify import key_of
from danvan.org.models import Role
from tests.conftest import World
from tests.dialogue.conftest import TODAY
from tests.factories import member

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
FilePetition = Callable[..., Petition]
HoldDialogue = Callable[..., Dialogue]


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def keys(user: User, kind: str) -> list[str]:
    return [i.key for i in agenda.for_user(fresh(user), TODAY, kinds=[kind])]


def held(make: HoldDialogue, **fields: object) -> Dialogue:
    dialogue = make(**fields)
    return services.dialogue_hold(
        actor=None,
        dialogue=dialogue,
        participants=120,
        issues_raised="Đường liên thôn",
        today=TODAY,
    )


def commit(dialogue: Dialogue, due_on: datetime.date, **fields: object) -> Commitment:
    values: dict[str, object] = {"text": "Sửa đường liên thôn trước mùa mưa", "due_on": due_on}
    values.update(fields)
    return services.commitment_add(actor=None, dialogue=dialogue, **values)  # type: ignore[arg-type]


# --- Petitions --------------------------------------------------------------------------------


def test_the_handling_unit_accepts_its_petitions_and_nobody_else(
    world: World, xa, xa2, tinh, outsider, file_petition: FilePetition, english
):
    mine = file_petition()
    theirs = file_petition(organization=world.front_b, area=world.commune_b)
    complaint = file_petition(kind=PetitionKind.COMPLAINT, summary="Khiếu nại quyết định thu hồi")

    items = agenda.for_user(fresh(xa), TODAY, kinds=["dialogue.petition"])
    assert {i.key for i in items} == {key_of(mine), key_of(complaint)}
    first = next(i for i in items if i.key == key_of(mine))
    assert first.what == "Accept or refuse the petition"
    assert first.url == f"/dialogue/petitions/{mine.pk}/" and first.due_on == mine.due_on
    assert first.action is not None and first.action.url.endswith("#action-accept")
    refer = next(i for i in items if i.key == key_of(complaint))
    assert refer.action is not None and refer.action.url.endswith("#action-refer")
    assert keys(xa2, "dialogue.petition") == [key_of(theirs)]
    assert keys(tinh, "dialogue.petition") == []  # the province sees them; the commune handles
    assert keys(outsider, "dialogue.petition") == []


def test_a_named_handler_settles_it_and_it_leaves(
    world: World, xa, file_petition: FilePetition, django_capture_on_commit_callbacks, english
):
    officer = member(world.front_a, Role.SPECIALIST)
    petition = file_petition()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_petition_reminders(today=petition.due_on - 2 * DAY) >= 1
    reminder = Notification.objects.get(user=xa, key=key_of(petition))
    assert reminder.url == f"/dialogue/petitions/{petition.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        services_petitions.petition_accept(
            actor=fresh(xa), petition=petition, accepted_on=TODAY, handler=officer, today=TODAY
        )
    reminder.refresh_from_db()
    assert reminder.read_at is not None  # the acceptance is done
    assert keys(xa, "dialogue.petition") == []  # the handler named answers for it now
    items = petitions_due(fresh(officer), TODAY + 20 * DAY)
    assert [i.key for i in items] == [key_of(petition)]
    assert items[0].what == "Settle the petition"

    services_petitions.petition_settle(
        actor=fresh(officer), petition=petition, result="Đã sửa đường", settled_on=TODAY,
        today=TODAY,
    )  # fmt: skip
    assert petitions_due(fresh(officer), TODAY + 20 * DAY) == []


# --- Commitments and dialogues ----------------------------------------------------------------


def test_commitments_past_their_date_wait_for_the_host_and_the_unit_responsible(
    world: World, xa, xa2, hold_dialogue: HoldDialogue, django_capture_on_commit_callbacks
):
    host = member(world.party_a, Role.SPECIALIST)
    dialogue = held(hold_dialogue)
    late = commit(dialogue, TODAY - 1 * DAY, responsible=world.front_a)
    commit(dialogue, TODAY + 5 * DAY, responsible=world.front_a)  # not past its date
    outside = commit(dialogue, TODAY - 3 * DAY, responsible_name="Công ty điện lực")
    # The Front's own dialogue, where it commits itself.
    own = held(hold_dialogue, organization=world.front_a, title="Đối thoại của Mặt trận xã")
    front = commit(own, TODAY - 2 * DAY, responsible=world.front_a)

    items = agenda.for_user(fresh(host), TODAY, kinds=["dialogue.commitment"])
    assert [i.key for i in items] == [key_of(outside), key_of(late)]  # not the Front's own
    last = items[1]
    assert last.url == f"/dialogue/dialogues/{dialogue.pk}/#commitment-{late.pk}"
    assert last.unit == world.front_a.name and last.days_late(TODAY) == 1
    assert items[0].unit == world.party_a.name  # a body outside danvan: the host answers
    # The Front sees its own dialogue, not the Party committee's (nor commune B's anything).
    assert keys(xa, "dialogue.commitment") == [key_of(front)]
    assert keys(xa2, "dialogue.commitment") == []

    reminder = Notification.objects.create(
        user=host, kind="reminder", title=str(late), key=key_of(late)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.commitment_keep(
            actor=fresh(host), commitment=late, done_on=TODAY, evidence="Biên bản nghiệm thu",
            today=TODAY,
        )  # fmt: skip
    assert keys(host, "dialogue.commitment") == [key_of(outside)]
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_commitment_reminders_open_the_dialogue(
    world: World, xa, hold_dialogue: HoldDialogue, django_capture_on_commit_callbacks
):
    dialogue = held(hold_dialogue, organization=world.front_a)
    soon = commit(dialogue, TODAY + 3 * DAY, responsible=world.front_a)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_commitment_reminders(today=TODAY)
    told = Notification.objects.get(user=xa, key=key_of(soon))
    assert told.url == f"/dialogue/dialogues/{dialogue.pk}/#commitment-{soon.pk}"


def test_dialogues_to_record_and_publish(
    world: World, xa, xa2, hold_dialogue: HoldDialogue, english
):
    officer = member(world.party_a, Role.REPORTER)
    to_publish = held(hold_dialogue)
    to_record = hold_dialogue(title="Đối thoại chuyên đề về đất đai", held_on=TODAY - 2 * DAY,
                              announced_on=TODAY - 12 * DAY)  # fmt: skip
    hold_dialogue(title="Đối thoại sắp tới", held_on=TODAY + 9 * DAY, announced_on=TODAY)
    published = held(hold_dialogue, title="Đối thoại đã công bố")
    services.dialogue_publish(
        actor=None, dialogue=published, results="Kết quả", published_on=TODAY, today=TODAY
    )

    items = agenda.for_user(fresh(officer), TODAY, kinds=["dialogue.dialogue"])
    assert [i.key for i in items] == [key_of(to_publish), key_of(to_record)]
    assert items[0].what == "Publish the results of the dialogue"
    assert items[0].due_on == to_publish.publish_due and items[0].days_late(TODAY) == 10
    assert items[0].action is not None and items[0].action.url.endswith("#action-publish")
    assert items[1].action is not None and items[1].action.url.endswith("#action-hold")
    assert keys(xa, "dialogue.dialogue") == []  # the Front does not hold the Party's dialogue
    assert keys(xa2, "dialogue.dialogue") == []


# --- Personal data requests -------------------------------------------------------------------


def test_administrators_acknowledge_data_requests(
    world: World, quantri, xa, file_petition: FilePetition, english
):
    petition = file_petition()
    request = services_privacy.data_request_create(
        actor=None, petition=petition, kind="see", received_on=TODAY, today=TODAY
    )
    items = data_requests_to_acknowledge(fresh(quantri), TODAY)
    assert [i.key for i in items] == [key_of(request)]
    assert items[0].due_on == request.acknowledge_due
    assert items[0].url == f"/dialogue/data-requests/#request-{request.pk}"
    assert data_requests_to_acknowledge(fresh(xa), TODAY) == []
    services_privacy.data_request_acknowledge(actor=fresh(quantri), request=request)
    assert data_requests_to_acknowledge(fresh(quantri), TODAY) == []


# --- Query counts -----------------------------------------------------------------------------


def test_the_query_counts_do_not_grow(
    world: World, xa, quantri, file_petition: FilePetition, hold_dialogue: HoldDialogue,
    django_assert_max_num_queries,
):  # fmt: skip
    officer = member(world.party_a, Role.SPECIALIST)

    def counted(user: User, expected: dict[str, int]) -> None:
        sources = {
            "petitions": petitions_due,
            "commitments": commitments_late,
            "dialogues": dialogues_to_publish,
            "requests": data_requests_to_acknowledge,
        }
        for name, count in expected.items():
            reader = fresh(user)
            with django_assert_max_num_queries(2):  # the user's scope, the records
                assert len(sources[name](reader, TODAY)) == count

    petition = file_petition()
    services_privacy.data_request_create(
        actor=None, petition=petition, kind="see", received_on=TODAY, today=TODAY
    )
    dialogue = held(hold_dialogue)
    commit(dialogue, TODAY - 1 * DAY, responsible=world.front_a)
    counted(xa, {"petitions": 1})
    counted(officer, {"dialogues": 1, "commitments": 1})
    counted(quantri, {"requests": 1})

    for n in range(9):
        more = file_petition(summary=f"Kiến nghị số {n} về đường giao thông nông thôn")
        services_privacy.data_request_create(
            actor=None, petition=more, kind="see", received_on=TODAY, today=TODAY
        )
        commit(dialogue, TODAY - (2 + n) * DAY, responsible=world.front_a)
        held(hold_dialogue, title=f"Hội nghị đối thoại số {n}")
    counted(xa, {"petitions": 10})
    counted(officer, {"dialogues": 10, "commitments": 10})
    counted(quantri, {"requests": 10})
