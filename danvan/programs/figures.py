"""The programme figure periodic reports derive: tasks done on time."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures, periods
from danvan.org.scopes import ReportingScope

from .selectors import tasks_done_on_time_of


def _compute(
    scopes: Sequence[ReportingScope], period: periods.Period
) -> list[dict[str, int | Decimal]]:
    return [{"tasks_done_on_time": n} for n in tasks_done_on_time_of(scopes, period)]


def _records_url(org_id: int | None, period: periods.Period) -> str:
    return f"{reverse('program_list')}?status=done"


def register() -> None:
    figures.register_group(
        "programs",
        _compute,
        _records_url,
        {"tasks_done_on_time": _("Programme tasks done on time")},
        reads=["programs"],
    )
