"""The oversight figures periodic reports derive: the seeds' «N inspections of M organisations»."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures, periods
from danvan.org.scopes import ReportingScope

from .selectors import oversight_figures_of

FIGURES = {
    "inspections": _("Inspections carried out"),
    "inspected_organizations": _("Organisations inspected"),
    "supervisions": _("Supervisions carried out"),
    "supervised_organizations": _("Organisations supervised"),
    "surveys": _("Thematic surveys"),
    "surveyed_organizations": _("Organisations surveyed"),
    "recommendations": _("Recommendations made"),
    "recommendations_done": _("Recommendations carried out"),
    "recommendations_overdue": _("Recommendations overdue"),
}


def _compute(
    scopes: Sequence[ReportingScope], period: periods.Period
) -> list[dict[str, int | Decimal]]:
    return [
        {name: getattr(found, name) for name in FIGURES}
        for found in oversight_figures_of(scopes, period)
    ]


def _records_url(org_id: int | None, period: periods.Period) -> str:
    query = {"period": period.code, **({"org": org_id} if org_id else {})}
    return f"{reverse('oversight_list')}?{urlencode(query)}#figures"


def register() -> None:
    figures.register_group("oversight", _compute, _records_url, FIGURES, reads=["oversight"])
