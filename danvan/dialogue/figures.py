"""The figures the half-year report derives from dialogue records, so units stop retyping them:
petitions received, settled and settled on time, dialogues held, reception days, commitments."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures, periods
from danvan.org.scopes import ReportingScope, per_scope, per_scope_rows

from .models import (
    Commitment,
    CommitmentStatus,
    Dialogue,
    DialogueStatus,
    Petition,
    PetitionState,
    Reception,
)

FIGURES = {
    "petitions_received": _("Petitions received"),
    "petitions_settled": _("Petitions settled"),
    "petitions_settled_on_time": _("Petitions settled on time"),
    "dialogues_held": _("Dialogues held with the people"),
    "reception_days": _("Citizen reception days held"),
    "commitments_kept": _("Dialogue commitments kept"),
}


def dialogue_figures(scope: ReportingScope, period: periods.Period) -> dict[str, int | Decimal]:
    """The figures of one scope."""
    return dialogue_figures_of([scope], period)[0]


def dialogue_figures_of(
    scopes: Sequence[ReportingScope], period: periods.Period
) -> list[dict[str, int | Decimal]]:
    """Four grouped queries, whatever the scopes (org.scopes.per_scope)."""
    received = Q(received_on__gte=period.start, received_on__lte=period.end)
    settled = Q(settled_on__gte=period.start, settled_on__lte=period.end)
    petitions = per_scope(
        Petition.objects.exclude(state=PetitionState.MERGED),
        scopes,
        "organization",
        petitions_received=Count("pk", filter=received),
        petitions_settled=Count("pk", filter=settled),
        petitions_settled_on_time=Count("pk", filter=settled & Q(settled_on__lte=F("due_on"))),
    )
    dialogues = per_scope(
        Dialogue.objects.filter(
            held_on__gte=period.start,
            held_on__lte=period.end,
            status__in=[DialogueStatus.HELD, DialogueStatus.PUBLISHED],
        ),
        scopes,
        "organization",
        dialogues_held=Count("pk"),
    )
    # A reception day is a (unit, date): two units receiving on one day are two days.
    reception_days = per_scope_rows(
        Reception.objects.filter(held_on__gte=period.start, held_on__lte=period.end),
        scopes,
        "organization",
        "organization_id",
        "held_on",
        n=Count("pk"),
    )
    commitments = per_scope(
        Commitment.objects.filter(
            status=CommitmentStatus.KEPT, done_on__gte=period.start, done_on__lte=period.end
        ),
        scopes,
        "dialogue__organization",
        commitments_kept=Count("pk"),
    )
    return [
        {**petitions[i], **dialogues[i], "reception_days": len(reception_days[i]), **commitments[i]}
        for i in range(len(scopes))
    ]


def records_url(org_id: int | None, period: periods.Period) -> str:
    query = {"received_from": period.start.isoformat(), "received_to": period.end.isoformat()}
    if org_id is not None:
        query["organization"] = str(org_id)
    return f"{reverse('dialogue_petitions')}?{urlencode(query)}"


def register() -> None:
    figures.register_group(
        "dialogue", dialogue_figures_of, records_url, FIGURES, reads=["dialogue"]
    )
