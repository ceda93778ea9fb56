"""API for a level's work on reports, as its pages do it: the completeness board and reminders
to the late units, the consolidated report, and its DOCX/PDF exports built in the background.

Included in `danvan.reporting.api.router`; an organisation outside the caller's scope, or
another user's export, answers 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.lib.api import Pages
from danvan.lib.api import request_user as _actor
from danvan.lib.errors import Conflict
from danvan.org.models import Organization
from danvan.org.selectors import get_organization_for_user

from . import selectors_completeness, services_levels, services_narrative
from .models import Form, ReportExport
from .report import consolidate

router = Router()


def _level(user: User, form_id: int, organization_id: int) -> tuple[Form, Organization]:
    """The form (in use) and the organisation in the caller's scope, or 404."""
    form = Form.objects.active().filter(pk=form_id).first()
    if form is None:
        raise Http404
    return form, get_organization_for_user(user, organization_id)


def _period(code: str) -> periods.Period:
    try:
        return periods.parse(code.strip())
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None


# --- Completeness and reminders ------------------------------------------------------------


class ChildOut(Schema):
    organization_id: int
    organization_name: str
    state: str  # approved, submitted, returned, draft or missing
    submission_id: int | None
    submitted_at: datetime.datetime | None
    on_time: bool | None
    late: bool
    reminded_at: datetime.datetime | None


class LevelRateOut(Schema):
    level: str
    label: str
    expected: int
    submitted: int
    on_time: int
    approved: int
    submitted_pct: int
    on_time_pct: int


class CompletenessOut(Schema):
    form_id: int
    organization_id: int
    period: str
    deadline: datetime.date
    expected: int
    submitted: int
    on_time: int
    approved: int
    late: int
    children: list[ChildOut]
    levels: list[LevelRateOut]


class LevelIn(Schema):
    form_id: int
    organization_id: int
    period: str


class UnreachableOut(Schema):
    organization_id: int
    organization_name: str
    members_url: str  # the unit's page, where an officer is added


class RemindedOut(Schema):
    reminded: int
    unreachable: list[UnreachableOut]  # late units with no officer to remind


@router.get("/completeness", response=CompletenessOut, tags=["reporting"])
def completeness(request: HttpRequest, form_id: int, organization_id: int, period: str) -> Any:
    """Each child unit's report for the period (approved, submitted on time or late, missing)
    and the rates per level below, as the completeness board shows them. Four queries."""
    form, organization = _level(_actor(request), form_id, organization_id)
    board = selectors_completeness.completeness(form, organization, _period(period))
    today = timezone.localdate()
    return {
        "form_id": form.pk,
        "organization_id": organization.pk,
        "period": board.period.code,
        "deadline": board.deadline,
        "expected": len(board.children),
        "submitted": board.submitted,
        "on_time": board.on_time,
        "approved": board.approved,
        "late": len(board.late(today)),
        "children": [
            {
                "organization_id": c.organization.pk,
                "organization_name": c.organization.name,
                "state": c.state,
                "submission_id": c.submission.pk if c.submission else None,
                "submitted_at": c.submission.submitted_at if c.submission else None,
                "on_time": c.on_time,
                "late": c.is_late(today),
                "reminded_at": c.reminded_at,
            }
            for c in board.children
        ],
        "levels": [
            {
                "level": r.level,
                "label": r.label,
                "expected": r.expected,
                "submitted": r.submitted,
                "on_time": r.on_time,
                "approved": r.approved,
                "submitted_pct": r.submitted_pct,
                "on_time_pct": r.on_time_pct,
            }
            for r in board.levels
        ],
    }


@router.post("/completeness/remind", response=RemindedOut, tags=["reporting"])
def remind_late(request: HttpRequest, payload: LevelIn) -> Any:
    """E-mail the officers of the child units whose report is late; the number reminded."""
    user = _actor(request)
    form, organization = _level(user, payload.form_id, payload.organization_id)
    period = _period(payload.period)
    count = services_levels.remind_late(
        actor=user, form=form, organization=organization, period=period
    )
    late = selectors_completeness.completeness(form, organization, period).late(
        timezone.localdate()
    )
    return {
        "reminded": count,
        "unreachable": [
            {
                "organization_id": o.pk,
                "organization_name": o.name,
                "members_url": reverse("organization_detail", args=[o.pk]) + "#members",
            }
            for o in selectors_completeness.without_officer([c.organization for c in late])
        ],
    }


# --- Consolidated report -------------------------------------------------------------------


class FigureRowOut(Schema):
    indicator: str
    unit: str
    figure: str  # in Vietnamese notation, as in the official report


class FigureTableOut(Schema):
    title: str
    rows: list[FigureRowOut]


class UnitTextOut(Schema):
    unit: str
    text: str


class NarrativeOut(Schema):
    section_id: int
    title: str
    own: str
    children: list[UnitTextOut]
    text: str  # what the files print: the kept text, else the units' texts condensed
    kept: bool  # whether the level's specialists edited and kept this part's text


class ConsolidatedOut(Schema):
    form_id: int
    organization_id: int
    period: str
    reported: int
    expected: int
    tables: list[FigureTableOut]
    narratives: list[NarrativeOut]


@router.get("/consolidated", response=ConsolidatedOut, tags=["reporting"])
def consolidated(request: HttpRequest, form_id: int, organization_id: int, period: str) -> Any:
    """A level's consolidated report: figures rolled up over its subtree, its own narratives
    and its child units' (approved or submitted), for the editor to condense."""
    form, organization = _level(_actor(request), form_id, organization_id)
    report = consolidate(form, organization, _period(period))
    return {
        "form_id": form.pk,
        "organization_id": organization.pk,
        "period": report.period.code,
        "reported": report.reported,
        "expected": report.expected,
        "tables": [
            {
                "title": title,
                "rows": [{"indicator": n, "unit": u, "figure": f} for n, u, f in rows],
            }
            for title, rows in report.tables
        ],
        "narratives": [
            {
                "section_id": part.section_id,
                "title": part.title,
                "own": part.own,
                "children": [{"unit": u, "text": t} for u, t in part.children],
                "text": part.text,
                "kept": part.kept is not None,
            }
            for part in report.narratives
        ],
    }


class NarrativeIn(LevelIn):
    texts: dict[str, str]  # {narrative section id: text}; an empty text goes back to the units'
    reason: str = ""


@router.put("/consolidated/narrative", response=ConsolidatedOut, tags=["reporting"])
def keep_narrative(request: HttpRequest, payload: NarrativeIn) -> Any:
    """Keep the edited text of the consolidated report's parts (the leaders and specialists of
    the level); the DOCX and PDF then print it. The report as it now reads."""
    user = _actor(request)
    form, organization = _level(user, payload.form_id, payload.organization_id)
    services_narrative.narrative_save(
        actor=user,
        form=form,
        organization=organization,
        period=payload.period,
        texts=payload.texts,
        reason=payload.reason,
    )
    return consolidated(request, form.pk, organization.pk, payload.period)


# --- Exports -------------------------------------------------------------------------------


class ExportIn(LevelIn):
    format: str = "docx"


class ExportOut(Schema):
    id: int
    form_id: int
    organization_id: int
    period: str
    format: str
    status: str
    progress: int
    error: str
    requested_at: datetime.datetime
    finished_at: datetime.datetime | None
    download_url: str | None

    @staticmethod
    def resolve_format(obj: ReportExport) -> str:
        return obj.file_format

    @staticmethod
    def resolve_download_url(obj: ReportExport) -> str | None:
        if obj.status != ReportExport.Status.DONE:
            return None
        return f"/api/v1/exports/{obj.pk}/download"


def _export_for(user: User, pk: int) -> ReportExport:
    """One of the caller's own exports (as on the pages), or 404."""
    export = (
        ReportExport.objects.defer("content")
        .select_related("form")
        .filter(pk=pk, requested_by=user)
        .first()
    )
    if export is None:
        raise Http404
    return export


@router.get("/exports", response=list[ExportOut], tags=["reporting"])
@paginate(Pages)
def list_exports(request: HttpRequest) -> Any:
    """The caller's consolidated-report exports, newest first."""
    return ReportExport.objects.defer("content").filter(requested_by=_actor(request))


@router.post("/exports", response={202: ExportOut}, tags=["reporting"])
def start_export(request: HttpRequest, payload: ExportIn) -> Any:
    """Queue the building of a level's consolidated report (docx or pdf); 202 with its id.
    Follow it at /exports/{id}, fetch the file at /exports/{id}/download."""
    user = _actor(request)
    form, organization = _level(user, payload.form_id, payload.organization_id)
    export = services_levels.export_request(
        actor=user,
        form=form,
        organization=organization,
        period=payload.period.strip(),
        file_format=payload.format,
    )
    return Status(202, export)


@router.get("/exports/{export_id}", response=ExportOut, tags=["reporting"])
def get_export(request: HttpRequest, export_id: int) -> Any:
    """Status (queued, running, done, failed) and progress in percent."""
    return _export_for(_actor(request), export_id)


@router.get("/exports/{export_id}/download", tags=["reporting"])
def download_export(request: HttpRequest, export_id: int) -> HttpResponse:
    """The built file; 409 while it is still being built or if building failed."""
    export = _export_for(_actor(request), export_id)
    if export.status != ReportExport.Status.DONE:
        raise Conflict(
            _("The report is %(status)s: it can be downloaded once it is ready.")
            % {"status": export.get_status_display().lower()}
        )
    content = ReportExport.objects.filter(pk=export.pk).values_list("content", flat=True)[0]
    content_type = (
        "application/pdf"
        if export.file_format == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response = HttpResponse(bytes(content or b""), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename()}"'
    return response
