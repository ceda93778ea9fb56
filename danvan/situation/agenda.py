"""The situation app's agenda source (registered from `apps.py`): early-warning alerts.

- A new alert, to the leaders and specialists of the commission it was raised for (their own
  unit, `ALERT_ROLES`): acknowledge it, one click (a POST behind a confirmation), due the day
  it was raised.
- An acknowledged alert given to the user: look into it and close it with what was done.

Notes carry no due date, so their follow-ups give no item. One query.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from danvan.lib import agenda, notify
from danvan.lib.agenda import Action, Item
from danvan.org.agenda import unit_paths

from . import selectors
from .models import AlertStatus

if TYPE_CHECKING:
    from danvan.accounts.models import User


def alerts_waiting(user: User, today: datetime.date) -> list[Item]:
    paths = unit_paths(user, roles=selectors.ALERT_ROLES)
    waiting = Q(status=AlertStatus.ACKNOWLEDGED, assigned_to_id=user.pk)
    if paths:
        waiting |= Q(status=AlertStatus.OPEN, organization__path__in=paths)
    items = []
    for alert in selectors.alerts_for_user(user).filter(waiting):
        url = reverse("situation_alert", args=[alert.pk])
        if alert.status == AlertStatus.OPEN:
            what = gettext("Acknowledge an early-warning alert")
            due_on: datetime.date | None = alert.raised_on
            action = Action(
                gettext("Acknowledge"),
                reverse("situation_alert_acknowledge", args=[alert.pk]),
                method="post",
                confirm=gettext(
                    "Acknowledge this alert? It is marked as seen and taken in hand by you."
                ),
            )
        else:
            what = gettext("Look into the alert given to you and close it")
            due_on = None
            action = Action(pgettext("verb", "Open"), url)
        items.append(
            Item(
                key=notify.key_of(alert),
                kind="situation.alert",
                what=what,
                title=str(alert),
                unit=alert.organization.name,
                url=url,
                due_on=due_on,
                action=action,
            )
        )
    return items


def register() -> None:
    agenda.register("situation.alert", _("Early-warning alerts"), alerts_waiting)
