"""Pages of the document registry and of implementation summaries. Thin views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.lib.history import history_for
from danvan.lib.text import fold
from danvan.lib.web import (
    add_service_errors,
    attachment,
    current_user,
    paginate,
    query_without_page,
)

from . import exports, selectors, services
from .forms import DocumentForm, ReplaceForm, ReviewDocumentForm, SummaryForm, SummaryOpenForm
from .models import DocumentKind, DocumentStatus, ReviewDocument

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    documents = selectors.documents_for_user(
        user,
        q=q,
        kind=kind if kind in DocumentKind.values else "",
        status=status if status in DocumentStatus.values else "",
    )
    return render(
        request,
        "documents/document_list.html",
        {
            "page": paginate(request, documents),
            "q": q,
            "kind": kind,
            "status": status,
            "kinds": DocumentKind.choices,
            "statuses": DocumentStatus.choices,
            "query": query_without_page(request),
            "can_create": selectors.may_keep_documents(user),
        },
    )


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_keep_documents(user):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Document registered."))
            return redirect("document_detail", pk=document.pk)
    return render(request, "documents/document_form.html", {"form": form, "document": None})


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    document = selectors.get_document_for_user(user, pk)
    may_register = selectors.may_keep_documents(user)
    summarizers = selectors.summary_organizations(user)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "references": selectors.document_references(user, document),
            "summaries": selectors.document_summaries(user, document),
            "replaces": document.replaces.all(),
            "history": history_for(document),
            "can_edit": may_register,
            "replace_form": ReplaceForm(
                initial={"replaced_by": document.replaced_by_id},
                choices=selectors.document_choices(user).exclude(pk=document.pk),
            )
            if may_register
            else None,
            "summary_form": SummaryOpenForm(
                organizations=summarizers,
                initial={
                    "organization": summarizers.first(),
                    "period": _default_span(document.issued_on),
                },
            )
            if summarizers.exists()
            else None,
        },
    )


def _default_span(issued_on: object) -> str:
    """From the year of issue to last year: what a «20 years on» summary covers."""
    last = timezone.localdate().year - 1
    first = getattr(issued_on, "year", last)
    return f"{first}-{last}" if first < last else str(last + 1)


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    document = selectors.get_document_for_user(user, pk)
    if not selectors.may_keep_documents(user):
        raise PermissionDenied
    fields = ["kind", "number", "issuer", "issued_on", "title", "summary"]
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        initial={f: getattr(document, f) for f in fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(actor=user, document=document, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Document saved."))
            return redirect("document_detail", pk=document.pk)
    return render(request, "documents/document_form.html", {"form": form, "document": document})


@login_required
@require_POST
def document_replace(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    document = selectors.get_document_for_user(user, pk)
    if not selectors.may_keep_documents(user):
        raise PermissionDenied
    form = ReplaceForm(request.POST, choices=selectors.document_choices(user))
    if form.is_valid():
        try:
            services.document_replace(
                actor=user, document=document, replaced_by=form.cleaned_data["replaced_by"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Status saved."))
    else:
        messages.error(request, _("Choose a document from the list."))
    return redirect("document_detail", pk=document.pk)


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.get_document_for_user(current_user(request), pk)
    return attachment(document.file)


# --- Implementation summaries --------------------------------------------------------------


@login_required
@require_POST
def summary_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    document = selectors.get_document_for_user(user, pk)
    organizations = selectors.summary_organizations(user)
    if not organizations.exists():
        raise PermissionDenied
    form = SummaryOpenForm(request.POST, organizations=organizations)
    if form.is_valid():
        try:
            summary = services.summary_open(actor=user, document=document, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Summary compiled; edit it and download the DOCX."))
            return redirect("summary_edit", pk=summary.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("document_detail", pk=document.pk)


def review_document_page(
    request: HttpRequest,
    record: ReviewDocument,
    *,
    form_class: type[ReviewDocumentForm],
    may_edit: bool,
    update: Callable[..., Any],
    saved: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A review document's page: its figures, and its sections as a form for those who may
    edit (`update` is the app's service, called with the sections)."""
    form = form_class.of(record, request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                update(**form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, saved)
                return redirect(request.path)
    return render(
        request, template, {**context, "form": form, "can_edit": may_edit, "facts": record.facts}
    )


@login_required
def summary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    summary = selectors.get_summary_for_user(user, pk)
    return review_document_page(
        request,
        summary,
        form_class=SummaryForm,
        may_edit=selectors.may_edit_summary(user, summary),
        update=lambda **sections: services.summary_update(actor=user, summary=summary, **sections),
        saved=_("Summary saved."),
        template="documents/summary_edit.html",
        context={"summary": summary, "history": history_for(summary)},
    )


@login_required
def summary_docx(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.get_summary_for_user(current_user(request), pk)
    response = HttpResponse(exports.summary_docx(summary), content_type=DOCX)
    name = slugify(f"tong-ket {fold(summary.document.number)} {summary.period}")
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response
