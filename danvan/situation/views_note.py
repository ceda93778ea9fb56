"""A situation note's page and what is done on it: follow-ups, resolving and reopening, the
attached files. The notes' list, forms and import are in views.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.models import User
from danvan.documents.selectors import document_choices
from danvan.lib.errors import Conflict
from danvan.lib.history import history_for
from danvan.lib.undo import offer_undo
from danvan.lib.web import (
    add_service_errors,
    attachment,
    current_user,
)
from danvan.oversight.models import Oversight
from danvan.programs.models import Program

from . import selectors, services
from .alerts import explain
from .forms import (
    AttachmentForm,
    FollowUpForm,
    ReopenForm,
    ResolveForm,
)
from .models import Note, NoteStatus
from .views import _flash, _privacy_refused


def _render_note(request: HttpRequest, note: Note, **forms: Any) -> HttpResponse:
    """The note's page; a refused form comes back bound, with its errors."""
    user = current_user(request)
    today = timezone.localdate()
    can_edit = selectors.may_edit_note(user, note)
    alerts = list(selectors.alerts_for_user(user).filter(note=note))
    for alert in alerts:
        alert.sentence = explain(alert)  # type: ignore[attr-defined]
    links = {
        "programs": Program.objects.visible_to(user).filter(pk__in=note.programs.values("pk")),
        "oversights": Oversight.objects.visible_to(user).filter(
            pk__in=note.oversights.values("pk")
        ),
        "documents": document_choices(user).filter(pk__in=note.documents.values("pk")),
    }
    if can_edit:
        forms.setdefault(
            "follow_up_form", FollowUpForm(initial={"happened_on": today, "level": note.level})
        )
        forms.setdefault("resolve_form", ResolveForm(initial={"resolved_on": today}))
        forms.setdefault("reopen_form", ReopenForm())
        forms.setdefault("attachment_form", AttachmentForm())
    return render(
        request,
        "situation/note_detail.html",
        {
            "note": note,
            "follow_ups": selectors.follow_ups_of(note),
            "attachments": selectors.attachments_of(note),
            "alerts": alerts,
            **links,
            "has_links": any(qs.exists() for qs in links.values()),
            "can_edit": can_edit,
            "history": history_for(note),
            **forms,
        },
    )


@login_required
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.get_note_for_user(current_user(request), pk)
    return _render_note(request, note)


def _editable_note(request: HttpRequest, pk: int) -> tuple[User, Note]:
    user = current_user(request)
    note = selectors.get_note_for_user(user, pk)
    if not selectors.may_edit_note(user, note):
        raise PermissionDenied
    return user, note


def _form_gone(request: HttpRequest, note: Note, message: str) -> HttpResponse:
    """A page left open while someone else resolved or reopened the note posts a form the note
    no longer offers: the message above the page, where the form's errors could not be seen."""
    messages.error(request, message)
    return redirect("situation_note", pk=note.pk)


@login_required
@require_POST
def follow_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, note = _editable_note(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.follow_up_add(actor=user, note=note, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            if _privacy_refused(exc, data["text"]):
                form.offer_confirmation()
        else:
            messages.success(request, _("Follow-up added."))
            return redirect(reverse("situation_note", args=[note.pk]) + "#follow-ups")
    note.refresh_from_db()
    return _render_note(request, note, follow_up_form=form)


@login_required
@require_POST
def note_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user, note = _editable_note(request, pk)
    if note.status != NoteStatus.FOLLOWING:
        return _form_gone(request, note, _("This note is already resolved."))
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.note_resolve(actor=user, note=note, **form.cleaned_data)
        except Conflict as exc:
            return _form_gone(request, note, " ".join(exc.messages))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Note resolved."))
            return redirect("situation_note", pk=note.pk)
    note.refresh_from_db()
    return _render_note(request, note, resolve_form=form)


@login_required
@require_POST
def note_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user, note = _editable_note(request, pk)
    if note.status != NoteStatus.RESOLVED:
        return _form_gone(request, note, _("Only a resolved note can be reopened."))
    form = ReopenForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.note_reopen(actor=user, note=note, **data)
        except Conflict as exc:
            return _form_gone(request, note, " ".join(exc.messages))
        except ValidationError as exc:
            add_service_errors(form, exc)
            if _privacy_refused(exc, data["reason"]):
                form.offer_confirmation()
        else:
            messages.success(request, _("Note reopened."))
            return redirect("situation_note", pk=note.pk)
    note.refresh_from_db()
    return _render_note(request, note, reopen_form=form)


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, note = _editable_note(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(actor=user, note=note, upload=form.cleaned_data["upload"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("File attached."))
            return redirect(reverse("situation_note", args=[note.pk]) + "#attachments")
    return _render_note(request, note, attachment_form=form)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    found = selectors.get_attachment_for_user(current_user(request), pk)
    return attachment(found.file)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    found = selectors.get_attachment_for_user(user, pk)
    try:
        services.attachment_remove(actor=user, attachment=found)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        offer_undo(
            request,
            _("File «%(name)s» removed from the note; it stays in the history.")
            % {"name": found.name},
            reverse("situation_attachment_restore", args=[found.pk]),
        )
    return redirect(reverse("situation_note", args=[found.note_id]) + "#attachments")


@login_required
@require_POST
def attachment_restore(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    found = selectors.get_attachment_for_user(user, pk, removed=True)
    try:
        services.attachment_restore(actor=user, attachment=found)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("File «%(name)s» is back on the note.") % {"name": found.name})
    return redirect(reverse("situation_note", args=[found.note_id]) + "#attachments")
