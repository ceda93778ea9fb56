"""API for annual plans, oversights and recommendations — scoped like the web pages."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.documents.api import document_in_registry
from danvan.lib import periods
from danvan.lib.api import HistoryOut, Pages, Patch, Year, binary, history_items
from danvan.lib.api import request_user as _actor
from danvan.lib.web import attachment
from danvan.org.api import organization_in_scope as _org
from danvan.org.scopes import ReportingScope

from . import selectors, services
from .models import Oversight, Plan, PlanItem, Recommendation

router = Router()


class RecommendationOut(Schema):
    id: int
    oversight_id: int
    number: int
    text: str
    responsible_id: int
    responsible_name: str = Field(..., alias="responsible.name")
    due_on: datetime.date
    status: str
    follow_up: str
    done_on: datetime.date | None
    response: str

    @staticmethod
    def resolve_follow_up(obj: Recommendation) -> str:
        return obj.follow_up()


class OversightOut(Schema):
    id: int
    kind: str
    title: str
    lead_id: int
    plan_item_id: int | None
    team: str
    subject_ids: list[int]
    document_ids: list[int]
    starts_on: datetime.date
    ends_on: datetime.date
    stage: str
    findings: str
    conclusion_number: str
    conclusion_on: datetime.date | None
    conclusion: str
    recommendations: list[RecommendationOut]

    @staticmethod
    def resolve_subject_ids(obj: Oversight) -> list[int]:
        return [o.pk for o in obj.subjects.all()]

    @staticmethod
    def resolve_document_ids(obj: Oversight) -> list[int]:
        return [d.pk for d in obj.documents.all()]

    @staticmethod
    def resolve_stage(obj: Oversight) -> str:
        return obj.stage()

    @staticmethod
    def resolve_recommendations(obj: Oversight) -> list[Any]:
        return list(obj.recommendations.all())


class OversightFilter(Schema):
    q: str = ""
    kind: str = Field("", description="inspection, supervision or survey")
    year: Year | None = None
    lead: int | None = None
    subject: int | None = Field(None, description="A subject organisation's id")
    document: int | None = Field(None, description="A document checked")
    plan: int | None = None
    stage: str = Field("", description="planned, under_way or concluded")


class OversightIn(Schema):
    kind: str
    title: str
    lead_id: int
    subject_ids: list[int]
    document_ids: list[int] = []
    starts_on: datetime.date
    ends_on: datetime.date
    team: str = ""
    findings: str = ""
    plan_item_id: int | None = None


class OversightPatch(Patch):
    kind: str | None = None
    title: str | None = None
    subject_ids: list[int] | None = None
    document_ids: list[int] | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    team: str | None = None
    findings: str | None = None
    conclusion_on: datetime.date | None = Field(None, description="Records the conclusion")
    conclusion_number: str | None = None
    conclusion: str | None = None


class FiguresOut(Schema):
    period: str
    scope_organization_id: int | None
    inspections: int
    inspected_organizations: int
    supervisions: int
    supervised_organizations: int
    surveys: int
    surveyed_organizations: int
    recommendations: int
    recommendations_done: int
    recommendations_overdue: int


def _plan_item(user: User, pk: int | None) -> PlanItem | None:
    if pk is None:
        return None
    try:
        return selectors.get_plan_item_for_user(user, pk)
    except Http404:
        raise ValidationError(
            {"plan_item_id": _("No plan item with id %(id)s.") % {"id": pk}}
        ) from None


def _out(user: User, pk: int) -> Oversight:
    return (
        Oversight.objects.visible_to(user)
        .prefetch_related("subjects", "documents", "recommendations__responsible")
        .get(pk=pk)
    )


@router.get("/oversights", response=list[OversightOut], tags=["oversight"])
@paginate(Pages)
def list_oversights(request: HttpRequest, filters: Query[OversightFilter]) -> Any:
    return selectors.oversights_for_user(_actor(request), **filters.dict()).prefetch_related(
        "subjects", "documents", "recommendations__responsible"
    )


@router.get("/oversights/figures", response=FiguresOut, tags=["oversight"])
def oversight_figures(request: HttpRequest, period: str, org: int | None = None) -> Any:
    """«N inspections of M organisations» for a period, over your scope or one organisation."""
    user = _actor(request)
    try:
        parsed = periods.parse(period)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None
    organization = _org(user, org, "org") if org is not None else None
    scope = ReportingScope.for_user(user, organization)
    figures = selectors.oversight_figures(scope, parsed, today=timezone.localdate())
    return {"period": parsed.code, "scope_organization_id": org, **figures.as_dict()}


@router.get("/oversights/{oversight_id}", response=OversightOut, tags=["oversight"])
def get_oversight(request: HttpRequest, oversight_id: int) -> Any:
    user = _actor(request)
    selectors.get_oversight_for_user(user, oversight_id)
    return _out(user, oversight_id)


@router.post("/oversights", response={201: OversightOut}, tags=["oversight"])
def create_oversight(request: HttpRequest, payload: OversightIn) -> Any:
    user = _actor(request)
    data = payload.dict()
    lead = _org(user, data.pop("lead_id"), "lead_id")
    subjects = [_org(user, pk, "subject_ids") for pk in data.pop("subject_ids")]
    documents = [document_in_registry(user, pk, "document_ids") for pk in data.pop("document_ids")]
    plan_item = _plan_item(user, data.pop("plan_item_id"))
    oversight = services.oversight_create(
        actor=user,
        lead=lead,
        subjects=subjects,
        documents=documents,
        plan_item=plan_item,
        **data,
    )
    return Status(201, _out(user, oversight.pk))


@router.patch("/oversights/{oversight_id}", response=OversightOut, tags=["oversight"])
def update_oversight(request: HttpRequest, oversight_id: int, payload: OversightPatch) -> Any:
    user = _actor(request)
    oversight = selectors.get_oversight_for_user(user, oversight_id)
    data = payload.dict(exclude_unset=True)
    conclusion = {k: data.pop(k) for k in list(data) if k.startswith("conclusion")}
    if "subject_ids" in data:
        data["subjects"] = [_org(user, pk, "subject_ids") for pk in data.pop("subject_ids") or []]
    if "document_ids" in data:
        data["documents"] = [
            document_in_registry(user, pk, "document_ids") for pk in data.pop("document_ids") or []
        ]
    services.oversight_update(actor=user, oversight=oversight, **data, **conclusion)
    return _out(user, oversight.pk)


# --- Recommendations -----------------------------------------------------------------------


class RecommendationFilter(Schema):
    follow_up: str = Field("", description="open, in_progress, overdue or done")
    responsible: int | None = None
    oversight: int | None = None
    mine: bool = Field(False, description="Only those addressed to your organisations")


class RecommendationAddIn(Schema):
    text: str
    responsible_id: int
    due_on: datetime.date


class RecommendationIn(RecommendationAddIn):
    oversight_id: int


class RecommendationPatch(Patch):
    text: str | None = None
    responsible_id: int | None = None
    due_on: datetime.date | None = None
    status: str | None = Field(None, description="open, in_progress or done")
    response: str | None = None


def _rec_out(user: User, pk: int) -> Recommendation:
    return selectors.get_recommendation_for_user(user, pk)


@router.get("/recommendations", response=list[RecommendationOut], tags=["oversight"])
@paginate(Pages)
def list_recommendations(request: HttpRequest, filters: Query[RecommendationFilter]) -> Any:
    data = filters.dict()
    data["addressed_to_me"] = data.pop("mine")
    return selectors.recommendations_for_user(_actor(request), **data)


@router.get("/recommendations/{rec_id}", response=RecommendationOut, tags=["oversight"])
def get_recommendation(request: HttpRequest, rec_id: int) -> Any:
    return _rec_out(_actor(request), rec_id)


@router.post("/recommendations", response={201: RecommendationOut}, tags=["oversight"])
def create_recommendation(request: HttpRequest, payload: RecommendationIn) -> Any:
    """Add a recommendation to the oversight named in the body (as the sub-resource below)."""
    user = _actor(request)
    try:
        oversight = selectors.get_oversight_for_user(user, payload.oversight_id)
    except Http404:
        raise ValidationError(
            {"oversight_id": _("No oversight with id %(id)s in your scope.")
             % {"id": payload.oversight_id}}
        ) from None  # fmt: skip
    return _add_recommendation(user, oversight, payload)


def _add_recommendation(user: User, oversight: Oversight, payload: RecommendationAddIn) -> Any:
    rec = services.recommendation_add(
        actor=user,
        oversight=oversight,
        text=payload.text,
        responsible=_org(user, payload.responsible_id, "responsible_id"),
        due_on=payload.due_on,
    )
    return Status(201, _rec_out(user, rec.pk))


@router.patch("/recommendations/{rec_id}", response=RecommendationOut, tags=["oversight"])
def update_recommendation(request: HttpRequest, rec_id: int, payload: RecommendationPatch) -> Any:
    """The lead corrects text, responsible or due date; the responsible answers with a status."""
    user = _actor(request)
    rec = selectors.get_recommendation_for_user(user, rec_id)
    data = payload.dict(exclude_unset=True)
    if "responsible_id" in data:  # an unset id (0) keeps the responsible organisation
        data["responsible"] = (
            _org(user, data["responsible_id"], "responsible_id")
            if data["responsible_id"]
            else rec.responsible
        )
    data.pop("responsible_id", None)
    services.recommendation_update(actor=user, recommendation=rec, **data)
    return _rec_out(user, rec.pk)


# --- Workflow actions on an oversight ------------------------------------------------------


class ConcludeIn(Schema):
    conclusion_on: datetime.date
    conclusion_number: str = ""
    conclusion: str = ""
    findings: str | None = None


class RespondIn(Schema):
    status: str = Field(..., description="open, in_progress or done")
    response: str = ""


@router.post("/oversights/{oversight_id}/conclude", response=OversightOut, tags=["oversight"])
def conclude_oversight(request: HttpRequest, oversight_id: int, payload: ConcludeIn) -> Any:
    """Record the conclusion: number, date, text and, if given, the findings.

    Once only (409 after): correct a recorded conclusion with PATCH /oversights/{id}.
    """
    user = _actor(request)
    oversight = selectors.get_oversight_for_user(user, oversight_id)
    services.oversight_conclude(actor=user, oversight=oversight, **payload.dict())
    return _out(user, oversight.pk)


@router.get(
    "/oversights/{oversight_id}/conclusion",
    tags=["oversight"],
    openapi_extra=binary("application/octet-stream", "The conclusion document"),
)
def conclusion_file(request: HttpRequest, oversight_id: int) -> FileResponse:
    """Download the conclusion document attached on the page."""
    oversight = selectors.get_oversight_for_user(_actor(request), oversight_id)
    return attachment(oversight.conclusion_file)


@router.post(
    "/oversights/{oversight_id}/recommendations",
    response={201: RecommendationOut},
    tags=["oversight"],
)
def add_recommendation(
    request: HttpRequest, oversight_id: int, payload: RecommendationAddIn
) -> Any:
    """Add a recommendation to the oversight, numbered after the last one."""
    user = _actor(request)
    return _add_recommendation(user, selectors.get_oversight_for_user(user, oversight_id), payload)


@router.post("/recommendations/{rec_id}/respond", response=RecommendationOut, tags=["oversight"])
def respond_to_recommendation(request: HttpRequest, rec_id: int, payload: RespondIn) -> Any:
    """The responsible organisation reports how far it has carried the recommendation out."""
    user = _actor(request)
    rec = selectors.get_recommendation_for_user(user, rec_id)
    services.recommendation_respond(
        actor=user, recommendation=rec, status=payload.status, response=payload.response
    )
    return _rec_out(user, rec.pk)


# --- Annual plans --------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    year: int
    title: str
    note: str
    item_count: int
    created_at: datetime.datetime


class PlanFilter(Schema):
    year: Year | None = None
    organization: int | None = Field(None, description="The planning organisation's id")


class PlanIn(Schema):
    organization_id: int
    year: Year
    title: str
    note: str = ""


class PlanItemOut(Schema):
    id: int
    plan_id: int
    kind: str
    title: str
    period: str
    when: str
    order: int
    subject_ids: list[int]
    state: str = Field(..., description="done, under_way, missed or not_started")
    oversight_ids: list[int]


class PlanItemIn(Schema):
    kind: str
    title: str
    period: str = Field(..., description="A month, quarter or half of the plan's year: 2026Q2")
    subject_ids: list[int] = []


class KindProgressOut(Schema):
    kind: str
    planned: int
    done: int
    under_way: int
    missed: int
    not_started: int
    pct: int


class UnplannedOut(Schema):
    id: int
    kind: str
    title: str
    starts_on: datetime.date
    conclusion_on: datetime.date | None


class PlanDetailOut(PlanOut):
    items: list[PlanItemOut] = Field(..., alias="progress_items")
    by_kind: list[KindProgressOut]
    unplanned: list[UnplannedOut]
    unplanned_count: int


class CarryOutIn(Schema):
    starts_on: datetime.date
    ends_on: datetime.date
    lead_id: int | None = Field(None, description="Default: the organisation whose plan it is")
    kind: str | None = Field(None, description="Default: the plan item's kind")
    title: str | None = Field(None, description="Default: the plan item's title")
    subject_ids: list[int] | None = Field(None, description="Default: the plan item's subjects")
    document_ids: list[int] = []
    team: str = ""
    findings: str = ""


def _item_out(item: PlanItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "plan_id": item.plan_id,
        "kind": item.kind,
        "title": item.title,
        "period": item.period,
        "when": item.when,
        "order": item.order,
        "subject_ids": [o.pk for o in item.subjects.all()],
        "state": item.state,  # type: ignore[attr-defined]
        "oversight_ids": [o.pk for o in item.done],  # type: ignore[attr-defined]
    }


def _plan_out(user: User, pk: int) -> Plan:
    """The plan with each item's state and the plan-versus-done figures the page shows."""
    plan = selectors.plans_for_user(user).get(pk=pk)
    progress = selectors.plan_versus_done(plan, timezone.localdate())
    plan.progress_items = [_item_out(item) for item in progress["items"]]  # type: ignore[attr-defined]
    plan.by_kind = progress["by_kind"]  # type: ignore[attr-defined]
    plan.unplanned = progress["unplanned"]  # type: ignore[attr-defined]
    plan.unplanned_count = progress["unplanned_count"]  # type: ignore[attr-defined]
    return plan


@router.get("/oversight-plans", response=list[PlanOut], tags=["oversight plans"])
@paginate(Pages)
def list_plans(request: HttpRequest, filters: Query[PlanFilter]) -> Any:
    """Annual plans in your scope, newest year first; filter by year or organisation."""
    user = _actor(request)
    if filters.organization is not None:
        _org(user, filters.organization, "organization")
    return selectors.plans_for_user(user, year=filters.year, organization=filters.organization)


@router.post("/oversight-plans", response={201: PlanDetailOut}, tags=["oversight plans"])
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    """Make an organisation's inspection and supervision plan for a year."""
    user = _actor(request)
    plan = services.plan_create(
        actor=user,
        organization=_org(user, payload.organization_id, "organization_id"),
        year=payload.year,
        title=payload.title,
        note=payload.note,
    )
    return Status(201, _plan_out(user, plan.pk))


@router.get("/oversight-plans/{plan_id}", response=PlanDetailOut, tags=["oversight plans"])
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    """The plan, its items with their state, and planned-versus-done by kind."""
    user = _actor(request)
    return _plan_out(user, selectors.get_plan_for_user(user, plan_id).pk)


@router.post(
    "/oversight-plans/{plan_id}/items", response={201: PlanItemOut}, tags=["oversight plans"]
)
def add_plan_item(request: HttpRequest, plan_id: int, payload: PlanItemIn) -> Any:
    """Add a line to the plan: what, whom, when."""
    user = _actor(request)
    plan = selectors.get_plan_for_user(user, plan_id)
    item = services.plan_item_add(
        actor=user,
        plan=plan,
        kind=payload.kind,
        title=payload.title,
        period=payload.period,
        subjects=[_org(user, pk, "subject_ids") for pk in payload.subject_ids],
    )
    items = selectors.plan_versus_done(plan, timezone.localdate())["items"]
    return Status(201, _item_out(next(i for i in items if i.pk == item.pk)))


@router.delete("/plan-items/{item_id}", response={204: None}, tags=["oversight plans"])
def delete_plan_item(request: HttpRequest, item_id: int) -> Any:
    """Remove a line no oversight carries out (409 if one does); it is kept, restorable."""
    user = _actor(request)
    services.plan_item_delete(actor=user, plan_item=selectors.get_plan_item_for_user(user, item_id))
    return Status(204, None)


@router.post("/plan-items/{item_id}/restore", response=PlanItemOut, tags=["oversight plans"])
def restore_plan_item(request: HttpRequest, item_id: int) -> Any:
    """Put a removed line back in its plan (409 if it is not removed)."""
    user = _actor(request)
    item = selectors.get_plan_item_for_user(user, item_id, removed_too=True)
    services.plan_item_restore(actor=user, plan_item=item)
    items = selectors.plan_versus_done(item.plan, timezone.localdate())["items"]
    return _item_out(next(i for i in items if i.pk == item.pk))


@router.post(
    "/plan-items/{item_id}/oversights", response={201: OversightOut}, tags=["oversight plans"]
)
def carry_out_plan_item(request: HttpRequest, item_id: int, payload: CarryOutIn) -> Any:
    """Record the oversight that carries out a plan item; unset fields come from the item."""
    user = _actor(request)
    item = selectors.get_plan_item_for_user(user, item_id)
    lead = _org(user, payload.lead_id or item.plan.organization_id, "lead_id")
    subjects = (
        list(item.subjects.all())
        if payload.subject_ids is None
        else [_org(user, pk, "subject_ids") for pk in payload.subject_ids]
    )
    oversight = services.oversight_create(
        actor=user,
        kind=payload.kind or item.kind,
        title=payload.title or item.title,
        lead=lead,
        subjects=subjects,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        documents=[document_in_registry(user, pk, "document_ids") for pk in payload.document_ids],
        team=payload.team,
        findings=payload.findings,
        plan_item=item,
    )
    return Status(201, _out(user, oversight.pk))


@router.get("/oversights/{oversight_id}/history", response=list[HistoryOut], tags=["oversight"])
def oversight_history(request: HttpRequest, oversight_id: int) -> Any:
    """The oversight's history, newest first: who, when, the act, the reason, as its page shows it."""
    return history_items(selectors.get_oversight_for_user(_actor(request), oversight_id))


@router.get("/recommendations/{rec_id}/history", response=list[HistoryOut], tags=["oversight"])
def recommendation_history(request: HttpRequest, rec_id: int) -> Any:
    """The recommendation (its answers)'s history, newest first: who, when, the act, the reason, as its page shows it."""
    return history_items(selectors.get_recommendation_for_user(_actor(request), rec_id))
