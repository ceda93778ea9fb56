"""Writes to area maps: a commune's or village's boundary (GeoJSON, checked) or point, kept by
the administrators and leaders of a top-level unit (`selectors.may_edit_maps`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.lib.history import save_if_changed
from danvan.org.models import Area

from . import selectors
from .models import (
    AreaMap,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User


# --- Area maps -------------------------------------------------------------------------------


def _polygon_rings(geometry: Any) -> list[list[Any]]:
    """The rings of a Polygon or MultiPolygon geometry; ValueError for anything else."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "Polygon" and isinstance(coordinates, list):
        return list(coordinates)
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        if not all(isinstance(polygon, list) for polygon in coordinates):
            raise ValueError
        return [ring for polygon in coordinates for ring in polygon]
    raise ValueError


def _geometry_of(data: Any, area: Area) -> dict[str, Any]:
    """The polygon in a GeoJSON geometry, Feature or one-feature FeatureCollection; a feature
    that names an area code must name this one."""
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise ValidationError(
                {"boundary": _("Give one area's boundary: the collection has %(n)d features.")
                 % {"n": len(features)}}
            )  # fmt: skip
        data = features[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        properties = data.get("properties") or {}
        code = str(properties.get("code") or properties.get("ma") or "")
        if code and code != area.code:
            raise ValidationError(
                {"boundary": _("This boundary is of the area with code %(code)s, not of %(area)s "
                               "(%(own)s).") % {"code": code, "area": area.name, "own": area.code}}
            )  # fmt: skip
        data = data.get("geometry")
    return data  # type: ignore[no-any-return]


def _check_boundary(raw: Any, area: Area) -> dict[str, Any]:
    if isinstance(raw, (bytes, str)):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            raise ValidationError({"boundary": _("The boundary is not valid GeoJSON.")}) from None
    geometry = _geometry_of(raw, area)
    try:
        rings = _polygon_rings(geometry)
    except ValueError:
        raise ValidationError(
            {"boundary": _("The boundary must be a Polygon or MultiPolygon (GeoJSON).")}
        ) from None
    points = 0
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(
                {"boundary": _("Each ring of the polygon needs four points or more.")}
            )
        for point in ring:
            ok = (
                isinstance(point, list)
                and len(point) >= 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point[:2])
                and -180 <= point[0] <= 180
                and -90 <= point[1] <= 90
            )
            if not ok:
                raise ValidationError(
                    {"boundary": _("A point of the boundary is not a longitude and latitude.")}
                )
        if ring[0][:2] != ring[-1][:2]:
            raise ValidationError({"boundary": _("Each ring of the polygon must be closed.")})
        points += len(ring)
    if not rings:
        raise ValidationError({"boundary": _("The polygon has no points.")})
    if points > settings.DANVAN_MAX_BOUNDARY_POINTS:
        raise ValidationError(
            {"boundary": _("The boundary has %(n)d points; simplify it to %(max)d or fewer.")
             % {"n": points, "max": settings.DANVAN_MAX_BOUNDARY_POINTS}}
        )  # fmt: skip
    parent = AreaMap.objects.filter(
        area__path=area.path[: -area.steplen], boundary__isnull=False
    ).first()
    if parent is not None and not _inside_box(rings, _polygon_rings(parent.boundary)):
        raise ValidationError(
            {"boundary": _("The boundary lies outside %(parent)s: it is not of %(area)s.")
             % {"parent": parent.area.name, "area": area.name}}
        )  # fmt: skip
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


def _inside_box(rings: list[list[Any]], outer: list[list[Any]]) -> bool:
    """Whether the rings' bounding box lies within the outer rings' box (a tolerant check)."""
    xs = [p[0] for ring in outer for p in ring]
    ys = [p[1] for ring in outer for p in ring]
    margin = 0.01
    return all(
        min(xs) - margin <= p[0] <= max(xs) + margin
        and min(ys) - margin <= p[1] <= max(ys) + margin
        for ring in rings
        for p in ring
    )


@transaction.atomic
def area_map_set(
    *,
    actor: User | None,
    area: Area,
    boundary: Any = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> AreaMap:
    """Give an area its boundary (GeoJSON) or its point; each may be left out."""
    if actor is not None and not selectors.may_edit_maps(actor, area):
        raise PermissionDenied(_("You may not change the maps."))
    if boundary is None and (latitude is None or longitude is None):
        raise ValidationError(
            {"boundary": _("Give a boundary (GeoJSON), or a latitude and a longitude.")}
        )
    if latitude is not None and not -90 <= latitude <= 90:
        raise ValidationError({"latitude": _("A latitude lies between -90 and 90.")})
    if longitude is not None and not -180 <= longitude <= 180:
        raise ValidationError({"longitude": _("A longitude lies between -180 and 180.")})
    shape = _check_boundary(boundary, area) if boundary is not None else None
    # Not get_or_create: its insert would write a history entry without the actor.
    found = AreaMap.objects.filter(area=area).first() or AreaMap(area=area)
    if shape is not None:
        found.boundary = shape
    if latitude is not None and longitude is not None:
        found.latitude, found.longitude = round(latitude, 5), round(longitude, 5)  # type: ignore[assignment]
    save_if_changed(found, actor)
    return found
