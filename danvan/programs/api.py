"""API for programmes: details, parties, main contents, signing and the term's end — scoped.

Tasks and progress are in api_tasks, reviews in api_reviews; both hang under this router.
"""

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.documents.api import document_in_registry
from danvan.lib.api import HistoryOut, Pages, Patch, binary, history_items
from danvan.lib.api import request_user as _actor
from danvan.lib.web import attachment, xlsx_response
from danvan.org.api import organization_in_scope as _org
from danvan.org.models import Organization

from . import exports, selectors, services
from .api_reviews import router as reviews_router
from .api_tasks import router as tasks_router
from .models import Program

router = Router()
router.add_router("", tasks_router)
router.add_router("", reviews_router)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Programmes ----------------------------------------------------------------------------


class PartyOut(Schema):
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    signatory_title: str


class ContentOut(Schema):
    id: int
    program_id: int
    number: int
    title: str
    description: str


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
    contents: list[ContentOut] = Field(..., description="Main contents, in their order")

    @staticmethod
    def resolve_parties(obj: Program) -> list[Any]:
        return list(obj.parties.all())

    @staticmethod
    def resolve_document_ids(obj: Program) -> list[int]:
        return [d.pk for d in obj.documents.all()]

    @staticmethod
    def resolve_contents(obj: Program) -> list[Any]:
        return list(obj.contents.all())


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


class PartyIn(Schema):
    organization_id: int
    signatory_title: str = Field("", description="Title of the person who signed for it")


class PartiesIn(Schema):
    parties: list[PartyIn] = Field(
        ..., description="All parties, in order; the lead agency stays a party even if left out"
    )


class SignIn(Schema):
    signed_on: datetime.date
    signatories: list[PartyIn] = Field(
        [], description="Titles of who signed, by party organisation id; the parties stay"
    )


class ProgramReopenIn(Schema):
    reason: str


class RenewIn(Schema):
    term: str = Field(..., description="The next term, such as 2026-2031")


def _program_out(user: User, pk: int) -> Program:
    return selectors.get_program_with_parts(user, pk)


@router.get("/programs", response=list[ProgramOut], tags=["programmes"])
@paginate(Pages)
def list_programs(request: HttpRequest, filters: Query[ProgramFilter]) -> Any:
    """Programmes with a party in your scope, newest term first."""
    programs = selectors.programs_for_user(
        _actor(request),
        q=filters.q,
        kind=filters.kind,
        status=filters.status,
        party=filters.party,
        term=filters.term,
        overdue_on=timezone.localdate() if filters.overdue else None,
    )
    return programs.prefetch_related(*selectors.PROGRAM_PREFETCH)


# Before /programs/{program_id}: URLs resolve in order, and that id is any text at first.
@router.get(
    "/programs/template.xlsx",
    tags=["programmes"],
    openapi_extra=binary(XLSX, "The Excel template for importing contents and tasks"),
)
def import_template(request: HttpRequest) -> HttpResponse:
    """The Excel template for importing main contents and tasks."""
    _actor(request)
    return xlsx_response(exports.import_template(), "danvan-programme-template.xlsx")


@router.get("/programs/{program_id}", response=ProgramOut, tags=["programmes"])
def get_program(request: HttpRequest, program_id: int) -> Any:
    """One programme with its parties and numbered main contents."""
    return _program_out(_actor(request), program_id)


@router.post("/programs", response={201: ProgramOut}, tags=["programmes"])
def create_program(request: HttpRequest, payload: ProgramIn) -> Any:
    """Draft a programme; the lead agency is always its first party."""
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
    """Change a draft programme's details and the documents it implements."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    data = payload.dict(exclude_unset=True)
    if "document_ids" in data:
        data["documents"] = [
            document_in_registry(user, pk, "document_ids") for pk in data.pop("document_ids") or []
        ]
    services.program_update(actor=user, program=program, **data)
    return _program_out(user, program.pk)


def _parties(user: User, program: Program, rows: list[PartyIn]) -> list[tuple[Organization, str]]:
    """Current parties stay nameable whoever's scope they lie in; new ones must be in yours."""
    current = {p.organization_id: p.organization for p in selectors.program_parties(program)}
    return [
        (current.get(row.organization_id) or _org(user, row.organization_id, "parties"),
         row.signatory_title)
        for row in rows
    ]  # fmt: skip


@router.put("/programs/{program_id}/parties", response=ProgramOut, tags=["programmes"])
def set_parties(request: HttpRequest, program_id: int, payload: PartiesIn) -> Any:
    """Replace a draft programme's parties and the titles of who signed for each."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    # As the page: who may not change it hears so before which organisations they may name.
    if not selectors.may_edit_program(user, program):
        raise PermissionDenied(_("You may not change this programme."))
    services.program_set_parties(
        actor=user, program=program, parties=_parties(user, program, payload.parties)
    )
    return _program_out(user, program.pk)


@router.post(
    "/programs/{program_id}/parties/{organization_id}/restore",
    response=ProgramOut,
    tags=["programmes"],
)
def restore_party(request: HttpRequest, program_id: int, organization_id: int) -> Any:
    """Make an organisation removed from a draft's parties a party again, its title kept."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    services.party_restore(actor=user, party=selectors.removed_party_of(program, organization_id))
    return _program_out(user, program.pk)


@router.post("/programs/{program_id}/sign", response=ProgramOut, tags=["programmes"])
def sign(request: HttpRequest, program_id: int, payload: SignIn) -> Any:
    """Record the signing (date, signatories' titles); the signed scan is uploaded on the page."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    services.program_sign(
        actor=user,
        program=program,
        signed_on=payload.signed_on,
        signatories={row.organization_id: row.signatory_title for row in payload.signatories},
    )
    return _program_out(user, program.pk)


@router.post("/programs/{program_id}/reopen", response=ProgramOut, tags=["programmes"])
def reopen(request: HttpRequest, program_id: int, payload: ProgramReopenIn) -> Any:
    """A leader of the lead agency returns a programme in force to draft, saying why."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    services.program_reopen(actor=user, program=program, reason=payload.reason)
    return _program_out(user, program.pk)


@router.post("/programs/{program_id}/end", response=ProgramOut, tags=["programmes"])
def end(request: HttpRequest, program_id: int) -> Any:
    """A leader of the lead agency ends the term (final: renew it to go on)."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    services.program_end(actor=user, program=program)
    return _program_out(user, program.pk)


@router.post("/programs/{program_id}/renew", response={201: ProgramOut}, tags=["programmes"])
def renew(request: HttpRequest, program_id: int, payload: RenewIn) -> Any:
    """Draft the next term of an ended programme, with its parties and contents copied."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    new = services.program_renew(actor=user, program=program, term=payload.term)
    return Status(201, _program_out(user, new.pk))


# --- Main contents -------------------------------------------------------------------------


class ContentsIn(Schema):
    titles: list[str] = Field(..., description="New contents, added at the end in this order")
    description: str = ""


class ContentPatch(Patch):
    title: str | None = None
    description: str | None = None


class ContentMoveIn(Schema):
    direction: Literal["up", "down"]


@router.get("/programs/{program_id}/contents", response=list[ContentOut], tags=["programmes"])
@paginate(Pages)
def list_contents(request: HttpRequest, program_id: int) -> Any:
    """A programme's main contents, by number."""
    program = selectors.get_program_for_user(_actor(request), program_id)
    return selectors.program_contents(program)


@router.post(
    "/programs/{program_id}/contents", response={201: list[ContentOut]}, tags=["programmes"]
)
def add_contents(request: HttpRequest, program_id: int, payload: ContentsIn) -> Any:
    """Add main contents at the end of a draft programme, numbered in order."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    created = services.contents_add(
        actor=user, program=program, titles=payload.titles, description=payload.description
    )
    return Status(201, created)


@router.patch("/contents/{content_id}", response=ContentOut, tags=["programmes"])
def update_content(request: HttpRequest, content_id: int, payload: ContentPatch) -> Any:
    """Change a main content's title or description while the programme is a draft."""
    user = _actor(request)
    content = selectors.get_content_for_user(user, content_id)
    data = payload.dict(exclude_unset=True)
    return services.content_update(
        actor=user,
        content=content,
        title=data.get("title", content.title),
        description=data.get("description", content.description),
    )


@router.post("/contents/{content_id}/move", response=ContentOut, tags=["programmes"])
def move_content(request: HttpRequest, content_id: int, payload: ContentMoveIn) -> Any:
    """Swap a main content with its neighbour above or below (a draft's numbers stay 1..n)."""
    user = _actor(request)
    content = selectors.get_content_for_user(user, content_id)
    services.content_move(actor=user, content=content, up=payload.direction == "up")
    return selectors.get_content_for_user(user, content_id)


@router.delete("/contents/{content_id}", response={204: None}, tags=["programmes"])
def delete_content(request: HttpRequest, content_id: int) -> Any:
    """Remove a main content without tasks from a draft; the later ones are renumbered."""
    user = _actor(request)
    content = selectors.get_content_for_user(user, content_id)
    services.content_delete(actor=user, content=content)
    return Status(204, None)


@router.post("/contents/{content_id}/restore", response=ContentOut, tags=["programmes"])
def restore_content(request: HttpRequest, content_id: int) -> Any:
    """Put a removed main content back at its number (or last); the later ones move down."""
    user = _actor(request)
    content = selectors.get_content_for_user(user, content_id, removed_too=True)
    return services.content_restore(actor=user, content=content)


# --- Files and Excel -----------------------------------------------------------------------


class ImportOut(Schema):
    imported: int = Field(..., description="Rows imported")


@router.post("/programs/{program_id}/import", response=ImportOut, tags=["programmes"])
def import_xlsx(request: HttpRequest, program_id: int, file: File[UploadedFile]) -> Any:
    """Import contents and tasks from the Excel template (multipart `file`): all rows or none."""
    user = _actor(request)
    program = selectors.get_program_for_user(user, program_id)
    if not selectors.may_edit_program(user, program):
        raise PermissionDenied(_("You may not change this programme."))
    try:
        count = exports.import_contents_and_tasks(actor=user, program=program, data=file.read())
    except exports.ImportRefused as exc:
        raise ValidationError({"file": [str(error) for error in exc.errors]}) from None
    return {"imported": count}


@router.get(
    "/programs/{program_id}/tasks.xlsx",
    tags=["programmes"],
    openapi_extra=binary(XLSX, "The programme's tasks and how they stand"),
)
def tasks_xlsx(request: HttpRequest, program_id: int) -> HttpResponse:
    """The programme's tasks as an Excel sheet."""
    program = selectors.get_program_for_user(_actor(request), program_id)
    return xlsx_response(
        exports.tasks_xlsx(program, timezone.localdate()), f"tasks-{program.pk}.xlsx"
    )


@router.get(
    "/programs/{program_id}/signed-file",
    tags=["programmes"],
    openapi_extra=binary("application/octet-stream", "The signed document"),
)
def signed_file(request: HttpRequest, program_id: int) -> FileResponse:
    """The signed document uploaded on the page, if there is one."""
    program = selectors.get_program_for_user(_actor(request), program_id)
    return attachment(program.signed_file)


@router.get("/programs/{program_id}/history", response=list[HistoryOut], tags=["programmes"])
def program_history(request: HttpRequest, program_id: int) -> Any:
    """The programme's history, newest first: who, when, the act, the reason, as its page shows it."""
    return history_items(selectors.get_program_for_user(_actor(request), program_id))
