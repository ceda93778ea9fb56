"""The org app's search sources (registered from `apps.py`): organisations and areas.

Both read through the list pages' selectors (`organizations_for_user`, `areas_for_user`), so a
user finds only the units and areas of their scope, matched word by word on the folded name.
The helper `matching_first` is shared by the other apps' sources: it ranks rows whose folded
text starts with the query, then those holding it as a phrase, then the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Left, Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.lib import search
from danvan.lib.search import Hit

from .models import Area, AreaLevel, Organization
from .selectors import areas_for_user, organizations_for_user

if TYPE_CHECKING:
    from danvan.accounts.models import User


def matching_first(queryset: QuerySet[Any], column: str, words: list[str]) -> QuerySet[Any]:
    """Annotate `search_rank`: 0 when the folded column starts with the query, 1 when it holds
    it as a phrase at a word's start, 2 otherwise (every word somewhere). Cheap: same row."""
    phrase = " ".join(words)
    return queryset.annotate(
        search_rank=Case(
            When(**{f"{column}__startswith": phrase}, then=Value(0)),
            When(**{f"{column}__contains": f" {phrase}"}, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def _parent_name(model: type[Area] | type[Organization]) -> Subquery:
    """The parent's name in the same query: the row whose path is ours less one step."""
    parent_path = Left(OuterRef("path"), Length(OuterRef("path")) - model.steplen)
    return Subquery(model.objects.filter(path=parent_path).values("name")[:1])


def _within(name: str) -> str:
    return gettext("in %(name)s") % {"name": name} if name else ""


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def find_organizations(user: User, words: list[str], limit: int) -> list[Hit]:
    orgs = matching_first(organizations_for_user(user, q=" ".join(words)), "search_name", words)
    orgs = orgs.annotate(parent_name=_parent_name(Organization)).order_by(
        "search_rank", F("dissolved_on").asc(nulls_first=True), "depth", "path"
    )
    return [
        Hit(
            title=org.name,
            url=reverse("organization_detail", args=[org.pk]),
            subtitle=_join(
                org.kind.label,
                org.area.name,
                _within(org.parent_name or ""),
                "" if org.is_active else gettext("Dissolved"),
            ),
        )
        for org in orgs[:limit]
    ]


def find_areas(user: User, words: list[str], limit: int) -> list[Hit]:
    areas = matching_first(areas_for_user(user, q=" ".join(words)), "search_name", words)
    # Areas still in force before those merged away in a reform.
    areas = areas.annotate(
        parent_name=_parent_name(Area),
        ended=Case(
            When(valid_to__lt=timezone.localdate(), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by("search_rank", "ended", "depth", "path")
    levels = dict(AreaLevel.choices)
    return [
        Hit(
            title=area.name,
            url=reverse("area_detail", args=[area.pk]),
            subtitle=_join(
                str(levels.get(area.level, area.level)),
                _within(area.parent_name or ""),
                gettext("Ended") if area.has_ended else "",
            ),
        )
        for area in areas[:limit]
    ]


def register() -> None:
    search.register("org.organization", _("Organisations"), find_organizations)
    search.register("org.area", _("Areas"), find_areas)
