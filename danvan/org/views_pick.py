"""The lookup endpoints of the organisation and area pickers (lib/pickers.py): what the user may
see whose name holds the words typed, diacritics ignored, in Vietnamese alphabetical order, as
<li role="option"> fragments for htmx. Thin: parse, ask the selectors, render."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from danvan.lib import pickers
from danvan.lib.web import current_user

from . import selectors
from .models import Area, Organization

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _visible_parents(
    user: User, rows: list[Area] | list[Organization], model: type[Area] | type[Organization]
) -> dict[str, str]:
    """The names of the rows' parents the user may see, by path, in one query: a parent outside
    the scope is not named."""
    paths = {row.path[: -model.steplen] for row in rows if row.depth > 1}
    if not paths:
        return {}
    visible = model.objects.visible_to(user).filter(path__in=paths)
    return dict(visible.values_list("path", "name"))


@login_required
@require_GET
def organization_pick(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = pickers.query_of(request)
    orgs = selectors.organizations_for_user(user, q=q)
    allowed = pickers.allowed_pks(request.GET.get(pickers.LIMIT_PARAM, ""), "org.organization")
    if allowed is not None:
        orgs = orgs.filter(pk__in=allowed)
    rows = pickers.by_name(list(orgs[: pickers.FETCHED + 1]))
    shown = rows[: pickers.SHOWN]
    parents = _visible_parents(user, shown, Organization)
    items = [
        pickers.PickItem(
            str(org.pk),
            org.name,
            " · ".join(
                filter(None, [parents.get(org.path[: -Organization.steplen], ""), org.area.name])
            )
            + (f" · {pickers.dissolved_note(org.dissolved_on)}" if org.dissolved_on else ""),
        )
        for org in shown
    ]
    return pickers.pick_response(request, items, q=q, more=len(rows) > len(shown))


@login_required
@require_GET
def area_pick(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = pickers.query_of(request)
    areas = selectors.areas_for_user(user, q=q)
    allowed = pickers.allowed_pks(request.GET.get(pickers.LIMIT_PARAM, ""), "org.area")
    if allowed is not None:
        areas = areas.filter(pk__in=allowed)
    rows = pickers.by_name(list(areas[: pickers.FETCHED + 1]))
    shown = rows[: pickers.SHOWN]
    parents = _visible_parents(user, shown, Area)
    items = [
        pickers.PickItem(
            str(area.pk),
            area.name,
            " · ".join(
                filter(
                    None,
                    [
                        parents.get(area.path[: -Area.steplen], ""),
                        pickers.area_code_and_dates(area),
                    ],
                )
            ),
        )
        for area in shown
    ]
    return pickers.pick_response(request, items, q=q, more=len(rows) > len(shown))
