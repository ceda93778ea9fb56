"""The dialogue app's search source (registered from `apps.py`): petitions.

A petition is found by its tracking code (typed as citizens type it: «kn 7k3m q9td») or by the
words of its summary, through the list page's selector (the petitions of the units the user
sees). Never by the petitioner: the person's data is encrypted and is not searched or shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import search
from danvan.lib.search import Hit

from .selectors import petitions_for_user
from .services_intake import normalise_code

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _code_q(words: list[str]) -> Q | None:
    """The tracking code the words spell, whole or begun («kn 7k3m»); None when they do not."""
    raw = "".join(ch for ch in "".join(words).upper() if ch.isalnum())
    whole = normalise_code(raw)
    if whole:
        return Q(code=whole)
    if raw.startswith("KN") and 4 <= len(raw) < 10:
        drawn = raw[2:]
        begun = f"KN-{drawn[:4]}" + (f"-{drawn[4:]}" if len(drawn) > 4 else "")
        return Q(code__startswith=begun)
    return None


def find_petitions(user: User, words: list[str], limit: int) -> list[Hit]:
    summary = Q()
    for word in words:
        summary &= Q(search_text__contains=word)
    petitions = petitions_for_user(user)
    code = _code_q(words)
    if code is None:
        petitions = petitions.filter(summary).order_by("-received_on", "-pk")
    else:  # the petition with that code first
        petitions = (
            petitions.filter(summary | code)
            .annotate(by_code=Case(When(code, then=Value(0)), default=Value(1)))
            .order_by("by_code", "-received_on", "-pk")
        )
    return [
        Hit(
            title=f"{petition.code} — {petition.summary}",
            url=reverse("dialogue_petition", args=[petition.pk]),
            subtitle=" · ".join(
                (
                    str(petition.get_kind_display()),
                    petition.organization.name,
                    f"{petition.received_on:%d/%m/%Y}",
                    str(petition.get_state_display()),
                )
            ),
        )
        for petition in petitions[:limit]
    ]


def register() -> None:
    search.register("dialogue.petition", _("Petitions"), find_petitions)
