"""Writes on one's own notifications and notification preferences.

Notifications and preferences are a person's own messages and settings, not records of the
work, so they keep no history (see `models.py`); each write still refuses another's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib.notify import KINDS

from .models import Channel, Notification, Preference

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _own(actor: User, notification: Notification) -> None:
    if notification.user_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of one's notifications read (reading it again changes nothing)."""
    _own(actor, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """Mark all of one's unread notifications read; returns how many were unread."""
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())


def _check(kind: str, channel: str) -> None:
    if kind not in KINDS:
        raise ValidationError(
            {"kind": _("Unknown kind of notification: %(kind)s.") % {"kind": kind}}
        )
    if channel not in Channel.values:
        raise ValidationError(
            {"channel": _("Choose one of: %(expected)s.") % {"expected": ", ".join(Channel.values)}}
        )


@transaction.atomic
def preference_set(*, actor: User, kind: str, channel: str) -> Preference:
    """Choose how one is told of one kind: in the application, e-mail now, digest, or off."""
    if not actor.is_authenticated:
        raise PermissionDenied
    _check(kind, channel)
    preference, _created = Preference.objects.update_or_create(
        user=actor, kind=kind, defaults={"channel": channel}
    )
    return preference


@transaction.atomic
def preferences_set(*, actor: User, channels: Mapping[str, str]) -> list[Preference]:
    """Several kinds at once (the settings page, the API's PUT): all of them or none."""
    for kind, channel in channels.items():
        _check(kind, channel)
    return [
        preference_set(actor=actor, kind=kind, channel=channel)
        for kind, channel in channels.items()
    ]
