"""Template helpers used across danvan's pages."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from danvan.lib import numbers

register = template.Library()


@register.simple_tag
def bootstrap_widget(field: forms.BoundField) -> SafeString:
    """The field's widget with Bootstrap classes and aria links to its help and errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, Any] = {"class": css + (" is-invalid" if field.errors else "")}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], page_number: int) -> str:
    query = context.get("query", "")
    return f"?{query}&page={page_number}" if query else f"?page={page_number}"


def _period_words(code: str, *, short: bool) -> str:
    from danvan.lib import periods

    try:
        period = periods.parse(code) if code else None
    except periods.PeriodError:
        return code
    if period is None:
        return ""
    return period.short_label() if short else period.label()


@register.filter
def period_label(code: str) -> str:
    """A period code as words in the active language: 2025S1 → «6 tháng đầu năm 2025»."""
    return _period_words(code, short=False)


@register.filter
def period_short(code: str) -> str:
    """A period code in a few characters of the active language, for a chart's axis."""
    return _period_words(code, short=True)


@register.filter
def number(value: Any, places: int = 2) -> str:
    """A figure or an amount in the reader's notation: «15.000.000» in Vietnamese."""
    return numbers.shown(value, places=places)
