"""Reception sessions, dialogues and their commitments, and the duplicates suggested at intake."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.accounts.models import User
from danvan.dialogue import selectors, services, services_petitions
from danvan.dialogue.models import (
    CommitmentStatus,
    Dialogue,
    DialogueStatus,
    Petition,
    PetitionState,
    Reception,
)
from danvan.lib.errors import Conflict
from danvan.org import areas
from danvan.org import services as org_services
from danvan.org.models import AreaLevel
from tests.conftest import REFORM, World
from tests.dialogue.conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)


def fields_of(caught: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    assert not isinstance(caught.value, Conflict)
    return set(caught.value.message_dict)


def verbs(record: Any) -> list[str]:
    return [h.history_verb for h in record.history.order_by("history_date", "history_id")]


# --- Receptions -----------------------------------------------------------------------------


def test_tinh_records_a_reception_for_commune_as_party(
    world: World, tinh: User, record_reception: Callable[..., Reception]
) -> None:
    reception = record_reception(tinh, host_name="  Lô Văn Bình ")
    reception.refresh_from_db()
    assert (reception.organization, reception.citizens, reception.host_name) == (
        world.party_a, 6, "Lô Văn Bình"
    )  # fmt: skip
    assert reception.history.get().history_user == tinh
    services.reception_update(actor=tinh, reception=reception, citizens=8, place=" Nhà văn hóa ")
    reception.refresh_from_db()
    assert (reception.citizens, reception.place) == (8, "Nhà văn hóa")


def test_reception_refusals(
    world: World, tinh: User, xa: User, xa2: User, record_reception: Callable[..., Reception]
) -> None:
    with pytest.raises(ValidationError) as caught:
        record_reception(
            tinh, kind="weekly", host_role="king", place=" ", held_on=TODAY + DAY,
            citizens=-1, cases=1_000_001,
        )  # fmt: skip
    assert fields_of(caught) == {"kind", "host_role", "place", "held_on", "citizens", "cases"}
    for user in (xa, xa2):  # a unit below, and another commune
        with pytest.raises(PermissionDenied):
            record_reception(user)
    assert not Reception.objects.exists()
    reception = record_reception(tinh)
    with pytest.raises(ValidationError):
        services.reception_update(actor=tinh, reception=reception, organization=world.front_b)
    with pytest.raises(PermissionDenied):
        services.reception_update(actor=xa2, reception=reception, citizens=1)
    with pytest.raises(ValidationError) as caught:
        services.reception_update(actor=tinh, reception=reception, citizens=-5)
    assert fields_of(caught) == {"citizens"}
    reception.refresh_from_db()
    assert reception.citizens == 6


def test_no_reception_after_the_unit_was_dissolved(
    world: World, tinh: User, record_reception: Callable[..., Reception]
) -> None:
    org_services.organization_dissolve(actor=None, org=world.front_b, dissolved_on=TODAY - 10 * DAY)
    world.front_b.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        record_reception(None, organization=world.front_b, held_on=TODAY - 5 * DAY)
    assert fields_of(caught) == {"held_on"}
    with pytest.raises(PermissionDenied):  # nobody records for a dissolved unit
        record_reception(tinh, organization=world.front_b, held_on=TODAY - 20 * DAY)


# --- Dialogues ------------------------------------------------------------------------------


def test_a_dialogue_is_announced_seven_days_ahead_unless_urgent(
    tinh: User, english: None, hold_dialogue: Callable[..., Dialogue]
) -> None:
    held = TODAY + 5 * DAY
    with pytest.raises(ValidationError) as caught:
        hold_dialogue(tinh, held_on=held, announced_on=TODAY)
    assert fields_of(caught) == {"announced_on"}
    assert "at least 7 days ahead" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        hold_dialogue(tinh, held_on=held, announced_on=TODAY, urgent=True, urgent_reason=" ")
    assert fields_of(caught) == {"urgent_reason"}
    with pytest.raises(ValidationError) as caught:
        hold_dialogue(tinh, held_on=TODAY, announced_on=TODAY + DAY)
    assert fields_of(caught) == {"announced_on"}
    with pytest.raises(ValidationError) as caught:
        hold_dialogue(tinh, kind="chat", title=" ", host_role="x", channel="radio", participants=-1)
    assert fields_of(caught) == {"kind", "title", "host_role", "channel", "participants"}
    assert not Dialogue.objects.exists()
    hold_dialogue(tinh, held_on=TODAY + 7 * DAY, announced_on=TODAY)  # exactly 7 days
    urgent = hold_dialogue(
        tinh, held_on=held, announced_on=TODAY, urgent=True, urgent_reason="Sạt lở khẩn cấp"
    )
    assert urgent.status == DialogueStatus.PLANNED


def test_hold_publish_and_cancel(
    tinh: User, xa2: User, hold_dialogue: Callable[..., Dialogue]
) -> None:
    ahead = hold_dialogue(tinh, held_on=TODAY + 10 * DAY, announced_on=TODAY)
    with pytest.raises(ValidationError) as caught:
        services.dialogue_hold(
            actor=tinh, dialogue=ahead, participants=50, issues_raised="x", today=TODAY
        )
    assert fields_of(caught) == {"held_on"}
    dialogue = hold_dialogue(tinh)
    with pytest.raises(Conflict):  # not held yet
        services.dialogue_publish(
            actor=tinh, dialogue=dialogue, results="Kết quả", published_on=TODAY, today=TODAY
        )
    with pytest.raises(PermissionDenied):
        services.dialogue_hold(
            actor=xa2, dialogue=dialogue, participants=5, issues_raised="x", today=TODAY
        )
    with pytest.raises(ValidationError) as caught:
        services.dialogue_hold(
            actor=tinh, dialogue=dialogue, participants=-2, issues_raised=" ", today=TODAY
        )
    assert fields_of(caught) == {"participants", "issues_raised"}
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.PLANNED
    services.dialogue_hold(
        actor=tinh, dialogue=dialogue, participants=120, issues_raised="Đường sạt lở", today=TODAY
    )
    with pytest.raises(Conflict):
        services.dialogue_hold(
            actor=tinh, dialogue=dialogue, participants=1, issues_raised="x", today=TODAY
        )
    with pytest.raises(Conflict):
        services.dialogue_cancel(actor=tinh, dialogue=dialogue, reason="x")
    with pytest.raises(ValidationError) as caught:
        services.dialogue_publish(
            actor=tinh,
            dialogue=dialogue,
            results=" ",
            published_on=dialogue.held_on - DAY,
            today=TODAY,
        )
    assert fields_of(caught) == {"results", "published_on"}
    assert dialogue.publication_late  # held 20 days ago, nothing published within 10
    services.dialogue_publish(
        actor=tinh, dialogue=dialogue, results="UBND xã sửa đường trước Tết",
        published_on=dialogue.held_on + 5 * DAY, today=TODAY,
    )  # fmt: skip
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.PUBLISHED
    assert not dialogue.publication_late
    assert verbs(dialogue) == ["", "held", "published"]
    with pytest.raises(Conflict):
        services.dialogue_publish(
            actor=tinh, dialogue=dialogue, results="x", published_on=TODAY, today=TODAY
        )
    cancelled = hold_dialogue(tinh, held_on=TODAY + 10 * DAY, announced_on=TODAY)
    with pytest.raises(ValidationError):
        services.dialogue_cancel(actor=tinh, dialogue=cancelled, reason=" ")
    services.dialogue_cancel(actor=tinh, dialogue=cancelled, reason="Mưa bão")
    with pytest.raises(Conflict):
        services.dialogue_update(actor=tinh, dialogue=cancelled, title="Mới")
    assert verbs(cancelled)[-1] == "cancelled"


# --- Commitments ----------------------------------------------------------------------------


def test_commitments_are_added_kept_with_evidence_or_not_kept(
    world: World, tinh: User, xa2: User, hold_dialogue: Callable[..., Dialogue]
) -> None:
    dialogue = hold_dialogue(tinh)
    with pytest.raises(Conflict):  # announced, not held
        services.commitment_add(actor=tinh, dialogue=dialogue, text="Sửa đường", due_on=TODAY,
                                responsible=world.front_a)  # fmt: skip
    services.dialogue_hold(
        actor=tinh, dialogue=dialogue, participants=80, issues_raised="Đường", today=TODAY
    )
    with pytest.raises(ValidationError) as caught:
        services.commitment_add(
            actor=tinh, dialogue=dialogue, text=" ", due_on=dialogue.held_on - DAY
        )
    assert fields_of(caught) == {"text", "responsible", "due_on"}
    with pytest.raises(PermissionDenied):
        services.commitment_add(actor=xa2, dialogue=dialogue, text="x", due_on=TODAY,
                                responsible_name="UBND")  # fmt: skip
    kept = services.commitment_add(
        actor=tinh, dialogue=dialogue, text="Sửa đoạn đường sạt lở", due_on=TODAY + 30 * DAY,
        responsible=world.front_a, responsible_name="ignored",
    )  # fmt: skip
    assert (kept.responsible_label, kept.responsible_name) == (str(world.front_a), "")
    failed = services.commitment_add(
        actor=tinh,
        dialogue=dialogue,
        text="Lắp đèn đường",
        due_on=TODAY,
        responsible_name="UBND xã",
    )
    assert failed.responsible_label == "UBND xã"
    with pytest.raises(ValidationError) as caught:
        services.commitment_keep(
            actor=tinh, commitment=kept, done_on=TODAY, evidence=" ", today=TODAY
        )
    assert fields_of(caught) == {"evidence"}
    with pytest.raises(ValidationError) as caught:
        services.commitment_keep(
            actor=tinh, commitment=kept, done_on=TODAY + DAY, evidence="QĐ 12", today=TODAY
        )
    assert fields_of(caught) == {"done_on"}
    with pytest.raises(PermissionDenied):
        services.commitment_keep(
            actor=xa2, commitment=kept, done_on=TODAY, evidence="QĐ", today=TODAY
        )
    kept.refresh_from_db()
    assert kept.status == CommitmentStatus.OPEN
    services.commitment_keep(
        actor=tinh, commitment=kept, done_on=TODAY, evidence="Biên bản nghiệm thu", today=TODAY
    )
    kept.refresh_from_db()
    assert (kept.status, kept.done_on, kept.evidence) == (
        CommitmentStatus.KEPT,
        TODAY,
        "Biên bản nghiệm thu",
    )
    with pytest.raises(Conflict):
        services.commitment_keep(
            actor=tinh, commitment=kept, done_on=TODAY, evidence="x", today=TODAY
        )
    with pytest.raises(ValidationError):
        services.commitment_fail(actor=tinh, commitment=failed, reason=" ")
    services.commitment_fail(actor=tinh, commitment=failed, reason="Chưa có kinh phí")
    failed.refresh_from_db()
    assert failed.status == CommitmentStatus.NOT_KEPT
    with pytest.raises(Conflict):
        services.commitment_fail(actor=tinh, commitment=failed, reason="x")
    assert (verbs(kept), verbs(failed)) == (["", "kept"], ["", "not_kept"])


# --- Duplicates at intake -------------------------------------------------------------------


def test_similar_petitions_ignore_diacritics_on_the_same_commune(
    world: World, xa: User, xa2: User, file_petition: Callable[..., Petition]
) -> None:
    first = file_petition(summary="Đề nghị sửa chữa đường liên thôn sạt lở")
    file_petition(summary="Đề nghị hỗ trợ giống lúa sau lũ")
    other_commune = file_petition(
        organization=world.front_b, area=world.commune_b,
        summary="Đề nghị sửa chữa đường liên thôn sạt lở",
    )  # fmt: skip
    typed = "de nghi sua chua duong lien thon sat lo"
    assert selectors.similar_petitions(None, area=world.commune_a, summary=typed) == [first]
    assert selectors.similar_petitions(None, area=world.commune_b, summary=typed) == [other_commune]
    assert selectors.similar_petitions(xa, area=world.commune_a, summary=typed) == [first]
    assert selectors.similar_petitions(xa2, area=world.commune_a, summary=typed) == []
    assert (
        selectors.similar_petitions(None, area=world.commune_a, summary=typed, exclude=first) == []
    )
    assert selectors.similar_petitions(None, area=world.commune_a, summary="cầu treo bị hỏng") == []
    # A village's petition is found from its commune and the other way round.
    village = areas.area_create(
        actor=None, parent=world.commune_a, code="16813-03", name="Thôn 3",
        level=AreaLevel.VILLAGE, valid_from=REFORM,
    )  # fmt: skip
    in_village = file_petition(area=village, summary="Sửa chữa đường liên thôn bị sạt lở nặng")
    found = selectors.similar_petitions(None, area=village, summary=typed)
    assert set(found) == {first, in_village}
    services_petitions.petition_merge(actor=None, petition=in_village, into=first, today=TODAY)
    assert selectors.similar_petitions(None, area=world.commune_a, summary=typed) == [first]
    assert Petition.objects.get(pk=in_village.pk).state == PetitionState.MERGED
