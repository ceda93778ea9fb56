"""API of the report form editor, as its pages do it: forms with their sections, indicators and
rules; a form's settings; sections added, changed, moved and taken off; indicators put on a
section, made optional, moved and taken off; rules added and changed; the form's history.

Included in `danvan.reporting.api.router`. Everyone signed in reads the forms; the
administrators and leaders of a top-level unit change them (others 403); a form, section,
indicator or rule that does not exist answers 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from danvan.lib.api import HistoryOut, Patch
from danvan.lib.api import request_user as _actor
from danvan.org.models import OrganizationKind

from . import definitions, selectors, selectors_forms, services_forms
from .models import Form, Indicator, SectionKind, Severity

router = Router()


class FormIndicatorOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    source: str
    derived_key: str
    required: bool
    order: int


class SectionOut(Schema):
    id: int
    title: str
    title_en: str
    kind: str
    help_text: str
    order: int
    indicators: list[FormIndicatorOut]


class RuleOut(Schema):
    id: int
    left: str
    operator: str
    right: str
    severity: str
    message: str
    message_en: str
    is_active: bool


class FormOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    description: str
    periodicity: str
    kinds: list[str]
    area_levels: list[str]
    deadline_days: int
    is_active: bool
    sections: list[SectionOut]
    rules: list[RuleOut]


def _rule_out(r: Any) -> dict[str, Any]:
    return {k: getattr(r, k) for k in ("id", *services_forms.RULE_FIELDS)}


def _form_out(form: Form, *, all_rules: bool = False) -> dict[str, Any]:
    layout = selectors.form_layout(form)
    rules = form.rules.all() if all_rules else layout.rules
    return {
        "id": form.pk,
        "code": form.code,
        "name": form.name,
        "name_en": form.name_en,
        "description": form.description,
        "periodicity": form.periodicity,
        "kinds": [k.code for k in form.kinds.all()],
        "area_levels": form.level_list,
        "deadline_days": form.deadline_days,
        "is_active": form.is_active,
        "sections": [
            {
                "id": s.pk,
                "title": s.title,
                "title_en": s.title_en,
                "kind": s.kind,
                "help_text": s.help_text,
                "order": s.order,
                "indicators": [
                    {
                        "id": i.pk,
                        "code": i.indicator.code,
                        "name": i.indicator.name,
                        "unit": i.indicator.unit,
                        "source": i.indicator.source,
                        "derived_key": i.indicator.derived_key,
                        "required": i.required,
                        "order": i.order,
                    }
                    for i in items
                ],
            }
            for s, items in layout.sections
        ],
        "rules": [_rule_out(r) for r in rules],
    }


# --- Forms ---------------------------------------------------------------------------------


@router.get("/forms", response=list[FormOut], tags=["reporting"])
def list_forms(request: HttpRequest, all: bool = False) -> Any:
    """The forms in use (`all=true`: those no longer in use too), each with its layout."""
    _actor(request)
    forms = Form.objects.all() if all else Form.objects.active()
    return [_form_out(f) for f in forms.prefetch_related("kinds")]


@router.get("/forms/{form_id}", response=FormOut, tags=["reporting"])
def get_form(request: HttpRequest, form_id: int) -> Any:
    """A form as a unit fills it in: sections in order, their indicators, its rules in use."""
    _actor(request)
    return _form_out(selectors.get_form(form_id))


class FormIn(Schema):
    code: str
    name: str
    name_en: str = ""
    description: str = ""
    periodicity: str
    kinds: list[str] = []
    area_levels: list[str] = []
    deadline_days: int = 15
    is_active: bool = True


class FormPatch(Patch):
    """Leave a field out to keep it; the code stays; the periodicity stays once units have
    reported on the form (409)."""

    name: str | None = None
    name_en: str | None = None
    description: str | None = None
    periodicity: str | None = None
    kinds: list[str] | None = None
    area_levels: list[str] | None = None
    deadline_days: int | None = None
    is_active: bool | None = None


def _kinds(codes: list[str]) -> list[OrganizationKind]:
    found = {k.code: k for k in OrganizationKind.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise ValidationError(
            {"kinds": _("Unknown organisation kind(s): %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [found[c] for c in codes]


@router.post("/forms", response={201: FormOut}, tags=["reporting"])
def create_form(request: HttpRequest, payload: FormIn) -> Any:
    """A new form, without sections yet (add them at /forms/{id}/sections)."""
    user = _actor(request)
    data = payload.dict()
    definitions.require_definer(user)  # refused before the kinds are looked up
    data["kinds"] = _kinds(data["kinds"])
    form = definitions.form_create(actor=user, sections=[], **data)
    return Status(201, _form_out(form))


@router.patch("/forms/{form_id}", response=FormOut, tags=["reporting"])
def update_form(request: HttpRequest, form_id: int, payload: FormPatch) -> Any:
    user = _actor(request)
    form = selectors.get_form(form_id)
    data = payload.dict(exclude_unset=True)
    if "kinds" in data:
        definitions.require_definer(user)
        data["kinds"] = _kinds(data["kinds"])
    services_forms.form_update(actor=user, form=form, **data)
    return _form_out(selectors.get_form(form_id), all_rules=True)


@router.get("/forms/{form_id}/history", response=list[HistoryOut], tags=["reporting"])
def form_history(request: HttpRequest, form_id: int) -> Any:
    """Every change to the form, its sections, their indicators and its rules, newest first."""
    _actor(request)
    return [
        {
            "when": e.when,
            "who": e.who,
            "action": e.action,
            "verb": e.verb,
            "reason": e.reason,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in e.changes],
        }
        for e in selectors_forms.form_history(selectors.get_form(form_id))
    ]


# --- Sections ------------------------------------------------------------------------------


class SectionIn(Schema):
    title: str
    title_en: str = ""
    kind: Literal["indicators", "narrative"] = SectionKind.INDICATORS.value  # type: ignore[assignment]
    help_text: str = ""


class SectionPatch(Patch):
    title: str | None = None
    title_en: str | None = None
    kind: Literal["indicators", "narrative"] | None = None
    help_text: str | None = None


class FormMoveIn(Schema):
    direction: Literal["up", "down"]


class RemoveIn(Schema):
    reason: str = ""


def _section_out(section_id: int) -> dict[str, Any]:
    section = selectors_forms.get_section(section_id)
    form = _form_out(section.form)
    return next(s for s in form["sections"] if s["id"] == section.pk)


@router.post("/forms/{form_id}/sections", response={201: SectionOut}, tags=["reporting"])
def add_section(request: HttpRequest, form_id: int, payload: SectionIn) -> Any:
    """A new section at the end of the form."""
    section = services_forms.section_add(
        actor=_actor(request), form=selectors.get_form(form_id), **payload.dict()
    )
    return Status(201, _section_out(section.pk))


@router.patch("/sections/{section_id}", response=SectionOut, tags=["reporting"])
def update_section(request: HttpRequest, section_id: int, payload: SectionPatch) -> Any:
    section = selectors_forms.get_section(section_id)
    services_forms.section_update(
        actor=_actor(request), section=section, **payload.dict(exclude_unset=True)
    )
    return _section_out(section.pk)


@router.post("/sections/{section_id}/move", response=FormOut, tags=["reporting"])
def move_section(request: HttpRequest, section_id: int, payload: FormMoveIn) -> Any:
    """One place up or down on the form; the form in its new order."""
    section = selectors_forms.get_section(section_id)
    services_forms.section_move(
        actor=_actor(request), section=section, step=-1 if payload.direction == "up" else 1
    )
    return _form_out(selectors.get_form(section.form_id))


@router.post("/sections/{section_id}/remove", response=FormOut, tags=["reporting"])
def remove_section(request: HttpRequest, section_id: int, payload: RemoveIn) -> Any:
    """Take an empty section off its form (409 while it holds indicators or reports' text)."""
    section = selectors_forms.get_section(section_id)
    services_forms.section_remove(actor=_actor(request), section=section, reason=payload.reason)
    return _form_out(selectors.get_form(section.form_id))


# --- Indicators on a section ---------------------------------------------------------------


class ItemIn(Schema):
    """An existing indicator by `code`; or a new one, with `name` and the indicator's fields."""

    code: str
    required: bool = True
    name: str | None = None
    name_en: str = ""
    unit: str = ""
    value_type: str = "number"
    aggregation: str = "sum"
    source: str = "typed"
    derived_key: str = ""
    formula: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    decimal_places: int = 4
    description: str = ""


class ItemPatch(Schema):
    required: bool


@router.post(
    "/sections/{section_id}/indicators", response={201: FormIndicatorOut}, tags=["reporting"]
)
def add_item(request: HttpRequest, section_id: int, payload: ItemIn) -> Any:
    """Put an indicator at the end of the section: an existing one (`code` only), or a new one
    made at once (`code`, `name` and its fields)."""
    user = _actor(request)
    section = selectors_forms.get_section(section_id)
    data = payload.dict()
    code, required, name = data.pop("code").strip().upper(), data.pop("required"), data.pop("name")
    if name is None:
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise ValidationError(
                {"code": _("Unknown indicator code(s): %(codes)s.") % {"codes": code}}
            )
        item = services_forms.item_add(
            actor=user, section=section, indicator=indicator, required=required
        )
    else:
        item = services_forms.item_create_with_indicator(
            actor=user, section=section, code=code, required=required, name=name, **data
        )
    return Status(201, _item_out(item.pk))


def _item_out(item_id: int) -> dict[str, Any]:
    item = selectors_forms.get_item(item_id)
    section = _section_out(item.section_id)
    return next(i for i in section["indicators"] if i["id"] == item.pk)


@router.patch("/form-items/{item_id}", response=FormIndicatorOut, tags=["reporting"])
def update_item(request: HttpRequest, item_id: int, payload: ItemPatch) -> Any:
    """Whether units must fill the indicator in to submit."""
    item = selectors_forms.get_item(item_id)
    services_forms.item_update(actor=_actor(request), item=item, required=payload.required)
    return _item_out(item.pk)


@router.post("/form-items/{item_id}/move", response=SectionOut, tags=["reporting"])
def move_item(request: HttpRequest, item_id: int, payload: FormMoveIn) -> Any:
    item = selectors_forms.get_item(item_id)
    services_forms.item_move(
        actor=_actor(request), item=item, step=-1 if payload.direction == "up" else 1
    )
    return _section_out(item.section_id)


@router.post("/form-items/{item_id}/remove", response=SectionOut, tags=["reporting"])
def remove_item(request: HttpRequest, item_id: int, payload: RemoveIn) -> Any:
    """Take the indicator off the form (409 once reports of the form hold figures of it)."""
    item = selectors_forms.get_item(item_id)
    services_forms.item_remove(actor=_actor(request), item=item, reason=payload.reason)
    return _section_out(item.section_id)


# --- Validation rules ----------------------------------------------------------------------


class RuleIn(Schema):
    left: str
    operator: str
    right: str
    severity: str = Severity.ERROR.value
    message: str
    message_en: str = ""
    is_active: bool = True


class RulePatch(Patch):
    left: str | None = None
    operator: str | None = None
    right: str | None = None
    severity: str | None = None
    message: str | None = None
    message_en: str | None = None
    is_active: bool | None = None


@router.post("/forms/{form_id}/rules", response={201: RuleOut}, tags=["reporting"])
def add_rule(request: HttpRequest, form_id: int, payload: RuleIn) -> Any:
    rule = definitions.rule_add(
        actor=_actor(request), form=selectors.get_form(form_id), **payload.dict()
    )
    return Status(201, _rule_out(rule))


@router.patch("/rules/{rule_id}", response=RuleOut, tags=["reporting"])
def update_rule(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    """Change a rule; switch it off with `is_active: false` (rules are not deleted)."""
    rule = selectors_forms.get_rule(rule_id)
    return _rule_out(
        services_forms.rule_update(
            actor=_actor(request), rule=rule, **payload.dict(exclude_unset=True)
        )
    )
