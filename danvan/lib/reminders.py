"""Daily reminders on things with a due date (programme tasks, recommendations, …).

Each app registers its django-tasks job in AppConfig.ready() (`danvan reminders` queues them
all) and builds its run from `send_due_reminders`: the same windows, the same «each (item,
kind) once» rule, one e-mail per person and kind, sent after the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.translation import override

from danvan.lib import notify

_JOBS: list[Any] = []

KINDS = ("due_soon", "overdue", "escalated")


def register(task: Any) -> None:
    if task not in _JOBS:
        _JOBS.append(task)


def jobs() -> list[Any]:
    return list(_JOBS)


def due_windows(open_items: QuerySet[Any], today: datetime.date) -> list[tuple[str, Any]]:
    """Open items by reminder kind, on their `due_on`: the days are settings."""
    before = datetime.timedelta(days=settings.DANVAN_REMINDER_DAYS_BEFORE)
    after = datetime.timedelta(days=settings.DANVAN_REMINDER_DAYS_AFTER)
    escalate = datetime.timedelta(days=settings.DANVAN_ESCALATION_DAYS)
    return [
        ("due_soon", open_items.filter(due_on__gt=today - after, due_on__lte=today + before)),
        ("overdue", open_items.filter(due_on__lte=today - after)),
        ("escalated", open_items.filter(due_on__lte=today - escalate)),
    ]


def send_due_reminders(
    *,
    due: Iterable[tuple[str, Iterable[Any]]],
    already: set[tuple[int, str]],
    recipients: Callable[[Any, str], list[str]],
    remember: Callable[[Any, str], object],
    templates: str,
    items_name: str,
    today: datetime.date,
    link: Callable[[Any], notify.Link] | None = None,
) -> int:
    """E-mail what is due and not yet sent; returns how many e-mails were sent.

    `recipients(item, kind)` names the addresses; `remember(item, kind)` records the sending
    (only when someone receives it, so a unit without officers is reminded once it has one).
    `templates` is the folder of `reminder_subject.txt` and `reminder.txt`, which get the
    items under `items_name`. `link(item)` names the item's page for the in-app notification
    (one per item; `lib/notify.py` delivers by each person's preferences).
    """
    inbox: dict[tuple[str, str], list[Any]] = {}
    for kind, items in due:
        for item in items:
            if (item.pk, kind) in already:
                continue
            addresses = recipients(item, kind)
            if addresses:
                remember(item, kind)
            for email in addresses:
                inbox.setdefault((email, kind), []).append(item)
    make_link = link or (lambda item: notify.Link(str(item), "", notify.key_of(item)))
    messages = []
    for (email, kind), items in sorted(inbox.items()):
        context = {items_name: items, "kind": kind, "site_url": settings.SITE_URL, "today": today}
        with override(settings.LANGUAGE_CODE):  # the site's language, as every message
            subject = render_to_string(f"{templates}/reminder_subject.txt", context).strip()
            body = render_to_string(f"{templates}/reminder.txt", context)
            links = [make_link(item) for item in items]
        messages.append(notify.Message(subject, body, [email], "reminder", links))
    notify.deliver(messages)
    return len(messages)
