"""The agenda: everything that waits for a user or their units, from every app.

Each app registers its sources from its AppConfig.ready() (`<app>/agenda.py`), as it registers
derived figures and daily jobs; the dashboard reads them through this registry and never imports
the apps that fill it. A source is a function `(user, today) -> Iterable[Item]` that reads
through the app's scoped selectors in a fixed number of queries (select_related, no query per
item), so the whole agenda stays flat in the number of items.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Source = Callable[[Any, datetime.date], Iterable["Item"]]


@dataclass(frozen=True)
class Action:
    """The one-click action an item offers: a link (GET) or a small form (POST).

    `confirm` is the sentence a confirmation dialog shows before an irreversible POST; `fields`
    are the hidden inputs a POST carries (name, value).
    """

    label: str
    url: str
    method: str = "get"
    confirm: str = ""
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Item:
    key: str  # "<app>.<thing>:<pk>[:<step>]": stable, unique in a user's agenda
    kind: str  # the source's name, "<app>.<thing>"
    what: str  # a sentence: «Answer the recommendation», «Review the report» (translated)
    title: str  # the record's own name
    unit: str  # for which unit
    url: str  # the record's page
    due_on: datetime.date | None = None
    action: Action | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def days_late(self, today: datetime.date) -> int:
        """Days past the due date (0 when due today or later, or undated)."""
        if self.due_on is None:
            return 0
        return max((today - self.due_on).days, 0)

    def days_left(self, today: datetime.date) -> int | None:
        return None if self.due_on is None else (self.due_on - today).days


@dataclass(frozen=True)
class _Source:
    name: str
    label: Any
    fetch: Source


_SOURCES: dict[str, _Source] = {}


def register(name: str, label: Any, fetch: Source) -> None:
    """Register a source of agenda items: `name` is "<app>.<thing>", `label` names the kind."""
    _SOURCES[name] = _Source(name, label, fetch)


def sources() -> list[tuple[str, Any]]:
    return [(s.name, s.label) for s in _SOURCES.values()]


def _order(today: datetime.date) -> Callable[[Item], tuple[int, int, str]]:
    def key(item: Item) -> tuple[int, int, str]:
        # The latest first, then the soonest due, then what has no date.
        if item.due_on is None:
            return (1, 0, item.title)
        return (0, (item.due_on - today).days, item.title)

    return key


def for_user(user: Any, today: datetime.date, kinds: Iterable[str] | None = None) -> list[Item]:
    """The user's agenda, latest first; `kinds` limits it to some sources."""
    if not getattr(user, "is_authenticated", False):
        return []
    wanted = set(kinds) if kinds is not None else None
    items: dict[str, Item] = {}
    for source in _SOURCES.values():
        if wanted is not None and source.name not in wanted:
            continue
        for item in source.fetch(user, today):
            items.setdefault(item.key, item)
    return sorted(items.values(), key=_order(today))
