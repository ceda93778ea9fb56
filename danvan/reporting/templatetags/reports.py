"""Template filters of the periodic reports' pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

register = template.Library()

# A report's status as a badge: its colour and its word. A filter, not an included template:
# the completeness board writes one a unit (a province's board, some 150 rows).
_BADGES = {
    "approved": ("success", _("Approved")),
    "submitted": ("primary", _("Submitted")),
    "returned": ("warning", _("Returned")),
    "draft": ("secondary", _("Draft")),
}
_NOT_STARTED = ("light border text-body", _("Not started"))


@register.filter
def report_status(status: str | None) -> SafeString:
    """`{{ submission.status|report_status }}`: the badge; no report yet, «Not started»."""
    tone, label = _BADGES.get(status or "", _NOT_STARTED)
    return format_html('<span class="badge text-bg-{}">{}</span>', tone, label)
