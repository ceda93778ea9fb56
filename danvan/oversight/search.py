"""The oversight app's search source (registered from `apps.py`): inspections, supervisions
and surveys.

Read through the list page's selector, so a word matches the title or conclusion number, the
lead, a subject organisation or a document checked, as on the list page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import search
from danvan.lib.search import Hit
from danvan.org.search import matching_first

from .selectors import oversights_for_user

if TYPE_CHECKING:
    from danvan.accounts.models import User


def find_oversights(user: User, words: list[str], limit: int) -> list[Hit]:
    oversights = matching_first(
        oversights_for_user(user, q=" ".join(words)), "search_text", words
    ).order_by("search_rank", "-starts_on", "-pk")
    return [
        Hit(
            title=oversight.title,
            url=reverse("oversight_detail", args=[oversight.pk]),
            subtitle=" · ".join(
                (
                    str(oversight.get_kind_display()),
                    oversight.lead.name,
                    f"{oversight.starts_on:%d/%m/%Y} – {oversight.ends_on:%d/%m/%Y}",
                )
            ),
        )
        for oversight in oversights[:limit]
    ]


def register() -> None:
    search.register("oversight.oversight", _("Inspections and supervisions"), find_oversights)
