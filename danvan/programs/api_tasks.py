"""API for tasks, progress reports and My work — scoped like the web pages."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib.api import HistoryOut, Pages, Patch, binary, history_items
from danvan.lib.api import request_user as _actor
from danvan.lib.web import attachment
from danvan.org.api import organization_in_scope as _org

from . import selectors, services_tasks
from .models import Task, TaskUpdate

router = Router()


# --- Tasks ---------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    program_id: int = Field(..., alias="content.program_id")
    content_id: int
    content_number: int = Field(..., alias="content.number")
    title: str
    description: str
    lead_id: int
    lead_name: str = Field(..., alias="lead.name")
    recurrence: str
    period: str
    due_on: datetime.date
    status: str
    percent: int
    done_on: datetime.date | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Task) -> bool:
        return obj.is_overdue()


class TaskFilter(Schema):
    program: int | None = None
    lead: int | None = None
    status: str = ""
    overdue: bool = False


class TaskIn(Schema):
    content_id: int
    title: str
    lead_id: int
    due_on: datetime.date | None = None
    recurrence: str = ""
    description: str = ""
    supporting_ids: list[int] = []


class TaskPatch(Patch):
    title: str | None = None
    description: str | None = None
    due_on: datetime.date | None = None
    status: str | None = None


def _task_out(user: User, pk: int) -> Task:
    return selectors.get_task_for_user(user, pk)


@router.get("/tasks", response=list[TaskOut], tags=["tasks"])
@paginate(Pages)
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    """Tasks of the programmes you may see, by due date."""
    return selectors.tasks_for_user(
        _actor(request),
        program=filters.program,
        lead=filters.lead,
        status=filters.status,
        overdue_on=timezone.localdate() if filters.overdue else None,
    )


@router.get("/my-work", response=list[TaskOut], tags=["tasks"])
@paginate(Pages)
def my_work(request: HttpRequest) -> Any:
    """Open tasks your organisations lead that are overdue or due soon."""
    return selectors.my_work(_actor(request), timezone.localdate())


@router.get("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def get_task(request: HttpRequest, task_id: int) -> Any:
    """One task and how it stands."""
    return _task_out(_actor(request), task_id)


@router.post("/tasks", response={201: list[TaskOut]}, tags=["tasks"])
def create_task(request: HttpRequest, payload: TaskIn) -> Any:
    """Create a task; a recurring one answers with every occurrence."""
    user = _actor(request)
    data = payload.dict()
    try:
        content = selectors.get_content_for_user(user, data.pop("content_id"))
    except Http404:
        raise ValidationError({"content_id": _("No such content in your scope.")}) from None
    # The lead is one of the programme's parties, whoever's scope it lies in.
    lead = selectors.program_party_organization(content.program, data.pop("lead_id"))
    if lead is None:
        raise ValidationError({"lead": _("The lead must be one of the programme's parties.")})
    supporting = [_org(user, pk, "supporting_ids") for pk in data.pop("supporting_ids")]
    tasks = services_tasks.task_create(
        actor=user, content=content, lead=lead, supporting=supporting, **data
    )
    return Status(201, [_task_out(user, t.pk) for t in tasks])


@router.patch("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Any:
    """Change a task's title, details, due date or status (the lead agency's staff)."""
    user = _actor(request)
    task = selectors.get_task_for_user(user, task_id)
    services_tasks.task_update(actor=user, task=task, **payload.dict(exclude_unset=True))
    return _task_out(user, task.pk)


# --- Progress updates ----------------------------------------------------------------------


class TaskUpdateOut(Schema):
    id: int
    task_id: int
    text: str
    percent: int
    reported_on: datetime.date
    author: str = Field(..., alias="author.email")
    created_at: datetime.datetime
    attachment_url: str | None = Field(None, description="The attachment, for a signed-in page")

    @staticmethod
    def resolve_attachment_url(obj: TaskUpdate) -> str | None:
        return reverse("update_attachment", args=[obj.pk]) if obj.attachment else None


class TaskUpdateIn(Schema):
    task_id: int
    text: str
    percent: int = Field(..., ge=0, le=100)
    reported_on: datetime.date | None = None
    status: str = ""
    confirm_lower: bool = Field(
        False, description="Confirms lowering the progress of a task that is done"
    )
    reason: str = Field("", description="Why a task that is done goes below 100 percent")


@router.get("/task-updates", response=list[TaskUpdateOut], tags=["tasks"])
@paginate(Pages)
def list_task_updates(request: HttpRequest, task: int | None = None) -> Any:
    """Progress reports on the tasks you may see, newest first."""
    return selectors.updates_for_user(_actor(request), task=task)


@router.post("/task-updates", response={201: TaskUpdateOut}, tags=["tasks"])
def create_task_update(request: HttpRequest, payload: TaskUpdateIn) -> Any:
    """Report progress on a task your organisation leads (attachments are added on the page)."""
    user = _actor(request)
    task = selectors.get_task_for_user(user, payload.task_id)
    update = services_tasks.task_report_progress(
        actor=user,
        task=task,
        text=payload.text,
        percent=payload.percent,
        reported_on=payload.reported_on,
        status=payload.status or None,
        confirm_lower=payload.confirm_lower,
        reason=payload.reason,
    )
    return Status(201, TaskUpdate.objects.select_related("author").get(pk=update.pk))


@router.get(
    "/task-updates/{update_id}/attachment",
    tags=["tasks"],
    openapi_extra=binary("application/octet-stream", "The file attached to the report"),
)
def update_attachment(request: HttpRequest, update_id: int) -> FileResponse:
    """The file attached to a progress report."""
    return attachment(selectors.get_update_for_user(_actor(request), update_id).attachment)


@router.get("/tasks/{task_id}/history", response=list[HistoryOut], tags=["tasks"])
def task_history(request: HttpRequest, task_id: int) -> Any:
    """The task (its progress, lowerings with their reasons)'s history, newest first: who, when, the act, the reason, as its page shows it."""
    return history_items(selectors.get_task_for_user(_actor(request), task_id))
