"""API for the document registry (list, detail with what refers to it, create, update, status)
and for implementation summaries (open, read, edit, DOCX)."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.lib.api import HistoryOut, Pages, Patch, binary, history_items
from danvan.lib.api import request_user as _actor
from danvan.lib.text import fold
from danvan.lib.web import attachment
from danvan.org.api import organization_in_scope as _org

from . import exports, selectors, services
from .models import Document, ImplementationSummary

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

router = Router()


class DocumentFields(Schema):
    id: int
    kind: str
    number: str
    issuer: str
    issued_on: datetime.date | None
    title: str
    summary: str
    status: str
    replaced_by_id: int | None
    has_file: bool


class DocumentOut(DocumentFields):
    @staticmethod
    def resolve_has_file(obj: Document) -> bool:
        return bool(obj.file)


class ReferenceOut(Schema):
    source: str
    title: str
    url: str
    date: datetime.date | None
    detail: str


class DocumentDetailOut(DocumentFields):
    citation: str
    references: list[ReferenceOut]


class DocumentFilter(Schema):
    q: str = ""
    kind: str = ""
    status: str = Field("", description="in_force or replaced")
    issuer: str = ""


class DocumentIn(Schema):
    kind: str
    number: str
    issuer: str
    issued_on: datetime.date
    title: str
    summary: str = ""


class DocumentPatch(Patch):
    kind: str | None = None
    number: str | None = None
    issuer: str | None = None
    issued_on: datetime.date | None = None
    title: str | None = None
    summary: str | None = None
    replaced_by_id: int | None = Field(
        None, description="Mark replaced by this document; 0 puts it back in force"
    )


def _detail(request: HttpRequest, document: Document) -> dict[str, Any]:
    user = _actor(request)
    refs = [
        {
            "source": source["key"],
            "title": ref.title,
            "url": request.build_absolute_uri(ref.url),
            "date": ref.day,
            "detail": ref.detail,
        }
        for source in selectors.document_references(user, document)
        for ref in source["items"]
    ]
    data = DocumentOut.model_validate(document).model_dump()
    return {**data, "citation": document.citation, "references": refs}


def document_in_registry(user: Any, pk: int, field: str) -> Document:
    """A document named in a payload, or a 400 that says which field is wrong."""
    try:
        return selectors.get_document_for_user(user, pk)
    except Http404:
        raise ValidationError({field: _("No document with id %(id)s.") % {"id": pk}}) from None


@router.get("/documents", response=list[DocumentOut], tags=["documents"])
@paginate(Pages)
def list_documents(request: HttpRequest, filters: Query[DocumentFilter]) -> Any:
    return selectors.documents_for_user(_actor(request), **filters.dict())


@router.get("/documents/{document_id}", response=DocumentDetailOut, tags=["documents"])
def get_document(request: HttpRequest, document_id: int) -> Any:
    return _detail(request, selectors.get_document_for_user(_actor(request), document_id))


@router.post("/documents", response={201: DocumentDetailOut}, tags=["documents"])
def create_document(request: HttpRequest, payload: DocumentIn) -> Any:
    document = services.document_create(actor=_actor(request), **payload.dict())
    return Status(201, _detail(request, document))


@router.patch("/documents/{document_id}", response=DocumentDetailOut, tags=["documents"])
def update_document(request: HttpRequest, document_id: int, payload: DocumentPatch) -> Any:
    user = _actor(request)
    document = selectors.get_document_for_user(user, document_id)
    data = payload.dict(exclude_unset=True)
    if "replaced_by_id" in data:
        replaced_by = data.pop("replaced_by_id")
        data["replaced_by"] = (
            document_in_registry(user, replaced_by, "replaced_by_id") if replaced_by else None
        )
    if data:
        services.document_update(actor=user, document=document, **data)
    return _detail(request, selectors.get_document_for_user(user, document_id))


class StatusIn(Schema):
    replaced_by_id: int | None = Field(None, description="The successor; null: back in force")


@router.post("/documents/{document_id}/status", response=DocumentDetailOut, tags=["documents"])
def set_document_status(request: HttpRequest, document_id: int, payload: StatusIn) -> Any:
    """Mark the document replaced by a later one, or (with null) back in force."""
    user = _actor(request)
    document = selectors.get_document_for_user(user, document_id)
    successor = (
        document_in_registry(user, payload.replaced_by_id, "replaced_by_id")
        if payload.replaced_by_id
        else None
    )
    services.document_replace(actor=user, document=document, replaced_by=successor)
    return _detail(request, selectors.get_document_for_user(user, document_id))


@router.get(
    "/documents/{document_id}/file",
    tags=["documents"],
    openapi_extra=binary("application/octet-stream", "The document's attached file"),
)
def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    """Download the document's attached file."""
    document = selectors.get_document_for_user(_actor(request), document_id)
    return attachment(document.file)


# --- Implementation summaries --------------------------------------------------------------


class SummaryListOut(Schema):
    id: int
    document_id: int
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    period: str
    number: str
    issued_on: datetime.date


class SummaryOut(SummaryListOut):
    place: str
    achievements: str
    limitations: str
    lessons: str
    directions: str
    facts: dict[str, Any]
    created_by_id: int
    created_at: datetime.datetime


class SummaryIn(Schema):
    organization_id: int = Field(..., description="Whose subtree is summed up")
    period: str = Field(..., description="A span of years such as 2006-2025, or one year")
    place: str = ""


class SummaryPatch(Patch):
    number: str | None = None
    place: str | None = None
    achievements: str | None = None
    limitations: str | None = None
    lessons: str | None = None
    directions: str | None = None


def _summary(user: Any, pk: int) -> ImplementationSummary:
    return selectors.get_summary_for_user(user, pk)


@router.get("/documents/{document_id}/summaries", response=list[SummaryListOut], tags=["summaries"])
@paginate(Pages)
def list_summaries(request: HttpRequest, document_id: int) -> Any:
    """The document's implementation summaries written within your scope."""
    user = _actor(request)
    return selectors.document_summaries(user, selectors.get_document_for_user(user, document_id))


@router.post("/documents/{document_id}/summaries", response={201: SummaryOut}, tags=["summaries"])
def open_summary(request: HttpRequest, document_id: int, payload: SummaryIn) -> Any:
    """Compile what referred to the document over the years, within an organisation's subtree."""
    user = _actor(request)
    document = selectors.get_document_for_user(user, document_id)
    if not selectors.may_write_summaries(user):
        raise PermissionDenied(_("You may not write summaries for this organisation."))
    summary = services.summary_open(
        actor=user,
        document=document,
        organization=_org(user, payload.organization_id, "organization_id"),
        period=payload.period,
        place=payload.place,
    )
    return Status(201, _summary(user, summary.pk))


@router.get("/summaries/{summary_id}", response=SummaryOut, tags=["summaries"])
def get_summary(request: HttpRequest, summary_id: int) -> Any:
    """The summary: its sections and the figures compiled when it was opened."""
    return _summary(_actor(request), summary_id)


@router.patch("/summaries/{summary_id}", response=SummaryOut, tags=["summaries"])
def update_summary(request: HttpRequest, summary_id: int, payload: SummaryPatch) -> Any:
    """Write the sections, the number or the place; fields left out are kept."""
    user = _actor(request)
    summary = _summary(user, summary_id)
    services.summary_update(actor=user, summary=summary, **payload.dict(exclude_unset=True))
    return _summary(user, summary_id)


@router.get(
    "/summaries/{summary_id}/docx",
    tags=["summaries"],
    openapi_extra=binary(DOCX, "The summary in the official layout"),
)
def summary_docx(request: HttpRequest, summary_id: int) -> HttpResponse:
    """The summary as an official DOCX report, the same file the page gives."""
    summary = _summary(_actor(request), summary_id)
    response = HttpResponse(exports.summary_docx(summary), content_type=DOCX)
    name = slugify(f"tong-ket {fold(summary.document.number)} {summary.period}")
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


@router.get("/documents/{document_id}/history", response=list[HistoryOut], tags=["documents"])
def document_history(request: HttpRequest, document_id: int) -> Any:
    """The document's history, newest first: who, when, the act, the reason, as its page shows it."""
    return history_items(selectors.get_document_for_user(_actor(request), document_id))
