"""Derived indicators: figures danvan already knows, computed from records for (scope, period).

Each source belongs to a group whose function returns all its figures at once (the oversight
group is two queries for nine figures), so a report computes each group once. The groups of
programmes, practices and oversight are registered here; a later app registers its own in its
AppConfig.ready() with `register_group(...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import periods
from danvan.org.scopes import ReportingScope

# (scope, period) -> {figure name: value}
GroupFunction = Callable[[ReportingScope, periods.Period], dict[str, int | Decimal]]
# (organisation id or None, period) -> the page listing the records behind the figures
RecordsUrl = Callable[[int | None, periods.Period], str]


@dataclass(frozen=True)
class DerivedSource:
    key: str  # "<group>.<figure>", what Indicator.derived_key names
    label: Any
    group: str
    figure: str


@dataclass(frozen=True)
class _Group:
    compute: GroupFunction
    records_url: RecordsUrl


_GROUPS: dict[str, _Group] = {}
_SOURCES: dict[str, DerivedSource] = {}


def register_group(
    group: str, compute: GroupFunction, records_url: RecordsUrl, figures: dict[str, Any]
) -> None:
    """Register a group of derived figures: {figure name: label}."""
    _GROUPS[group] = _Group(compute, records_url)
    for figure, label in figures.items():
        key = f"{group}.{figure}"
        _SOURCES[key] = DerivedSource(key, label, group, figure)


def sources() -> list[DerivedSource]:
    return list(_SOURCES.values())


def get(key: str) -> DerivedSource | None:
    return _SOURCES.get(key)


def records_url(key: str, org_id: int | None, period: periods.Period) -> str:
    source = _SOURCES[key]
    return _GROUPS[source.group].records_url(org_id, period)


class Calculator:
    """Computes derived figures, each group once per (scope, period)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, ReportingScope, str], dict[str, int | Decimal]] = {}

    def value(self, key: str, scope: ReportingScope, period: periods.Period) -> Decimal | None:
        source = _SOURCES.get(key)
        if source is None:
            return None
        cache_key = (source.group, scope, period.code)
        if cache_key not in self._cache:
            self._cache[cache_key] = _GROUPS[source.group].compute(scope, period)
        figure = self._cache[cache_key].get(source.figure)
        return None if figure is None else Decimal(figure)


# --- The built-in groups -------------------------------------------------------------------


def _oversight(scope: ReportingScope, period: periods.Period) -> dict[str, int | Decimal]:
    from danvan.oversight.selectors import oversight_figures

    figures = oversight_figures(scope, period)
    return {name: getattr(figures, name) for name in OVERSIGHT_FIGURES}


def _oversight_url(org_id: int | None, period: periods.Period) -> str:
    query = {"period": period.code, **({"org": org_id} if org_id else {})}
    return f"{reverse('oversight_list')}?{urlencode(query)}#figures"


OVERSIGHT_FIGURES = {
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


def _programmes(scope: ReportingScope, period: periods.Period) -> dict[str, int | Decimal]:
    from danvan.programs.selectors import tasks_done_on_time

    return {"tasks_done_on_time": tasks_done_on_time(scope, period)}


def _programmes_url(org_id: int | None, period: periods.Period) -> str:
    return f"{reverse('program_list')}?status=done"


def _practices(scope: ReportingScope, period: periods.Period) -> dict[str, int | Decimal]:
    from danvan.practices.selectors import practice_figures

    return dict(practice_figures(scope, period))


def _practices_url(org_id: int | None, period: periods.Period) -> str:
    return f"{reverse('practice_statistics')}?{urlencode({'period': period.code})}"


def register_builtins() -> None:
    register_group("oversight", _oversight, _oversight_url, OVERSIGHT_FIGURES)
    register_group(
        "programs",
        _programmes,
        _programmes_url,
        {"tasks_done_on_time": _("Programme tasks done on time")},
    )
    register_group(
        "practices",
        _practices,
        _practices_url,
        {
            "registered": _("«Dân vận khéo» models registered"),
            "recognised": _("«Dân vận khéo» models recognised or commended"),
            "replicated": _("«Dân vận khéo» models replicated"),
        },
    )
