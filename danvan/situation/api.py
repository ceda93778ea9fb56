"""API for the people's situation: topics, notes and their follow-ups and files, counts and
forecasts — scoped like the pages (a note outside the scope is 404, as one that does not exist).
The alerts are in api_alerts.py."""

import datetime
from typing import Any, Literal

from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.documents.models import Document
from danvan.lib import periods
from danvan.lib.api import HistoryOut, Pages, Patch, binary, history_items
from danvan.lib.api import request_user as _actor
from danvan.lib.web import attachment as _download
from danvan.org.api import organization_in_scope as _org
from danvan.org.models import Area
from danvan.org.selectors import get_area_for_user, get_organization_for_user
from danvan.oversight.models import Oversight
from danvan.programs.models import Program

from . import board, selectors, services
from .api_lookups import area_in_body, linked_in_scope, period_named, topic_named
from .models import Alert, Attachment, FollowUp, Note, Topic

router = Router()

LevelName = Literal["normal", "watch", "hot_spot", "complex"]
SourceName = Literal["meeting", "reception", "field_visit", "media", "network"]
StatusName = Literal["following", "resolved"]


def _one_of(name: Any) -> dict[str, Any]:
    """An input's values in the OpenAPI, while the service still answers a wrong one with 400
    naming the field (as the page's form does)."""
    return {"enum": list(name.__args__)}


SUMMARY_MAX = Note._meta.get_field("summary").max_length  # type: ignore[union-attr]


# --- Topics -------------------------------------------------------------------------------


class TopicOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    parent: str | None = Field(..., description="The group's code; null for a group")
    active: bool = Field(..., alias="is_active")
    order: int

    @staticmethod
    def resolve_parent(obj: Topic) -> str | None:
        return obj.parent.code if obj.parent is not None else None


@router.get("/situation-topics", response=list[TopicOut], tags=["situation"])
def list_topics(request: HttpRequest) -> Any:
    """Every topic, groups and the topics under them, retired ones too (`active: false`)."""
    _actor(request)
    return selectors.topics(active_only=False)


# --- Notes --------------------------------------------------------------------------------


class NoteOut(Schema):
    id: int
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    area_id: int
    area_name: str = Field(..., alias="area.name")
    commune_id: int | None
    topic: str = Field(..., description="The topic's code")
    topic_name: str
    group: str = Field(..., description="The code of the topic's group")
    event_date: datetime.date
    summary: str
    details: str
    people_concerned: int | None
    level: LevelName
    source: SourceName
    actions: str
    status: StatusName
    resolved_on: datetime.date | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_topic(obj: Note) -> str:
        return obj.topic.code

    @staticmethod
    def resolve_topic_name(obj: Note) -> str:
        return obj.topic.label

    @staticmethod
    def resolve_group(obj: Note) -> str:
        return obj.topic.group.code


class FollowUpOut(Schema):
    id: int
    note_id: int
    happened_on: datetime.date
    text: str
    level: LevelName
    author: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(obj: FollowUp) -> str:
        return str(obj.author) if obj.author is not None else ""


class AttachmentOut(Schema):
    id: int
    name: str
    uploaded_at: datetime.datetime
    url: str = Field(..., description="Where to download the file (this API)")


class AttachmentStateOut(AttachmentOut):
    note_id: int
    removed_at: datetime.datetime | None = Field(
        ..., description="When it was taken off the note (it can be restored); null while on it"
    )


def _attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "note_id": attachment.note_id,
        "name": attachment.name,
        "uploaded_at": attachment.uploaded_at,
        "removed_at": attachment.removed_at,
        "url": reverse("api-v1:situation_attachment", args=[attachment.pk]),
    }


class NoteDetailOut(NoteOut):
    follow_ups: list[FollowUpOut] = Field(..., alias="detail_follow_ups")
    attachments: list[AttachmentOut] = Field(..., alias="detail_attachments")
    program_ids: list[int]
    oversight_ids: list[int]
    document_ids: list[int]
    alert_ids: list[int] = Field(..., description="The alerts it raised that you see")


class NoteFilter(Schema):
    area: int | None = Field(None, description="An area's id: the notes on its subtree")
    topic: str = Field("", description="A topic's code or id; a group includes its topics")
    level: LevelName | None = None
    status: Literal["following", "resolved"] | None = None
    period: str = Field("", description="Event dates within a period: 202611, 2026Q4, 2026")
    organization: int | None = Field(None, description="The filing unit's id (and units below)")
    q: str = Field("", description="Words of the summary, details or actions (accents optional)")


class NoteIn(Schema):
    organization: int = Field(..., description="The filing unit's id")
    area: int = Field(..., description="A commune's or village's id")
    topic: str = Field(..., description="The topic's code")
    event_date: datetime.date
    summary: str = Field(..., max_length=SUMMARY_MAX)
    details: str = ""
    people_concerned: int | None = None
    level: str = Field(
        "normal",
        description="normal, watch, hot_spot or complex",
        json_schema_extra=_one_of(LevelName),
    )
    source: str = Field(
        ...,
        description="meeting, reception, field_visit, media or network",
        json_schema_extra=_one_of(SourceName),
    )
    actions: str = ""
    programs: list[int] = []
    oversights: list[int] = []
    documents: list[int] = []
    confirm_no_person: bool = Field(
        False, description="The text names only public offices and places (after a refusal)"
    )


class NotePatch(Patch):
    """Leave a field out to keep it; `people_concerned` may be null (not known)."""

    nullable = frozenset({"people_concerned"})

    organization: int | None = None
    area: int | None = None
    topic: str | None = Field(None, description="The topic's code")
    event_date: datetime.date | None = None
    summary: str | None = Field(None, max_length=SUMMARY_MAX)
    details: str | None = None
    people_concerned: int | None = None
    level: str | None = Field(None, json_schema_extra=_one_of(LevelName))
    source: str | None = Field(None, json_schema_extra=_one_of(SourceName))
    actions: str | None = None
    programs: list[int] | None = None
    oversights: list[int] | None = None
    documents: list[int] | None = None
    reason: str | None = Field(None, description="Why it is corrected (kept in the history)")
    confirm_no_person: bool | None = None


class ResolveIn(Schema):
    resolved_on: datetime.date
    actions: str = Field("", description="What was done (added to the note's actions)")


class NoteReopenIn(Schema):
    reason: str
    confirm_no_person: bool = Field(
        False, description="The reason names only public offices and places (see FollowUpIn)"
    )


class FollowUpIn(Schema):
    happened_on: datetime.date
    text: str
    level: str = Field("", description="The level the note now stands at; empty keeps it")
    confirm_no_person: bool = False


def _note_detail(user: User, pk: int) -> Note:
    """The note with what its page shows beside it, as attributes NoteDetailOut reads."""
    note = selectors.get_note_for_user(user, pk)
    note.topic = Topic.objects.select_related("parent").get(pk=note.topic_id)
    note.detail_follow_ups = list(selectors.follow_ups_of(note))  # type: ignore[attr-defined]
    note.detail_attachments = [  # type: ignore[attr-defined]
        _attachment_out(a) for a in selectors.attachments_of(note)
    ]
    note.program_ids = _ids(note.programs.all(), Program, user)  # type: ignore[attr-defined]
    note.oversight_ids = _ids(note.oversights.all(), Oversight, user)  # type: ignore[attr-defined]
    note.document_ids = _ids(note.documents.all(), Document, user)  # type: ignore[attr-defined]
    note.alert_ids = list(  # type: ignore[attr-defined]
        Alert.objects.visible_to(user).filter(note=note).order_by("pk").values_list("pk", flat=True)
    )
    return note


def _ids(linked: QuerySet[Any], model: type[Model], user: User) -> list[int]:
    """The ids of the linked records the reader sees."""
    visible = model.objects.visible_to(user).values("pk")  # type: ignore[attr-defined]
    return list(linked.filter(pk__in=visible).order_by("pk").values_list("pk", flat=True))


def _note_fields(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """A body's ids and codes as the records the services take."""
    if "organization" in data:
        data["organization"] = _org(user, data["organization"], "organization")
    if "area" in data:
        data["area"] = area_in_body(user, data["area"], "area")
    if "topic" in data:
        data["topic"] = topic_named(data["topic"], "topic")
    for field, model in (("programs", Program), ("oversights", Oversight), ("documents", Document)):
        if field in data:
            data[field] = linked_in_scope(user, model, data[field], field)
    return data


@router.get("/situation-notes", response=list[NoteOut], tags=["situation"])
@paginate(Pages)
def list_notes(request: HttpRequest, filters: Query[NoteFilter]) -> Any:
    """The notes you see, newest event first, filtered by area, topic, level, status, period,
    unit and words."""
    user = _actor(request)
    return selectors.notes_for_user(
        user,
        area=get_area_for_user(user, filters.area) if filters.area is not None else None,
        topic=topic_named(filters.topic, "topic") if filters.topic.strip() else None,
        level=filters.level or "",
        status=filters.status or "",
        period=period_named(filters.period) if filters.period.strip() else None,
        # A filter naming what you cannot see answers 404, as the area filter and the
        # petitions' do (a body's unit is refused as a field instead: `_org`).
        organization=(
            get_organization_for_user(user, filters.organization)
            if filters.organization is not None
            else None
        ),
        query=filters.q,
    ).select_related("topic__parent")


@router.get("/situation-notes/{note_id}", response=NoteDetailOut, tags=["situation"])
def get_note(request: HttpRequest, note_id: int) -> Any:
    """The note with its follow-ups, attachments, links and the alerts it raised."""
    return _note_detail(_actor(request), note_id)


@router.post("/situation-notes", response={201: NoteDetailOut}, tags=["situation"])
def create_note(request: HttpRequest, payload: NoteIn) -> Any:
    """File a note for a unit. A hot spot or complex incident raises its alert at once. Text
    that seems to name a private person is refused (400) unless `confirm_no_person` is true."""
    user = _actor(request)
    data = _note_fields(user, payload.dict())
    note = services.note_create(actor=user, **data)
    return Status(201, _note_detail(user, note.pk))


@router.patch("/situation-notes/{note_id}", response=NoteDetailOut, tags=["situation"])
def update_note(request: HttpRequest, note_id: int, payload: NotePatch) -> Any:
    """Correct a note: any of its fields, with the reason kept in its history."""
    user = _actor(request)
    note = selectors.get_note_for_user(user, note_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "") or ""
    confirm = bool(data.pop("confirm_no_person", False))
    services.note_update(
        actor=user,
        note=note,
        reason=reason,
        confirm_no_person=confirm,
        **_note_fields(user, data),
    )
    return _note_detail(user, note_id)


@router.post("/situation-notes/{note_id}/resolve", response=NoteDetailOut, tags=["situation"])
def resolve_note(request: HttpRequest, note_id: int, payload: ResolveIn) -> Any:
    """The issue is settled: the day, and what was done (409 if already resolved)."""
    user = _actor(request)
    note = selectors.get_note_for_user(user, note_id)
    services.note_resolve(
        actor=user, note=note, resolved_on=payload.resolved_on, actions=payload.actions
    )
    return _note_detail(user, note_id)


@router.post("/situation-notes/{note_id}/reopen", response=NoteDetailOut, tags=["situation"])
def reopen_note(request: HttpRequest, note_id: int, payload: NoteReopenIn) -> Any:
    """The issue flared up again: back to following, with the reason (409 unless resolved)."""
    user = _actor(request)
    note = selectors.get_note_for_user(user, note_id)
    services.note_reopen(actor=user, note=note, **payload.dict())
    return _note_detail(user, note_id)


@router.get("/situation-notes/{note_id}/follow-ups", response=list[FollowUpOut], tags=["situation"])
def list_follow_ups(request: HttpRequest, note_id: int) -> Any:
    """What happened next, oldest first."""
    return selectors.follow_ups_of(selectors.get_note_for_user(_actor(request), note_id))


@router.post(
    "/situation-notes/{note_id}/follow-ups", response={201: FollowUpOut}, tags=["situation"]
)
def add_follow_up(request: HttpRequest, note_id: int, payload: FollowUpIn) -> Any:
    """Add what happened next; the note takes the level given (a new hot spot raises its
    alert)."""
    user = _actor(request)
    note = selectors.get_note_for_user(user, note_id)
    follow_up = services.follow_up_add(actor=user, note=note, **payload.dict())
    return Status(201, follow_up)


@router.get("/situation-notes/{note_id}/history", response=list[HistoryOut], tags=["situation"])
def note_history(request: HttpRequest, note_id: int) -> Any:
    """The note's history, newest first: who, when, the act, the reason, as its page shows it."""
    return history_items(selectors.get_note_for_user(_actor(request), note_id))


@router.get(
    "/situation-attachments/{attachment_id}",
    tags=["situation"],
    url_name="situation_attachment",
    openapi_extra=binary("application/octet-stream", "The attached file"),
)
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Download a file attached to a note you see."""
    found = selectors.get_attachment_for_user(_actor(request), attachment_id)
    return _download(found.file)


@router.post(
    "/situation-notes/{note_id}/attachments",
    response={201: AttachmentStateOut},
    tags=["situation"],
)
def add_attachment(request: HttpRequest, note_id: int, file: File[UploadedFile]) -> Any:
    """Attach a file to a note, sent as multipart/form-data (`file`), checked like every
    upload (its kind, its size: 400). Those who may edit the note (403 for the others)."""
    user = _actor(request)
    note = selectors.get_note_for_user(user, note_id)
    return Status(201, _attachment_out(services.attachment_add(actor=user, note=note, upload=file)))


@router.post(
    "/situation-attachments/{attachment_id}/remove", response=AttachmentStateOut, tags=["situation"]
)
def remove_attachment(request: HttpRequest, attachment_id: int) -> Any:
    """Take a file off its note: the file and its history are kept and it can be restored
    (409 when it is already off)."""
    user = _actor(request)
    found = selectors.get_attachment_for_user(user, attachment_id, removed=None)
    return _attachment_out(services.attachment_remove(actor=user, attachment=found))


@router.post(
    "/situation-attachments/{attachment_id}/restore",
    response=AttachmentStateOut,
    tags=["situation"],
)
def restore_attachment(request: HttpRequest, attachment_id: int) -> Any:
    """Put a removed file back on its note (409 when it is on the note)."""
    user = _actor(request)
    found = selectors.get_attachment_for_user(user, attachment_id, removed=None)
    return _attachment_out(services.attachment_restore(actor=user, attachment=found))


# --- Counts and forecasts -----------------------------------------------------------------


class CountRowOut(Schema):
    key: int | str = Field(..., description="The group's code, the area's id or the month")
    label: str
    count: int


class CountsOut(Schema):
    scope: int | None = Field(..., description="The area counted (its subtree)")
    scope_name: str
    period: str
    by: str
    rows: list[CountRowOut]


class CountsFilter(Schema):
    scope: int | None = Field(None, description="An area's id; default: your highest unit's")
    period: str = Field("", description="202611, 2026Q4, 2026S2, 2026; default: this year")
    by: Literal["topic", "area", "month"] = "topic"


def _scope(user: User, pk: int | None) -> Area | None:
    if pk is None:
        return board.default_scope(user)
    return get_area_for_user(user, pk)


@router.get("/situation-counts", response=CountsOut, tags=["situation"])
def situation_counts(request: HttpRequest, filters: Query[CountsFilter]) -> Any:
    """Counts of the notes you see with an event in the period: by topic group, by the areas
    one level below the scope, or by month."""
    user = _actor(request)
    area = _scope(user, filters.scope)
    the_period = (
        period_named(filters.period)
        if filters.period.strip()
        else periods.from_date(timezone.localdate(), periods.PeriodType.YEAR)
    )
    rows = board.counts_by(user, scope=area, period=the_period, by=filters.by)
    return {
        "scope": area.pk if area is not None else None,
        "scope_name": area.name if area is not None else "",
        "period": the_period.code,
        "by": filters.by,
        "rows": rows,
    }


class ForecastOut(Schema):
    topic: str = Field(..., description="The topic's code")
    topic_name: str
    months: list[str] = Field(..., description="The history's months, oldest first")
    history: list[int] = Field(..., description="Notes per month of the history")
    next_months: list[str]
    values: list[float] = Field(..., description="The expected notes in the next months")
    lower: list[float]
    upper: list[float]
    method: str
    short: bool = Field(..., description="The history is too short for a forecast")
    needed: int = Field(..., description="Months of history a forecast needs")


class ForecastFilter(Schema):
    area: int | None = Field(None, description="An area's id; default: your highest unit's")
    topic: str = Field("", description="A topic group's code or id; default: each group with notes")


class ForecastsOut(Schema):
    area: int | None
    area_name: str
    forecasts: list[ForecastOut]


def _forecast_out(found: board.AreaForecast) -> dict[str, Any]:
    result = found.result
    return {
        "topic": found.topic.code,
        "topic_name": found.topic.label,
        "months": found.months,
        "history": found.history,
        "next_months": found.next_months,
        "values": list(result.values),
        "lower": list(result.lower),
        "upper": list(result.upper),
        "method": result.method,
        "short": result.short,
        "needed": result.needed,
    }


@router.get("/situation-forecasts", response=ForecastsOut, tags=["situation"])
def situation_forecasts(request: HttpRequest, filters: Query[ForecastFilter]) -> Any:
    """The next three months' expected notes for an area and a topic group, from the monthly
    history of the notes you see (`short` when the history is too short to tell)."""
    user = _actor(request)
    scope = _scope(user, filters.area)
    if scope is None:
        return {"area": None, "area_name": "", "forecasts": []}
    today = timezone.localdate()
    if filters.topic.strip():
        found = [board.forecast_for(user, scope, topic_named(filters.topic, "topic"), today=today)]
    else:
        every = (board.forecast_for(user, scope, g, today=today) for g in selectors.topic_groups())
        found = [f for f in every if f.history]
    return {
        "area": scope.pk,
        "area_name": scope.name,
        "forecasts": [_forecast_out(f) for f in found],
    }
