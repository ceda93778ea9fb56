"""The programs app's search source (registered from `apps.py`): coordination programmes.

Read through the list page's selector (a party of the programme in the user's scope), word by
word on the folded title and code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import search
from danvan.lib.search import Hit
from danvan.org.search import matching_first

from .selectors import programs_for_user

if TYPE_CHECKING:
    from danvan.accounts.models import User


def find_programs(user: User, words: list[str], limit: int) -> list[Hit]:
    programs = matching_first(
        programs_for_user(user, q=" ".join(words)), "search_text", words
    ).order_by("search_rank", "-starts_on", "title")
    return [
        Hit(
            title=program.title,
            url=reverse("program_detail", args=[program.pk]),
            subtitle=" · ".join(
                part
                for part in (
                    str(program.get_kind_display()),
                    program.lead.name,
                    program.term,
                    str(program.get_status_display()),
                )
                if part
            ),
        )
        for program in programs[:limit]
    ]


def register() -> None:
    search.register("programs.program", _("Coordination programmes"), find_programs)
