"""API of the signed-in person's own things: the agenda, the notifications and how to be told.

Everything under `/me/` is the caller's own: another person's notification answers 404.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from danvan.lib import agenda
from danvan.lib.api import Pages, request_user

from . import selectors_notifications as selectors
from . import services
from .models import Channel, Notification

router = Router(tags=["me"])


class ActionOut(Schema):
    label: str
    url: str
    method: str = Field(..., description="get: follow the link; post: send a form to the url")
    confirm: str = Field("", description="a sentence to confirm before an irreversible post")
    fields: dict[str, str] = Field(
        default_factory=dict, description="the form fields a post sends (a report to start)"
    )


class AgendaEntryOut(Schema):
    key: str = Field(..., description="the record: «<app>.<thing>:<id>[:<step>]»")
    kind: str = Field(..., description="the source: «<app>.<thing>»")
    what: str
    title: str
    unit: str
    url: str
    due_on: datetime.date | None
    days_late: int = Field(..., description="days past the due date; 0 when not late")
    action: ActionOut | None


@router.get("/me/agenda", response=list[AgendaEntryOut])
def my_agenda(request: HttpRequest) -> Any:
    """What waits for you or your units, as the agenda page shows it: the latest first."""
    today = timezone.localdate()
    return [
        {
            "key": item.key,
            "kind": item.kind,
            "what": str(item.what),
            "title": str(item.title),
            "unit": str(item.unit),
            "url": item.url,
            "due_on": item.due_on,
            "days_late": item.days_late(today),
            "action": {
                "label": str(item.action.label),
                "url": item.action.url,
                "method": item.action.method,
                "confirm": str(item.action.confirm),
                "fields": dict(item.action.fields),
            }
            if item.action
            else None,
        }
        for item in agenda.for_user(request_user(request), today)
    ]


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    url: str = Field(..., description="the page of the record it is about (a path), or empty")
    key: str = Field(..., description="the record it is about, as the agenda names it")
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @staticmethod
    def resolve_kind_label(obj: Notification) -> str:
        return str(obj.get_kind_display())


class NotificationFilter(Schema):
    unread: bool = Field(False, description="only the unread ones")


@router.get("/me/notifications", response=list[NotificationOut])
@paginate(Pages)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilter]) -> Any:
    """Your notifications, newest first."""
    return selectors.notifications_for(request_user(request), unread_only=filters.unread)


@router.post("/me/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request: HttpRequest, notification_id: int) -> Any:
    """Mark one of your notifications read (again: no change)."""
    user = request_user(request)
    notification = selectors.get_notification_for_user(user, notification_id)
    return services.notification_mark_read(actor=user, notification=notification)


class ReadAllOut(Schema):
    marked: int = Field(..., description="how many were unread")


@router.post("/me/notifications/read-all", response=ReadAllOut)
def read_all_notifications(request: HttpRequest) -> Any:
    """Mark all your notifications read."""
    return {"marked": services.notifications_mark_all_read(actor=request_user(request))}


class PreferenceOut(Schema):
    kind: str
    label: str
    channel: Channel = Field(
        ...,
        description="in_app: the bell only; email: the bell and an e-mail at once; "
        "digest: the bell and one e-mail a day; off: not told",
    )


class PreferenceIn(Schema):
    kind: str = Field(..., description="one of the kinds GET lists")
    channel: Channel


def _preferences(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"kind": p.kind, "label": str(p.label), "channel": p.channel}
        for p in selectors.preferences_of(request_user(request))
    ]


@router.get("/me/notification-preferences", response=list[PreferenceOut])
def get_preferences(request: HttpRequest) -> Any:
    """How you are told of each kind of message."""
    return _preferences(request)


@router.put("/me/notification-preferences", response=list[PreferenceOut])
def put_preferences(request: HttpRequest, payload: list[PreferenceIn]) -> Any:
    """Choose the channel of the kinds you name (the others keep theirs); all or nothing."""
    services.preferences_set(
        actor=request_user(request),
        channels={p.kind: p.channel.value for p in payload},
    )
    return _preferences(request)
