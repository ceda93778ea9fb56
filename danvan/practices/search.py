"""The practices app's search source (registered from `apps.py`): «Dân vận khéo» practices.

Read through the list page's selector (the user's units' practices and every recognised one),
word by word on the folded name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import search
from danvan.lib.search import Hit
from danvan.org.search import matching_first

from .selectors import practices_for_user

if TYPE_CHECKING:
    from danvan.accounts.models import User


def find_practices(user: User, words: list[str], limit: int) -> list[Hit]:
    practices = matching_first(
        practices_for_user(user, q=" ".join(words)), "search_text", words
    ).order_by("search_rank", "-registered_on", "name")
    return [
        Hit(
            title=practice.name,
            url=reverse("practice_detail", args=[practice.pk]),
            subtitle=" · ".join(
                (
                    str(practice.get_kind_display()),
                    practice.organization.name,
                    str(practice.get_status_display()),
                )
            ),
        )
        for practice in practices[:limit]
    ]


def register() -> None:
    search.register("practices.practice", _("Skillful mass mobilization practices"), find_practices)
