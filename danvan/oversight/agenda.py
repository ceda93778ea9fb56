"""The oversight app's agenda source (registered from `apps.py`): recommendations to answer.

Two kinds of item, in one query each:

- to the officers of the responsible organisation (their own unit): a recommendation not done
  that is still unanswered and due within `DANVAN_DUE_SOON_DAYS`, or late; an answer «in
  progress» takes it off until its date passes;
- to the leaders of the oversight's lead: a recommendation still not done
  `DANVAN_ESCALATION_DAYS` after its date, as the escalated reminder tells them.

There is no step in which the lead evaluates an answer: the responsible unit records it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.lib import agenda, notify
from danvan.lib.agenda import Action, Item
from danvan.org.agenda import unit_paths
from danvan.org.models import Verb

from . import selectors
from .models import Recommendation, RecommendationStatus
from .reminders import answer_url

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _item(rec: Recommendation, key: str, what: str, unit: str, label: str) -> Item:
    url = answer_url(rec)
    return Item(
        key=key,
        kind="oversight.recommendation",
        what=what,
        title=str(rec),
        unit=unit,
        url=url,
        due_on=rec.due_on,
        action=Action(label, url),
        extra={"oversight": rec.oversight.title},
    )


def recommendations_due(user: User, today: datetime.date) -> list[Item]:
    items: list[Item] = []
    answering = unit_paths(user, verb=Verb.EDIT)
    if answering:
        soon = today + datetime.timedelta(days=settings.DANVAN_DUE_SOON_DAYS)
        unanswered = Q(status=RecommendationStatus.OPEN, response="")
        recs = (
            selectors.recommendations_for_user(user, today=today)
            .exclude(status=RecommendationStatus.DONE)
            .filter(responsible__path__in=answering, due_on__lte=soon)
            .filter(unanswered | Q(due_on__lt=today))
        )
        items += [
            _item(
                rec,
                notify.key_of(rec),
                gettext("Answer a recommendation"),
                rec.responsible.name,
                gettext("Answer"),
            )
            for rec in recs
        ]
    leading = unit_paths(user, verb=Verb.APPROVE)
    if leading:
        escalated = today - datetime.timedelta(days=settings.DANVAN_ESCALATION_DAYS)
        late = (
            selectors.recommendations_for_user(user, today=today)
            .exclude(status=RecommendationStatus.DONE)
            .filter(oversight__lead__path__in=leading, due_on__lte=escalated)
        )
        items += [
            _item(
                rec,
                f"{notify.key_of(rec)}:escalated",
                gettext("Follow up a recommendation long overdue"),
                rec.oversight.lead.name,
                gettext("Follow up"),
            )
            for rec in late
        ]
    return items


def register() -> None:
    agenda.register("oversight.recommendation", _("Recommendations"), recommendations_due)
