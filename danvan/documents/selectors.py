"""Reads of the document registry, what cites each document, and implementation summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import translation

from danvan.lib import periods
from danvan.lib.records import one_or_404
from danvan.lib.text import fold
from danvan.org.models import Organization, Role, Verb, scope_for
from danvan.org.selectors import organizations_user_may_edit, user_can

from . import references
from .models import Document, ImplementationSummary

if TYPE_CHECKING:
    from danvan.accounts.models import User

REGISTRARS = (Role.ADMIN, Role.LEADER, Role.SPECIALIST)


# --- Who may do what -----------------------------------------------------------------------


def may_keep_documents(user: User) -> bool:
    """Officers who keep the registry: administrators, leaders and specialists anywhere."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(role in REGISTRARS for _p, role, _a in scope_for(user).entries)


def summary_organizations(user: User) -> QuerySet[Organization]:
    """The organisations whose summaries the user may write."""
    return organizations_user_may_edit(user)


def may_write_summaries(user: User) -> bool:
    return summary_organizations(user).exists()


def may_summarize_for(user: User, organization: Organization) -> bool:
    return user_can(user, Verb.EDIT, organization)


def may_edit_summary(user: User, summary: ImplementationSummary) -> bool:
    return may_summarize_for(user, summary.organization)


# --- Documents -----------------------------------------------------------------------------


def documents_for_user(
    user: User, *, q: str = "", kind: str = "", status: str = "", issuer: str = ""
) -> QuerySet[Document]:
    documents = Document.objects.visible_to(user)
    for word in fold(q).split():
        documents = documents.filter(search_text__contains=word)
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    if issuer:
        documents = documents.filter(issuer_key=fold(issuer))
    return documents.select_related("replaced_by").order_by("-issued_on", "number")


def get_document_for_user(user: User, pk: int | str) -> Document:
    return one_or_404(Document.objects.visible_to(user).select_related("replaced_by"), pk)


def document_choices(user: User) -> QuerySet[Document]:
    """Documents to pick from when a programme or an oversight cites them."""
    return Document.objects.visible_to(user).order_by("-issued_on", "number")


REFERENCES_SHOWN = 20


def document_references(user: User, document: Document) -> list[dict[str, Any]]:
    """Per registered source (programmes, oversights, …): the citing records the user may see."""
    found = []
    for source in references.sources():
        items = source.references(user, document)
        found.append(
            {
                "key": source.key,
                "label": source.label,
                "items": items,
                "shown": items[:REFERENCES_SHOWN],
                "more": max(0, len(items) - REFERENCES_SHOWN),
                "list_url": source.list_url(document) if source.list_url else "",
            }
        )
    return found


# --- Implementation summaries --------------------------------------------------------------


def document_summaries(user: User, document: Document) -> QuerySet[ImplementationSummary]:
    return (
        ImplementationSummary.objects.visible_to(user)
        .filter(document=document)
        .select_related("organization")
        .order_by("-issued_on", "-pk")
    )


def get_summary_for_user(user: User, pk: int | str) -> ImplementationSummary:
    return one_or_404(
        ImplementationSummary.objects.visible_to(user).select_related(
            "document", "organization", "organization__area", "created_by"
        ),
        pk,
    )


def period_phrase(period: periods.Period) -> str:
    """The period inside a Vietnamese sentence: «giai đoạn 2006–2025 (20 năm)», «năm 2025»."""
    if period.type == periods.PeriodType.TERM:
        years = period.end.year - period.start.year + 1
        return f"giai đoạn {period.start.year}–{period.end.year} ({years} năm)"
    label = period.label("vi")
    return label[:1].lower() + label[1:]


def compile_summary_facts(
    document: Document, organization: Organization, period: periods.Period
) -> dict[str, Any]:
    """Every registered source's figures for this document, subtree and period."""
    with translation.override("vi"):  # the summary is an official document in Vietnamese
        sections = [
            source.summarize(document, [organization.path], period).as_dict()
            for source in references.sources()
        ]
    return {
        "document": document.citation,
        "organization": organization.name,
        "period": period.code,
        "period_label": period.label("vi"),
        "period_phrase": period_phrase(period),
        "sections": sections,
    }
