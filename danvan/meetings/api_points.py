"""API for a meeting's bridge points (invited, confirmed by their own officers, checked,
withdrawn; their totals by level) and its conclusions as follow-up tasks of units. Hung under
the meetings router (api.py)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib.api import HistoryOut, Pages, history_items
from danvan.lib.api import request_user as _actor
from danvan.org.api import organization_in_scope as _org
from danvan.org.models import OrganizationKind

from . import selectors, services, services_points
from .models import BridgePoint, Conclusion, Meeting
from .schemas import (
    CheckIn,
    ConclusionIn,
    ConclusionOut,
    DoneIn,
    InvitedOut,
    InviteIn,
    PointConfirmIn,
    PointFilter,
    PointIn,
    PointOut,
    PointPatch,
    ReasonIn,
    TotalsOut,
    WithdrawIn,
    body_names,
    totals_out,
)

router = Router()  # tagged "meetings" by the router it hangs under (api.py)

POINTS = "/meetings/{meeting_id}/bridge-points"
CONCLUSIONS = "/meetings/{meeting_id}/conclusions"


def _meeting(user: User, pk: int) -> Meeting:
    return selectors.get_meeting_for_user(user, pk)


def _points(meeting: Meeting) -> QuerySet[BridgePoint]:
    return selectors.points_of(meeting).select_related("confirmed_by", "checked_by")


def _point(meeting: Meeting, pk: int) -> BridgePoint:
    """A bridge point of the meeting still joining it (a withdrawn one is 404)."""
    return selectors.get_point(meeting, pk)


def _point_out(point: BridgePoint) -> BridgePoint:
    """The point as written, withdrawn or not, with what its answer names."""
    return BridgePoint.objects.select_related("organization", "confirmed_by", "checked_by").get(
        pk=point.pk
    )


def _kind(value: str) -> OrganizationKind | None:
    """An organisation kind named by its code (fatherland_front) or its id; empty is any."""
    value = value.strip()
    if not value:
        return None
    found = OrganizationKind.objects.filter(code=value).first()
    if found is None and value.isascii() and value.isdigit() and len(value) < 18:
        found = OrganizationKind.objects.filter(pk=int(value)).first()
    if found is None:
        codes = ", ".join(OrganizationKind.objects.values_list("code", flat=True))
        raise ValidationError(
            {
                "kind": _("Unknown kind %(code)s; use one of: %(codes)s.")
                % {"code": value, "codes": codes}
            }
        )
    return found


# --- Bridge points --------------------------------------------------------------------------


@router.get(POINTS, response=list[PointOut])
@paginate(Pages)
def list_points(request: HttpRequest, meeting_id: int, filters: Query[PointFilter]) -> Any:
    """The meeting's bridge points, the host's first, then by level and unit."""
    points = _points(_meeting(_actor(request), meeting_id))
    if filters.level:
        points = points.filter(level=filters.level)
    if filters.confirmed is not None:
        points = points.filter(confirmed_at__isnull=not filters.confirmed)
    return selectors.points_named(points, filters.q)


@router.post(POINTS, response={201: PointOut})
def add_point(request: HttpRequest, meeting_id: int, payload: PointIn) -> Any:
    """Invite one unit as a bridge point: one of the host's units, or with `guest` a unit from
    outside them that you see (400 otherwise; 409 for an in-person meeting)."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    with body_names({"organization": "organization_id"}):
        point = services_points.point_add(
            actor=user,
            meeting=meeting,
            organization=_org(user, payload.organization_id, "organization_id"),
            guest=payload.guest,
            place=payload.place,
            chair=payload.chair,
            expected=payload.expected,
        )
    return Status(201, _point_out(point))


@router.post(f"{POINTS}/invite", response=InvitedOut)
def invite_level(request: HttpRequest, meeting_id: int, payload: InviteIn) -> Any:
    """Invite every unit of a level under the host (of a kind, if given) in one step; units
    already invited are left as they are (400 when there is none left to invite)."""
    user = _actor(request)
    points = services_points.points_invite_level(
        actor=user,
        meeting=_meeting(user, meeting_id),
        level=payload.level,
        kind=_kind(payload.kind),
        expected=payload.expected,
    )
    return {"invited": len(points)}


@router.get(f"{POINTS}/totals", response=TotalsOut)
def point_totals(request: HttpRequest, meeting_id: int) -> Any:
    """Bridge points and delegates by level and overall: points, confirmed, delegates expected
    and attending, and the attendance rate of the confirmed points."""
    return totals_out(_meeting(_actor(request), meeting_id))


@router.get(f"{POINTS}/{{point_id}}", response=PointOut)
def get_point(request: HttpRequest, meeting_id: int, point_id: int) -> Any:
    meeting = _meeting(_actor(request), meeting_id)
    return _point_out(_point(meeting, point_id))


@router.patch(f"{POINTS}/{{point_id}}", response=PointOut)
def update_point(request: HttpRequest, meeting_id: int, point_id: int, payload: PointPatch) -> Any:
    """The host sets a point's place, chair and delegates expected."""
    user = _actor(request)
    point = _point(_meeting(user, meeting_id), point_id)
    data = payload.dict(exclude_unset=True)
    services_points.point_update(
        actor=user,
        point=point,
        place=data.get("place", point.place),
        chair=data.get("chair", point.chair),
        expected=data.get("expected", point.expected),
    )
    return _point_out(point)


@router.post(f"{POINTS}/{{point_id}}/confirm", response=PointOut)
def confirm_point(
    request: HttpRequest, meeting_id: int, point_id: int, payload: PointConfirmIn
) -> Any:
    """The point's own officers (or the host's) confirm its delegates attending, and its
    place, chair and delegates expected if they changed; more attending than expected needs a
    note (400). Another unit's officers are refused (403)."""
    user = _actor(request)
    point = _point(_meeting(user, meeting_id), point_id)
    services_points.point_confirm(actor=user, point=point, **payload.dict())
    return _point_out(point)


@router.post(f"{POINTS}/{{point_id}}/check", response=PointOut)
def check_point(request: HttpRequest, meeting_id: int, point_id: int, payload: CheckIn) -> Any:
    """A connection check of the point before the meeting; a poor or failed one needs a note."""
    user = _actor(request)
    point = _point(_meeting(user, meeting_id), point_id)
    services_points.point_check(actor=user, point=point, result=payload.result, note=payload.note)
    return _point_out(point)


@router.post(f"{POINTS}/{{point_id}}/withdraw", response=PointOut)
def withdraw_point(
    request: HttpRequest, meeting_id: int, point_id: int, payload: WithdrawIn
) -> Any:
    """The point no longer joins (the host's own point stays: 409); kept in the history."""
    user = _actor(request)
    point = _point(_meeting(user, meeting_id), point_id)
    services_points.point_withdraw(actor=user, point=point, reason=payload.reason)
    return _point_out(point)


@router.get(f"{POINTS}/{{point_id}}/history", response=list[HistoryOut])
def point_history(request: HttpRequest, meeting_id: int, point_id: int) -> Any:
    """The point's history, newest first: invited, changed, checked, confirmed."""
    return history_items(_point(_meeting(_actor(request), meeting_id), point_id))


# --- Conclusions ----------------------------------------------------------------------------


def _conclusion(meeting: Meeting, pk: int) -> Conclusion:
    return selectors.get_conclusion(meeting, pk)


@router.get(CONCLUSIONS, response=list[ConclusionOut])
def list_conclusions(request: HttpRequest, meeting_id: int) -> Any:
    """The meeting's conclusions as follow-up tasks, soonest due first."""
    return selectors.conclusions_of(_meeting(_actor(request), meeting_id))


@router.post(CONCLUSIONS, response={201: ConclusionOut})
def add_conclusion(request: HttpRequest, meeting_id: int, payload: ConclusionIn) -> Any:
    """A conclusion as a task of a unit of the host's tree or one of the bridge points, due on
    a date; the unit's officers are told."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    with body_names({"organization": "organization_id"}):
        conclusion = services.conclusion_add(
            actor=user,
            meeting=meeting,
            text=payload.text,
            organization=_org(user, payload.organization_id, "organization_id"),
            due_on=payload.due_on,
        )
    return Status(201, _conclusion(meeting, conclusion.pk))


@router.get(f"{CONCLUSIONS}/{{conclusion_id}}", response=ConclusionOut)
def get_conclusion(request: HttpRequest, meeting_id: int, conclusion_id: int) -> Any:
    return _conclusion(_meeting(_actor(request), meeting_id), conclusion_id)


@router.post(f"{CONCLUSIONS}/{{conclusion_id}}/done", response=ConclusionOut)
def conclusion_done(
    request: HttpRequest, meeting_id: int, conclusion_id: int, payload: DoneIn
) -> Any:
    """The assigned unit (or the host) reports the task done, with what was done (409 unless
    it is open)."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    services.conclusion_done(
        actor=user,
        conclusion=_conclusion(meeting, conclusion_id),
        result=payload.result,
        done_on=payload.done_on,
    )
    return _conclusion(meeting, conclusion_id)


@router.post(f"{CONCLUSIONS}/{{conclusion_id}}/reopen", response=ConclusionOut)
def conclusion_reopen(
    request: HttpRequest, meeting_id: int, conclusion_id: int, payload: ReasonIn
) -> Any:
    """The host finds the task not done after all: open again, with the reason (409 if open)."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    services.conclusion_reopen(
        actor=user, conclusion=_conclusion(meeting, conclusion_id), reason=payload.reason
    )
    return _conclusion(meeting, conclusion_id)


@router.post(f"{CONCLUSIONS}/{{conclusion_id}}/cancel", response=ConclusionOut)
def conclusion_cancel(
    request: HttpRequest, meeting_id: int, conclusion_id: int, payload: ReasonIn
) -> Any:
    """The host drops a task no longer needed, with the reason (409 unless it is open)."""
    user = _actor(request)
    meeting = _meeting(user, meeting_id)
    services.conclusion_cancel(
        actor=user, conclusion=_conclusion(meeting, conclusion_id), reason=payload.reason
    )
    return _conclusion(meeting, conclusion_id)


@router.get(f"{CONCLUSIONS}/{{conclusion_id}}/history", response=list[HistoryOut])
def conclusion_history(request: HttpRequest, meeting_id: int, conclusion_id: int) -> Any:
    """The task's history, newest first: assigned, done, reopened or dropped, with reasons."""
    return history_items(_conclusion(_meeting(_actor(request), meeting_id), conclusion_id))
