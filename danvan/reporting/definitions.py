"""Writes to the definitions of periodic reports: indicators, forms and their validation rules.

Kept by the administrators and leaders of a top-level unit; keyword-only, one transaction each,
bad input refused with a ValidationError that names what to fix. Reports themselves are written
in `services.py`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.lib import figures as derived
from danvan.lib import numbers
from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed
from danvan.org.models import AreaLevel, OrganizationKind

from . import formulas, selectors
from .models import (
    CODE_RE,
    LARGEST,
    Aggregation,
    Form,
    FormIndicator,
    Indicator,
    Operator,
    Section,
    SectionKind,
    Severity,
    Source,
    ValidationRule,
    Value,
    ValueType,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User


def require_definer(actor: User | None) -> None:
    if actor is not None and not selectors.may_define(actor):
        raise PermissionDenied(
            _("Only the administrators and leaders of a top-level unit keep indicators and forms.")
        )


# --- Indicators ----------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "name",
    "name_en",
    "value_type",
    "unit",
    "aggregation",
    "source",
    "derived_key",
    "formula",
    "min_value",
    "max_value",
    "decimal_places",
    "description",
    "is_active",
)


def _check_indicator(indicator: Indicator) -> None:
    errors: dict[str, str] = {}
    if not CODE_RE.match(indicator.code or ""):
        errors["code"] = _(
            "A code is capital letters, digits and underscores, starting with a letter (at most 40)."
        )
    if not indicator.name.strip():
        errors["name"] = _("Give the indicator a name.")
    if indicator.value_type not in ValueType.values:
        errors["value_type"] = _("Choose number, percent, yes/no or text.")
    if indicator.aggregation not in Aggregation.values:
        errors["aggregation"] = _("Choose sum, average, minimum, maximum, last or none.")
    if indicator.value_type == ValueType.TEXT and indicator.aggregation != Aggregation.NONE:
        errors["aggregation"] = _("A text indicator is not aggregated: choose «not aggregated».")
    if (
        indicator.min_value is not None
        and indicator.max_value is not None
        and indicator.min_value > indicator.max_value
    ):
        errors["max_value"] = _("The largest value is below the smallest.")
    for bound in ("min_value", "max_value"):
        value = getattr(indicator, bound)
        if value is not None and (not value.is_finite() or abs(value) >= LARGEST):
            errors[bound] = _(
                "This number is too large: a figure must be less than %(largest)s."
            ) % {"largest": numbers.shown(LARGEST, places=0)}
    if not 0 <= (indicator.decimal_places or 0) <= 4:
        errors["decimal_places"] = _("From 0 to 4 decimals.")
    if indicator.source == Source.DERIVED:
        if derived.get(indicator.derived_key) is None:
            errors["derived_key"] = _("Choose the records this indicator is derived from.")
        indicator.formula = ""
    elif indicator.source == Source.FORMULA:
        indicator.derived_key = ""
        if indicator.value_type == ValueType.TEXT:
            errors["value_type"] = _("A formula gives a number or a percent, not a text.")
        try:
            used = formulas.codes(indicator.formula)
        except ValidationError as exc:
            errors["formula"] = exc.messages[0]
        else:
            _check_formula_codes(indicator, used, errors)
    elif indicator.source == Source.TYPED:
        indicator.derived_key = ""
        indicator.formula = ""
    else:
        errors["source"] = _("Choose typed, derived or formula.")
    if errors:
        raise ValidationError(errors)


def _check_formula_codes(indicator: Indicator, used: set[str], errors: dict[str, str]) -> None:
    known = {
        code: (source, formula, value_type)
        for code, source, formula, value_type in Indicator.objects.exclude(pk=indicator.pk)
        .filter(is_active=True)
        .values_list("code", "source", "formula", "value_type")
    }
    unknown = sorted(used - set(known) - {indicator.code})
    if unknown:
        errors["formula"] = _("Unknown indicator code(s): %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
        return
    texts = sorted(c for c in used if c in known and known[c][2] == ValueType.TEXT)
    if texts:
        errors["formula"] = _("A formula cannot use a text indicator: %(codes)s.") % {
            "codes": ", ".join(texts)
        }
        return
    dependencies = {
        code: formulas.codes(formula) if source == Source.FORMULA and formula else set()
        for code, (source, formula, _t) in known.items()
    }
    dependencies[indicator.code] = used
    cycle = formulas.find_cycle(dependencies, indicator.code)
    if cycle:
        errors["formula"] = _("This formula would go round in a circle: %(chain)s.") % {
            "chain": " → ".join(cycle)
        }


@transaction.atomic
def indicator_create(*, actor: User | None, code: str, **fields: Any) -> Indicator:
    require_definer(actor)
    indicator = Indicator(code=(code or "").strip().upper())
    refuse_unknown_fields(fields, INDICATOR_FIELDS)
    for name, value in fields.items():
        setattr(indicator, name, value)
    _check_indicator(indicator)
    if Indicator.objects.filter(code=indicator.code).exists():
        raise ValidationError({"code": _("An indicator with this code already exists.")})
    attributed(indicator, actor).save()
    return indicator


@transaction.atomic
def indicator_update(*, actor: User | None, indicator: Indicator, **fields: Any) -> Indicator:
    """Change an indicator; its code and value type stay once reports use it."""
    require_definer(actor)
    used = Value.objects.filter(indicator=indicator).exists()
    refuse_unknown_fields(fields, INDICATOR_FIELDS)
    for name, value in fields.items():
        if used and name in ("value_type", "source") and value != getattr(indicator, name):
            raise Conflict(
                {name: _("Reports already hold figures of this indicator: this cannot change.")}
            )
        setattr(indicator, name, value)
    _check_indicator(indicator)
    save_if_changed(indicator, actor)
    return indicator


# --- Forms ---------------------------------------------------------------------------------


@transaction.atomic
def form_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    name_en: str = "",
    description: str = "",
    periodicity: str,
    kinds: list[OrganizationKind] | None = None,
    area_levels: list[str] | None = None,
    deadline_days: int = 15,
    sections: list[dict[str, Any]],
    is_active: bool = True,
) -> Form:
    """A form with its sections: {"title", "title_en", "kind", "help_text", "indicators": [codes]}."""
    require_definer(actor)
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("Give the form a name.")
    if not re.fullmatch(r"[a-z0-9-]{1,60}", code or ""):
        errors["code"] = _("A form code is lower-case letters, digits and hyphens.")
    elif Form.objects.filter(code=code).exists():
        errors["code"] = _("A form with this code already exists.")
    if periodicity not in dict(Form.PERIODICITIES):
        errors["periodicity"] = _("Choose half year, year, quarter or month.")
    if not isinstance(deadline_days, int) or not 0 <= deadline_days <= 366:
        errors["deadline_days"] = _("From 0 to %(n)s days.") % {"n": 366}
    bad_levels = [v for v in area_levels or [] if v not in AreaLevel.values]
    if bad_levels:
        errors["area_levels"] = _("Unknown level(s): %(levels)s.") % {
            "levels": ", ".join(bad_levels)
        }
    codes = [c for s in sections for c in s.get("indicators", [])]
    known = {i.code: i for i in Indicator.objects.filter(code__in=codes, is_active=True)}
    unknown = sorted(set(codes) - set(known))
    if unknown:
        errors["sections"] = _("Unknown indicator code(s): %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    if errors:
        raise ValidationError(errors)
    form = Form(
        code=code,
        name=name.strip(),
        name_en=(name_en or "").strip(),
        description=(description or "").strip(),
        periodicity=periodicity,
        area_levels=",".join(area_levels or []),
        deadline_days=deadline_days,
        is_active=is_active,
    )
    attributed(form, actor).save()
    form.kinds.set(kinds or [])
    for order, spec in enumerate(sections, start=1):
        kind = spec.get("kind", SectionKind.INDICATORS)
        section = Section.objects.create(
            form=form,
            order=order,
            kind=kind,
            title=spec["title"],
            title_en=spec.get("title_en", ""),
            help_text=spec.get("help_text", ""),
        )
        for item_order, indicator_code in enumerate(spec.get("indicators", []), start=1):
            FormIndicator.objects.create(
                section=section, indicator=known[indicator_code], order=item_order
            )
    return form


@transaction.atomic
def rule_add(
    *,
    actor: User | None,
    form: Form,
    left: str,
    operator: str,
    right: str,
    severity: str = Severity.ERROR,
    message: str,
    message_en: str = "",
    is_active: bool = True,
) -> ValidationRule:
    require_definer(actor)
    check_rule(left=left, operator=operator, right=right, severity=severity, message=message)
    rule = ValidationRule(
        form=form,
        left=left.strip(),
        operator=operator,
        right=right.strip(),
        severity=severity,
        message=message.strip(),
        message_en=message_en.strip(),
        is_active=is_active,
    )
    attributed(rule, actor).save()
    return rule


def check_rule(*, left: str, operator: str, right: str, severity: str, message: str) -> None:
    """A rule's sides are expressions over known indicator codes, its operator and severity
    known, its message given; else a ValidationError naming each field to fix."""
    errors: dict[str, str] = {}
    used: set[str] = set()
    for side, expression in (("left", left), ("right", right)):
        try:
            used |= formulas.codes(expression)
        except ValidationError as exc:
            errors[side] = exc.messages[0]
    if operator not in Operator.values:
        errors["operator"] = _("Choose one of < ≤ = ≠ ≥ >.")
    if severity not in Severity.values:
        errors["severity"] = _("Choose error or warning.")
    if not message.strip():
        errors["message"] = _("Say what is wrong when the rule fails.")
    unknown = sorted(
        used - set(Indicator.objects.filter(code__in=used).values_list("code", flat=True))
    )
    if unknown:
        errors["left"] = _("Unknown indicator code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
