"""The meetings app's search source (registered from `apps.py`): meetings, by title and place.

Read through `selectors.meetings_for_user`, so a user finds only the meetings they see, word by
word on the folded title and place (`Meeting.search_text`, diacritics ignored); the best
matches first, then the latest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.lib import search
from danvan.lib.search import Hit
from danvan.org.search import matching_first

from .models import Status
from .selectors import meetings_for_user

if TYPE_CHECKING:
    from danvan.accounts.models import User


def find_meetings(user: User, words: list[str], limit: int) -> list[Hit]:
    found = meetings_for_user(user)
    for word in words:
        found = found.filter(search_text__contains=word)
    meetings = matching_first(found, "search_text", words).order_by(
        "search_rank", "-starts_at", "-pk"
    )
    hits = []
    for meeting in meetings[:limit]:
        parts = [
            str(meeting.get_kind_display()),
            meeting.host.name,
            f"{timezone.localtime(meeting.starts_at):%d/%m/%Y}",
        ]
        if meeting.status != Status.SCHEDULED:
            parts.append(str(meeting.get_status_display()))
        hits.append(
            Hit(
                title=meeting.title,
                url=reverse("meeting_detail", args=[meeting.pk]),
                subtitle=" · ".join(parts),
            )
        )
    return hits


def register() -> None:
    search.register("meetings.meeting", _("Meetings"), find_meetings)
