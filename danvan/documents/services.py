"""Writes to the document registry and to implementation summaries."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib import periods
from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed
from danvan.lib.text import fold
from danvan.lib.uploads import check_upload, safe_name
from danvan.org.models import Organization

from .models import (
    REVIEW_SECTIONS,
    Document,
    DocumentKind,
    DocumentStatus,
    ImplementationSummary,
    ReviewDocument,
    number_key,
)
from .selectors import (
    compile_summary_facts,
    may_edit_summary,
    may_keep_documents,
    may_summarize_for,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

EDITABLE = {"kind", "number", "issuer", "issued_on", "title", "summary"}


def _require_registrar(actor: User | None) -> None:
    if actor is not None and not may_keep_documents(actor):
        raise PermissionDenied(_("Only specialists, leaders and administrators keep the registry."))


def _check(document: Document) -> None:
    """The rules every saved document meets; each message names the field to fix."""
    errors: dict[str, str] = {}
    if document.kind not in DocumentKind.values:
        errors["kind"] = _("Choose a kind from the list.")
    if not document.number.strip():
        errors["number"] = _("Enter the number as written on the document, e.g. 23-QĐ/TW.")
    if not document.issuer.strip():
        errors["issuer"] = _("Enter the issuing body.")
    if not document.title.strip():
        errors["title"] = _("Enter the title.")
    if document.issued_on is None:
        errors["issued_on"] = _("Enter the date the document was issued.")
    elif document.issued_on > timezone.localdate():
        errors["issued_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    twin = Document.objects.filter(
        number_key=number_key(document.number)[:60], issuer_key=fold(document.issuer)[:200]
    ).exclude(pk=document.pk)
    if twin.exists():
        raise ValidationError(
            {"number": _("%(issuer)s already has a document numbered %(number)s in the registry.")
             % {"issuer": twin.first().issuer, "number": twin.first().number}}  # type: ignore[union-attr]
        )  # fmt: skip


def _attach(document: Document, file: UploadedFile | None) -> None:
    if file is None:
        return
    try:
        check_upload(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    document.file.save(safe_name(file.name or "document"), file, save=False)


@transaction.atomic
def document_create(
    *,
    actor: User | None,
    kind: str,
    number: str,
    issuer: str,
    issued_on: datetime.date | None,
    title: str,
    summary: str = "",
    file: UploadedFile | None = None,
) -> Document:
    """Register a document; its number is unique for its issuing body."""
    _require_registrar(actor)
    document = Document(
        kind=kind,
        number=number.strip(),
        issuer=" ".join(issuer.split()),
        issued_on=issued_on,
        title=title.strip(),
        summary=summary.strip(),
        created_by=actor,
    )
    _check(document)
    _attach(document, file)
    attributed(document, actor).save()
    return document


class _Keep:
    """`replaced_by` not given: the document's status stays as it is."""


KEEP: Final = _Keep()


@transaction.atomic(durable=True)
def document_update(
    *,
    actor: User | None,
    document: Document,
    file: UploadedFile | None = None,
    replaced_by: Document | _Keep | None = KEEP,
    **fields: Any,
) -> Document:
    """Change a document's details, its file and its status (replaced by another, or back in
    force with None) as one change: a refused part leaves the document as it was."""
    _require_registrar(actor)
    refuse_unknown_fields(fields, EDITABLE)
    if fields or file is not None:
        for name, value in fields.items():
            if name == "issuer" and isinstance(value, str):
                value = " ".join(value.split())
            setattr(document, name, value.strip() if isinstance(value, str) else value)
        _check(document)
        _attach(document, file)
        save_if_changed(document, actor)
    if not isinstance(replaced_by, _Keep):
        _replace(actor, document, replaced_by)
    return document


@transaction.atomic
def document_replace(
    *, actor: User | None, document: Document, replaced_by: Document | None
) -> Document:
    """Mark a document replaced by a later one (or, with None, back in force)."""
    _require_registrar(actor)
    return _replace(actor, document, replaced_by)


def _replace(actor: User | None, document: Document, replaced_by: Document | None) -> Document:
    if replaced_by is None:
        document.status = DocumentStatus.IN_FORCE
        document.replaced_by = None
        attributed(document, actor).save()  # the history shows the status going back
        return document
    if replaced_by.pk == document.pk:
        raise ValidationError({"replaced_by": _("A document cannot replace itself.")})
    successor: Document | None = replaced_by
    while successor is not None:  # a chain of replacements never loops back
        if successor.pk == document.pk:
            raise ValidationError(
                {"replaced_by": _("%(number)s is itself replaced, through a chain, by this one.")
                 % {"number": replaced_by.number}}
            )  # fmt: skip
        successor = successor.replaced_by
    document.status = DocumentStatus.REPLACED
    document.replaced_by = replaced_by
    # The successor shows as the change of «replaced by»; the act as its verb.
    attributed(document, actor, verb="replaced").save()
    return document


# --- Review documents ------------------------------------------------------------------------


@transaction.atomic
def review_document_update(
    *, actor: User | None, record: ReviewDocument, **sections: str
) -> ReviewDocument:
    """Write the sections, the number or the place of a review document (a programme's review,
    a document's implementation summary); the caller has checked who may."""
    refuse_unknown_fields(sections, REVIEW_SECTIONS)
    for name, value in sections.items():
        if not isinstance(value, str):  # None would reach the database's NOT NULL
            raise ValidationError({name: _("Enter text.")})
        setattr(record, name, value)
    record.full_clean(exclude=[f.name for f in type(record)._meta.fields if f.is_relation])
    save_if_changed(record, actor)
    return record


# --- Implementation summaries ----------------------------------------------------------------


@transaction.atomic
def summary_open(
    *,
    actor: User,
    document: Document,
    organization: Organization,
    period: str,
    place: str = "",
) -> ImplementationSummary:
    """Compile what referred to the document in the period, within the organisation's subtree."""
    if not may_summarize_for(actor, organization):
        raise PermissionDenied(_("You may not write summaries for this organisation."))
    if not organization.is_active:
        raise ValidationError(
            {"organization": _("%(org)s is dissolved.") % {"org": organization.name}}
        )
    try:
        parsed = periods.parse(period)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if document.issued_on and parsed.end < document.issued_on:
        raise ValidationError({"period": _("The period ends before the document was issued.")})
    if parsed.start > timezone.localdate():
        raise ValidationError({"period": _("The period has not begun yet.")})
    if ImplementationSummary.objects.filter(
        document=document, organization=organization, period=parsed.code
    ).exists():
        raise Conflict(
            {"period": _("This organisation already has a summary of %(period)s; open it instead.")
             % {"period": parsed.code}}
        )  # fmt: skip
    facts = compile_summary_facts(document, organization, parsed)
    summary = ImplementationSummary(
        document=document,
        organization=organization,
        period=parsed.code,
        place=place or organization.area.name,
        issued_on=timezone.localdate(),
        facts=facts,
        achievements=_achievements_draft(facts),
        created_by=actor,
    )
    attributed(summary, actor).save()
    return summary


def _achievements_draft(facts: dict[str, Any]) -> str:
    lines = [
        _("Over %(period)s, within %(org)s: %(parts)s.")
        % {
            "period": facts["period_phrase"],
            "org": facts["organization"],
            "parts": "; ".join(f"{s['label'].lower()}: {s['count']}" for s in facts["sections"])
            or "—",
        }
    ]
    for section in facts["sections"]:
        lines += [f"- {line}" for line in section["lines"][:20]]
    return "\n".join(lines)


@transaction.atomic
def summary_update(
    *, actor: User, summary: ImplementationSummary, **sections: str
) -> ImplementationSummary:
    if not may_edit_summary(actor, summary):
        raise PermissionDenied(_("You may not edit this summary."))
    review_document_update(actor=actor, record=summary, **sections)
    return summary
