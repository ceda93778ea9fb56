"""API for periodic reports: indicators, forms, submissions and live roll-ups — scoped."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.lib import periods
from danvan.lib.api import HistoryOut, Pages, Patch, history_items
from danvan.lib.api import request_user as _actor
from danvan.lib.replica import reads_from_replica
from danvan.org.api import organization_in_scope as _org

from . import definitions, rollups, selectors, selectors_pivot, services
from .models import Form, Indicator

router = Router()


# --- Indicators ----------------------------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    value_type: str
    unit: str
    aggregation: str
    source: str
    derived_key: str
    formula: str
    min_value: Decimal | None
    max_value: Decimal | None
    decimal_places: int
    is_active: bool


class IndicatorIn(Schema):
    code: str
    name: str
    name_en: str = ""
    value_type: str = "number"
    unit: str = ""
    aggregation: str = "sum"
    source: str = "typed"
    derived_key: str = ""
    formula: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    decimal_places: int = 4
    description: str = ""


@router.get("/indicators", response=list[IndicatorOut], tags=["reporting"])
@paginate(Pages)
def list_indicators(request: HttpRequest, source: str = "", active: bool | None = None) -> Any:
    _actor(request)
    indicators = Indicator.objects.all()
    if source:
        indicators = indicators.filter(source=source)
    if active is not None:
        indicators = indicators.filter(is_active=active)
    return indicators


class IndicatorPatch(Patch):
    """Leave a field out to keep it; the code stays, and so do the value type and source once
    reports hold figures of the indicator (409)."""

    nullable = frozenset({"min_value", "max_value"})

    name: str | None = None
    name_en: str | None = None
    value_type: str | None = None
    unit: str | None = None
    aggregation: str | None = None
    source: str | None = None
    derived_key: str | None = None
    formula: str | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    decimal_places: int | None = None
    description: str | None = None
    is_active: bool | None = None


def _indicator(pk: int) -> Indicator:
    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    return indicator


@router.get("/indicators/{indicator_id}", response=IndicatorOut, tags=["reporting"])
def get_indicator(request: HttpRequest, indicator_id: int) -> Any:
    _actor(request)
    return _indicator(indicator_id)


@router.patch("/indicators/{indicator_id}", response=IndicatorOut, tags=["reporting"])
def update_indicator(request: HttpRequest, indicator_id: int, payload: IndicatorPatch) -> Any:
    """Change an indicator, as its edit page does (top-level leaders and administrators)."""
    user = _actor(request)
    indicator = _indicator(indicator_id)
    return definitions.indicator_update(
        actor=user, indicator=indicator, **payload.dict(exclude_unset=True)
    )


@router.post("/indicators", response={201: IndicatorOut}, tags=["reporting"])
def create_indicator(request: HttpRequest, payload: IndicatorIn) -> Any:
    data = payload.dict()
    indicator = definitions.indicator_create(actor=_actor(request), code=data.pop("code"), **data)
    return Status(201, indicator)


# --- Forms: api_forms.py, included below ---------------------------------------------------


# --- Submissions ---------------------------------------------------------------------------


class ValueOut(Schema):
    code: str
    value: Decimal | str | None
    source: str


class SubmissionOut(Schema):
    id: int
    form_id: int
    organization_id: int
    organization_name: str
    period: str
    status: str
    submitted_at: Any
    reviewed_at: Any
    review_comment: str
    narratives: dict[str, str]
    warning_comments: dict[str, str]
    values: list[ValueOut]


class SubmissionListOut(Schema):
    id: int
    form_id: int
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    period: str
    status: str
    submitted_at: Any
    reviewed_at: Any


class SubmissionIn(Schema):
    form_id: int
    organization_id: int
    period: str


class ValuesIn(Schema):
    values: dict[str, Any] = {}
    narratives: dict[str, str] = {}
    comments: dict[str, str] = {}


class ReturnIn(Schema):
    comment: str


class SubmissionReopenIn(Schema):
    reason: str


class SubmissionFilter(Schema):
    form_id: int | None = None
    organization_id: int | None = None
    period: str | None = None
    status: str | None = None


def _submission_out(user: Any, pk: int) -> dict[str, Any]:
    submission = selectors.get_submission_for_user(user, pk)
    layout = selectors.form_layout(submission.form)
    values = selectors.report_values(submission, layout)
    return {
        "id": submission.pk,
        "form_id": submission.form_id,
        "organization_id": submission.organization_id,
        "organization_name": submission.organization.name,
        "period": submission.period,
        "status": submission.status,
        "submitted_at": submission.submitted_at,
        "reviewed_at": submission.reviewed_at,
        "review_comment": submission.review_comment,
        "narratives": submission.narratives,
        "warning_comments": submission.warning_comments,
        "values": [
            {"code": i.code, "value": values.get(i.code), "source": i.source}
            for i in layout.indicators
        ],
    }


@router.get("/submissions", response=list[SubmissionListOut], tags=["reporting"])
@paginate(Pages)
def list_submissions(request: HttpRequest, filters: Query[SubmissionFilter]) -> Any:
    submissions = selectors.submissions_for_user(_actor(request))
    for name, value in filters.dict().items():
        if value is not None:
            submissions = submissions.filter(**{name: value})
    return submissions.order_by("-period", "organization__path")


@router.get("/submissions/{submission_id}", response=SubmissionOut, tags=["reporting"])
def get_submission(request: HttpRequest, submission_id: int) -> Any:
    return _submission_out(_actor(request), submission_id)


@router.post("/submissions", response={201: SubmissionOut}, tags=["reporting"])
def create_submission(request: HttpRequest, payload: SubmissionIn) -> Any:
    """Start (or find) a unit's report for a period that has ended."""
    user = _actor(request)
    organization = _org(user, payload.organization_id, "organization_id")
    try:
        form = Form.objects.get(pk=payload.form_id)
    except Form.DoesNotExist:
        raise ValidationError({"form_id": "Unknown form."}) from None
    submission = services.submission_start(
        actor=user, form=form, organization=organization, period=payload.period
    )
    return Status(201, _submission_out(user, submission.pk))


@router.patch("/submissions/{submission_id}", response=SubmissionOut, tags=["reporting"])
def save_values(request: HttpRequest, submission_id: int, payload: ValuesIn) -> Any:
    """Save figures (by indicator code), narratives (by section id) and comments on warnings."""
    user = _actor(request)
    submission = selectors.get_submission_for_user(user, submission_id)
    services.submission_save(actor=user, submission=submission, **payload.dict())
    return _submission_out(user, submission_id)


@router.post("/submissions/{submission_id}/submit", response=SubmissionOut, tags=["reporting"])
def submit(request: HttpRequest, submission_id: int, payload: ValuesIn | None = None) -> Any:
    user = _actor(request)
    submission = selectors.get_submission_for_user(user, submission_id)
    services.submission_save_and_submit(
        actor=user, submission=submission, **(payload.dict() if payload else {})
    )
    return _submission_out(user, submission_id)


@router.post("/submissions/{submission_id}/approve", response=SubmissionOut, tags=["reporting"])
def approve(request: HttpRequest, submission_id: int) -> Any:
    user = _actor(request)
    submission = selectors.get_submission_for_user(user, submission_id)
    services.submission_approve(actor=user, submission=submission)
    return _submission_out(user, submission_id)


@router.post("/submissions/{submission_id}/return", response=SubmissionOut, tags=["reporting"])
def return_(request: HttpRequest, submission_id: int, payload: ReturnIn) -> Any:
    user = _actor(request)
    submission = selectors.get_submission_for_user(user, submission_id)
    services.submission_return(actor=user, submission=submission, comment=payload.comment)
    return _submission_out(user, submission_id)


@router.post("/submissions/{submission_id}/reopen", response=SubmissionOut, tags=["reporting"])
def reopen(request: HttpRequest, submission_id: int, payload: SubmissionReopenIn) -> Any:
    user = _actor(request)
    submission = selectors.get_submission_for_user(user, submission_id)
    services.submission_reopen(actor=user, submission=submission, reason=payload.reason)
    return _submission_out(user, submission_id)


# --- Roll-ups ------------------------------------------------------------------------------


class RollupOut(Schema):
    indicator: str
    scope: str
    scope_name: str
    period: str
    value: Decimal | None


class PivotCell(Schema):
    scope: str
    scope_name: str
    values: dict[str, Decimal | None]


class PivotOut(Schema):
    period: str
    indicators: list[str]
    rows: list[PivotCell]


def _period(code: str) -> periods.Period:
    try:
        return periods.parse(code)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None


def _indicators(codes: list[str]) -> list[Indicator]:
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"indicator": f"Unknown indicator code(s): {', '.join(unknown)}."})
    return [found[c] for c in codes]


@router.get("/rollups", response=RollupOut, tags=["reporting"])
def rollup(request: HttpRequest, indicator: str, scope: str, period: str) -> Any:
    """One indicator for an organisation («12») or an area («a7») subtree and a period
    (2022S1, 2022, 2021-2025), live: approved reports count at once."""
    user = _actor(request)
    node = selectors_pivot.get_node_for_user(user, scope)
    the_period = _period(period)
    (ind,) = _indicators([indicator])
    return {
        "indicator": ind.code,
        "scope": selectors_pivot.node_key(node),
        "scope_name": node.name,
        "period": the_period.code,
        "value": rollups.figure(ind, node, the_period),
    }


@router.get("/rollups/pivot", response=PivotOut, tags=["reporting"])
@reads_from_replica
def rollup_pivot(
    request: HttpRequest,
    period: str,
    indicator: list[str] = Query(...),  # noqa: B008
    scope: list[str] = Query(...),  # noqa: B008
) -> Any:
    """Several indicators for several scopes (all organisations or all areas) at once."""
    user = _actor(request)
    nodes = [selectors_pivot.get_node_for_user(user, s) for s in scope]
    if len({type(n) for n in nodes}) > 1:
        raise ValidationError({"scope": "Give only organisations or only areas."})
    the_period = _period(period)
    indicators = _indicators(indicator)
    values = rollups.figures(indicators, nodes, the_period)
    return {
        "period": the_period.code,
        "indicators": [i.code for i in indicators],
        "rows": [
            {
                "scope": selectors_pivot.node_key(n),
                "scope_name": n.name,
                "values": {i.code: values[(n.pk, i.pk)] for i in indicators},
            }
            for n in nodes
        ],
    }


def _include() -> None:
    """The level's endpoints (completeness, reminders, consolidated report, exports) and the
    form editor's."""
    from .api_forms import router as forms
    from .api_levels import router as levels

    router.add_router("", levels)
    router.add_router("", forms)


_include()


@router.get("/submissions/{submission_id}/history", response=list[HistoryOut], tags=["reporting"])
def submission_history(request: HttpRequest, submission_id: int) -> Any:
    """The report (submitted, returned, approved, reopened)'s history, newest first: who, when, the act, the reason, as its page shows it."""
    return history_items(selectors.get_submission_for_user(_actor(request), submission_id))


@router.get("/submissions/{submission_id}/docx", tags=["reporting"])
def submission_docx(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The unit's report as the official Word document (the same as its page's «Word file»)."""
    from . import official, report

    submission = selectors.get_submission_for_user(_actor(request), submission_id)
    response = HttpResponse(
        official.to_docx(report.submission_paper(submission)),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"{submission.form.code}-{submission.organization_id}-{submission.period}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
