"""API for the scorecard (how petitions were answered and dialogues held, per unit and area,
over a scope and a period) and the data subject requests handled by administrators."""

import dataclasses
import datetime
import re
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.lib.api import Pages, Ref
from danvan.lib.api import request_user as _actor
from danvan.org.scopes import ReportingScope
from danvan.org.selectors import get_area_for_user, get_organization_for_user

from . import scorecard, selectors, services_privacy
from .api_lookups import petition_named
from .api_petitions import user_ref
from .models import DataRequest, RequestState

router = Router()  # tagged "Dialogue" by the router it hangs under (api.py)

TREND_PERIODS = 4
SCOPE = re.compile(r"([oa])(\d{1,18})")


# --- The scorecard ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _AreaInScope(ReportingScope):
    """The units located in an area's subtree, among those the user sees: an area can hold
    units above the user's own (the commune's Party committee above its Front)."""

    within: ReportingScope = dataclasses.field(default_factory=ReportingScope)

    def q(self, field: str) -> Q:
        return super().q(field) & self.within.q(field)


class LineOut(Schema):
    id: int = Field(..., description="The unit's or commune's id (0 for a whole scope)")
    name: str
    received: int
    settled: int
    settled_pct: float | None
    on_time: int = Field(..., description="Settled by the (extended) deadline")
    on_time_pct: float | None
    median_days: float | None = Field(..., description="Median days from receipt to settlement")
    confirmed: int = Field(..., description="Citizens who gave their word on the answer")
    satisfied: int
    satisfied_pct: float | None
    overdue_open: int = Field(..., description="Still open and past their deadline")
    dialogues_held: int
    dialogues_due: int


class TrendOut(LineOut):
    period: str
    period_label: str


class ScorecardOut(Schema):
    period: str
    period_label: str
    scope: str = Field(..., description="o<unit id>, a<area id>, or empty for your whole scope")
    scope_name: str
    total: LineOut
    units: list[LineOut] = Field(..., description="Best on-time share first")
    areas: list[LineOut] = Field(..., description="Per commune the petitions are about")
    trend: list[TrendOut] = Field(..., description="This period and the ones before, oldest first")


class ScorecardFilter(Schema):
    scope: str = Field(
        "", max_length=20, description="o<unit id> or a<area id>; default: your whole scope"
    )
    period: str = Field(
        "", max_length=20, description="202611, 2026Q4, 2026S2, 2026; default: this half year"
    )


def _scope(user: User, code: str) -> tuple[ReportingScope, str]:
    """The scope a request names, within the user's (404 outside it), and its name."""
    code = code.strip()
    if not code:
        return ReportingScope.for_user(user), ""
    found = SCOPE.fullmatch(code)
    if found is None:
        raise ValidationError(
            {"scope": _("Give the scope as o followed by a unit's id, or a and an area's id.")}
        )
    if found.group(1) == "o":
        unit = get_organization_for_user(user, int(found.group(2)))
        return ReportingScope.of(unit), unit.name
    area = get_area_for_user(user, int(found.group(2)))
    mine = ReportingScope.for_user(user)
    return _AreaInScope(area_paths=(area.path,), within=mine), area.name


def _period(code: str) -> periods.Period:
    code = code.strip()
    if not code:
        return periods.from_date(timezone.localdate(), periods.PeriodType.HALF)
    try:
        period = periods.parse(code)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if period.type == periods.PeriodType.TERM:
        raise ValidationError({"period": _("Choose a month, quarter, half year or year.")})
    return period


@router.get("/scorecards", response=ScorecardOut)
def get_scorecard(request: HttpRequest, filters: Query[ScorecardFilter]) -> Any:
    """Received, settled, on time, the median days, the citizens satisfied and the dialogues
    held, per unit and per commune, for a scope you see (404 outside it) and a period."""
    user = _actor(request)
    scope, name = _scope(user, filters.scope)
    period = _period(filters.period)
    card = scorecard.card(scope, period, trend_count=TREND_PERIODS)
    trend = [
        {**line.as_dict(), "period": code, "period_label": periods.parse(code).label()}
        for code, line in card.trend
    ]
    return {
        "period": period.code,
        "period_label": period.label(),
        "scope": filters.scope.strip(),
        "scope_name": name,
        "total": card.total.as_dict(),
        "units": [line.as_dict() for line in card.units],
        "areas": [line.as_dict() for line in card.areas],
        "trend": trend,
    }


# --- Data subject requests -------------------------------------------------------------------

RequestKindName = Literal["see", "correct", "erase", "withdraw"]


class PetitionRef(Schema):
    id: int
    code: str


class DataRequestOut(Schema):
    id: int
    petition: PetitionRef
    kind: str
    kind_label: str
    received_on: datetime.date
    acknowledge_due: datetime.date = Field(..., description="2 working days after receipt")
    acknowledged_on: datetime.date | None
    overdue: bool = Field(..., description="Not acknowledged and past its deadline")
    state: str
    state_label: str
    details: str = Field(..., description="What was asked")
    outcome: str = Field(..., description="What was done, or why it was refused")
    done_on: datetime.date | None
    handled_by: Ref | None = Field(..., description="The administrator who handled it")

    @staticmethod
    def resolve_kind_label(obj: DataRequest) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj: DataRequest) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_overdue(obj: DataRequest) -> bool:
        return obj.state == RequestState.RECEIVED and obj.acknowledge_due < timezone.localdate()

    @staticmethod
    def resolve_handled_by(obj: DataRequest) -> dict[str, Any] | None:
        return user_ref(obj.handled_by)


class DataRequestFilter(Schema):
    open_only: bool = Field(False, description="Only those not done or refused")


class DataRequestIn(Schema):
    petition: str = Field(..., max_length=30, description="The petition's tracking code (or id)")
    kind: RequestKindName
    received_on: datetime.date | None = Field(None, description="Default: today")
    details: str = Field("", description="What was asked")


class DataRequestAcknowledgeIn(Schema):
    acknowledged_on: datetime.date | None = Field(None, description="Default: today")


class CorrectionsIn(Schema):
    """The petitioner's fields to correct; leave a field out to keep it."""

    name: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=300)
    id_number: str | None = Field(None, max_length=20)


class CompleteIn(Schema):
    outcome: str = Field(..., description="What was done, or why it is refused")
    refuse: bool = False
    corrections: CorrectionsIn | None = Field(None, description="For a «correct» request")


def _administrator(request: HttpRequest) -> User:
    user = _actor(request)
    if not selectors.may_manage_data_requests(user):
        raise PermissionDenied(_("Data requests are handled by administrators."))
    return user


def _request(user: User, pk: int) -> DataRequest:
    return selectors.get_data_request_for_user(user, pk)


@router.get("/data-requests", response=list[DataRequestOut])
@paginate(Pages)
def list_data_requests(request: HttpRequest, filters: Query[DataRequestFilter]) -> Any:
    """Requests about personal data on petitions of the units you administer, newest first
    (403 unless you administer a unit)."""
    user = _administrator(request)
    return selectors.data_requests_for_user(user, open_only=filters.open_only)


@router.post("/data-requests", response={201: DataRequestOut})
def create_data_request(request: HttpRequest, payload: DataRequestIn) -> Any:
    """Record a person's request to see, correct or erase their data, or withdraw consent; it
    is acknowledged within 2 working days."""
    user = _administrator(request)
    petition = petition_named(user, payload.petition, "petition")
    if not selectors.may_handle_data_requests(user, petition):
        raise ValidationError({"petition": _("No petition you administer has this code.")})
    made = services_privacy.data_request_create(
        actor=user,
        petition=petition,
        kind=payload.kind,
        received_on=payload.received_on or timezone.localdate(),
        details=payload.details,
    )
    return Status(201, _request(user, made.pk))


@router.post("/data-requests/{request_id}/acknowledge", response=DataRequestOut)
def acknowledge_data_request(
    request: HttpRequest, request_id: int, payload: DataRequestAcknowledgeIn
) -> Any:
    """Acknowledge the request (409 once acknowledged)."""
    user = _administrator(request)
    services_privacy.data_request_acknowledge(
        actor=user, request=_request(user, request_id), acknowledged_on=payload.acknowledged_on
    )
    return _request(user, request_id)


@router.post("/data-requests/{request_id}/complete", response=DataRequestOut)
def complete_data_request(request: HttpRequest, request_id: int, payload: CompleteIn) -> Any:
    """Do what was asked — an erasure or a withdrawal erases the person's data, the case stays;
    a correction applies `corrections` — or refuse with the reason (409 once closed)."""
    user = _administrator(request)
    corrections = (
        {k: v for k, v in payload.corrections.dict().items() if v is not None}
        if payload.corrections is not None
        else {}
    )
    services_privacy.data_request_complete(
        actor=user,
        request=_request(user, request_id),
        outcome=payload.outcome,
        refuse=payload.refuse,
        corrections=corrections or None,
    )
    return _request(user, request_id)
