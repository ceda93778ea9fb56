"""Search everywhere: the header's one box, over every app that registers a source.

Each app registers from its AppConfig.ready() (`<app>/search.py`) a function
`(user, words, limit) -> list[Hit]` that reads through its scoped selectors (so a user finds only
what they may see) and matches every folded word (`lib.text.fold`: diacritics and case ignored)
against its records' stored search text, in one query. The header box and `/search/` read the
registry and group the hits by kind, in the order the sources were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from danvan.lib.text import fold

Fetch = Callable[[Any, list[str], int], list["Hit"]]


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    subtitle: str = ""


@dataclass(frozen=True)
class Group:
    name: str
    label: Any
    hits: list[Hit]
    more: bool  # there were more than the limit


@dataclass(frozen=True)
class _Source:
    name: str
    label: Any
    fetch: Fetch


_SOURCES: dict[str, _Source] = {}
MIN_LENGTH = 2


def register(name: str, label: Any, fetch: Fetch) -> None:
    """Register a kind of record to search: `name` is "<app>.<thing>"."""
    _SOURCES[name] = _Source(name, label, fetch)


def sources() -> list[tuple[str, Any]]:
    return [(s.name, s.label) for s in _SOURCES.values()]


def words_of(query: str) -> list[str]:
    """The folded words of a query; empty when it is too short to search."""
    folded = fold(query)
    return folded.split() if len(folded) >= MIN_LENGTH else []


def search(user: Any, query: str, limit: int = 5, kinds: set[str] | None = None) -> list[Group]:
    """Hits grouped by kind; a source is asked for one more than `limit` to know if there are
    more. Kinds without hits are left out."""
    words = words_of(query)
    if not words or not getattr(user, "is_authenticated", False):
        return []
    groups = []
    for source in _SOURCES.values():
        if kinds is not None and source.name not in kinds:
            continue
        hits = source.fetch(user, words, limit + 1)
        if hits:
            groups.append(Group(source.name, source.label, hits[:limit], len(hits) > limit))
    return groups
