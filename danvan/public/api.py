"""The public API: send a petition and follow it by its code, no sign-in.

The same service, rules and limit per address as the public form; what a GET answers is what
the tracking page shows (the case, never the person). A missing code and a denunciation's code
answer the same 404.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from danvan.dialogue import selectors, services_intake
from danvan.dialogue.models import PetitionChannel
from danvan.situation.models import Topic

from . import routing
from .cases import describe
from .protection import decoy_code, limited

router = Router(tags=["Public"])

Kind = Literal["petition", "feedback", "complaint", "denunciation"]


class PublicPetitionerIn(Schema):
    name: str = Field("", max_length=150, description="Full name (the law asks it on a petition)")
    phone: str = Field("", max_length=30, description="To be called about it")
    email: str = Field("", max_length=254, description="To receive the written answer")
    address: str = Field("", max_length=300, description="Where the written answer is sent")


class PublicPetitionIn(Schema):
    area: str = Field(
        ..., max_length=20, description="The commune's official code (or its id in danvan)"
    )
    topic: str = Field(..., max_length=50, description="A situation topic's code")
    kind: Kind = "petition"
    summary: str = Field(..., max_length=300, description="One sentence: what is asked")
    text: str = Field("", max_length=20_000, description="The details (never published)")
    petitioner: PublicPetitionerIn | None = None
    consent: bool = Field(
        ...,
        description="Must be true: agreement to the consent text (version given by "
        "DANVAN_CONSENT_VERSION) to keep the petitioner's data to settle the petition.",
    )
    website: str = Field("", max_length=200, description="Leave empty.")


class CodeOut(Schema):
    code: str = Field(..., description="The tracking code: keep it, it is the only way to follow")


class RateLimitedOut(Schema):
    detail: str


class PublicExtensionOut(Schema):
    decided_on: datetime.date
    working_days: int
    previous_due: datetime.date
    new_due: datetime.date
    reason: str


class MergedOut(Schema):
    """The petition it was merged into, settled together with it: its progress, not its code
    (whose holder alone confirms the answer)."""

    state: str
    state_label: str
    due_on: datetime.date | None = Field(..., description="Its deadline while it is open")
    deadline_kind: Literal["accept", "settle"]
    settled_on: datetime.date | None
    answer: str = Field(..., description="The answer, once published")


class PublicPetitionOut(Schema):
    code: str
    kind: str
    kind_label: str
    topic: str
    topic_code: str
    area: str
    summary: str = Field(..., description="Shown once the unit published its answer, else empty")
    state: str
    state_label: str
    received_on: datetime.date
    due_on: datetime.date = Field(..., description="The legal deadline of the current stage")
    deadline_kind: Literal["accept", "settle"]
    overdue: bool
    extensions: list[PublicExtensionOut]
    unit: str = Field(..., description="The unit handling it")
    referred_to: str = Field(..., description="The competent body it was referred to, if any")
    referred_on: datetime.date | None
    settled_on: datetime.date | None
    on_time: bool | None = Field(..., description="Settled by the (extended) deadline")
    answer: str = Field(..., description="The published answer, when settled")
    refusal_reason: str
    confirmation: str
    confirmation_label: str
    confirmed_on: datetime.date | None
    closed_on: datetime.date | None
    merged_into: MergedOut | None
    awaiting_confirmation: bool


def _topic(code: str) -> Topic:
    topic = Topic.objects.filter(code=code.strip(), is_active=True).first()
    if topic is None:
        raise ValidationError(
            {"topic": _("No topic in use with the code «%(code)s».") % {"code": code}}
        )
    return topic


def _commune(value: str) -> Any:
    value = value.strip()
    commune = routing.commune_by_code(value)
    if commune is None and value.isascii() and value.isdigit() and len(value) < 18:
        commune = routing.communes_receiving().filter(pk=int(value)).first()
    if commune is None:
        raise ValidationError(
            {"area": _("No commune receiving petitions has the code «%(code)s».") % {"code": value}}
        )
    return commune


@router.post(
    "/public/petitions",
    response={201: CodeOut, 429: RateLimitedOut},
    auth=None,
    summary="Send a petition (no sign-in)",
)
def send_petition(request: HttpRequest, payload: PublicPetitionIn) -> Any:
    """File a petition, feedback, complaint or denunciation about a commune; answers its
    tracking code. `consent` must be true. Limited per address (429 past the limit)."""
    if limited(request):
        return Status(
            429, {"detail": _("Too many petitions from your address; try again in an hour.")}
        )
    if payload.website.strip():
        return Status(201, {"code": decoy_code()})
    if not payload.consent:
        raise ValidationError(
            {"consent": _("Agree to the consent text: the petition cannot be handled without it.")}
        )
    commune = _commune(payload.area)
    topic = _topic(payload.topic)
    unit = routing.handling_unit(commune)
    if unit is None:  # pragma: no cover — communes_receiving has one
        raise ValidationError({"area": _("No unit receives petitions for this commune yet.")})
    petition = services_intake.petition_create(
        actor=None,
        organization=unit,
        area=commune,
        topic=topic,
        kind=payload.kind,
        channel=PetitionChannel.API,
        summary=payload.summary,
        text=payload.text,
        person=payload.petitioner.model_dump() if payload.petitioner else {},
        consent=True,
    )
    return Status(201, {"code": petition.code})


@router.get(
    "/public/petitions/{code}",
    response=PublicPetitionOut,
    auth=None,
    summary="Follow a petition by its tracking code (no sign-in)",
)
def track_petition(request: HttpRequest, code: str) -> Any:
    """What the tracking page shows: the state, dates, deadline, extensions, the unit, the
    published answer. Never the petitioner. 404 for a code that does not exist or is not
    public (denunciations), the same answer."""
    petition = selectors.public_petition(services_intake.normalise_code(code))
    if petition is None:
        raise Http404
    return describe(petition)
