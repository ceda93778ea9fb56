"""Reads of one's own notifications and notification preferences.

A person sees only their own notifications: another's answers 404, as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.http import url_has_allowed_host_and_scheme

from danvan.lib.notify import KINDS
from danvan.lib.records import one_or_404

from .models import DEFAULT_CHANNEL, Channel, Notification, NotificationQuerySet, Preference

if TYPE_CHECKING:
    from danvan.accounts.models import User


def notifications_for(user: User, *, unread_only: bool = False) -> NotificationQuerySet:
    """The person's notifications, newest first; only the unread ones when asked."""
    notifications = Notification.objects.visible_to(user)
    if unread_only:
        notifications = notifications.unread()
    return notifications.order_by("-created_at", "-pk")


def get_notification_for_user(user: User, pk: object) -> Notification:
    return one_or_404(Notification.objects.visible_to(user), pk)


def unread_count(user: User) -> int:
    return Notification.objects.visible_to(user).unread().count()


def safe_url(notification: Notification, host: str) -> str:
    """The notification's link when it stays on this site (a path or this host), else ""."""
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={host}):
        return url
    return ""


@dataclass(frozen=True)
class KindPreference:
    kind: str
    label: Any  # the kind's name, translated when shown
    channel: str


def preferences_of(user: User) -> list[KindPreference]:
    """How the person is told of each kind, in the order of `lib.notify.KINDS` (one query)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return [
        KindPreference(kind, label, chosen.get(kind) or DEFAULT_CHANNEL)
        for kind, label in KINDS.items()
    ]


def channel_choices() -> list[tuple[str, Any]]:
    return list(Channel.choices)
