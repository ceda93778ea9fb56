"""API for programmes, tasks and progress updates — scoped like the web pages."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.documents.api import document_in_registry
from danvan.lib.api import Pages, Patch
from danvan.org.api import organization_in_scope as _org
from danvan.org.api import request_user as _actor
from danvan.org.models import Organization

from . import selectors, services
from .models import Program, ProgramContent, Task, TaskUpdate

router = Router()


# --- Programmes ----------------------------------------------------------------------------


class PartyOut(Schema):
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    signatory_title: str


class ProgramOut(Schema):
    id: int
    kind: str
    title: str
    code: str
    term: str
    starts_on: datetime.date
    ends_on: datetime.date
    document_ids: list[int]
    documents_note: str
    lead_id: int
    status: str
    signed_on: datetime.date | None
    predecessor_id: int | None
    parties: list[PartyOut]

    @staticmethod
    def resolve_parties(obj: Program) -> list[Any]:
        return list(obj.parties.all())

    @staticmethod
    def resolve_document_ids(obj: Program) -> list[int]:
        return [d.pk for d in obj.documents.all()]


class ProgramFilter(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""
    party: int | None = Field(None, description="An organisation id among the parties")
    term: str = ""
    overdue: bool = Field(False, description="Only programmes with overdue tasks")


class ProgramIn(Schema):
    kind: str
    title: str
    lead_id: int
    party_ids: list[int] = []
    term: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    code: str = ""
    document_ids: list[int] = Field([], description="Documents of the registry it implements")
    contents: list[str] = Field([], description="Main contents, in order")


class ProgramPatch(Patch):
    kind: str | None = None
    title: str | None = None
    code: str | None = None
    term: str | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    document_ids: list[int] | None = None


def _program_out(user: User, pk: int) -> Program:
    return (
        Program.objects.visible_to(user)
        .prefetch_related("parties__organization", "documents")
        .get(pk=pk)
    )


@router.get("/programs", response=list[ProgramOut], tags=["programmes"])
@paginate(Pages)
def list_programs(request: HttpRequest, filters: Query[ProgramFilter]) -> Any:
    programs = selectors.programs_for_user(
        _actor(request),
        q=filters.q,
        kind=filters.kind,
        status=filters.status,
        party=filters.party,
        term=filters.term,
        overdue_on=timezone.localdate() if filters.overdue else None,
    )
    return programs.prefetch_related("parties__organization", "documents")


@router.get("/programs/{program_id}", response=ProgramOut, tags=["programmes"])
def get_program(request: HttpRequest, program_id: int) -> Any:
    selectors.get_program_for_user(_actor(request), program_id)
    return _program_out(_actor(request), program_id)


@router.post("/programs", response={201: ProgramOut}, tags=["programmes"])
def create_program(request: HttpRequest, payload: ProgramIn) -> Any:
    user = _actor(request)
    data = payload.dict()
    lead = _org(user, data.pop("lead_id"), "lead_id")
    parties = [_org(user, pk, "party_ids") for pk in data.pop("party_ids")]
    documents = [document_in_registry(user, pk, "document_ids") for pk in data.pop("document_ids")]
    program = services.program_create(
        actor=user, lead=lead, parties=parties, documents=documents, **data
    )
    return Status(201, _program_out(user, program.pk))


@router.patch("/programs/{program_id}", response=ProgramOut, tags=["programmes"])
def update_program(request: HttpRequest, program_id: int, payload: ProgramPatch) -> Any:
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    data = payload.dict(exclude_unset=True)
    if "document_ids" in data:
        data["documents"] = [
            document_in_registry(user, pk, "document_ids") for pk in data.pop("document_ids") or []
        ]
    services.program_update(actor=user, program=program, **data)
    return _program_out(user, program.pk)


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
    return selectors.tasks_for_user(
        _actor(request),
        program=filters.program,
        lead=filters.lead,
        status=filters.status,
        overdue_on=timezone.localdate() if filters.overdue else None,
    )


@router.get("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def get_task(request: HttpRequest, task_id: int) -> Any:
    return _task_out(_actor(request), task_id)


@router.post("/tasks", response={201: list[TaskOut]}, tags=["tasks"])
def create_task(request: HttpRequest, payload: TaskIn) -> Any:
    """Create a task; a recurring one answers with every occurrence."""
    user = _actor(request)
    data = payload.dict()
    content = ProgramContent.objects.filter(
        pk=data.pop("content_id"), program__in=Program.objects.visible_to(user)
    ).first()
    if content is None:
        raise ValidationError({"content_id": _("No such content in your scope.")})
    # The lead is one of the programme's parties, whoever's scope it lies in.
    lead = Organization.objects.filter(
        pk=data.pop("lead_id"), pk__in=content.program.parties.values("organization_id")
    ).first()
    if lead is None:
        raise ValidationError({"lead": _("The lead must be one of the programme's parties.")})
    supporting = [_org(user, pk, "supporting_ids") for pk in data.pop("supporting_ids")]
    tasks = services.task_create(
        actor=user, content=content, lead=lead, supporting=supporting, **data
    )
    return Status(201, [_task_out(user, t.pk) for t in tasks])


@router.patch("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Any:
    user = _actor(request)
    task = selectors.get_task_for_user(user, task_id)
    services.task_update(actor=user, task=task, **payload.dict(exclude_unset=True))
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
    attachment_url: str | None = None

    @staticmethod
    def resolve_attachment_url(obj: TaskUpdate) -> str | None:
        return reverse("update_attachment", args=[obj.pk]) if obj.attachment else None


class TaskUpdateIn(Schema):
    task_id: int
    text: str
    percent: int = Field(..., ge=0, le=100)
    reported_on: datetime.date | None = None
    status: str = ""


@router.get("/task-updates", response=list[TaskUpdateOut], tags=["tasks"])
@paginate(Pages)
def list_task_updates(request: HttpRequest, task: int | None = None) -> Any:
    return selectors.updates_for_user(_actor(request), task=task)


@router.post("/task-updates", response={201: TaskUpdateOut}, tags=["tasks"])
def create_task_update(request: HttpRequest, payload: TaskUpdateIn) -> Any:
    """Report progress on a task your organisation leads."""
    user = _actor(request)
    task = selectors.get_task_for_user(user, payload.task_id)
    update = services.task_report_progress(
        actor=user,
        task=task,
        text=payload.text,
        percent=payload.percent,
        reported_on=payload.reported_on,
        status=payload.status or None,
    )
    return Status(201, TaskUpdate.objects.select_related("author").get(pk=update.pk))
