"""The dialogue app's agenda sources (registered from `apps.py`), one query each.

- Petitions of the current stage, due within `DANVAN_DUE_SOON_DAYS` or late: to the handler
  named on the case, or, while nobody is named, to the officers of the handling unit (as the
  reminders go): accept (or refer a complaint or denunciation), settle, or record the
  competent body's answer to a referred one.
- Answers the citizen said they are not satisfied with, for `DANVAN_PETITION_DAYS["not_satisfied"]`
  days after, to the same people: reopen the petition or explain the answer.
- Commitments made at a dialogue, still open past their date: to the officers of the unit
  that held it, who record whether it was kept, and to those of the responsible unit where
  they see the dialogue (a commitment is seen with its dialogue).
- Dialogues of the user's unit to record as held (their day has passed) and whose results are
  to be published, due `publish_days` after the dialogue.
- Personal data requests to acknowledge, to the administrators who handle them, on their
  two working days.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.lib import agenda, notify
from danvan.lib.agenda import Action, Item
from danvan.org.agenda import unit_paths
from danvan.org.models import Verb

from . import selectors
from .models import (
    OPEN_STATES,
    REFERRED_KINDS,
    Commitment,
    CommitmentStatus,
    Confirmation,
    DialogueStatus,
    Petition,
    PetitionState,
)
from .models_privacy import RequestState

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _open(url: str, action: str) -> str:
    """The petition's page with the action's form open and in view."""
    return f"{url}?open={action}#action-{action}"


def _petition_step(petition: Petition) -> tuple[str, str, str]:
    """(what waits, the action's label, the action's form on the petition's page)."""
    if petition.state == PetitionState.RECEIVED:
        if petition.kind in REFERRED_KINDS:
            return (
                gettext("Refer the case to the competent body"),
                gettext("Refer to the competent body"),
                "refer",
            )
        return (
            gettext("Accept or refuse the petition"),
            gettext("Accept for settlement"),
            "accept",
        )
    if petition.state == PetitionState.REFERRED:
        return (
            gettext("Record the competent body's answer"),
            gettext("Record the result"),
            "settle",
        )
    return gettext("Settle the petition"), gettext("Settle"), "settle"


def _handled_by(user: User) -> Q:
    """The petitions a user answers for: named as handler, or of their unit while none is."""
    paths = unit_paths(user, verb=Verb.EDIT)
    mine = Q(handler_id=user.pk)
    if paths:
        mine |= Q(handler__isnull=True, organization__path__in=paths)
    return mine


def petitions_due(user: User, today: datetime.date) -> list[Item]:
    mine = _handled_by(user)
    soon = today + datetime.timedelta(days=settings.DANVAN_DUE_SOON_DAYS)
    found = (
        selectors.petitions_for_user(user, today=today)
        .filter(mine, state__in=OPEN_STATES, due_on__lte=soon)
        .order_by("due_on", "pk")
    )
    items = []
    for petition in found:
        url = reverse("dialogue_petition", args=[petition.pk])
        what, label, step = _petition_step(petition)
        items.append(
            Item(
                key=notify.key_of(petition),
                kind="dialogue.petition",
                what=what,
                title=str(petition),
                unit=petition.organization.name,
                url=url,
                due_on=petition.due_on,
                action=Action(label, _open(url, step)),
            )
        )
    return items


def petitions_not_satisfied(user: User, today: datetime.date) -> list[Item]:
    days = datetime.timedelta(days=settings.DANVAN_PETITION_DAYS["not_satisfied"])
    found = (
        selectors.petitions_for_user(user, today=today)
        .filter(_handled_by(user), state=PetitionState.CLOSED)
        .filter(confirmation=Confirmation.NOT_SATISFIED, confirmed_on__gte=today - days)
        .order_by("confirmed_on", "pk")
    )
    items = []
    for petition in found:
        url = reverse("dialogue_petition", args=[petition.pk])
        items.append(
            Item(
                key=f"{notify.key_of(petition)}:not_satisfied",
                kind="dialogue.not_satisfied",
                what=gettext("The citizen is not satisfied: reopen or explain the answer"),
                title=str(petition),
                unit=petition.organization.name,
                url=url,
                due_on=(petition.confirmed_on or today) + days,
                action=Action(gettext("Reopen"), _open(url, "reopen")),
            )
        )
    return items


def commitments_late(user: User, today: datetime.date) -> list[Item]:
    paths = unit_paths(user, verb=Verb.EDIT)
    if not paths:
        return []
    found = (
        Commitment.objects.visible_to(user)
        .filter(status=CommitmentStatus.OPEN, due_on__lt=today)
        .filter(Q(responsible__path__in=paths) | Q(dialogue__organization__path__in=paths))
        .select_related("dialogue__organization", "responsible")
        .order_by("due_on", "pk")
    )
    items = []
    for commitment in found:
        url = reverse("dialogue_dialogue", args=[commitment.dialogue_id])
        url += f"#commitment-{commitment.pk}"
        unit = commitment.responsible or commitment.dialogue.organization
        items.append(
            Item(
                key=notify.key_of(commitment),
                kind="dialogue.commitment",
                what=gettext("A commitment made at a dialogue is past its date"),
                title=str(commitment),
                unit=unit.name,
                url=url,
                due_on=commitment.due_on,
                action=Action(gettext("Record the outcome"), url),
                extra={"dialogue": commitment.dialogue.title},
            )
        )
    return items


def dialogues_to_publish(user: User, today: datetime.date) -> list[Item]:
    paths = unit_paths(user, verb=Verb.EDIT)
    if not paths:
        return []
    found = (
        selectors.dialogues_for_user(user)
        .filter(organization__path__in=paths)
        .filter(Q(status=DialogueStatus.HELD) | Q(status=DialogueStatus.PLANNED, held_on__lt=today))
    )
    items = []
    for dialogue in found:
        url = reverse("dialogue_dialogue", args=[dialogue.pk])
        if dialogue.status == DialogueStatus.HELD:
            what, label, anchor = (
                gettext("Publish the results of the dialogue"),
                gettext("Publish"),
                "action-publish",
            )
        else:
            what, label, anchor = (
                gettext("Record that the dialogue was held"),
                gettext("Record"),
                "action-hold",
            )
        items.append(
            Item(
                key=notify.key_of(dialogue),
                kind="dialogue.dialogue",
                what=what,
                title=dialogue.title,
                unit=dialogue.organization.name,
                url=url,
                due_on=dialogue.publish_due,
                action=Action(label, f"{url}#{anchor}"),
            )
        )
    return items


def data_requests_to_acknowledge(user: User, today: datetime.date) -> list[Item]:
    if not selectors.may_manage_data_requests(user):
        return []
    found = selectors.data_requests_for_user(user).filter(state=RequestState.RECEIVED)
    items = []
    for request in found:
        url = reverse("dialogue_data_requests") + f"#request-{request.pk}"
        items.append(
            Item(
                key=notify.key_of(request),
                kind="dialogue.datarequest",
                what=gettext("Acknowledge a request about personal data"),
                title=str(request),
                unit=request.petition.organization.name,
                url=url,
                due_on=request.acknowledge_due,
                action=Action(gettext("Acknowledge"), url),
            )
        )
    return items


def register() -> None:
    agenda.register("dialogue.petition", _("Petitions"), petitions_due)
    agenda.register(
        "dialogue.not_satisfied", _("Answers the citizen is not satisfied with"),
        petitions_not_satisfied,
    )  # fmt: skip
    agenda.register("dialogue.commitment", _("Dialogue commitments"), commitments_late)
    agenda.register("dialogue.dialogue", _("Dialogue results"), dialogues_to_publish)
    agenda.register(
        "dialogue.datarequest", _("Personal data requests"), data_requests_to_acknowledge
    )
