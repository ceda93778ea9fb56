"""API for petitions: the list and the case, intake, every step of the workflow as a
sub-resource, the petitioner's identity (logged, for the officers handling it) and the history.

No answer here carries the petitioner's personal fields except `/petitions/{id}/petitioner`,
which goes through `services_privacy.petitioner_reveal` (permission asked, each showing logged).
"""

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib.api import HistoryOut, Pages, Ref, binary, history_items
from danvan.lib.api import request_user as _actor
from danvan.lib.records import one_or_404
from danvan.lib.web import attachment as _download
from danvan.org.api import organization_in_scope as _org
from danvan.org.selectors import get_area_for_user, get_organization_for_user
from danvan.situation.api_lookups import active_user, area_in_body, topic_named
from danvan.situation.models import Note

from . import selectors, services_intake, services_petitions, services_privacy
from .api_lookups import competent_body_named, petition_named, record_named
from .models import Dialogue, Extension, Petition, PetitionChannel, Petitioner, Reception

router = Router()  # tagged "Dialogue" by the router it hangs under (api.py)

StateName = Literal[
    "received", "accepted", "referred", "refused", "in_progress", "settled", "closed", "merged"
]
KindName = Literal["petition", "feedback", "complaint", "denunciation"]
# Officers record what came to them; the public form is the citizens' own channel.
ChannelName = Literal["api", "reception", "letter", "hotline", "dialogue"]
ComplexityName = Literal["normal", "complex"]
LevelName = Literal["normal", "watch", "hot_spot", "complex"]


def _today() -> datetime.date:
    return timezone.localdate()


# --- What the answers carry ------------------------------------------------------------------


class TopicRef(Schema):
    id: int
    code: str
    name: str = Field(..., description="In your language")


def user_ref(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


class PetitionOut(Schema):
    id: int
    code: str = Field(..., description="The tracking code the citizen was given")
    summary: str
    kind: str
    kind_label: str
    channel: str
    state: str
    state_label: str
    organization: Ref = Field(..., description="The unit handling it")
    area: Ref = Field(..., description="The commune or village it is about")
    topic: TopicRef
    received_on: datetime.date
    due_on: datetime.date = Field(..., description="The deadline of the current stage")
    overdue: bool = Field(..., description="Still owed an answer and past its deadline")
    settle_due: datetime.date | None = Field(..., description="The settlement deadline by law")
    settled_on: datetime.date | None
    on_time: bool | None = Field(..., description="Settled by the (extended) deadline")

    @staticmethod
    def resolve_kind_label(obj: Petition) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj: Petition) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_topic(obj: Petition) -> dict[str, Any]:
        return {"id": obj.topic.pk, "code": obj.topic.code, "name": obj.topic.label}

    @staticmethod
    def resolve_overdue(obj: Petition) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_on_time(obj: Petition) -> bool | None:
        return obj.settled_on_time


class ExtensionOut(Schema):
    id: int
    decided_on: datetime.date
    working_days: int
    previous_due: datetime.date
    new_due: datetime.date
    reason: str
    decided_by: str
    cycle: int = Field(
        ...,
        description="The settlement it extended: 0 the first, n the one after the nth reopening "
        "(the law's maximum counts those of the current one, `reopened`)",
    )

    @staticmethod
    def resolve_decided_by(obj: Extension) -> str:
        return str(obj.decided_by) if obj.decided_by is not None else ""


class PetitionFileOut(Schema):
    id: int
    name: str
    uploaded_at: datetime.datetime
    url: str = Field(..., description="Where to download the file (this API)")


class PetitionDetailOut(PetitionOut):
    text: str = Field(..., description="The citizen's words (ID and phone numbers masked)")
    complexity: str
    remote_area: bool
    second_level: bool
    accepted_on: datetime.date | None
    handler: Ref | None = Field(..., description="The officer handling it")
    competent_body: Ref | None = Field(..., description="The unit it was referred to")
    competent_body_name: str = Field(..., description="The body referred to, by name")
    referred_on: datetime.date | None
    refusal_reason: str
    extensions: list[ExtensionOut] = Field(..., alias="detail_extensions")
    result: str
    notice_sent_on: datetime.date | None
    published: bool = Field(..., description="The answer is shown on the public tracking page")
    confirmation: str = Field(..., description="satisfied, not_satisfied, or empty")
    confirmed_on: datetime.date | None
    closed_on: datetime.date | None
    reopened: int = Field(..., description="Times reopened")
    merged_into: str | None = Field(..., description="The code of the petition it was merged into")
    duplicates: list[str] = Field(
        ..., alias="detail_duplicates", description="Codes of the petitions merged into it"
    )
    note: int | None = Field(..., description="The situation note it is linked to")
    attachments: list[PetitionFileOut] = Field(
        ..., alias="detail_attachments", description="The files sent with it or added since"
    )
    reception: int | None = Field(..., description="The reception session it came in at")
    dialogue: int | None = Field(..., description="The dialogue it was raised at")
    created_at: datetime.datetime

    @staticmethod
    def resolve_text(obj: Petition) -> str:
        return obj.text or ""

    @staticmethod
    def resolve_handler(obj: Petition) -> dict[str, Any] | None:
        return user_ref(obj.handler)

    @staticmethod
    def resolve_competent_body_name(obj: Petition) -> str:
        return obj.competent_body_label

    @staticmethod
    def resolve_merged_into(obj: Petition) -> str | None:
        return obj.merged_into.code if obj.merged_into is not None else None

    @staticmethod
    def resolve_note(obj: Petition) -> int | None:
        return obj.note_id

    @staticmethod
    def resolve_reception(obj: Petition) -> int | None:
        return obj.reception_id

    @staticmethod
    def resolve_dialogue(obj: Petition) -> int | None:
        return obj.dialogue_id


def petition_detail(user: User, pk: int) -> Petition:
    """The petition with what its page shows beside it, as attributes PetitionDetailOut reads."""
    petition = selectors.get_petition_for_user(user, pk)
    petition.detail_extensions = selectors.extensions_of(petition)  # type: ignore[attr-defined]
    petition.detail_duplicates = list(  # type: ignore[attr-defined]
        Petition.objects.visible_to(user)
        .filter(merged_into=petition)
        .order_by("code")
        .values_list("code", flat=True)
    )
    petition.detail_attachments = [  # type: ignore[attr-defined]
        {
            "id": a.pk,
            "name": a.name,
            "uploaded_at": a.uploaded_at,
            "url": reverse("api-v1:petition_file", args=[petition.pk, a.pk]),
        }
        for a in selectors.files_of(petition)
    ]
    return petition


# --- The list and the case -------------------------------------------------------------------


class PetitionFilter(Schema):
    state: StateName | None = None
    kind: KindName | None = None
    topic: str = Field("", max_length=60, description="A topic's id or code; a group: its topics")
    area: int | None = Field(None, description="An area's id: the petitions about its subtree")
    organization: int | None = Field(None, description="A unit's id: it and the units below")
    overdue: bool | None = Field(None, description="true: only overdue; false: none overdue")
    q: str = Field(
        "", max_length=200, description="Words of the summary (accents optional), or a code"
    )


@router.get("/petitions", response=list[PetitionOut])
@paginate(Pages)
def list_petitions(request: HttpRequest, filters: Query[PetitionFilter]) -> Any:
    """The petitions you see, newest first. An area or unit outside your scope is 404."""
    user = _actor(request)
    return selectors.petitions_for_user(
        user,
        state=filters.state or "",
        kind=filters.kind or "",
        topic=topic_named(filters.topic, "topic") if filters.topic.strip() else None,
        area=get_area_for_user(user, filters.area) if filters.area is not None else None,
        organization=(
            get_organization_for_user(user, filters.organization)
            if filters.organization is not None
            else None
        ),
        overdue=filters.overdue,
        q=filters.q,
    )


@router.get("/petitions/{petition_id}", response=PetitionDetailOut)
def get_petition(request: HttpRequest, petition_id: int) -> Any:
    """The case: its deadlines and extensions, who handles it, the result and the citizen's
    word — never the petitioner (see `/petitions/{id}/petitioner`)."""
    return petition_detail(_actor(request), petition_id)


class PetitionerIn(Schema):
    name: str = Field("", max_length=150)
    phone: str = Field("", max_length=30, description="A Vietnamese number, e.g. 0912345678")
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    id_number: str = Field("", max_length=20, description="12 digits (9 on an old card)")


class PetitionIn(Schema):
    organization: int = Field(..., description="The handling unit's id")
    area: int = Field(..., description="The commune's or village's id")
    topic: str = Field(..., max_length=60, description="A situation topic's code or id")
    kind: KindName
    channel: ChannelName = Field("api", description="How it came in; api unless given")
    summary: str = Field(..., max_length=300, description="One sentence: what is asked")
    text: str = Field("", max_length=20_000, description="The citizen's words")
    received_on: datetime.date | None = Field(None, description="Default: today")
    complexity: ComplexityName = "normal"
    remote_area: bool = False
    second_level: bool = Field(False, description="A second-level settlement")
    reception: int | None = Field(None, description="The reception session's id (same unit)")
    dialogue: int | None = Field(None, description="The dialogue's id (same unit)")
    petitioner: PetitionerIn | None = Field(None, description="Kept encrypted, never shown here")
    consent: bool = Field(False, description="The petitioner agreed to the consent text")


@router.post("/petitions", response={201: PetitionDetailOut})
def create_petition(request: HttpRequest, payload: PetitionIn) -> Any:
    """Record a petition; the answer carries its tracking code. ID and phone numbers typed in
    the summary or text are masked there and kept only with the petitioner, encrypted."""
    user = _actor(request)
    data = payload.dict()
    person = data.pop("petitioner") or {}
    if person.get("email"):
        try:
            validate_email(person["email"])
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    data.update(
        organization=_org(user, data["organization"], "organization"),
        area=area_in_body(user, data["area"], "area"),
        topic=topic_named(data["topic"], "topic"),
        reception=record_named(user, Reception, data["reception"], "reception"),
        dialogue=record_named(user, Dialogue, data["dialogue"], "dialogue"),
        channel=PetitionChannel(data["channel"]),
    )
    petition = services_intake.petition_create(actor=user, person=person, **data)
    return Status(201, petition_detail(user, petition.pk))


# --- The workflow: one sub-resource per step -------------------------------------------------


class CaseKindIn(Schema):
    """What sets the settlement's legal time (a petition sent by the public comes without)."""

    complexity: ComplexityName | None = Field(None, description="Leave out to keep it")
    remote_area: bool | None = Field(
        None, description="A remote or disadvantaged area (longer legal time); leave out to keep it"
    )
    second_level: bool | None = Field(
        None, description="A second-level settlement (longer legal time); leave out to keep it"
    )


class PetitionAcceptIn(CaseKindIn):
    accepted_on: datetime.date | None = Field(None, description="Default: today")
    handler: int | None = Field(None, description="The officer's user id")


class PetitionAssignIn(Schema):
    handler: int = Field(..., description="An officer of the handling unit (or above)")


class ReferIn(CaseKindIn):
    referred_on: datetime.date | None = Field(None, description="Default: today")
    competent_body: int | None = Field(None, description="A unit of the petition's area (id)")
    competent_body_name: str = Field("", max_length=250, description="A body outside danvan")
    reason: str = ""


class RefuseIn(Schema):
    reason: str = Field(..., description="The citizen is told")
    refused_on: datetime.date | None = Field(None, description="Default: today")


class ExtendIn(Schema):
    working_days: int = Field(..., description="Working days added, within the law's maximum")
    reason: str
    decided_on: datetime.date | None = Field(None, description="Default: today")


class SettleIn(Schema):
    result: str = Field(..., description="The result the citizen reads")
    settled_on: datetime.date | None = Field(None, description="Default: today")
    notice_sent_on: datetime.date | None = None
    publish: bool = Field(
        True,
        description="Show the answer on the public tracking page (and the summary and result "
        "in the public feed and Open311's list)",
    )
    confirm_no_person: bool = Field(
        False,
        description="Published text that seems to name a private person is refused (400, "
        "at `result` or `publish`) unless this is true: what was flagged is a public office "
        "or place",
    )


class PetitionConfirmIn(Schema):
    confirmation: Literal["satisfied", "not_satisfied"]
    confirmed_on: datetime.date | None = Field(None, description="Default: today")
    comment: str = Field("", description="The citizen's words (kept in the history)")


class PetitionReopenIn(Schema):
    reason: str
    reopened_on: datetime.date | None = Field(None, description="Default: today")


class MergeIn(Schema):
    into: str = Field(..., max_length=30, description="The other petition's code or id")
    reason: str = ""


class NoteLinkIn(Schema):
    note: int | None = Field(None, description="A situation note's id; leave out to file one")
    level: LevelName = Field("normal", description="The level of the note filed")


def _acting(request: HttpRequest, petition_id: int) -> tuple[User, Petition]:
    user = _actor(request)
    return user, selectors.get_petition_for_user(user, petition_id)


@router.post("/petitions/{petition_id}/accept", response=PetitionDetailOut)
def accept_petition(request: HttpRequest, petition_id: int, payload: PetitionAcceptIn) -> Any:
    """Accept it for settlement: the settlement clock starts, in working days, by its
    complexity, a remote area and a second-level settlement (409 unless received; complaints
    and denunciations are referred, not accepted)."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_accept(
        actor=user,
        petition=petition,
        accepted_on=payload.accepted_on or _today(),
        complexity=payload.complexity,
        remote_area=payload.remote_area,
        second_level=payload.second_level,
        handler=active_user(payload.handler, "handler") if payload.handler is not None else None,
    )
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/assign", response=PetitionDetailOut)
def assign_petition(request: HttpRequest, petition_id: int, payload: PetitionAssignIn) -> Any:
    """Name the officer handling it (the only one who sees a denouncer's identity)."""
    user, petition = _acting(request, petition_id)
    handler = active_user(payload.handler, "handler")
    services_petitions.petition_assign(actor=user, petition=petition, handler=handler)
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/refer", response=PetitionDetailOut)
def refer_petition(request: HttpRequest, petition_id: int, payload: ReferIn) -> Any:
    """Refer it to the competent body (a unit by id, or a body outside danvan by name)."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_refer(
        actor=user,
        petition=petition,
        referred_on=payload.referred_on or _today(),
        competent_body=competent_body_named(petition, payload.competent_body),
        competent_body_name=payload.competent_body_name,
        reason=payload.reason,
        complexity=payload.complexity,
        remote_area=payload.remote_area,
        second_level=payload.second_level,
    )
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/refuse", response=PetitionDetailOut)
def refuse_petition(request: HttpRequest, petition_id: int, payload: RefuseIn) -> Any:
    """Refuse to accept it, with the reason the citizen is told (409 unless received)."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_refuse(
        actor=user,
        petition=petition,
        reason=payload.reason,
        refused_on=payload.refused_on or _today(),
    )
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/extend", response=PetitionDetailOut)
def extend_petition(request: HttpRequest, petition_id: int, payload: ExtendIn) -> Any:
    """Extend the settlement deadline by a decision, within the law's maximum (400 beyond)."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_extend(
        actor=user,
        petition=petition,
        working_days=payload.working_days,
        reason=payload.reason,
        decided_on=payload.decided_on or _today(),
    )
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/settle", response=PetitionDetailOut)
def settle_petition(request: HttpRequest, petition_id: int, payload: SettleIn) -> Any:
    """Record the result; on time is derived from the (extended) deadline."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_settle(
        actor=user,
        petition=petition,
        result=payload.result,
        settled_on=payload.settled_on or _today(),
        notice_sent_on=payload.notice_sent_on,
        publish=payload.publish,
        confirm_no_person=payload.confirm_no_person,
    )
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/confirm", response=PetitionDetailOut)
def confirm_petition(request: HttpRequest, petition_id: int, payload: PetitionConfirmIn) -> Any:
    """The citizen's word on the answer, told to an officer: it closes the case."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_confirm(
        actor=user,
        petition=petition,
        confirmation=payload.confirmation,
        confirmed_on=payload.confirmed_on,
        comment=payload.comment,
    )
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/close", response=PetitionDetailOut)
def close_petition(request: HttpRequest, petition_id: int) -> Any:
    """Close a settled petition without the citizen's word (409 unless settled)."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_close(actor=user, petition=petition)
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/reopen", response=PetitionDetailOut)
def reopen_petition(request: HttpRequest, petition_id: int, payload: PetitionReopenIn) -> Any:
    """Open a settled, closed or refused petition again, with the reason: a new settlement
    clock runs."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_reopen(
        actor=user,
        petition=petition,
        reason=payload.reason,
        reopened_on=payload.reopened_on,
    )
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/merge", response=PetitionDetailOut)
def merge_petition(request: HttpRequest, petition_id: int, payload: MergeIn) -> Any:
    """Merge a duplicate into another petition you handle; a cycle is refused (400)."""
    user, petition = _acting(request, petition_id)
    into = petition_named(user, payload.into, "into")
    services_petitions.petition_merge(
        actor=user, petition=petition, into=into, reason=payload.reason
    )
    return petition_detail(user, petition_id)


@router.post("/petitions/{petition_id}/attachments", response={201: PetitionDetailOut})
def add_petition_files(
    request: HttpRequest, petition_id: int, files: File[list[UploadedFile]]
) -> Any:
    """Add files to a petition being handled (409 once answered), sent as multipart/form-data,
    one or more `files` (at most 10 at a time), each checked like every upload (400)."""
    user, petition = _acting(request, petition_id)
    services_petitions.petition_attach(actor=user, petition=petition, attachments=files)
    return Status(201, petition_detail(user, petition_id))


@router.get(
    "/petitions/{petition_id}/attachments/{attachment_id}",
    url_name="petition_file",
    openapi_extra=binary("application/octet-stream", "The file"),
)
def download_petition_file(request: HttpRequest, petition_id: int, attachment_id: int) -> Any:
    """Download a file of a petition you see."""
    petition = selectors.get_petition_for_user(_actor(request), petition_id)
    found = selectors.files_of(petition)
    return _download(one_or_404(found, attachment_id).file)


@router.post("/petitions/{petition_id}/note", response=PetitionDetailOut)
def link_note(request: HttpRequest, petition_id: int, payload: NoteLinkIn) -> Any:
    """Link it to a situation note you see, or file one from it (the issue, never the person)."""
    user, petition = _acting(request, petition_id)
    note = None
    if payload.note is not None:
        note = Note.objects.visible_to(user).filter(pk=payload.note).first()
        if note is None:
            raise ValidationError({"note": _("No situation note you can see has this number.")})
    services_petitions.petition_link_note(
        actor=user, petition=petition, note=note, level=payload.level
    )
    return petition_detail(user, petition_id)


# --- The person and the history --------------------------------------------------------------


class PetitionerOut(Schema):
    erased: bool = Field(..., description="The personal data was erased; the fields are empty")
    name: str
    phone: str
    email: str
    address: str
    id_number: str
    consent_version: str
    consent_at: datetime.datetime | None
    consent_withdrawn_at: datetime.datetime | None


def _petitioner_out(petitioner: Petitioner | None) -> dict[str, Any]:
    fields = ("name", "phone", "email", "address", "id_number", "consent_version")
    found = {f: getattr(petitioner, f, "") or "" for f in fields}
    return {
        **found,
        "erased": petitioner is None,
        "consent_at": getattr(petitioner, "consent_at", None),
        "consent_withdrawn_at": getattr(petitioner, "consent_withdrawn_at", None),
    }


@router.get("/petitions/{petition_id}/petitioner", response=PetitionerOut)
def reveal_petitioner(request: HttpRequest, petition_id: int) -> Any:
    """Who sent it, for the officers handling it (a denouncer: only the assigned handler;
    403 for anyone else). Each call is logged."""
    user, petition = _acting(request, petition_id)
    return _petitioner_out(services_privacy.petitioner_reveal(actor=user, petition=petition))


@router.get("/petitions/{petition_id}/history", response=list[HistoryOut])
def petition_history(request: HttpRequest, petition_id: int) -> Any:
    """The case's history, newest first: who, when, the act and the reason."""
    return history_items(selectors.get_petition_for_user(_actor(request), petition_id))
