"""The figures the half-year report derives from dialogue records, so units stop retyping them:
petitions received, settled and settled on time, dialogues held, reception days, commitments."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures, periods
from danvan.org.scopes import ReportingScope

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
    """Four aggregate queries, whatever the scope."""
    in_period = {"gte": period.start, "lte": period.end}
    petitions = Petition.objects.filter(scope.q("organization")).exclude(state=PetitionState.MERGED)
    found: dict[str, int | Decimal] = petitions.order_by().aggregate(
        petitions_received=Count(
            "pk", filter=Q(received_on__gte=in_period["gte"], received_on__lte=in_period["lte"])
        ),
        petitions_settled=Count(
            "pk", filter=Q(settled_on__gte=in_period["gte"], settled_on__lte=in_period["lte"])
        ),
        petitions_settled_on_time=Count(
            "pk",
            filter=Q(settled_on__gte=in_period["gte"], settled_on__lte=in_period["lte"])
            & Q(settled_on__lte=F("due_on")),
        ),
    )
    found["dialogues_held"] = (
        Dialogue.objects.filter(scope.q("organization"))
        .filter(held_on__gte=period.start, held_on__lte=period.end)
        .filter(status__in=[DialogueStatus.HELD, DialogueStatus.PUBLISHED])
        .count()
    )
    found["reception_days"] = (
        Reception.objects.filter(scope.q("organization"))
        .filter(held_on__gte=period.start, held_on__lte=period.end)
        .values("organization_id", "held_on")
        .distinct()
        .count()
    )
    found["commitments_kept"] = (
        Commitment.objects.filter(scope.q("dialogue__organization"))
        .filter(status=CommitmentStatus.KEPT, done_on__gte=period.start, done_on__lte=period.end)
        .count()
    )
    return found


def records_url(org_id: int | None, period: periods.Period) -> str:
    query = {"received_from": period.start.isoformat(), "received_to": period.end.isoformat()}
    if org_id is not None:
        query["organization"] = str(org_id)
    return f"{reverse('dialogue_petitions')}?{urlencode(query)}"


def register() -> None:
    figures.register_group("dialogue", dialogue_figures, records_url, FIGURES)
