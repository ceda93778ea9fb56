"""The situation app's search source (registered from `apps.py`): situation notes.

Read through the list page's selector (the notes of the units the user sees), word by word on
the folded summary, details and actions; the latest events first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import search
from danvan.lib.search import Hit
from danvan.org.search import matching_first

from .models import Level
from .selectors import notes_for_user

if TYPE_CHECKING:
    from danvan.accounts.models import User


def find_notes(user: User, words: list[str], limit: int) -> list[Hit]:
    notes = matching_first(
        notes_for_user(user, query=" ".join(words)), "search_text", words
    ).order_by("search_rank", "-event_date", "-pk")
    return [
        Hit(
            title=note.summary,
            url=reverse("situation_note", args=[note.pk]),
            subtitle=" · ".join(
                part
                for part in (
                    note.area.name,
                    f"{note.event_date:%d/%m/%Y}",
                    str(note.topic),
                    "" if note.level == Level.NORMAL else str(note.get_level_display()),
                )
                if part
            ),
        )
        for note in notes[:limit]
    ]


def register() -> None:
    search.register("situation.note", _("Notes on the people's situation"), find_notes)
