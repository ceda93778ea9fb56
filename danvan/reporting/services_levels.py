"""Writes of a level's work on a form and period: reminders to the units whose report is late
(by hand from the completeness board, and the daily run), and the consolidated report's files
built in the background. The same rules as `services.py`: keyword-only, one transaction each,
the actor's permission checked here, bad input refused with a ValidationError."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from danvan.lib import notify, periods
from danvan.org.models import Organization

from . import selectors, selectors_completeness
from .models import Form, Reminder, ReportExport

if TYPE_CHECKING:
    from danvan.accounts.models import User


# --- Reminders -----------------------------------------------------------------------------


@transaction.atomic
def remind_late(
    *,
    actor: User | None,
    form: Form,
    organization: Organization,
    period: periods.Period,
    today: datetime.date | None = None,
    only_unreminded: bool = False,
) -> int:
    """E-mail the officers of the child units whose report is late; returns units reminded."""
    today = today or timezone.localdate()
    if actor is not None and not selectors.may_review_for(actor, organization):
        raise PermissionDenied(_("Only the leaders and specialists of this unit send reminders."))
    board = selectors_completeness.completeness(form, organization, period)
    messages: list[notify.Message] = []
    reminded = 0
    for child in board.late(today):
        if only_unreminded and child.reminded_at is not None:
            continue
        emails = selectors.unit_officer_emails(child.organization.pk)
        if not emails:
            continue
        Reminder.objects.create(
            form=form, organization=child.organization, period=period.code, sent_by=actor
        )
        reminded += 1
        context = {
            "form": form,
            "organization": child.organization,
            "period": period,
            "deadline": board.deadline,
            "site_url": settings.SITE_URL,
        }
        with override(settings.LANGUAGE_CODE):  # the site's language, whoever sends it
            subject = render_to_string("reporting/email/late_subject.txt", context).strip()
            body = render_to_string("reporting/email/late.txt", context)
        messages.append(notify.Message(subject, body, emails, "report"))
    notify.deliver(messages)
    return reminded


def send_late_reminders(*, today: datetime.date | None = None) -> int:
    """The daily run: for each form's last closed period past its deadline, remind every late
    unit once (through the top units, which see everything below them)."""
    today = today or timezone.localdate()
    total = 0
    for form in Form.objects.active():
        period = selectors.recent_periods(form, today, count=1)[0]
        if form.deadline(period) >= today:
            continue
        for top in Organization.objects.filter(depth=1, dissolved_on__isnull=True):
            for parent in [top, *selectors.reporting_units(form, period, within=top)]:
                total += remind_late(
                    actor=None,
                    form=form,
                    organization=parent,
                    period=period,
                    today=today,
                    only_unreminded=True,
                )
    return total


# --- Consolidated report exports -----------------------------------------------------------


def export_request(
    *, actor: User, form: Form, organization: Organization, period: str, file_format: str
) -> ReportExport:
    """Queue the building of a level's consolidated report (DOCX or PDF)."""
    from . import tasks

    if file_format not in ("docx", "pdf"):
        raise ValidationError({"format": _("Choose DOCX or PDF.")})
    try:
        periods.parse(period)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    export = ReportExport.objects.create(
        form=form,
        organization=organization,
        period=period,
        file_format=file_format,
        requested_by=actor,
    )
    transaction.on_commit(lambda: tasks.build_report.enqueue(export.pk))
    return export


def export_progress(*, export_id: int, percent: int) -> None:
    """Record how far a consolidated report's building has come (the page's bar reads it)."""
    ReportExport.objects.filter(pk=export_id).update(
        status=ReportExport.Status.RUNNING, progress=percent
    )


def export_finish(*, export_id: int, content: bytes) -> None:
    """Keep the built file; the export is ready to download."""
    ReportExport.objects.filter(pk=export_id).update(
        status=ReportExport.Status.DONE, progress=100, content=content, finished_at=timezone.now()
    )


def export_fail(*, export_id: int, error: str) -> None:
    """Record why a build failed, for the page to say."""
    ReportExport.objects.filter(pk=export_id).update(
        status=ReportExport.Status.FAILED, error=error[:500], finished_at=timezone.now()
    )
