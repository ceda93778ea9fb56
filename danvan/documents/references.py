"""Where danvan refers to a document: each app registers a source in its AppConfig.ready().

The documents app is a lower floor: it never imports the apps that cite documents, so a later
app (periodic reports) adds itself here without touching this one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from danvan.accounts.models import User
    from danvan.lib.periods import Period

    from .models import Document


@dataclass(frozen=True)
class Reference:
    """One record that cites a document, as the document's page lists it."""

    title: str
    url: str
    day: datetime.date | None
    detail: str = ""


@dataclass
class SummarySection:
    """A source's part of an implementation summary: a count, a table and lines for the text."""

    label: str
    count: int
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "count": self.count,
            "headers": self.headers,
            "rows": self.rows,
            "lines": self.lines,
        }


@dataclass(frozen=True)
class ReferenceSource:
    key: str
    label: Any  # a lazy translation: «Programmes», «Inspections and supervisions»
    # The citing records this user may see, newest first.
    references: Callable[[User, Document], list[Reference]]
    # Within these organisation subtrees and this period, for an implementation summary.
    summarize: Callable[[Document, list[str], Period], SummarySection]
    # A page listing all the citing records, when there are more than the document page shows.
    list_url: Callable[[Document], str] | None = None


_SOURCES: dict[str, ReferenceSource] = {}


def register(source: ReferenceSource) -> None:
    _SOURCES[source.key] = source


def sources() -> list[ReferenceSource]:
    return list(_SOURCES.values())
