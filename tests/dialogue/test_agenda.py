"""The dialogue app's agenda: petitions of the current stage, commitments past their date,
dialogues to record and publish, personal data requests to acknowledge."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest
from django.test import Client

from danvan.accounts.models import User
from danvan.dashboard.models import Notification
from danvan.dialogue import reminders, services, services_petitions, services_privacy
from danvan.dialogue.agenda import (
    commitments_late,
    data_requests_to_acknowledge,
    dialogues_to_publish,
    petitions_due,
    petitions_not_satisfied,
)
from danvan.dialogue.models import Commitment, Dialogue, Petition, PetitionKind
from danvan.lib import agenda
from danvan.lib.notify import key_of
from danvan.org.models import Role
from tests.conftest import World
from tests.dialogue.conftest import TODAY
from tests.factories import member
from tests.org.test_api import bearer

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


def settled(
    file_petition: FilePetition, xa: User, handler: User | None, **fields: object
) -> Petition:
    petition = file_petition(**fields)
    services_petitions.petition_accept(
        actor=fresh(xa), petition=petition, accepted_on=TODAY, handler=handler, today=TODAY
    )
    return services_petitions.petition_settle(
        actor=fresh(xa), petition=petition, result="Đã sửa đường", settled_on=TODAY, today=TODAY
    )


def test_a_rejected_answer_waits_for_the_handler_to_reopen_or_explain(
    world: World, xa, xa2, file_petition: FilePetition, mailoutbox,
    django_capture_on_commit_callbacks, english,
):  # fmt: skip
    officer = member(world.front_a, Role.SPECIALIST, email="canbo.mtxa@example.vn")
    rejected = settled(file_petition, xa, officer)
    kept = settled(file_petition, xa, officer, summary="Đề nghị lắp đèn đường thôn 5")
    with django_capture_on_commit_callbacks(execute=True):
        services_petitions.petition_confirm(actor=None, petition=kept, confirmation="satisfied")
    assert mailoutbox == [] and not Notification.objects.filter(key=key_of(kept)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services_petitions.petition_confirm(
            actor=None, petition=rejected, confirmation="not_satisfied",
            comment="Đường vẫn sạt, gọi tôi 0987654321", today=TODAY,
        )  # fmt: skip

    # Told at once: the handler named on the case, not the unit's other officers.
    told = Notification.objects.get(key=key_of(rejected))
    assert told.user == officer and told.read_at is None
    assert told.url == f"/dialogue/petitions/{rejected.pk}/"
    [mail] = mailoutbox
    assert mail.to == [officer.email] and rejected.code in mail.subject
    assert "Đường vẫn sạt" in mail.body and "0987654321" not in mail.body  # masked
    assert f"/dialogue/petitions/{rejected.pk}/" in mail.body and "&" not in mail.body

    # On the handler's agenda for the set days, with «Reopen».
    [item] = agenda.for_user(fresh(officer), TODAY, kinds=["dialogue.not_satisfied"])
    assert item.key == f"{key_of(rejected)}:not_satisfied" and item.url == told.url
    assert item.what == "The citizen is not satisfied: reopen or explain the answer"
    assert item.due_on == TODAY + 15 * DAY
    assert item.action is not None and item.action.url.endswith("#action-reopen")
    assert petitions_not_satisfied(fresh(officer), TODAY + 15 * DAY) != []
    assert petitions_not_satisfied(fresh(officer), TODAY + 16 * DAY) == []  # the days are over
    assert keys(xa, "dialogue.not_satisfied") == []  # a handler answers for it
    assert keys(xa2, "dialogue.not_satisfied") == []

    with django_capture_on_commit_callbacks(execute=True):
        services_petitions.petition_reopen(
            actor=fresh(officer), petition=rejected, reason="Kiểm tra lại hiện trường", today=TODAY
        )
    told.refresh_from_db()
    assert told.read_at is not None
    assert keys(officer, "dialogue.not_satisfied") == []
    again = petitions_due(fresh(officer), TODAY + 45 * DAY)  # a new settlement clock
    assert [i.key for i in again] == [key_of(rejected)]


def test_without_a_handler_the_unit_is_told(
    world: World, xa, xa2, file_petition: FilePetition, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    petition = settled(file_petition, xa, None)
    with django_capture_on_commit_callbacks(execute=True):
        services_petitions.petition_confirm(
            actor=fresh(xa), petition=petition, confirmation="not_satisfied", today=TODAY
        )
    assert list(
        Notification.objects.filter(key=key_of(petition)).values_list("user", flat=True)
    ) == [xa.pk]
    assert [m.to for m in mailoutbox] == [[xa.email]]
    assert keys(xa, "dialogue.not_satisfied") == [f"{key_of(petition)}:not_satisfied"]
    assert keys(xa2, "dialogue.not_satisfied") == []


def test_the_citizen_rejects_the_answer_on_the_tracking_page_and_the_handler_sees_it(
    world: World, xa, xa2, file_petition: FilePetition, as_user, django_capture_on_commit_callbacks
):
    officer = member(world.front_a, Role.SPECIALIST)
    petition = settled(file_petition, xa, officer)
    with django_capture_on_commit_callbacks(execute=True):
        sent = Client().post(
            f"/kien-nghi/tra-cuu/{petition.code}/xac-nhan/",
            {"confirmation": "not_satisfied", "comment": "Chưa sửa xong"},
        )
    assert sent.status_code == 302
    page = as_user(officer).get("/agenda/")
    html = page.content.decode()
    assert page.status_code == 200 and petition.code in html
    assert "Công dân chưa hài lòng: mở lại hoặc giải thích kết quả" in html
    link = f"/dialogue/petitions/{petition.pk}/?open=reopen#action-reopen"
    assert link in html
    opened = as_user(officer).get(link.split("#")[0]).content.decode()
    assert 'id="action-reopen" open>' in opened  # the reason's form, ready
    assert 'id="action-reopen" open>' not in as_user(officer).get(link.split("?")[0]).text
    assert petition.code not in as_user(xa2).get("/agenda/").content.decode()


def test_an_officer_records_the_rejection_through_the_api_and_it_is_on_the_agenda(
    world: World, xa, xa2, file_petition: FilePetition
):
    officer = member(world.front_a, Role.SPECIALIST)
    petition = settled(file_petition, xa, officer)
    url = f"/api/v1/petitions/{petition.pk}/confirm"
    body = json.dumps({"confirmation": "not_satisfied", "comment": "Công dân gọi điện báo"})
    refused = bearer(xa2).post(url, body, content_type="application/json")
    assert refused.status_code == 404  # another commune's petition
    done = bearer(officer).post(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["confirmation"] == "not_satisfied"
    entries = bearer(officer).get("/api/v1/me/agenda").json()
    [entry] = [e for e in entries if e["kind"] == "dialogue.not_satisfied"]
    assert entry["key"] == f"{key_of(petition)}:not_satisfied"
    assert entry["action"]["url"] == f"/dialogue/petitions/{petition.pk}/?open=reopen#action-reopen"
    others = bearer(xa2).get("/api/v1/me/agenda").json()
    assert [e for e in others if e["kind"] == "dialogue.not_satisfied"] == []


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
            "rejected": petitions_not_satisfied,
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

    def reject(summary: str) -> None:
        answered = settled(file_petition, xa, None, summary=summary)
        services_petitions.petition_confirm(
            actor=None, petition=answered, confirmation="not_satisfied", today=TODAY
        )

    reject("Đề nghị lắp đèn đường thôn 5")
    counted(xa, {"petitions": 1, "rejected": 1})
    counted(officer, {"dialogues": 1, "commitments": 1})
    counted(quantri, {"requests": 1})

    for n in range(9):
        more = file_petition(summary=f"Kiến nghị số {n} về đường giao thông nông thôn")
        services_privacy.data_request_create(
            actor=None, petition=more, kind="see", received_on=TODAY, today=TODAY
        )
        commit(dialogue, TODAY - (2 + n) * DAY, responsible=world.front_a)
        held(hold_dialogue, title=f"Hội nghị đối thoại số {n}")
        reject(f"Đề nghị nạo vét kênh mương số {n}")
    counted(xa, {"petitions": 10, "rejected": 10})
    counted(officer, {"dialogues": 10, "commitments": 10})
    counted(quantri, {"requests": 10})
