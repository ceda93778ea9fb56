"""The meetings app's agenda sources (registered from `apps.py`), one query each.

All three wait for the officers (`DANVAN_REMINDER_ROLES`) of the unit concerned, its own
members only (`org.agenda.unit_paths`), as the reminders go: a provincial specialist sees every
commune's bridge point, but only the commission's own point waits for them.

- Follow-up tasks (conclusions still open) assigned to the user's unit, late or due within
  `DANVAN_DUE_SOON_DAYS`: report them done on the meeting's page.
- Bridge points of the user's unit whose attendance is not confirmed, for a meeting that starts
  within a week or took place in the last three days, due on the meeting's day.
- Meetings the user's unit hosted that ended without their minutes, due the day after.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.lib import agenda, notify
from danvan.lib.agenda import Action, Item
from danvan.org.agenda import unit_paths

from . import selectors
from .models import BridgePoint, Conclusion, ConclusionStatus, Status

if TYPE_CHECKING:
    from danvan.accounts.models import User

CONFIRM_DAYS_BEFORE = 7  # a point confirms from a week before the meeting…
CONFIRM_DAYS_AFTER = 3  # …to three days after it


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of a local day, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _officer_units(user: User) -> list[str]:
    return unit_paths(user, roles=settings.DANVAN_REMINDER_ROLES)


def conclusions_open(user: User, today: datetime.date) -> list[Item]:
    paths = _officer_units(user)
    if not paths:
        return []
    soon = today + datetime.timedelta(days=settings.DANVAN_DUE_SOON_DAYS)
    found = (
        Conclusion.objects.filter(
            meeting__in=selectors.meetings_for_user(user),
            organization__path__in=paths,
            status=ConclusionStatus.OPEN,
            due_on__lte=soon,
        )
        .exclude(meeting__status=Status.CANCELLED)
        .select_related("meeting", "organization")
        .order_by("due_on", "pk")
    )
    items = []
    for conclusion in found:
        url = (
            reverse("meeting_detail", args=[conclusion.meeting_id]) + f"#conclusion-{conclusion.pk}"
        )
        items.append(
            Item(
                key=notify.key_of(conclusion),
                kind="meetings.conclusion",
                what=gettext("Carry out a conclusion of a meeting and report it done"),
                title=str(conclusion),
                unit=conclusion.organization.name,
                url=url,
                due_on=conclusion.due_on,
                action=Action(gettext("Report done"), url),
                extra={"meeting": conclusion.meeting.title},
            )
        )
    return items


def points_to_confirm(user: User, today: datetime.date) -> list[Item]:
    paths = _officer_units(user)
    if not paths:
        return []
    found = (
        BridgePoint.objects.active()
        .filter(
            meeting__in=selectors.meetings_for_user(user),
            organization__path__in=paths,
            confirmed_at__isnull=True,
            meeting__status__in=[Status.SCHEDULED, Status.HELD],
            meeting__starts_at__gte=_midnight(today - datetime.timedelta(days=CONFIRM_DAYS_AFTER)),
            meeting__starts_at__lt=_midnight(
                today + datetime.timedelta(days=CONFIRM_DAYS_BEFORE + 1)
            ),
        )
        .select_related("meeting", "organization")
        .order_by("meeting__starts_at", "pk")
    )
    items = []
    for point in found:
        meeting = point.meeting
        url = reverse("point_confirm", args=[meeting.pk, point.pk])
        items.append(
            Item(
                key=notify.key_of(point),
                kind="meetings.point",
                what=gettext("Confirm your bridge point's attendance"),
                title=meeting.title,
                unit=point.organization.name,
                url=url,
                due_on=timezone.localdate(meeting.starts_at),
                action=Action(gettext("Confirm attendance"), url),
            )
        )
    return items


def minutes_to_record(user: User, today: datetime.date) -> list[Item]:
    paths = _officer_units(user)
    if not paths:
        return []
    found = (
        selectors.meetings_for_user(user)
        .filter(
            host__path__in=paths,
            status=Status.SCHEDULED,
            ends_at__lt=timezone.now(),
            minutes="",
            minutes_file="",
        )
        .order_by("ends_at", "pk")
    )
    items = []
    for meeting in found:
        items.append(
            Item(
                key=notify.key_of(meeting),
                kind="meetings.minutes",
                what=gettext("Record the minutes of a meeting held"),
                title=meeting.title,
                unit=meeting.host.name,
                url=reverse("meeting_detail", args=[meeting.pk]),
                due_on=timezone.localdate(meeting.ends_at) + datetime.timedelta(days=1),
                action=Action(
                    gettext("Record the minutes"), reverse("meeting_minutes", args=[meeting.pk])
                ),
            )
        )
    return items


def register() -> None:
    agenda.register("meetings.conclusion", _("Tasks from meetings"), conclusions_open)
    agenda.register("meetings.point", _("Bridge points to confirm"), points_to_confirm)
    agenda.register("meetings.minutes", _("Minutes of meetings to record"), minutes_to_record)
