"""Reminders on petitions and commitments through `lib/reminders`, like tasks and
recommendations: the handling unit before and after the deadline (the assigned handler when
there is one), its parent's leaders when it is long overdue. Each (item, kind) once per
deadline: an extension starts the reminders again.

A run reads the officers of every unit concerned at once and records what it sent in bulk, in
one transaction, so the nation's daily run is a few dozen queries (bench/RESULTS.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from danvan.lib import notify, reminders
from danvan.org.selectors import member_emails_by_org, parent_ids

from .models import Commitment, CommitmentReminder, CommitmentStatus, Petition, PetitionReminder


def _windows(items: Any, today: datetime.date) -> list[tuple[str, list[Any]]]:
    return [(kind, list(found)) for kind, found in reminders.due_windows(items, today)]


def send_petition_reminders(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    open_petitions = Petition.objects.open().select_related("organization", "handler")
    with transaction.atomic():
        windows = _windows(open_petitions, today)
        units = {p.organization_id: p.organization for _k, items in windows for p in items}
        parent = parent_ids(units.values())
        officers = member_emails_by_org(units, settings.DANVAN_REMINDER_ROLES)
        leaders = member_emails_by_org(parent.values(), settings.DANVAN_ESCALATION_ROLES)

        def recipients(petition: Petition, kind: str) -> list[str]:
            if kind == "escalated":
                return leaders.get(parent[petition.organization_id], [])
            handler = petition.handler
            if handler is not None and handler.is_active and handler.email:
                return [handler.email]
            return officers.get(petition.organization_id, [])

        # Sent for the current deadline of an open petition (an extension starts them again).
        already = set(
            PetitionReminder.objects.filter(due_on=F("petition__due_on"))
            .filter(petition__in=Petition.objects.open())
            .values_list("petition_id", "kind")
        )
        sent: list[PetitionReminder] = []
        count = reminders.send_due_reminders(
            due=windows,
            already=already,
            recipients=recipients,
            remember=lambda p, kind: sent.append(
                PetitionReminder(petition=p, kind=kind, due_on=p.due_on, sent_on=today)
            ),
            templates="dialogue/email",
            items_name="petitions",
            today=today,
            link=lambda p: notify.Link(
                str(p), reverse("dialogue_petition", args=[p.pk]), notify.key_of(p)
            ),
        )
        PetitionReminder.objects.bulk_create(sent, ignore_conflicts=True, batch_size=1000)
    return count


def send_commitment_reminders(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    open_items = Commitment.objects.filter(status=CommitmentStatus.OPEN).select_related(
        "dialogue__organization", "responsible"
    )
    with transaction.atomic():
        windows = _windows(open_items, today)
        hosts = {c.dialogue.organization_id for _k, items in windows for c in items}
        responsible = {c.responsible_id for _k, items in windows for c in items if c.responsible_id}
        officers = member_emails_by_org(responsible, settings.DANVAN_REMINDER_ROLES)
        leaders = member_emails_by_org(hosts, settings.DANVAN_ESCALATION_ROLES)

        def recipients(commitment: Commitment, kind: str) -> list[str]:
            if kind == "escalated" or commitment.responsible_id is None:
                return leaders.get(commitment.dialogue.organization_id, [])
            return officers.get(commitment.responsible_id, [])

        already = set(
            CommitmentReminder.objects.filter(due_on=F("commitment__due_on"))
            .filter(commitment__status=CommitmentStatus.OPEN)
            .values_list("commitment_id", "kind")
        )
        sent: list[CommitmentReminder] = []
        count = reminders.send_due_reminders(
            due=windows,
            already=already,
            recipients=recipients,
            remember=lambda c, kind: sent.append(
                CommitmentReminder(commitment=c, kind=kind, due_on=c.due_on, sent_on=today)
            ),
            templates="dialogue/email/commitments",
            items_name="commitments",
            today=today,
            link=lambda c: notify.Link(
                str(c),
                reverse("dialogue_dialogue", args=[c.dialogue_id]) + f"#commitment-{c.pk}",
                notify.key_of(c),
            ),
        )
        CommitmentReminder.objects.bulk_create(sent, ignore_conflicts=True, batch_size=1000)
    return count
