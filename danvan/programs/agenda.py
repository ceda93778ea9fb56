"""The programs app's agenda source (registered from `apps.py`): programme tasks to report on.

The tasks of «my work» (`selectors.my_work`: open, in a programme in force, late or due within
`DANVAN_DUE_SOON_DAYS`) that one of the user's own units leads with the right to report
progress. One query, whatever the number of tasks.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.lib import agenda, notify
from danvan.lib.agenda import Action, Item
from danvan.org.agenda import unit_paths
from danvan.org.models import Verb

from . import selectors

if TYPE_CHECKING:
    from danvan.accounts.models import User


def tasks_due(user: User, today: datetime.date) -> list[Item]:
    paths = unit_paths(user, verb=Verb.EDIT)
    if not paths:
        return []
    items = []
    for task in selectors.my_work(user, today).filter(lead__path__in=paths):
        url = reverse("task_detail", args=[task.pk])
        items.append(
            Item(
                key=notify.key_of(task),
                kind="programs.task",
                what=gettext("Report progress on a programme task"),
                title=str(task),
                unit=task.lead.name,
                url=url,
                due_on=task.due_on,
                action=Action(gettext("Report progress"), url),
                extra={"program": task.content.program.title},
            )
        )
    return items


def register() -> None:
    agenda.register("programs.task", _("Programme tasks"), tasks_due)
