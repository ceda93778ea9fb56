"""API for the document registry: list, filter, detail (with what refers to it), create, update."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.lib.api import Pages, Patch
from danvan.org.api import request_user as _actor

from . import selectors, services
from .models import Document

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
    status_given = "replaced_by_id" in data
    replaced_by = data.pop("replaced_by_id", None)
    successor = document_in_registry(user, replaced_by, "replaced_by_id") if replaced_by else None
    with transaction.atomic():  # a refused part leaves the document as it was
        if data:
            services.document_update(actor=user, document=document, **data)
        if status_given:
            services.document_replace(actor=user, document=document, replaced_by=successor)
    return _detail(request, selectors.get_document_for_user(user, document_id))
