"""Writes to receptions, dialogues and commitments, and the checks the dialogue services share.

Keyword-only, one transaction each; the actor's permission is asked of the `may_…` selectors;
bad input is refused with a ValidationError naming the field, a state that does not allow the
action with `Conflict`. `actor=None` is the system (the demo, the daily job). Petitions are
taken in by `services_intake.py` and written on in `services_petitions.py`, petitioners'
personal data in `services_privacy.py`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib import notify
from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed
from danvan.org.models import Organization

from . import selectors
from .models import (
    Channel,
    Commitment,
    CommitmentStatus,
    Dialogue,
    DialogueKind,
    DialogueStatus,
    HostRole,
    Reception,
    ReceptionKind,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

MAX_COUNT = 1_000_000


def _today() -> datetime.date:
    return timezone.localdate()


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _refuse(actor: User | None, allowed: bool, message: str) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied(message)


def _locked(record: Any) -> Any:
    """Lock the row and read its state again, so two officers cannot act on the same state."""
    type(record).objects.select_for_update().filter(pk=record.pk).exists()
    record.refresh_from_db()
    return record


def _not_future(
    errors: dict[str, str], field: str, day: datetime.date | None, today: datetime.date
) -> None:
    if day is not None and day > today:
        errors[field] = _("The date cannot be in the future.")


def _count(errors: dict[str, str], field: str, value: int | None) -> None:
    if value is not None and not 0 <= value <= MAX_COUNT:
        errors[field] = _("Give a number from 0 to 1,000,000.")


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- Reception sessions ---------------------------------------------------------------------

RECEPTION_FIELDS = {
    "kind",
    "held_on",
    "host_role",
    "host_name",
    "place",
    "citizens",
    "cases",
    "notes",
}


def _check_reception(reception: Reception, today: datetime.date) -> None:
    errors: dict[str, str] = {}
    if reception.kind not in ReceptionKind.values:
        errors["kind"] = _("Choose regular or ad hoc.")
    if reception.host_role not in HostRole.values:
        errors["host_role"] = _("Choose whose reception it was.")
    if not reception.place.strip():
        errors["place"] = _("Say where citizens were received.")
    _not_future(errors, "held_on", reception.held_on, today)
    _count(errors, "citizens", reception.citizens)
    _count(errors, "cases", reception.cases)
    org = reception.organization
    if org.dissolved_on and reception.held_on > org.dissolved_on:
        errors["held_on"] = _("%(org)s was dissolved on %(day)s.") % {
            "org": org, "day": _d(org.dissolved_on)
        }  # fmt: skip
    _raise(errors)


@transaction.atomic
def reception_create(
    *,
    actor: User | None,
    organization: Organization,
    held_on: datetime.date,
    host_role: str,
    place: str,
    kind: str = ReceptionKind.REGULAR,
    host_name: str = "",
    citizens: int = 0,
    cases: int = 0,
    notes: str = "",
    today: datetime.date | None = None,
) -> Reception:
    """Record a citizen reception session held by one of the unit's heads."""
    _refuse(actor, selectors.may_record_for(actor, organization) if actor else True,
            _("You may not record receptions for this unit."))  # fmt: skip
    reception = Reception(
        organization=organization, kind=kind, held_on=held_on, host_role=host_role,
        host_name=host_name.strip(), place=place.strip(), citizens=citizens, cases=cases,
        notes=notes.strip(), created_by=actor,
    )  # fmt: skip
    _check_reception(reception, today or _today())
    attributed(reception, actor).save()
    return reception


@transaction.atomic
def reception_update(*, actor: User | None, reception: Reception, **fields: Any) -> Reception:
    refuse_unknown_fields(fields, RECEPTION_FIELDS)
    _refuse(actor, selectors.may_edit_reception(actor, reception) if actor else True,
            _("You may not change this reception session."))  # fmt: skip
    for field, value in fields.items():
        setattr(reception, field, value.strip() if isinstance(value, str) else value)
    _check_reception(reception, _today())
    save_if_changed(reception, actor)
    return reception


# --- Dialogues ------------------------------------------------------------------------------

DIALOGUE_FIELDS = {
    "kind", "title", "held_on", "host_role", "host_name", "co_hosts", "place", "channel",
    "announced_on", "urgent", "urgent_reason", "participants", "issues_raised",
}  # fmt: skip


def _check_dialogue(dialogue: Dialogue) -> None:
    errors: dict[str, str] = {}
    if dialogue.kind not in DialogueKind.values:
        errors["kind"] = _("Choose the kind of dialogue.")
    if not dialogue.title.strip():
        errors["title"] = _("Give the dialogue a title.")
    if dialogue.host_role not in HostRole.values:
        errors["host_role"] = _("Choose who hosts the dialogue.")
    if dialogue.channel not in Channel.values:
        errors["channel"] = _("Choose in person, online or both.")
    _count(errors, "participants", dialogue.participants)
    days = settings.DANVAN_DIALOGUE["announce_days"]
    if dialogue.announced_on > dialogue.held_on:
        errors["announced_on"] = _("A dialogue is announced before it is held.")
    elif (dialogue.held_on - dialogue.announced_on).days < days:
        if not dialogue.urgent:
            errors["announced_on"] = _(
                "A dialogue is announced at least %(days)d days ahead (announced %(on)s for "
                "%(held)s). Mark it urgent and say why if it cannot wait."
            ) % {"days": days, "on": _d(dialogue.announced_on), "held": _d(dialogue.held_on)}
        elif not dialogue.urgent_reason.strip():
            errors["urgent_reason"] = _("Say why the dialogue is urgent.")
    _raise(errors)


@transaction.atomic
def dialogue_create(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    title: str,
    held_on: datetime.date,
    host_role: str,
    announced_on: datetime.date,
    host_name: str = "",
    co_hosts: Iterable[Organization] = (),
    place: str = "",
    channel: str = Channel.IN_PERSON,
    urgent: bool = False,
    urgent_reason: str = "",
    participants: int | None = None,
    issues_raised: str = "",
) -> Dialogue:
    """Announce (or record) a dialogue; the announcement is checked against the notice rule."""
    _refuse(actor, selectors.may_record_for(actor, organization) if actor else True,
            _("You may not record dialogues for this unit."))  # fmt: skip
    dialogue = Dialogue(
        organization=organization, kind=kind, title=title.strip(), held_on=held_on,
        host_role=host_role, host_name=host_name.strip(), place=place.strip(), channel=channel,
        announced_on=announced_on, urgent=urgent, urgent_reason=urgent_reason.strip(),
        participants=participants, issues_raised=issues_raised.strip(), created_by=actor,
    )  # fmt: skip
    _check_dialogue(dialogue)
    attributed(dialogue, actor).save()
    dialogue.co_hosts.set(list(co_hosts))
    return dialogue


@transaction.atomic
def dialogue_update(*, actor: User | None, dialogue: Dialogue, **fields: Any) -> Dialogue:
    refuse_unknown_fields(fields, DIALOGUE_FIELDS)
    _refuse(actor, selectors.may_edit_dialogue(actor, dialogue) if actor else True,
            _("You may not change this dialogue."))  # fmt: skip
    dialogue = _locked(dialogue)
    if dialogue.status == DialogueStatus.CANCELLED:
        raise Conflict(_("This dialogue was cancelled."))
    co_hosts = fields.pop("co_hosts", None)
    for field, value in fields.items():
        setattr(dialogue, field, value.strip() if isinstance(value, str) else value)
    _check_dialogue(dialogue)
    save_if_changed(dialogue, actor)
    if co_hosts is not None:
        dialogue.co_hosts.set(list(co_hosts))
    return dialogue


@transaction.atomic
def dialogue_hold(
    *,
    actor: User | None,
    dialogue: Dialogue,
    participants: int,
    issues_raised: str,
    today: datetime.date | None = None,
) -> Dialogue:
    """Record that the dialogue took place: how many came and what they raised."""
    _refuse(actor, selectors.may_edit_dialogue(actor, dialogue) if actor else True,
            _("You may not change this dialogue."))  # fmt: skip
    dialogue = _locked(dialogue)
    if dialogue.status != DialogueStatus.PLANNED:
        raise Conflict(_("Only an announced dialogue can be recorded as held."))
    errors: dict[str, str] = {}
    if dialogue.held_on > (today or _today()):
        errors["held_on"] = _("The dialogue is on %(day)s: record it once it has taken place.") % {
            "day": _d(dialogue.held_on)
        }
    _count(errors, "participants", participants)
    if not issues_raised.strip():
        errors["issues_raised"] = _("Write down the issues the people raised.")
    _raise(errors)
    dialogue.participants = participants
    dialogue.issues_raised = issues_raised.strip()
    dialogue.status = DialogueStatus.HELD
    attributed(dialogue, actor, verb="held").save()
    return dialogue


@transaction.atomic
def dialogue_publish(
    *,
    actor: User | None,
    dialogue: Dialogue,
    results: str,
    published_on: datetime.date,
    today: datetime.date | None = None,
) -> Dialogue:
    """Publish the results (due within the set days of the dialogue; late is shown, not refused)."""
    _refuse(actor, selectors.may_edit_dialogue(actor, dialogue) if actor else True,
            _("You may not change this dialogue."))  # fmt: skip
    dialogue = _locked(dialogue)
    if dialogue.status != DialogueStatus.HELD:
        raise Conflict(_("Results are published once the dialogue is recorded as held."))
    errors: dict[str, str] = {}
    if not results.strip():
        errors["results"] = _("Write the results to publish.")
    _not_future(errors, "published_on", published_on, today or _today())
    if published_on < dialogue.held_on:
        errors["published_on"] = _("Results are published after the dialogue.")
    _raise(errors)
    dialogue.results = results.strip()
    dialogue.published_on = published_on
    dialogue.status = DialogueStatus.PUBLISHED
    attributed(dialogue, actor, verb="published").save()
    return dialogue


@transaction.atomic
def dialogue_cancel(*, actor: User | None, dialogue: Dialogue, reason: str) -> Dialogue:
    _refuse(actor, selectors.may_edit_dialogue(actor, dialogue) if actor else True,
            _("You may not change this dialogue."))  # fmt: skip
    dialogue = _locked(dialogue)
    if dialogue.status != DialogueStatus.PLANNED:
        raise Conflict(_("Only an announced dialogue can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the dialogue is cancelled.")})
    dialogue.status = DialogueStatus.CANCELLED
    attributed(dialogue, actor, reason.strip(), verb="cancelled").save()
    return dialogue


# --- Commitments ----------------------------------------------------------------------------


@transaction.atomic
def commitment_add(
    *,
    actor: User | None,
    dialogue: Dialogue,
    text: str,
    due_on: datetime.date,
    responsible: Organization | None = None,
    responsible_name: str = "",
) -> Commitment:
    """A commitment made at the dialogue, with the agency that answers for it and its date."""
    _refuse(actor, selectors.may_edit_dialogue(actor, dialogue) if actor else True,
            _("You may not change this dialogue."))  # fmt: skip
    if dialogue.status in (DialogueStatus.PLANNED, DialogueStatus.CANCELLED):
        raise Conflict(_("Commitments are recorded once the dialogue is held."))
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Write what was committed.")
    if responsible is None and not responsible_name.strip():
        errors["responsible"] = _("Name the agency responsible.")
    if due_on < dialogue.held_on:
        errors["due_on"] = _("The due date cannot be before the dialogue.")
    _raise(errors)
    commitment = Commitment(
        dialogue=dialogue, text=text.strip(), due_on=due_on, responsible=responsible,
        responsible_name="" if responsible else responsible_name.strip(),
    )  # fmt: skip
    attributed(commitment, actor).save()
    return commitment


@transaction.atomic
def commitment_keep(
    *,
    actor: User | None,
    commitment: Commitment,
    done_on: datetime.date,
    evidence: str,
    today: datetime.date | None = None,
) -> Commitment:
    """Record that the commitment was kept, with the evidence."""
    _refuse(actor, selectors.may_edit_dialogue(actor, commitment.dialogue) if actor else True,
            _("You may not change this dialogue."))  # fmt: skip
    commitment = _locked(commitment)
    if commitment.status != CommitmentStatus.OPEN:
        raise Conflict(_("This commitment is already settled."))
    errors: dict[str, str] = {}
    if not evidence.strip():
        errors["evidence"] = _(
            "Give the evidence that it was kept (a decision, a report, a photo)."
        )
    _not_future(errors, "done_on", done_on, today or _today())
    if done_on < commitment.dialogue.held_on:
        errors["done_on"] = _("It cannot have been kept before the dialogue.")
    _raise(errors)
    commitment.status = CommitmentStatus.KEPT
    commitment.done_on = done_on
    commitment.evidence = evidence.strip()
    attributed(commitment, actor, verb="kept").save()
    notify.settle(notify.key_of(commitment))
    return commitment


@transaction.atomic
def commitment_fail(*, actor: User | None, commitment: Commitment, reason: str) -> Commitment:
    """Record that the commitment was not kept, and why."""
    _refuse(actor, selectors.may_edit_dialogue(actor, commitment.dialogue) if actor else True,
            _("You may not change this dialogue."))  # fmt: skip
    commitment = _locked(commitment)
    if commitment.status != CommitmentStatus.OPEN:
        raise Conflict(_("This commitment is already settled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it was not kept.")})
    commitment.status = CommitmentStatus.NOT_KEPT
    commitment.evidence = reason.strip()
    attributed(commitment, actor, reason.strip(), verb="not_kept").save()
    notify.settle(notify.key_of(commitment))
    return commitment
