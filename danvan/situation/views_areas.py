"""Pages of the people's situation: an area's counts, trends and forecast; its map."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib import periods
from danvan.lib.uploads import max_bytes
from danvan.lib.web import (
    add_service_errors,
    current_user,
)
from danvan.org.models import Area
from danvan.org.selectors import (
    get_area_for_user,
)

from . import forecast, selectors, services_maps
from .alerts import explain
from .board import (
    counts_by,
    forecast_for,
    open_hot_spots,
)
from .forms import AreaMapForm
from .views import CHART_MONTHS, HOT_SPOTS_ON_BOARD, _period

# --- Areas ----------------------------------------------------------------------------------


@login_required
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An area: counts by topic group for a period, 24 months of each group and its forecast."""
    user = current_user(request)
    area = get_area_for_user(user, pk)
    today = timezone.localdate()
    chosen = _period(request, today)
    counts = counts_by(user, scope=area, period=chosen["period"], by="topic")
    charts: list[tuple[dict[str, Any], list[tuple[str, float, float, float]]]] = []
    for group in selectors.topic_groups():
        found = forecast_for(user, area, group, today=today)
        if not any(found.history):
            continue
        result = found.result
        method = forecast.METHOD_LABELS.get(result.method)
        ahead = [periods.parse(m).label() for m in found.next_months]
        data = {
            "code": group.code,
            "name": group.label,
            "months": [periods.parse(m).label() for m in found.months[-CHART_MONTHS:]],
            "history": found.history[-CHART_MONTHS:],
            "next_months": ahead,
            "values": [round(v, 1) for v in result.values],
            "lower": [round(v, 1) for v in result.lower],
            "upper": [round(v, 1) for v in result.upper],
            "short": result.short,
            "history_months": result.months,
            "needed": result.needed,
            "method": str(method) if method else result.method,
        }
        rows = list(zip(ahead, result.values, result.lower, result.upper, strict=False))
        charts.append((data, rows))
    parent = None
    if area.depth > 1:
        parent = Area.objects.visible_to(user).filter(path=area.path[: -Area.steplen]).first()
    return render(
        request,
        "situation/area_detail.html",
        {
            **chosen,
            "area": area,
            "parent": parent,
            "counts": counts,
            "total": sum(row["count"] for row in counts),
            "charts": charts,
            "chart_data": [data for data, _rows in charts],
            "hot_spots": list(open_hot_spots(user, scope=area)[:HOT_SPOTS_ON_BOARD]),
            "alerts": [
                (alert, explain(alert))
                for alert in selectors.alerts_for_user(user, status="live", area=area)[:10]
            ],
            "can_edit_map": selectors.may_edit_maps(user, area),
            "area_map": selectors.area_map(area),
        },
    )


@login_required
def area_map_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    area = get_area_for_user(user, pk)
    if not selectors.may_edit_maps(user, area):
        raise PermissionDenied
    current = selectors.area_map(area)
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {"latitude": current.latitude, "longitude": current.longitude}
    form = AreaMapForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        boundary: Any = None
        upload = data.get("boundary_file")
        if upload is not None:
            if upload.size > max_bytes():
                form.add_error("boundary_file", _("The file is larger than the upload limit."))
            else:
                boundary = upload.read()
        elif data.get("boundary", "").strip():
            boundary = data["boundary"]
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if not form.errors:
            try:
                services_maps.area_map_set(
                    actor=user,
                    area=area,
                    boundary=boundary,
                    latitude=float(latitude) if latitude is not None else None,
                    longitude=float(longitude) if longitude is not None else None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Map saved."))
                return redirect("situation_area", pk=area.pk)
    preview = None
    if current is not None and current.boundary:
        preview = {
            "geojson": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": area.name},
                        "geometry": current.boundary,
                    }
                ],
            },
            "values": [],
            "points": [],
        }
    return render(
        request,
        "situation/area_map.html",
        {
            "area": area,
            "form": form,
            "current": current,
            "preview": preview,
            "points_in_boundary": sum(
                len(ring) for ring in _rings(current.boundary if current else None)
            ),
        },
    )


def _rings(geometry: Any) -> list[Any]:
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "Polygon":
        return list(geometry.get("coordinates") or [])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry.get("coordinates") or [] for ring in polygon]
    return []
