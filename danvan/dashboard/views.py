"""The home page: the agenda and the dashboard of one's scope. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from danvan.lib import agenda
from danvan.lib.web import current_user

from . import selectors

AGENDA_ON_HOME = 8
PER_KIND_ON_HOME = 3


def _fold(items: list[agenda.Item]) -> tuple[list[agenda.Item], list[dict[str, Any]]]:
    """The home page's share of the agenda: the first items, at most a few of each kind (so a
    leader's many reports to review do not hide the rest), and how many more of each kind."""
    shown: list[agenda.Item] = []
    per_kind: dict[str, int] = {}
    more: dict[str, int] = {}
    for item in items:
        if len(shown) < AGENDA_ON_HOME and per_kind.get(item.kind, 0) < PER_KIND_ON_HOME:
            shown.append(item)
            per_kind[item.kind] = per_kind.get(item.kind, 0) + 1
        else:
            more[item.kind] = more.get(item.kind, 0) + 1
    labels = dict(agenda.sources())
    folded = [
        {"kind": kind, "label": labels.get(kind, kind), "count": count}
        for kind, count in more.items()
    ]
    return shown, folded


def _chart_data(figures: selectors.KeyFigures) -> dict[str, Any]:
    """The trend of each key figure for the sparklines (ECharts reads it from a JSON script)."""
    return {
        "periods": [p.label() for p in figures.spans],
        "series": [[None if v is None else float(v) for v in f.values] for f in figures.figures],
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The agenda at once; the figures of one's scope follow through htmx (`home_scope`) once
    the page is painted, so the first paint waits for the agenda alone."""
    user = current_user(request)
    today = timezone.localdate()
    items = agenda.for_user(user, today)
    shown, folded = _fold(items)
    context: dict[str, Any] = {
        "items": shown,
        "folded": folded,
        "late_count": sum(1 for i in items if i.days_late(today)),
        "today": today,
        "unit": selectors.home_unit(user),
    }
    return render(request, "dashboard/home.html", context)


@login_required
def home_scope(request: HttpRequest) -> HttpResponse:
    """The home page's cards of one's scope: key figures, and for leaders and specialists the
    reports below, hot spots, programmes and areas. A page of its own without JavaScript."""
    user = current_user(request)
    today = timezone.localdate()
    unit = selectors.home_unit(user)
    if unit is None:
        raise Http404
    figures = selectors.key_figures(unit, today)
    leading = selectors.leads(user, unit)
    context: dict[str, Any] = {
        "unit": unit,
        "figures": figures,
        "chart": _chart_data(figures),
        "leading": leading,
    }
    if leading:
        context.update(
            reports=selectors.reports_below(user, unit, today),
            situation=selectors.situation(user),
            programmes=selectors.programmes(user, today),
            areas=selectors.areas_ranked(unit, today),
        )
    template = "dashboard/includes/scope.html" if request.htmx else "dashboard/scope.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def agenda_page(request: HttpRequest) -> HttpResponse:
    """The whole agenda; `?kind=<source>` shows one kind (an unknown kind shows all)."""
    user = current_user(request)
    today = timezone.localdate()
    labels = dict(agenda.sources())
    kind = request.GET.get("kind", "")
    kind = kind if kind in labels else ""
    items = agenda.for_user(user, today, kinds=[kind] if kind else None)
    return render(
        request,
        "dashboard/agenda.html",
        {
            "items": items,
            "today": today,
            "late_count": sum(1 for i in items if i.days_late(today)),
            "kind_label": labels.get(kind, ""),
        },
    )
