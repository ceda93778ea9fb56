"""Writes to areas: registering and changing the administrative units, and their successors.

Every function is keyword-only, runs in one transaction, checks the actor's permission and
refuses bad input with a ValidationError that says what to fix.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib.errors import refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed, short_date

from . import lineage
from .models import LEVEL_DEPTH, Area, AreaLevel, Organization
from .selectors import may_add_area, may_edit_area
from .writes import clean_fields, locked

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _ranges_overlap(
    a_from: datetime.date | None,
    a_to: datetime.date | None,
    b_from: datetime.date | None,
    b_to: datetime.date | None,
) -> bool:
    lo = datetime.date.min
    hi = datetime.date.max
    return (a_from or lo) <= (b_to or hi) and (b_from or lo) <= (a_to or hi)


def _check_area(
    *,
    area: Area | None,
    parent: Area | None,
    code: str,
    level: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
) -> None:
    """Refuse an area that would break the tree, the dates or the codes."""
    errors: dict[str, str] = {}
    if level not in AreaLevel.values:
        errors["level"] = _("Choose one of: province, district, commune, village.")
    if not code.strip():
        errors["code"] = _("Enter the official code.")
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("“Valid to” must not be before “valid from”.")
    if parent is None and level and level != AreaLevel.PROVINCE and level in AreaLevel.values:
        errors["parent"] = _("Only a province can stand at the top; choose the parent area.")
    if parent is not None and level in AreaLevel.values:
        if LEVEL_DEPTH[AreaLevel(level)] <= LEVEL_DEPTH[AreaLevel(parent.level)]:
            errors["level"] = _("A %(level)s cannot stand under a %(parent_level)s.") % {
                "level": AreaLevel(level).label,
                "parent_level": AreaLevel(parent.level).label,
            }
        if area is not None and parent.path.startswith(area.path):
            errors["parent"] = _(
                "An area cannot be placed under itself or one of its own sub-areas."
            )
        starts_early = parent.valid_from and (valid_from is None or valid_from < parent.valid_from)
        ends_late = parent.valid_to and (valid_to is None or valid_to > parent.valid_to)
        if starts_early or ends_late:
            errors["valid_from" if starts_early else "valid_to"] = _(
                "The area must be valid within its parent %(parent)s (%(start)s – %(end)s)."
            ) % {
                "parent": parent.name,
                "start": short_date(parent.valid_from),
                "end": short_date(parent.valid_to),
            }
    if code.strip():
        clashes = Area.objects.filter(code=code.strip())
        if area is not None:
            clashes = clashes.exclude(pk=area.pk)
        for other in clashes:
            if _ranges_overlap(valid_from, valid_to, other.valid_from, other.valid_to):
                errors["code"] = _(
                    "Code %(code)s is already used by %(name)s, valid %(start)s – %(end)s. "
                    "Two areas may share a code only at different times."
                ) % {
                    "code": code,
                    "name": other.name,
                    "start": short_date(other.valid_from),
                    "end": short_date(other.valid_to),
                }
                break
    if errors:
        raise ValidationError(errors)


def _check_successors(area: Area, successors: list[Area]) -> None:
    """Successors take over when the area ends, so they must exist the day after."""
    if not successors:
        return
    if area.valid_to is None:
        raise ValidationError(
            {"successors": _("Only an area that has ended has successors: set “valid to” first.")}
        )
    day_after = area.valid_to + datetime.timedelta(days=1)
    for successor in successors:
        if successor.pk == area.pk or not successor.is_valid_on(day_after):
            raise ValidationError(
                {
                    "successors": _(
                        "%(successor)s is not valid on %(day)s, the day after %(area)s ended."
                    )
                    % {"successor": successor.name, "day": short_date(day_after), "area": area.name}
                }
            )


def _check_dependents(area: Area, level: str, valid_from: Any, valid_to: Any) -> None:
    """A change of level or dates must still hold the sub-areas and the active organisations."""
    children = Area.objects.children_of(area)
    for child in children:
        if LEVEL_DEPTH[AreaLevel(child.level)] <= LEVEL_DEPTH[AreaLevel(level)]:
            raise ValidationError(
                {"level": _("%(child)s (%(child_level)s) stands under this area; "
                            "its level must stay above that.") % {
                    "child": child.name, "child_level": AreaLevel(child.level).label}}
            )  # fmt: skip
        early = valid_from and (child.valid_from is None or child.valid_from < valid_from)
        late = valid_to and (child.valid_to is None or child.valid_to > valid_to)
        if early or late:
            raise ValidationError(
                {"valid_from" if early else "valid_to": _(
                    "The sub-area %(child)s is valid %(start)s – %(end)s, outside these dates; "
                    "change it first.") % {"child": child.name, "start": short_date(child.valid_from),
                                           "end": short_date(child.valid_to)}}
            )  # fmt: skip
    today = timezone.localdate()
    probe = Area(valid_from=valid_from, valid_to=valid_to)
    if not probe.is_valid_on(today):
        active = Organization.objects.active().filter(area=area).first()
        if active is not None:
            raise ValidationError(
                {"valid_to": _("%(org)s is active in this area; move or dissolve it first.")
                 % {"org": active.name}}
            )  # fmt: skip


@transaction.atomic
def area_create(
    *,
    actor: User | None,
    parent: Area | None,
    code: str,
    name: str,
    level: str,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    population: int | None = None,
    ethnic_minority_pct: Any = None,
    is_border: bool = False,
    successors: list[Area] | None = None,
) -> Area:
    """Register an administrative unit under its parent (None: a province at the top)."""
    if actor is not None and not may_add_area(actor, parent):
        raise PermissionDenied(_("You may not register areas here."))
    if not name.strip():
        raise ValidationError({"name": _("Enter the name.")})
    _check_area(
        area=None,
        parent=parent,
        code=code,
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    fields = {
        "code": code.strip(),
        "name": name.strip(),
        "level": level,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "population": population,
        "ethnic_minority_pct": ethnic_minority_pct,
        "is_border": is_border,
    }
    clean_fields(Area, fields)
    new = attributed(Area(**fields), actor)
    if parent is not None:
        parent = locked(parent)
    area = (
        Area.objects.add_child(parent, instance=new)
        if parent is not None
        else Area.objects.add_root(instance=new)
    )
    if successors:
        _check_successors(area, successors)
        area_successors_set(area=area, successors=successors)
    return area


@transaction.atomic
def area_successors_set(*, area: Area, successors: list[Area]) -> None:
    """Record the area's successors (checked by the caller) and keep the precomputed
    predecessors of the areas this touches right, in the caller's transaction."""
    before = list(area.successors.values_list("path", flat=True))
    area.successors.set(successors)
    lineage.refresh(Area, before + [s.path for s in successors])


@transaction.atomic
def area_update(
    *,
    actor: User | None,
    area: Area,
    parent: Area | bool | None = False,
    successors: list[Area] | None = None,
    **fields: Any,
) -> Area:
    """Change an area's facts; `parent` (an Area, or None for the top) moves it."""
    if actor is not None and not may_edit_area(actor, area):
        raise PermissionDenied(_("You may not change this area."))
    area = locked(area)
    allowed = {
        "code",
        "name",
        "level",
        "valid_from",
        "valid_to",
        "population",
        "ethnic_minority_pct",
        "is_border",
    }
    refuse_unknown_fields(fields, allowed)
    new_parent = Area.objects.parent_of(area) if parent is False else parent
    assert new_parent is None or isinstance(new_parent, Area)
    if parent is not False and actor is not None and not may_add_area(actor, new_parent):
        raise PermissionDenied(_("You may not move the area there."))
    merged = {f: fields.get(f, getattr(area, f)) for f in allowed}
    clean_fields(Area, merged)
    if not str(merged["name"]).strip():
        raise ValidationError({"name": _("Enter the name.")})
    _check_area(
        area=area,
        parent=new_parent,
        code=str(merged["code"]),
        level=str(merged["level"]),
        valid_from=merged["valid_from"],
        valid_to=merged["valid_to"],
    )
    _check_dependents(area, str(merged["level"]), merged["valid_from"], merged["valid_to"])
    verb = ""
    if parent is not False and new_parent != Area.objects.parent_of(area):
        old_parent_path = area.path[: -area.steplen]
        if new_parent is None:
            Area.objects.move(area, Area.objects.get_root_nodes().first(), "last-sibling")
        else:
            Area.objects.move(area, new_parent, "last-child")
        area.refresh_from_db()
        new_parent_path = new_parent.path if new_parent is not None else ""
        lineage.refresh(Area, [old_parent_path, new_parent_path], moved=area.path)
        verb = "moved"
    for field, value in merged.items():
        setattr(area, field, value.strip() if isinstance(value, str) else value)
    save_if_changed(area, actor, verb=verb)
    if successors is not None:
        _check_successors(area, successors)
        area_successors_set(area=area, successors=successors)
    return area
