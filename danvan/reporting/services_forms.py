"""Writes to a report form's layout, on the pages and the API of the form editor: the form's
settings, its sections in order, the indicators of each section, and its validation rules.

Kept by the administrators and leaders of a top-level unit (`selectors.may_define`), one
transaction each, every change in the history. What units have already reported stays
readable: a form that has reports keeps its periodicity, a section with text in a report and an
indicator with figures in a report are not taken off the form (mark the indicator optional, or
the form no longer in use, instead). A form is created in `definitions.form_create`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed
from danvan.org.models import AreaLevel, OrganizationKind

from .definitions import check_rule, require_definer
from .models import (
    Form,
    FormIndicator,
    Indicator,
    Section,
    SectionKind,
    Submission,
    ValidationRule,
    Value,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

FORM_FIELDS = (
    "name",
    "name_en",
    "description",
    "periodicity",
    "kinds",
    "area_levels",
    "deadline_days",
    "is_active",
)
SECTION_FIELDS = ("title", "title_en", "kind", "help_text")
RULE_FIELDS = ("left", "operator", "right", "severity", "message", "message_en", "is_active")
LONGEST_DEADLINE_DAYS = 366


# --- The form ------------------------------------------------------------------------------


@transaction.atomic
def form_update(*, actor: User | None, form: Form, **fields: Any) -> Form:
    """Change a form's settings. `kinds` is a list of organisation kinds, `area_levels` a list of
    level codes (empty: every kind, every level)."""
    require_definer(actor)
    refuse_unknown_fields(fields, FORM_FIELDS)
    form = Form.objects.select_for_update().get(pk=form.pk)
    errors: dict[str, str] = {}
    if "name" in fields and not (fields["name"] or "").strip():
        errors["name"] = _("Give the form a name.")
    periodicity = fields.get("periodicity", form.periodicity)
    if periodicity not in dict(Form.PERIODICITIES):
        errors["periodicity"] = _("Choose half year, year, quarter or month.")
    days = fields.get("deadline_days", form.deadline_days)
    if not isinstance(days, int) or not 0 <= days <= LONGEST_DEADLINE_DAYS:
        errors["deadline_days"] = _("From 0 to %(n)s days.") % {"n": LONGEST_DEADLINE_DAYS}
    levels = fields.pop("area_levels", None)
    if levels is not None:
        bad = [v for v in levels if v not in AreaLevel.values]
        if bad:
            errors["area_levels"] = _("Unknown level(s): %(levels)s.") % {"levels": ", ".join(bad)}
    kinds: list[OrganizationKind] | None = fields.pop("kinds", None)
    if errors:
        raise ValidationError(errors)
    if periodicity != form.periodicity and Submission.objects.filter(form=form).exists():
        raise Conflict(
            {
                "periodicity": _(
                    "Units have already reported on this form: its periodicity cannot change. "
                    "Make a new form instead."
                )
            }
        )
    for name, value in fields.items():
        setattr(form, name, value.strip() if isinstance(value, str) else value)
    if levels is not None:
        form.area_levels = ",".join(dict.fromkeys(levels))
    if kinds is not None:
        form.kinds.set(kinds)
    save_if_changed(form, actor)
    return form


# --- Sections ------------------------------------------------------------------------------


def _check_section(section: Section) -> None:
    errors: dict[str, str] = {}
    if not section.title.strip():
        errors["title"] = _("Give the section a title.")
    if section.kind not in SectionKind.values:
        errors["kind"] = _("Choose indicators or narrative.")
    if errors:
        raise ValidationError(errors)


def _has_text_in_reports(section: Section) -> bool:
    """Whether a report of the form has text in this narrative section (one query)."""
    key = str(section.pk)
    return any(
        (narratives or {}).get(key, "").strip()
        for narratives in Submission.objects.filter(form_id=section.form_id).values_list(
            "narratives", flat=True
        )
    )


@transaction.atomic
def section_add(
    *,
    actor: User | None,
    form: Form,
    title: str,
    title_en: str = "",
    kind: str = SectionKind.INDICATORS,
    help_text: str = "",
) -> Section:
    """A new section at the end of the form."""
    require_definer(actor)
    last = form.sections.aggregate(last=Max("order"))["last"] or 0
    section = Section(
        form=form,
        order=last + 1,
        title=(title or "").strip(),
        title_en=(title_en or "").strip(),
        kind=kind,
        help_text=(help_text or "").strip(),
    )
    _check_section(section)
    attributed(section, actor).save()
    return section


@transaction.atomic
def section_update(*, actor: User | None, section: Section, **fields: Any) -> Section:
    """Change a section's titles and guidance; its kind only while nothing depends on it."""
    require_definer(actor)
    refuse_unknown_fields(fields, SECTION_FIELDS)
    section = Section.objects.select_for_update().get(pk=section.pk)
    kind = fields.get("kind", section.kind)
    if kind != section.kind:
        if section.items.exists():
            raise Conflict({"kind": _("Take the indicators off this section first.")})
        if section.kind == SectionKind.NARRATIVE and _has_text_in_reports(section):
            raise Conflict(
                {"kind": _("Reports already hold text in this section: its kind cannot change.")}
            )
    for name, value in fields.items():
        setattr(section, name, value.strip() if isinstance(value, str) else value)
    _check_section(section)
    save_if_changed(section, actor)
    return section


def _reorder(actor: User | None, siblings: list[Any], moved: Any, step: int) -> None:
    """Move one record up (-1) or down (+1) among its siblings and number them 1, 2, 3…"""
    if step not in (-1, 1):
        raise ValidationError({"step": _("Move one place up or down.")})
    position = next(i for i, s in enumerate(siblings) if s.pk == moved.pk)
    target = position + step
    if not 0 <= target < len(siblings):
        return  # already first or last: nothing to do
    siblings[position], siblings[target] = siblings[target], siblings[position]
    for number, sibling in enumerate(siblings, start=1):
        if sibling.order != number:
            sibling.order = number
            attributed(sibling, actor).save()


@transaction.atomic
def section_move(*, actor: User | None, section: Section, step: int) -> Section:
    """Move a section one place up (-1) or down (+1) on its form."""
    require_definer(actor)
    siblings = list(
        Section.objects.select_for_update().filter(form_id=section.form_id).order_by("order", "pk")
    )
    _reorder(actor, siblings, section, step)
    return next(s for s in siblings if s.pk == section.pk)


@transaction.atomic
def section_remove(*, actor: User | None, section: Section, reason: str = "") -> None:
    """Take an empty section off its form (its history stays)."""
    require_definer(actor)
    section = Section.objects.select_for_update().get(pk=section.pk)
    if section.items.exists():
        raise Conflict(_("Take the indicators off this section first."))
    if section.kind == SectionKind.NARRATIVE and _has_text_in_reports(section):
        raise Conflict(_("Reports already hold text in this section: it stays on the form."))
    attributed(section, actor, (reason or "").strip(), verb="removed").delete()


# --- Indicators on a section ---------------------------------------------------------------


@transaction.atomic
def item_add(
    *, actor: User | None, section: Section, indicator: Indicator, required: bool = True
) -> FormIndicator:
    """Put an indicator at the end of a section (an indicator appears once on a form)."""
    require_definer(actor)
    if section.kind != SectionKind.INDICATORS:
        raise ValidationError({"indicator": _("A narrative section holds text, not indicators.")})
    if not indicator.is_active:
        raise ValidationError({"indicator": _("This indicator is no longer in use.")})
    if FormIndicator.objects.filter(section__form_id=section.form_id, indicator=indicator).exists():
        raise ValidationError(
            {"indicator": _("%(code)s is already on this form.") % {"code": indicator.code}}
        )
    last = section.items.aggregate(last=Max("order"))["last"] or 0
    item = FormIndicator(section=section, indicator=indicator, order=last + 1, required=required)
    attributed(item, actor).save()
    return item


@transaction.atomic(durable=True)
def item_create_with_indicator(
    *, actor: User | None, section: Section, code: str, required: bool = True, **fields: Any
) -> FormIndicator:
    """A new indicator and its place on the section, in one transaction: a refusal of either
    saves nothing."""
    from .definitions import indicator_create

    if section.kind != SectionKind.INDICATORS:  # before the indicator is made
        raise ValidationError({"indicator": _("A narrative section holds text, not indicators.")})
    indicator = indicator_create(actor=actor, code=code, **fields)
    return item_add(actor=actor, section=section, indicator=indicator, required=required)


@transaction.atomic
def item_update(*, actor: User | None, item: FormIndicator, required: bool) -> FormIndicator:
    """Whether units must fill the indicator in to submit."""
    require_definer(actor)
    item = FormIndicator.objects.select_for_update().get(pk=item.pk)
    if item.required != required:
        item.required = required
        attributed(item, actor).save()
    return item


@transaction.atomic
def item_move(*, actor: User | None, item: FormIndicator, step: int) -> FormIndicator:
    """Move an indicator one place up (-1) or down (+1) in its section."""
    require_definer(actor)
    siblings = list(
        FormIndicator.objects.select_for_update()
        .filter(section_id=item.section_id)
        .order_by("order", "pk")
    )
    _reorder(actor, siblings, item, step)
    return next(s for s in siblings if s.pk == item.pk)


@transaction.atomic
def item_remove(*, actor: User | None, item: FormIndicator, reason: str = "") -> None:
    """Take an indicator off a form while no report of the form holds a figure of it."""
    require_definer(actor)
    item = FormIndicator.objects.select_related("section", "indicator").get(pk=item.pk)
    held = Value.objects.filter(
        submission__form_id=item.section.form_id, indicator_id=item.indicator_id
    ).exists()
    if held:
        raise Conflict(
            _(
                "Reports on this form already hold figures of %(code)s: it stays on the form. "
                "Mark it optional instead."
            )
            % {"code": item.indicator.code}
        )
    attributed(item, actor, (reason or "").strip(), verb="removed").delete()


# --- Validation rules ----------------------------------------------------------------------


@transaction.atomic
def rule_update(*, actor: User | None, rule: ValidationRule, **fields: Any) -> ValidationRule:
    """Change a rule; a rule no longer wanted is switched off (`is_active`), not deleted."""
    require_definer(actor)
    refuse_unknown_fields(fields, RULE_FIELDS)
    rule = ValidationRule.objects.select_for_update().get(pk=rule.pk)
    for name, value in fields.items():
        setattr(rule, name, value.strip() if isinstance(value, str) else value)
    check_rule(
        left=rule.left,
        operator=rule.operator,
        right=rule.right,
        severity=rule.severity,
        message=rule.message,
    )
    save_if_changed(rule, actor)
    return rule
