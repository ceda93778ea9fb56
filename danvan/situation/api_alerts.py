"""API of the early-warning alerts on the people's situation (the notes, counts and forecasts:
api.py), scoped like the pages: an alert outside the scope is 404."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from danvan.accounts.models import User
from danvan.lib.api import HistoryOut, Pages, history_items
from danvan.lib.api import request_user as _actor
from danvan.org.selectors import get_area_for_user

from . import alerts, selectors, services
from .api_lookups import active_user, topic_named
from .models import Alert

router = Router()


def _kept(name: str) -> str:
    """The operation's id as it was while these lived in api.py: generated clients keep theirs."""
    return f"danvan_situation_api_{name}"


# --- Alerts -------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    kind: str
    organization_id: int = Field(..., description="The commission the alert was raised for")
    area_id: int
    area_name: str = Field(..., alias="area.name")
    topic: str = Field(..., description="The topic group's code")
    topic_name: str
    period: str
    status: str
    explanation: dict[str, Any] = Field(..., description="The numbers that raised it")
    text: str = Field(..., description="The alert in a sentence, in your language")
    note_id: int | None
    assigned_to: int | None = Field(..., alias="assigned_to_id")
    assigned_to_name: str
    raised_on: datetime.date
    acknowledged_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    outcome: str

    @staticmethod
    def resolve_topic(obj: Alert) -> str:
        return obj.topic.code

    @staticmethod
    def resolve_topic_name(obj: Alert) -> str:
        return obj.topic.label

    @staticmethod
    def resolve_text(obj: Alert) -> str:
        return alerts.explain(obj)

    @staticmethod
    def resolve_assigned_to_name(obj: Alert) -> str:
        return str(obj.assigned_to) if obj.assigned_to is not None else ""


class AlertFilter(Schema):
    status: Literal["live", "open", "acknowledged", "closed"] | None = Field(
        None, description="live is open or acknowledged"
    )
    area: int | None = Field(None, description="An area's id: the alerts on its subtree")
    topic: str = Field("", description="A topic group's code or id (a topic counts for its group)")


class AlertAcknowledgeIn(Schema):
    assigned_to: int | None = Field(None, description="A leader's or specialist's user id")
    comment: str = ""


class AlertAssignIn(Schema):
    assigned_to: int = Field(..., description="A leader's or specialist's user id")
    comment: str = ""


class CloseIn(Schema):
    outcome: str = Field(..., description="What was done about it")


def _alert_out(user: User, pk: int) -> Alert:
    return selectors.alerts_for_user(user).get(pk=pk)


@router.get(
    "/situation-alerts",
    response=list[AlertOut],
    tags=["situation"],
    operation_id=_kept("list_alerts"),
)
@paginate(Pages)
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> Any:
    """The alerts of the commissions you see, newest first."""
    user = _actor(request)
    return selectors.alerts_for_user(
        user,
        status=filters.status or "",
        area=get_area_for_user(user, filters.area) if filters.area is not None else None,
        topic=topic_named(filters.topic, "topic").group if filters.topic.strip() else None,
    )


@router.get(
    "/situation-alerts/{alert_id}",
    response=AlertOut,
    tags=["situation"],
    operation_id=_kept("get_alert"),
)
def get_alert(request: HttpRequest, alert_id: int) -> Any:
    user = _actor(request)
    return _alert_out(user, selectors.get_alert_for_user(user, alert_id).pk)


@router.post(
    "/situation-alerts/{alert_id}/acknowledge",
    response=AlertOut,
    tags=["situation"],
    operation_id=_kept("acknowledge_alert"),
)
def acknowledge_alert(request: HttpRequest, alert_id: int, payload: AlertAcknowledgeIn) -> Any:
    """Seen and taken in hand, optionally given to someone (the commission's leaders and
    specialists; 409 once acknowledged or closed)."""
    user = _actor(request)
    alert = selectors.get_alert_for_user(user, alert_id)
    assigned = payload.assigned_to
    assignee = active_user(assigned, "assigned_to") if assigned is not None else None
    services.alert_acknowledge(
        actor=user, alert=alert, assigned_to=assignee, comment=payload.comment
    )
    return _alert_out(user, alert.pk)


@router.post(
    "/situation-alerts/{alert_id}/assign",
    response=AlertOut,
    tags=["situation"],
    operation_id=_kept("assign_alert"),
)
def assign_alert(request: HttpRequest, alert_id: int, payload: AlertAssignIn) -> Any:
    """Give the alert to a leader or specialist of the commission to look into."""
    user = _actor(request)
    alert = selectors.get_alert_for_user(user, alert_id)
    services.alert_assign(
        actor=user,
        alert=alert,
        assigned_to=active_user(payload.assigned_to, "assigned_to"),
        comment=payload.comment,
    )
    return _alert_out(user, alert.pk)


@router.post(
    "/situation-alerts/{alert_id}/close",
    response=AlertOut,
    tags=["situation"],
    operation_id=_kept("close_alert"),
)
def close_alert(request: HttpRequest, alert_id: int, payload: CloseIn) -> Any:
    """Close the alert with what was done about it (409 if already closed)."""
    user = _actor(request)
    alert = selectors.get_alert_for_user(user, alert_id)
    services.alert_close(actor=user, alert=alert, outcome=payload.outcome)
    return _alert_out(user, alert.pk)


@router.get(
    "/situation-alerts/{alert_id}/history",
    response=list[HistoryOut],
    tags=["situation"],
    operation_id=_kept("alert_history"),
)
def alert_history(request: HttpRequest, alert_id: int) -> Any:
    """The alert's history, newest first: raised, acknowledged, assigned, closed."""
    return history_items(selectors.get_alert_for_user(_actor(request), alert_id))
