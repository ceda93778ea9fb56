"""The «Dân vận khéo» figures periodic reports derive: registered, recognised, replicated."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures, periods
from danvan.org.scopes import ReportingScope

from .selectors import practice_figures_of


def _compute(
    scopes: Sequence[ReportingScope], period: periods.Period
) -> list[dict[str, int | Decimal]]:
    return [dict(found) for found in practice_figures_of(scopes, period)]


def _records_url(org_id: int | None, period: periods.Period) -> str:
    return f"{reverse('practice_statistics')}?{urlencode({'period': period.code})}"


def register() -> None:
    figures.register_group(
        "practices",
        _compute,
        _records_url,
        {
            "registered": _("«Dân vận khéo» models registered"),
            "recognised": _("«Dân vận khéo» models recognised or commended"),
            "replicated": _("«Dân vận khéo» models replicated"),
        },
        reads=["practices"],
    )
