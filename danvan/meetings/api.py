"""API for meetings: the list and the meeting, its agenda, cancelling and the minutes, the
signed-in person's iCalendar feed — scoped like the pages (a meeting outside the scope is 404,
as one that does not exist). Bridge points and conclusions are in api_points, hung under this
router."""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.documents.models import Document
from danvan.lib.api import HistoryOut, Pages, binary, history_items
from danvan.lib.api import request_user as _actor
from danvan.lib.records import one_or_404
from danvan.lib.web import attachment as _download
from danvan.org.api import organization_in_scope as _org
from danvan.org.selectors import get_organization_for_user
from danvan.programs.models import Program
from danvan.reporting.models import Form as ReportForm

from . import ics, selectors, services
from .api_points import router as points_router
from .models import AgendaItem, Meeting
from .schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaItemPatch,
    MeetingDetailOut,
    MeetingFilter,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MinutesIn,
    ReasonIn,
    body_names,
)

M = TypeVar("M", bound=Model)
# The services' argument names as the bodies name them.
MEETING_NAMES = {
    "host": "host_id",
    "expected": "host_expected",
    "program": "program_id",
    "report_forms": "report_form_ids",
    "documents": "document_ids",
}

router = Router(tags=["meetings"])
router.add_router("", points_router)


# --- What a request names -------------------------------------------------------------------


def _records(queryset: QuerySet[M], ids: list[int], field: str) -> list[M]:
    """The records named by id in a body, every one of them in the queryset, or a 400 naming
    the field."""
    wanted = list(dict.fromkeys(ids))
    found = {r.pk: r for r in queryset.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError(
            {field: _("No record with id %(id)s in your scope.") % {"id": missing[0]}}
        )
    return [found[pk] for pk in wanted]


def _meeting_fields(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """A body's ids as the records the services take."""
    if "program_id" in data:
        pk = data.pop("program_id")
        data["program"] = (
            _records(Program.objects.visible_to(user), [pk], "program_id")[0]
            if pk is not None
            else None
        )
    if "report_form_ids" in data:
        data["report_forms"] = _records(
            ReportForm.objects.all(), data.pop("report_form_ids"), "report_form_ids"
        )
    if "document_ids" in data:
        data["documents"] = _records(
            Document.objects.visible_to(user), data.pop("document_ids"), "document_ids"
        )
    return data


def _meeting(user: User, pk: int) -> Meeting:
    return selectors.get_meeting_for_user(user, pk)


def _meetings(user: User, filters: MeetingFilter) -> QuerySet[Meeting]:
    host = None if filters.host_id is None else get_organization_for_user(user, filters.host_id)
    return selectors.meetings_filtered(
        user, now=timezone.now(), when=filters.when or "", kind=filters.kind or "",
        status=filters.status or "", host=host, year=filters.year, query=filters.q or "",
    )  # fmt: skip


# --- The calendar feed ----------------------------------------------------------------------


@router.get(
    "/meetings.ics",
    openapi_extra=binary(ics.MIMETYPE, "Your meetings as an iCalendar feed (RFC 5545)"),
)
def meetings_feed(request: HttpRequest) -> HttpResponse:
    """The meetings you see, from half a year back, as an iCalendar feed (cancelled ones with
    STATUS:CANCELLED, so a calendar program removes them)."""
    user = _actor(request)
    found = selectors.feed_for_user(user, timezone.now())
    response = HttpResponse(
        ics.calendar(found, "PUBLISH", str(_("Meetings"))),
        content_type=f"{ics.MIMETYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


# --- Meetings -------------------------------------------------------------------------------


@router.get("/meetings", response=list[MeetingOut])
@paginate(Pages)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilter]) -> Any:
    """The meetings you see (hosted by your units, with one of them as a bridge point, or with a
    conclusion assigned to one), latest first unless `when` says otherwise."""
    return _meetings(_actor(request), filters)


@router.post("/meetings", response={201: MeetingDetailOut})
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    """Schedule a meeting of a unit; an online or hybrid one gets the host's bridge point
    (its chair and delegates expected from `host_chair` and `host_expected`)."""
    user = _actor(request)
    data = _meeting_fields(user, payload.dict())
    data["host"] = _org(user, data.pop("host_id"), "host_id")
    with body_names(MEETING_NAMES):
        meeting = services.meeting_create(actor=user, **data)
    return Status(201, _meeting(user, meeting.pk))


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    """The meeting with its agenda, the bridge points' totals by level, its conclusions counted
    and the links to its page and its .ics."""
    return _meeting(_actor(request), meeting_id)


@router.patch("/meetings/{meeting_id}", response=MeetingDetailOut)
def update_meeting(request: HttpRequest, meeting_id: int, payload: MeetingPatch) -> Any:
    """Change the meeting (the host's officers; 409 once cancelled). A change of its time,
    place, format or link is sent again to the invited units."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "") or ""
    with body_names(MEETING_NAMES):
        services.meeting_update(
            actor=user, meeting=meeting, reason=reason, **_meeting_fields(user, data)
        )
    return _meeting(user, meeting_id)


@router.post("/meetings/{meeting_id}/cancel", response=MeetingDetailOut)
def cancel_meeting(request: HttpRequest, meeting_id: int, payload: ReasonIn) -> Any:
    """Cancel the meeting, with the reason sent to the invited units (409 once held)."""
    user = _actor(request)
    services.meeting_cancel(actor=user, meeting=_meeting(user, meeting_id), reason=payload.reason)
    return _meeting(user, meeting_id)


@router.post("/meetings/{meeting_id}/minutes", response=MeetingDetailOut)
def record_minutes(request: HttpRequest, meeting_id: int, payload: MinutesIn) -> Any:
    """The minutes and the chair's conclusion: the meeting was held (409 before it starts)."""
    user = _actor(request)
    services.meeting_record_minutes(
        actor=user,
        meeting=_meeting(user, meeting_id),
        minutes=payload.minutes,
        chair_conclusion=payload.chair_conclusion,
    )
    return _meeting(user, meeting_id)


@router.post("/meetings/{meeting_id}/minutes/file", response=MeetingDetailOut)
def upload_minutes(
    request: HttpRequest,
    meeting_id: int,
    file: File[UploadedFile],
    minutes: Form[str | None] = None,
    chair_conclusion: Form[str | None] = None,
) -> Any:
    """The minutes' file, sent as multipart/form-data (`file`, and `minutes`,
    `chair_conclusion` if they change): the meeting was held (409 before it starts)."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    services.meeting_record_minutes(
        actor=user,
        meeting=meeting,
        minutes=meeting.minutes if minutes is None else minutes,
        chair_conclusion=meeting.chair_conclusion if chair_conclusion is None else chair_conclusion,
        minutes_file=file,
    )
    return _meeting(user, meeting_id)


@router.get(
    "/meetings/{meeting_id}/minutes/file",
    url_name="meeting_minutes_file",
    openapi_extra=binary("application/octet-stream", "The minutes' file"),
)
def download_minutes(request: HttpRequest, meeting_id: int) -> FileResponse:
    """Download the minutes' file (404 when there is none)."""
    return _download(_meeting(_actor(request), meeting_id).minutes_file)


@router.get("/meetings/{meeting_id}/history", response=list[HistoryOut])
def meeting_history(request: HttpRequest, meeting_id: int) -> Any:
    """The meeting's history, newest first: scheduled, changed (with the reason), cancelled,
    held."""
    return history_items(_meeting(_actor(request), meeting_id))


# --- The agenda -----------------------------------------------------------------------------


def _item(meeting: Meeting, pk: int) -> AgendaItem:
    """An item of the meeting's agenda, removed ones too (changing one is a 409)."""
    return one_or_404(meeting.items.select_related("meeting").prefetch_related("documents"), pk)


def _documents(user: User, ids: list[int]) -> list[Document]:
    return _records(Document.objects.visible_to(user), ids, "document_ids")


@router.get("/meetings/{meeting_id}/agenda-items", response=list[AgendaItemOut])
def list_agenda_items(request: HttpRequest, meeting_id: int) -> Any:
    """The meeting's programme, in time order (removed items left out)."""
    meeting = _meeting(_actor(request), meeting_id)
    return meeting.items.filter(deleted_at__isnull=True).prefetch_related("documents")


@router.post("/meetings/{meeting_id}/agenda-items", response={201: AgendaItemOut})
def add_agenda_item(request: HttpRequest, meeting_id: int, payload: AgendaItemIn) -> Any:
    """An item of the programme, at a time within the meeting (400 outside it)."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    item = services.agenda_item_add(
        actor=user,
        meeting=meeting,
        starts_at=payload.starts_at,
        title=payload.title,
        presenter=payload.presenter,
        documents=_documents(user, payload.document_ids),
    )
    return Status(201, _item(meeting, item.pk))


@router.patch("/meetings/{meeting_id}/agenda-items/{item_id}", response=AgendaItemOut)
def update_agenda_item(
    request: HttpRequest, meeting_id: int, item_id: int, payload: AgendaItemPatch
) -> Any:
    """Change an item: its time, title, presenter or documents (409 once removed)."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    item = _item(meeting, item_id)
    data = payload.dict(exclude_unset=True)
    services.agenda_item_update(
        actor=user,
        item=item,
        starts_at=data.get("starts_at", item.starts_at),
        title=data.get("title", item.title),
        presenter=data.get("presenter", item.presenter),
        documents=(_documents(user, data["document_ids"]) if "document_ids" in data else None),
    )
    return _item(meeting, item_id)


@router.post("/meetings/{meeting_id}/agenda-items/{item_id}/remove", response=AgendaItemOut)
def remove_agenda_item(request: HttpRequest, meeting_id: int, item_id: int) -> Any:
    """Take the item off the agenda; it is kept in the history."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    services.agenda_item_remove(actor=user, item=_item(meeting, item_id))
    return _item(meeting, item_id)


@router.post("/meetings/{meeting_id}/agenda-items/{item_id}/file", response=AgendaItemOut)
def upload_agenda_item_file(
    request: HttpRequest, meeting_id: int, item_id: int, file: File[UploadedFile]
) -> Any:
    """The item's file (a presentation, a draft), sent as multipart/form-data (`file`); it
    replaces the one before, which the history keeps (409 once the item is removed or the
    meeting cancelled)."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    item = _item(meeting, item_id)
    services.agenda_item_update(
        actor=user, item=item, starts_at=item.starts_at, title=item.title,
        presenter=item.presenter, attachment=file,
    )  # fmt: skip
    return _item(meeting, item_id)


@router.get(
    "/meetings/{meeting_id}/agenda-items/{item_id}/file",
    url_name="meeting_item_file",
    openapi_extra=binary("application/octet-stream", "The item's file"),
)
def download_agenda_item_file(request: HttpRequest, meeting_id: int, item_id: int) -> FileResponse:
    """Download the file of an agenda item (404 when it has none)."""
    return _download(_item(_meeting(_actor(request), meeting_id), item_id).attachment)


@router.get("/meetings/{meeting_id}/agenda-items/{item_id}/history", response=list[HistoryOut])
def agenda_item_history(request: HttpRequest, meeting_id: int, item_id: int) -> Any:
    """The item's history, newest first."""
    return history_items(_item(_meeting(_actor(request), meeting_id), item_id))
