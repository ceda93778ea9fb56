"""What the public may read of a petition: the case, never the person.

One description serves the tracking page, the public API and Open311: the state, the dates,
the legal deadline and its extensions, the body handling it, the published answer. Never the
petitioner's name, telephone, e-mail or address, nor the citizen's own text.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from danvan.dialogue import privacy, selectors
from danvan.dialogue.models import (
    ANSWERED_STATES,
    OPEN_STATES,
    Petition,
    PetitionKind,
    PetitionState,
)


def answer_of(petition: Petition) -> str:
    """The answer the unit chose to publish (settled or closed, `published`), else ""."""
    if petition.state in ANSWERED_STATES and petition.published:
        return petition.result
    return ""


def describe(petition: Petition, today: datetime.date | None = None) -> dict[str, Any]:
    """The public description of a petition found by `selectors.public_petition`."""
    today = today or timezone.localdate()
    merged: dict[str, Any] | None = None
    if petition.state == PetitionState.MERGED and petition.merged_into_id:
        root = selectors.merge_root(petition)
        # A petition merged into a denunciation must not reveal that the denunciation exists.
        if root.pk != petition.pk and root.kind != PetitionKind.DENUNCIATION:
            # Its progress, never its code: the code lets its holder confirm the answer, and
            # only the one who sent that petition may.
            merged = {
                "state": root.state,
                "state_label": str(root.get_state_display()),
                "due_on": root.due_on if root.state in OPEN_STATES else None,
                "deadline_kind": "accept" if root.state == PetitionState.RECEIVED else "settle",
                "settled_on": root.settled_on,
                "answer": answer_of(root),
            }
    extensions = [
        {
            "decided_on": e.decided_on,
            "working_days": e.working_days,
            "previous_due": e.previous_due,
            "new_due": e.new_due,
            "reason": privacy.mask(e.reason),
        }
        # The current settlement's: after a reopening, the earlier ones extended another deadline.
        for e in petition.extensions.filter(cycle=petition.reopened).order_by("decided_on", "pk")
    ]
    is_open = petition.state in OPEN_STATES
    return {
        "code": petition.code,
        "kind": petition.kind,
        "kind_label": str(petition.get_kind_display()),
        "topic": str(petition.topic.label),
        "topic_code": petition.topic.code,
        "area": petition.area.name,
        # The summary is the citizen's words until a unit publishes the answer with it.
        "summary": petition.summary if answer_of(petition) else "",
        "state": petition.state,
        "state_label": str(petition.get_state_display()),
        "received_on": petition.received_on,
        "due_on": petition.due_on,
        # Until it is accepted (or referred) the deadline is the acceptance one.
        "deadline_kind": "accept" if petition.state == PetitionState.RECEIVED else "settle",
        "overdue": is_open and petition.due_on < today,
        "extensions": extensions,
        "unit": petition.organization.name,
        "referred_to": petition.competent_body_label if petition.referred_on else "",
        "referred_on": petition.referred_on,
        "settled_on": petition.settled_on,
        "on_time": petition.settled_on_time,
        "answer": answer_of(petition),
        "refusal_reason": privacy.mask(petition.refusal_reason)
        if petition.state == PetitionState.REFUSED
        else "",
        "confirmation": petition.confirmation,
        "confirmation_label": str(petition.get_confirmation_display())
        if petition.confirmation
        else "",
        "confirmed_on": petition.confirmed_on,
        "closed_on": petition.closed_on,
        "merged_into": merged,
        "awaiting_confirmation": petition.state == PetitionState.SETTLED,
    }
