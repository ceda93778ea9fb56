"""Petition services: accept, refuse, refer, assign, extend, settle, confirm, close, reopen and
merge; each refusal (Conflict for the state, ValidationError naming the field, PermissionDenied
for the role) saves nothing; the history records the act."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.accounts.models import User
from danvan.dialogue import selectors, services_intake, services_petitions
from danvan.dialogue.models import (
    Complexity,
    Confirmation,
    Extension,
    Petition,
    PetitionKind,
    PetitionState,
)
from danvan.lib.errors import Conflict
from tests.conftest import World
from tests.dialogue.conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
FilePetition = Callable[..., Petition]
RECEIVED = TODAY - datetime.timedelta(days=2)  # Tuesday 1/12/2026
ACCEPTED = D(2026, 12, 2)
SETTLE_DUE = D(2027, 1, 14)  # 30 working days from 2/12/2026, 1/1/2027 off


def row(petition: Petition) -> dict[str, Any]:
    """The stored row and how many history records it has."""
    values: dict[str, Any] = dict(Petition.objects.filter(pk=petition.pk).values().get())
    values["history"] = petition.history.count()
    values["extensions"] = Extension.objects.filter(petition=petition).count()
    return values


@contextmanager
def unchanged(petition: Petition) -> Iterator[None]:
    before = row(petition)
    yield
    assert row(petition) == before


@contextmanager
def invalid(petition: Petition, *fields: str) -> Iterator[pytest.ExceptionInfo[ValidationError]]:
    """A ValidationError (not a Conflict) naming exactly these fields, and nothing saved."""
    with unchanged(petition), pytest.raises(ValidationError) as caught:
        yield caught
    assert not isinstance(caught.value, Conflict)
    assert set(caught.value.message_dict) == set(fields)


@contextmanager
def conflict(petition: Petition) -> Iterator[None]:
    with unchanged(petition), pytest.raises(Conflict):
        yield


@contextmanager
def denied(petition: Petition) -> Iterator[None]:
    with unchanged(petition), pytest.raises(PermissionDenied):
        yield


def verbs(record: Any) -> list[str]:
    return [h.history_verb for h in record.history.order_by("history_date", "history_id")]


def accept(petition: Petition, actor: User | None = None, **kw: Any) -> Petition:
    values: dict[str, Any] = {"accepted_on": ACCEPTED, "today": TODAY}
    values.update(kw)
    return services_petitions.petition_accept(actor=actor, petition=petition, **values)


def settle(petition: Petition, actor: User | None = None, **kw: Any) -> Petition:
    values: dict[str, Any] = {
        "result": "Đã sửa chữa xong đoạn đường",
        "settled_on": TODAY,
        "today": TODAY,
    }
    values.update(kw)
    return services_petitions.petition_settle(actor=actor, petition=petition, **values)


def refer(petition: Petition, actor: User | None = None, **kw: Any) -> Petition:
    values: dict[str, Any] = {
        "referred_on": ACCEPTED,
        "competent_body_name": "Thanh tra huyện",
        "today": TODAY,
    }
    values.update(kw)
    return services_petitions.petition_refer(actor=actor, petition=petition, **values)


# --- Intake ---------------------------------------------------------------------------------


def test_xa_files_a_petition_with_the_acceptance_clock(
    world: World, xa: User, file_petition: FilePetition
) -> None:
    petition = file_petition(xa)
    petition.refresh_from_db()
    assert (petition.state, petition.organization, petition.created_by) == (
        PetitionState.RECEIVED, world.front_a, xa
    )  # fmt: skip
    assert petition.received_on == RECEIVED
    assert petition.due_on == D(2026, 12, 15)  # 10 working days
    assert petition.settle_due is None
    assert not petition.is_overdue(TODAY)
    assert petition.is_overdue(D(2026, 12, 16))
    assert verbs(petition) == [""]
    assert petition.history.get().history_user == xa


def test_xa2_may_not_file_for_commune_a(
    world: World, xa2: User, file_petition: FilePetition
) -> None:
    with pytest.raises(PermissionDenied):
        file_petition(xa2)
    assert not Petition.objects.exists()


def test_intake_refusals(world: World, xa: User, file_petition: FilePetition, land: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        file_petition(
            xa, kind="rumour", channel="pigeon", complexity="huge", summary="  ",
            received_on=TODAY + datetime.timedelta(days=1), area=world.province,
        )  # fmt: skip
    assert set(caught.value.message_dict) == {
        "kind", "channel", "complexity", "summary", "received_on", "area"
    }  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        file_petition(xa, area=world.commune_b)  # outside the Front of commune A
    assert set(caught.value.message_dict) == {"area"}
    land.is_active = False
    land.save()
    with pytest.raises(ValidationError) as caught:
        file_petition(xa)
    assert set(caught.value.message_dict) == {"topic"}
    assert not Petition.objects.exists()


# --- Accept, assign, refuse, refer ----------------------------------------------------------


def test_xa_accepts_and_the_settlement_clock_starts(xa: User, file_petition: FilePetition) -> None:
    petition = accept(file_petition(), xa)
    petition.refresh_from_db()
    assert petition.state == PetitionState.ACCEPTED
    assert petition.accepted_on == ACCEPTED
    assert petition.settle_due == petition.due_on == SETTLE_DUE
    assert verbs(petition) == ["", "accepted"]
    assert petition.history.latest("history_date").history_user == xa


def test_a_complex_petition_gets_45_days_and_a_handler(
    world: World, xa: User, tinh: User, file_petition: FilePetition
) -> None:
    petition = accept(file_petition(), tinh, complexity=Complexity.COMPLEX, handler=xa)
    assert petition.state == PetitionState.IN_PROGRESS
    assert petition.handler == xa
    assert petition.due_on == D(2027, 2, 11)  # 45 working days: 1/1 and Tết 4–10/2 skipped


def test_accept_refusals_save_nothing(xa: User, xa2: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    with invalid(petition, "accepted_on"):
        accept(petition, xa, accepted_on=RECEIVED - datetime.timedelta(days=1))
    with invalid(petition, "accepted_on"):
        accept(petition, xa, accepted_on=TODAY + datetime.timedelta(days=1))
    with invalid(petition, "complexity"):
        accept(petition, xa, complexity="huge")
    with invalid(petition, "handler"):
        accept(petition, xa, handler=xa2)
    with denied(petition):
        accept(petition, xa2)
    accept(petition, xa)
    with conflict(petition):
        accept(petition, xa)


@pytest.mark.parametrize("kind", [PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION])
def test_complaints_and_denunciations_are_referred_not_accepted(
    kind: str, xa: User, file_petition: FilePetition
) -> None:
    petition = file_petition(kind=kind)
    with conflict(petition):
        accept(petition, xa)
    refer(petition, xa, reason="Thuộc thẩm quyền thanh tra")
    petition.refresh_from_db()
    assert petition.state == PetitionState.REFERRED
    assert petition.competent_body_label == "Thanh tra huyện"
    assert petition.referred_on == ACCEPTED
    assert petition.settle_due == petition.due_on == SETTLE_DUE  # 30 days in either case
    assert verbs(petition)[-1] == "referred"
    assert petition.history.latest("history_date").history_change_reason == (
        "Thuộc thẩm quyền thanh tra"
    )
    with conflict(petition):
        refer(petition, xa)


def test_refer_needs_another_competent_body(
    world: World, xa: User, file_petition: FilePetition
) -> None:
    petition = file_petition()
    with invalid(petition, "competent_body"):
        refer(petition, xa, competent_body_name=" ")
    with invalid(petition, "competent_body"):
        refer(petition, xa, competent_body=world.front_a, competent_body_name="")
    refer(petition, xa, competent_body=world.party_a, competent_body_name="ignored")
    petition.refresh_from_db()
    assert (petition.competent_body, petition.competent_body_name) == (world.party_a, "")


def test_refuse_needs_the_reason_the_citizen_is_told(xa: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    with invalid(petition, "reason"):
        services_petitions.petition_refuse(
            actor=xa, petition=petition, reason=" ", refused_on=TODAY, today=TODAY
        )
    services_petitions.petition_refuse(
        actor=xa, petition=petition, reason="Không thuộc thẩm quyền", refused_on=TODAY, today=TODAY
    )
    petition.refresh_from_db()
    assert (petition.state, petition.closed_on, petition.refusal_reason) == (
        PetitionState.REFUSED, TODAY, "Không thuộc thẩm quyền"
    )  # fmt: skip
    assert not petition.is_open
    with conflict(petition):
        services_petitions.petition_refuse(
            actor=xa, petition=petition, reason="x", refused_on=TODAY, today=TODAY
        )
    with conflict(petition):
        accept(petition, xa)


def test_assign(xa: User, xa2: User, tinh: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    with conflict(petition):  # not yet accepted
        services_petitions.petition_assign(actor=tinh, petition=petition, handler=xa)
    accept(petition, tinh)
    with invalid(petition, "handler"):
        services_petitions.petition_assign(actor=tinh, petition=petition, handler=xa2)
    with denied(petition):
        services_petitions.petition_assign(actor=xa2, petition=petition, handler=xa2)
    services_petitions.petition_assign(actor=tinh, petition=petition, handler=xa)
    petition.refresh_from_db()
    assert (petition.state, petition.handler) == (PetitionState.IN_PROGRESS, xa)
    assert verbs(petition)[-1] == "assigned"


# --- Extensions -----------------------------------------------------------------------------


def extend(petition: Petition, actor: User | None, days: int, **kw: Any) -> Extension:
    values: dict[str, Any] = {
        "reason": "Cần khảo sát hiện trường",
        "decided_on": TODAY,
        "today": TODAY,
    }
    values.update(kw)
    return services_petitions.petition_extend(
        actor=actor, petition=petition, working_days=days, **values
    )


def test_an_extension_moves_the_deadline_within_the_law(
    xa: User, english: None, file_petition: FilePetition
) -> None:
    petition = accept(file_petition(), xa)
    with invalid(petition, "working_days") as caught:
        extend(petition, xa, 16)
    assert "at most 15 working days" in str(caught.value)
    with invalid(petition, "working_days"):
        extend(petition, xa, 0)
    with invalid(petition, "reason"):
        extend(petition, xa, 5, reason="  ")
    with invalid(petition, "decided_on"):
        extend(petition, xa, 5, decided_on=TODAY + datetime.timedelta(days=1))
    extension = extend(petition, xa, 10)
    petition.refresh_from_db()
    assert (extension.previous_due, extension.new_due) == (SETTLE_DUE, D(2027, 1, 28))
    assert petition.due_on == D(2027, 1, 28)
    assert petition.settle_due == SETTLE_DUE  # the law's date stays, the extended one is due_on
    assert verbs(petition)[-1] == "extended"
    # 10 granted: 5 more at most, in total.
    with invalid(petition, "working_days") as caught:
        extend(petition, xa, 6)
    assert "10 already granted, so at most 5 more" in str(caught.value)
    extend(petition, xa, 5)
    petition.refresh_from_db()
    assert petition.due_on == D(2027, 2, 11)  # 5 working days on: 29/1, 1–3/2, then after Tết
    assert petition.extensions.count() == 2


def test_a_complex_case_may_be_extended_by_30(xa: User, file_petition: FilePetition) -> None:
    petition = accept(file_petition(complexity=Complexity.COMPLEX), xa)
    with invalid(petition, "working_days"):
        extend(petition, xa, 31)
    extend(petition, xa, 30)


def test_a_denunciation_is_extended_twice_at_most(xa: User, file_petition: FilePetition) -> None:
    petition = refer(file_petition(kind=PetitionKind.DENUNCIATION), xa)
    with invalid(petition, "working_days"):
        extend(petition, xa, 31)  # 30 at a time
    extend(petition, xa, 30)
    extend(petition, xa, 30)
    with invalid(petition, "working_days"):
        extend(petition, xa, 1)  # a third time


def test_only_a_petition_being_settled_is_extended(
    xa: User, xa2: User, file_petition: FilePetition
) -> None:
    petition = file_petition()
    with conflict(petition):
        extend(petition, xa, 5)
    accept(petition, xa)
    with denied(petition):
        extend(petition, xa2, 5)


# --- Settle, confirm, close -----------------------------------------------------------------


def test_settle_needs_a_result(xa: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    with conflict(petition):  # not accepted
        settle(petition, xa)
    accept(petition, xa)
    with invalid(petition, "result"):
        settle(petition, xa, result="  ")
    with invalid(petition, "settled_on"):
        settle(petition, xa, settled_on=RECEIVED)  # before acceptance
    with invalid(petition, "notice_sent_on"):
        settle(petition, xa, notice_sent_on=ACCEPTED)
    settle(petition, xa, result="Đã sửa, liên hệ 0912 345 678", notice_sent_on=TODAY)
    petition.refresh_from_db()
    assert petition.state == PetitionState.SETTLED
    assert petition.result == "Đã sửa, liên hệ •••"  # a phone in the result is masked
    assert petition.settled_on_time is True
    assert verbs(petition)[-1] == "settled"
    with conflict(petition):
        settle(petition, xa)


def test_settled_late_against_the_extended_deadline(xa: User, file_petition: FilePetition) -> None:
    petition = accept(file_petition(), xa)
    Petition.objects.filter(pk=petition.pk).update(due_on=ACCEPTED)  # a deadline already passed
    settle(petition, xa)
    petition.refresh_from_db()
    assert petition.settled_on_time is False


def test_the_citizen_confirms_and_the_case_closes(xa: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    with conflict(petition):
        services_petitions.petition_confirm(
            actor=None, petition=petition, confirmation="satisfied", today=TODAY
        )
    settle(accept(petition, xa), xa)
    with invalid(petition, "confirmation"):
        services_petitions.petition_confirm(
            actor=None, petition=petition, confirmation="maybe", today=TODAY
        )
    with invalid(petition, "confirmed_on"):
        services_petitions.petition_confirm(
            actor=xa,
            petition=petition,
            confirmation="satisfied",
            confirmed_on=ACCEPTED,
            today=TODAY,
        )
    services_petitions.petition_confirm(
        actor=None, petition=Petition.objects.get(pk=petition.pk),  # as the public page reads it
        confirmation=Confirmation.SATISFIED, comment="Cảm ơn, gọi tôi 0912345678", today=TODAY,
    )  # fmt: skip
    petition.refresh_from_db()
    assert (petition.state, petition.confirmation, petition.closed_on) == (
        PetitionState.CLOSED, Confirmation.SATISFIED, TODAY
    )  # fmt: skip
    last = petition.history.latest("history_date")
    assert (last.history_verb, last.history_user) == ("confirmed", None)
    assert last.history_change_reason == "Cảm ơn, gọi tôi •••"
    with conflict(petition):
        services_petitions.petition_confirm(
            actor=None, petition=petition, confirmation="satisfied", today=TODAY
        )


def test_close_without_the_citizens_word(xa: User, file_petition: FilePetition) -> None:
    petition = accept(file_petition(), xa)
    with conflict(petition):
        services_petitions.petition_close(actor=xa, petition=petition, closed_on=TODAY)
    settle(petition, xa)
    services_petitions.petition_close(actor=xa, petition=petition, closed_on=TODAY)
    petition.refresh_from_db()
    assert (petition.state, petition.closed_on, petition.confirmation) == (
        PetitionState.CLOSED, TODAY, Confirmation.NONE
    )  # fmt: skip
    assert verbs(petition)[-1] == "closed"


# --- Reopen ---------------------------------------------------------------------------------


def test_reopen_gives_a_new_settlement_deadline(xa: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    settle(accept(petition, xa), xa)
    services_petitions.petition_confirm(
        actor=None, petition=petition, confirmation="not_satisfied", today=TODAY
    )
    with invalid(petition, "reason"):
        services_petitions.petition_reopen(actor=xa, petition=petition, reason=" ", today=TODAY)
    with invalid(petition, "reopened_on"):
        services_petitions.petition_reopen(
            actor=xa, petition=petition, reason="x", reopened_on=TODAY + datetime.timedelta(days=1),
            today=TODAY,
        )  # fmt: skip
    services_petitions.petition_reopen(
        actor=xa,
        petition=petition,
        reason="Người dân chưa hài lòng",
        reopened_on=TODAY,
        today=TODAY,
    )
    petition.refresh_from_db()
    assert petition.state == PetitionState.ACCEPTED
    assert petition.reopened == 1
    assert petition.settle_due == petition.due_on == D(2027, 1, 15)  # 30 working days from 3/12
    assert petition.accepted_on == ACCEPTED  # the first acceptance stays
    assert (petition.settled_on, petition.closed_on, petition.confirmation) == (None, None, "")
    assert verbs(petition)[-1] == "reopened"
    with conflict(petition):  # it is open again
        services_petitions.petition_reopen(actor=xa, petition=petition, reason="x", today=TODAY)
    settle(petition, xa)
    services_petitions.petition_reopen(actor=xa, petition=petition, reason="Lần nữa", today=TODAY)
    petition.refresh_from_db()
    assert petition.reopened == 2


def test_a_refused_petition_reopens_to_be_accepted(xa: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    services_petitions.petition_refuse(
        actor=xa, petition=petition, reason="Sai", refused_on=TODAY, today=TODAY
    )
    services_petitions.petition_reopen(
        actor=xa, petition=petition, reason="Đã đủ hồ sơ", today=TODAY
    )
    petition.refresh_from_db()
    assert (petition.state, petition.accepted_on, petition.refusal_reason) == (
        PetitionState.ACCEPTED, TODAY, ""
    )  # fmt: skip


def test_a_reopened_denunciation_goes_back_to_the_competent_body(
    xa: User, file_petition: FilePetition
) -> None:
    petition = refer(file_petition(kind=PetitionKind.DENUNCIATION), xa)
    settle(petition, xa)
    services_petitions.petition_reopen(
        actor=xa, petition=petition, reason="Chưa xử lý", today=TODAY
    )
    petition.refresh_from_db()
    assert petition.state == PetitionState.REFERRED


# --- Merge ----------------------------------------------------------------------------------


def test_merges_refuse_cycles_self_and_merged_targets(
    xa: User, english: None, file_petition: FilePetition
) -> None:
    a, b, c = file_petition(), file_petition(), file_petition()
    services_petitions.petition_merge(actor=xa, petition=a, into=b, today=TODAY)
    a.refresh_from_db()
    assert (a.state, a.merged_into, a.closed_on) == (PetitionState.MERGED, b, TODAY)
    assert verbs(a)[-1] == "merged"
    assert a.history.latest("history_date").history_change_reason == b.code
    with invalid(b, "into") as caught:
        services_petitions.petition_merge(actor=xa, petition=b, into=a)
    assert "cycle" in str(caught.value)
    with invalid(c, "into"):
        services_petitions.petition_merge(actor=xa, petition=c, into=c)
    with invalid(c, "into") as caught:
        services_petitions.petition_merge(actor=xa, petition=c, into=a)  # a is itself merged
    assert b.code in str(caught.value)
    with conflict(a):  # a merged petition is not merged again
        services_petitions.petition_merge(actor=xa, petition=a, into=c)
    services_petitions.petition_merge(actor=xa, petition=b, into=c, today=TODAY)
    a.refresh_from_db()
    assert selectors.merge_root(a) == c
    with invalid(c, "into"):  # c ← b ← a: a cycle two steps long
        services_petitions.petition_merge(actor=xa, petition=c, into=a)


def test_merge_only_into_a_petition_one_handles(
    world: World, xa: User, xa2: User, file_petition: FilePetition
) -> None:
    mine = file_petition()
    theirs = file_petition(organization=world.front_b, area=world.commune_b)
    with invalid(mine, "into"):
        services_petitions.petition_merge(actor=xa, petition=mine, into=theirs)
    with denied(mine):
        services_petitions.petition_merge(actor=xa2, petition=mine, into=theirs)
    closed = file_petition()
    settle(accept(closed, xa), xa)
    with conflict(closed):
        services_petitions.petition_merge(actor=xa, petition=closed, into=mine)


# --- Who may act ----------------------------------------------------------------------------


def test_xa2_is_refused_every_action_on_commune_as_petitions(
    world: World, xa: User, xa2: User, outsider: User, file_petition: FilePetition
) -> None:
    petition = file_petition()
    other = file_petition()
    for user in (xa2, outsider):
        with denied(petition):
            accept(petition, user)
        with denied(petition):
            refer(petition, user)
        with denied(petition):
            services_petitions.petition_refuse(
                actor=user, petition=petition, reason="x", refused_on=TODAY, today=TODAY
            )
        with denied(petition):
            services_petitions.petition_link_note(actor=user, petition=petition)
    with denied(petition):  # xa2 may not act on this petition at all: refused before the target
        services_petitions.petition_merge(actor=xa2, petition=petition, into=other)
    accept(petition, xa)
    for action in (
        lambda: extend(petition, xa2, 5),
        lambda: settle(petition, xa2),
        lambda: services_petitions.petition_assign(actor=xa2, petition=petition, handler=xa),
    ):
        with denied(petition):
            action()
    settle(petition, xa)
    for action in (
        lambda: services_petitions.petition_close(actor=xa2, petition=petition),
        lambda: services_petitions.petition_confirm(
            actor=xa2, petition=petition, confirmation="satisfied"
        ),
        lambda: services_petitions.petition_reopen(actor=xa2, petition=petition, reason="x"),
    ):
        with denied(petition):
            action()
    assert not selectors.may_handle_petition(xa2, petition)
    assert selectors.may_handle_petition(xa, petition)


def test_the_province_above_may_act(
    world: World, tinh: User, lanhdao: User, file_petition: FilePetition
) -> None:
    petition = file_petition(tinh)
    accept(petition, tinh)
    extend(petition, lanhdao, 5)
    settle(petition, lanhdao)
    petition.refresh_from_db()
    assert petition.state == PetitionState.SETTLED
    assert [h.history_user for h in petition.history.order_by("history_date", "history_id")] == [
        tinh, tinh, lanhdao, lanhdao
    ]  # fmt: skip


def test_the_whole_path_is_in_the_history(xa: User, file_petition: FilePetition) -> None:
    petition = file_petition(xa)
    accept(petition, xa)
    services_petitions.petition_assign(actor=xa, petition=petition, handler=xa)
    extend(petition, xa, 3)
    settle(petition, xa)
    services_petitions.petition_confirm(
        actor=None, petition=petition, confirmation="satisfied", today=TODAY
    )
    assert verbs(petition) == ["", "accepted", "assigned", "extended", "settled", "confirmed"]
    extension = petition.extensions.get()
    assert extension.history.get().history_change_reason == "Cần khảo sát hiện trường"


def test_linking_a_situation_note_files_the_issue_not_the_person(
    xa: User, file_petition: FilePetition
) -> None:
    petition = file_petition()
    note = services_petitions.petition_link_note(actor=xa, petition=petition)
    petition.refresh_from_db()
    assert petition.note == note
    assert note.summary == petition.summary
    assert "Nguyễn Văn Thành" not in str(note.__dict__)


# --- Tracking codes -------------------------------------------------------------------------


def test_tracking_codes_are_unique_and_read_back(
    monkeypatch: pytest.MonkeyPatch, file_petition: FilePetition
) -> None:
    codes = {services_intake.new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == 12 and c.startswith("KN-") and c[7] == "-" for c in codes)
    assert not set("".join(codes)) & set("01ILO")
    assert services_intake.normalise_code("kn 7k3f 9qxa") == "KN-7K3F-9QXA"
    assert services_intake.normalise_code("KN-7K3F-9QXA") == "KN-7K3F-9QXA"
    assert services_intake.normalise_code("7k3f-9qxa") == "KN-7K3F-9QXA"
    assert (
        services_intake.normalise_code("knab cdef") == "KN-KNAB-CDEF"
    )  # drawn letters may start KN
    assert services_intake.normalise_code("kn-knab-cdef") == "KN-KNAB-CDEF"
    assert services_intake.normalise_code("abc") == ""
    assert services_intake.normalise_code("") == ""
    first = file_petition()
    drawn = iter([first.code, "KN-2345-6789"])
    monkeypatch.setattr(services_intake, "new_code", lambda: next(drawn))
    second = file_petition()  # the same code drawn twice: drawn again
    assert second.code == "KN-2345-6789"
    assert Petition.objects.count() == 2
