"""API for dialogue with the people: citizen reception sessions, dialogues and their
commitments — scoped like the pages (a record outside the scope is 404, as one that does not
exist). Petitions are in api_petitions, the scorecard and data requests in api_reports; both
hang under this router."""

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib.api import HistoryOut, Pages, Patch, Ref, Year, history_items
from danvan.lib.api import request_user as _actor
from danvan.org.api import organization_in_scope as _org
from danvan.org.models import Organization
from danvan.org.selectors import get_organization_for_user

from . import selectors, services
from .api_petitions import router as petitions_router
from .api_reports import router as reports_router
from .models import Commitment, CommitmentStatus, Dialogue, Reception

router = Router(tags=["Dialogue"])
router.add_router("", petitions_router)
router.add_router("", reports_router)

HostRoleName = Literal[
    "party_secretary", "committee_chair", "council_chair", "front_chair", "other"
]
ReceptionKindName = Literal["regular", "ad_hoc"]
DialogueKindName = Literal["direct", "conference", "thematic"]
DialogueStatusName = Literal["planned", "held", "published", "cancelled"]
ChannelName = Literal["in_person", "online", "both"]

HOST_NAME_MAX = 150
PLACE_MAX = 250
TITLE_MAX = 300


def _today() -> datetime.date:
    return timezone.localdate()


def _unit_filter(user: User, pk: int | None) -> Organization | None:
    """`?organization=`: a unit the user sees and the units below it (404 outside the scope)."""
    return get_organization_for_user(user, pk) if pk is not None else None


def _units(user: User, ids: list[int], field: str) -> list[Organization]:
    """Active units the user sees, named by id in a body, or a 400 naming the field."""
    wanted = list(dict.fromkeys(ids))
    found = {o.pk: o for o in Organization.objects.visible_to(user).active().filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError(
            {field: _("No organisation with id %(id)s in your scope.") % {"id": missing[0]}}
        )
    return [found[pk] for pk in wanted]


# --- Citizen reception sessions --------------------------------------------------------------


class ReceptionOut(Schema):
    id: int
    organization: Ref = Field(..., description="The unit whose head received citizens")
    kind: str
    held_on: datetime.date
    host_role: str
    host_role_label: str
    host_name: str
    place: str
    citizens: int = Field(..., description="Citizens received")
    cases: int = Field(..., description="Cases received")
    notes: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_host_role_label(obj: Reception) -> str:
        return str(obj.get_host_role_display())


class ReceptionFilter(Schema):
    organization: int | None = Field(None, description="A unit's id: it and the units below")
    year: Year | None = None


class ReceptionIn(Schema):
    organization: int = Field(..., description="The unit whose head held it")
    held_on: datetime.date
    host_role: HostRoleName
    place: str = Field(..., max_length=PLACE_MAX)
    kind: ReceptionKindName = "regular"
    host_name: str = Field("", max_length=HOST_NAME_MAX)
    citizens: int = 0
    cases: int = 0
    notes: str = ""


class ReceptionPatch(Patch):
    """Leave a field out to keep it."""

    kind: ReceptionKindName | None = None
    held_on: datetime.date | None = None
    host_role: HostRoleName | None = None
    host_name: str | None = Field(None, max_length=HOST_NAME_MAX)
    place: str | None = Field(None, max_length=PLACE_MAX)
    citizens: int | None = None
    cases: int | None = None
    notes: str | None = None


@router.get("/receptions", response=list[ReceptionOut])
@paginate(Pages)
def list_receptions(request: HttpRequest, filters: Query[ReceptionFilter]) -> Any:
    """The reception sessions you see, newest first."""
    user = _actor(request)
    return selectors.receptions_for_user(
        user, organization=_unit_filter(user, filters.organization), year=filters.year
    )


@router.post("/receptions", response={201: ReceptionOut})
def create_reception(request: HttpRequest, payload: ReceptionIn) -> Any:
    """Record a citizen reception session held by one of a unit's heads."""
    user = _actor(request)
    data = payload.dict()
    data["organization"] = _org(user, data["organization"], "organization")
    reception = services.reception_create(actor=user, **data)
    return Status(201, selectors.get_reception_for_user(user, reception.pk))


@router.get("/receptions/{reception_id}", response=ReceptionOut)
def get_reception(request: HttpRequest, reception_id: int) -> Any:
    return selectors.get_reception_for_user(_actor(request), reception_id)


@router.patch("/receptions/{reception_id}", response=ReceptionOut)
def update_reception(request: HttpRequest, reception_id: int, payload: ReceptionPatch) -> Any:
    """Correct a session: any of its fields."""
    user = _actor(request)
    reception = selectors.get_reception_for_user(user, reception_id)
    services.reception_update(actor=user, reception=reception, **payload.dict(exclude_unset=True))
    return selectors.get_reception_for_user(user, reception_id)


@router.get("/receptions/{reception_id}/history", response=list[HistoryOut])
def reception_history(request: HttpRequest, reception_id: int) -> Any:
    """The session's history, newest first."""
    return history_items(selectors.get_reception_for_user(_actor(request), reception_id))


# --- Dialogues and their commitments ---------------------------------------------------------


class CommitmentOut(Schema):
    id: int
    dialogue: int = Field(..., alias="dialogue_id")
    text: str
    responsible: Ref | None = Field(..., description="The unit answering for it, if in danvan")
    responsible_name: str = Field(..., description="The agency answering for it, by name")
    due_on: datetime.date
    status: str
    status_label: str
    done_on: datetime.date | None
    evidence: str = Field(..., description="The evidence it was kept, or why it was not")
    overdue: bool

    @staticmethod
    def resolve_responsible_name(obj: Commitment) -> str:
        return obj.responsible_label

    @staticmethod
    def resolve_status_label(obj: Commitment) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: Commitment) -> bool:
        return obj.status == CommitmentStatus.OPEN and obj.due_on < _today()


class DialogueOut(Schema):
    id: int
    organization: Ref = Field(..., description="The unit holding it")
    kind: str
    kind_label: str
    title: str
    held_on: datetime.date
    host_role: str
    host_name: str
    co_hosts: list[Ref]
    place: str
    channel: str
    announced_on: datetime.date
    urgent: bool
    urgent_reason: str
    participants: int | None
    status: str
    status_label: str
    published_on: datetime.date | None
    publish_due: datetime.date = Field(..., description="Results are due by this day")
    publication_late: bool = Field(..., description="Held, and results published late or not yet")

    @staticmethod
    def resolve_kind_label(obj: Dialogue) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Dialogue) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_co_hosts(obj: Dialogue) -> list[Organization]:
        return list(obj.co_hosts.all())


class DialogueDetailOut(DialogueOut):
    issues_raised: str
    results: str
    commitments: list[CommitmentOut]
    created_at: datetime.datetime

    @staticmethod
    def resolve_commitments(obj: Dialogue) -> list[Commitment]:
        return list(obj.commitments.all())


class DialogueFilter(Schema):
    organization: int | None = Field(None, description="A unit's id: it and the units below")
    kind: DialogueKindName | None = None
    status: DialogueStatusName | None = None
    year: Year | None = None


class DialogueIn(Schema):
    organization: int = Field(..., description="The unit holding it")
    kind: DialogueKindName
    title: str = Field(..., max_length=TITLE_MAX)
    held_on: datetime.date
    host_role: HostRoleName
    announced_on: datetime.date = Field(..., description="At least 7 days ahead unless urgent")
    host_name: str = Field("", max_length=HOST_NAME_MAX)
    co_hosts: list[int] = Field([], description="Ids of the units hosting it too")
    place: str = Field("", max_length=PLACE_MAX)
    channel: ChannelName = "in_person"
    urgent: bool = False
    urgent_reason: str = Field("", max_length=300)
    participants: int | None = None
    issues_raised: str = ""


class DialoguePatch(Patch):
    """Leave a field out to keep it; `participants` may be null (not known)."""

    nullable = frozenset({"participants"})

    kind: DialogueKindName | None = None
    title: str | None = Field(None, max_length=TITLE_MAX)
    held_on: datetime.date | None = None
    host_role: HostRoleName | None = None
    host_name: str | None = Field(None, max_length=HOST_NAME_MAX)
    co_hosts: list[int] | None = None
    place: str | None = Field(None, max_length=PLACE_MAX)
    channel: ChannelName | None = None
    announced_on: datetime.date | None = None
    urgent: bool | None = None
    urgent_reason: str | None = Field(None, max_length=300)
    participants: int | None = None
    issues_raised: str | None = None


class HoldIn(Schema):
    participants: int
    issues_raised: str = Field(..., description="What the people raised")


class PublishIn(Schema):
    results: str
    published_on: datetime.date | None = Field(None, description="Default: today")


class CancelIn(Schema):
    reason: str


class CommitmentIn(Schema):
    text: str = Field(..., description="What was committed")
    due_on: datetime.date
    responsible: int | None = Field(None, description="The id of the unit answering for it")
    responsible_name: str = Field("", max_length=250, description="Or an agency outside danvan")


class KeepIn(Schema):
    evidence: str = Field(..., description="A decision, a report, a photo…")
    done_on: datetime.date | None = Field(None, description="Default: today")


class NotKeptIn(Schema):
    reason: str


def _dialogue(user: User, pk: int) -> Dialogue:
    return selectors.get_dialogue_for_user(user, pk)


@router.get("/dialogues", response=list[DialogueOut])
@paginate(Pages)
def list_dialogues(request: HttpRequest, filters: Query[DialogueFilter]) -> Any:
    """The dialogues you see, newest first."""
    user = _actor(request)
    return selectors.dialogues_for_user(
        user,
        organization=_unit_filter(user, filters.organization),
        kind=filters.kind or "",
        status=filters.status or "",
        year=filters.year,
    ).prefetch_related("co_hosts")


@router.post("/dialogues", response={201: DialogueDetailOut})
def create_dialogue(request: HttpRequest, payload: DialogueIn) -> Any:
    """Announce (or record) a dialogue; announced fewer than the set days ahead it must be
    marked urgent, with the reason (400 otherwise)."""
    user = _actor(request)
    data = payload.dict()
    data["organization"] = _org(user, data["organization"], "organization")
    data["co_hosts"] = _units(user, data["co_hosts"], "co_hosts")
    dialogue = services.dialogue_create(actor=user, **data)
    return Status(201, _dialogue(user, dialogue.pk))


@router.get("/dialogues/{dialogue_id}", response=DialogueDetailOut)
def get_dialogue(request: HttpRequest, dialogue_id: int) -> Any:
    """The dialogue with its commitments, the day results are due and whether they are late."""
    return _dialogue(_actor(request), dialogue_id)


@router.patch("/dialogues/{dialogue_id}", response=DialogueDetailOut)
def update_dialogue(request: HttpRequest, dialogue_id: int, payload: DialoguePatch) -> Any:
    """Correct a dialogue (409 once cancelled)."""
    user = _actor(request)
    dialogue = _dialogue(user, dialogue_id)
    data = payload.dict(exclude_unset=True)
    if "co_hosts" in data:
        data["co_hosts"] = _units(user, data["co_hosts"], "co_hosts")
    services.dialogue_update(actor=user, dialogue=dialogue, **data)
    return _dialogue(user, dialogue_id)


@router.post("/dialogues/{dialogue_id}/hold", response=DialogueDetailOut)
def hold_dialogue(request: HttpRequest, dialogue_id: int, payload: HoldIn) -> Any:
    """It took place: how many came and what they raised (409 unless announced)."""
    user = _actor(request)
    services.dialogue_hold(
        actor=user,
        dialogue=_dialogue(user, dialogue_id),
        participants=payload.participants,
        issues_raised=payload.issues_raised,
    )
    return _dialogue(user, dialogue_id)


@router.post("/dialogues/{dialogue_id}/publish", response=DialogueDetailOut)
def publish_dialogue(request: HttpRequest, dialogue_id: int, payload: PublishIn) -> Any:
    """Publish the results (late is shown, not refused; 409 unless held)."""
    user = _actor(request)
    services.dialogue_publish(
        actor=user,
        dialogue=_dialogue(user, dialogue_id),
        results=payload.results,
        published_on=payload.published_on or _today(),
    )
    return _dialogue(user, dialogue_id)


@router.post("/dialogues/{dialogue_id}/cancel", response=DialogueDetailOut)
def cancel_dialogue(request: HttpRequest, dialogue_id: int, payload: CancelIn) -> Any:
    """Cancel an announced dialogue, with the reason (409 once held)."""
    user = _actor(request)
    services.dialogue_cancel(
        actor=user, dialogue=_dialogue(user, dialogue_id), reason=payload.reason
    )
    return _dialogue(user, dialogue_id)


@router.get("/dialogues/{dialogue_id}/history", response=list[HistoryOut])
def dialogue_history(request: HttpRequest, dialogue_id: int) -> Any:
    """The dialogue's history, newest first: announced, held, published or cancelled."""
    return history_items(_dialogue(_actor(request), dialogue_id))


@router.post("/dialogues/{dialogue_id}/commitments", response={201: CommitmentOut})
def add_commitment(request: HttpRequest, dialogue_id: int, payload: CommitmentIn) -> Any:
    """A commitment made at the dialogue, once held: the agency answering for it and the date."""
    user = _actor(request)
    dialogue = _dialogue(user, dialogue_id)
    responsible = (
        _units(user, [payload.responsible], "responsible")[0]
        if payload.responsible is not None
        else None
    )
    commitment = services.commitment_add(
        actor=user,
        dialogue=dialogue,
        text=payload.text,
        due_on=payload.due_on,
        responsible=responsible,
        responsible_name=payload.responsible_name,
    )
    return Status(201, selectors.get_commitment_for_user(user, commitment.pk))


@router.post("/commitments/{commitment_id}/keep", response=CommitmentOut)
def keep_commitment(request: HttpRequest, commitment_id: int, payload: KeepIn) -> Any:
    """It was kept, with the evidence (409 once settled)."""
    user = _actor(request)
    services.commitment_keep(
        actor=user,
        commitment=selectors.get_commitment_for_user(user, commitment_id),
        done_on=payload.done_on or _today(),
        evidence=payload.evidence,
    )
    return selectors.get_commitment_for_user(user, commitment_id)


@router.post("/commitments/{commitment_id}/not-kept", response=CommitmentOut)
def fail_commitment(request: HttpRequest, commitment_id: int, payload: NotKeptIn) -> Any:
    """It was not kept, and why (409 once settled)."""
    user = _actor(request)
    services.commitment_fail(
        actor=user,
        commitment=selectors.get_commitment_for_user(user, commitment_id),
        reason=payload.reason,
    )
    return selectors.get_commitment_for_user(user, commitment_id)


@router.get("/commitments/{commitment_id}/history", response=list[HistoryOut])
def commitment_history(request: HttpRequest, commitment_id: int) -> Any:
    """The commitment's history, newest first."""
    return history_items(selectors.get_commitment_for_user(_actor(request), commitment_id))
