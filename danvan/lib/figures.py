"""Derived figures: what danvan already knows, computed from records for (scope, period).

Each app that keeps records registers a group of figures in its AppConfig.ready() with
`register_group(...)`; periodic reports (derived indicators) read them through this registry,
so reporting never imports the apps it counts. A group's function returns all its figures at
once (the oversight group is two queries for nine figures), so a report computes each group once;
and it takes a list of scopes, so a pivot of thirty units is the same few queries grouped by
unit (org.scopes.per_scope), not thirty times them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from danvan.lib import periods

# (scopes, period) -> [{figure name: value} for each scope]; a scope is org.scopes.ReportingScope
GroupFunction = Callable[[Sequence[Any], periods.Period], list[dict[str, int | Decimal]]]
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
    """Register a group of derived figures: {figure name: label}. `compute(scopes, period)`
    returns the figures of each scope, in order."""
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
        self._cache: dict[tuple[str, Hashable, str], dict[str, int | Decimal]] = {}

    def prefetch(
        self, keys: Iterable[str], scopes: Sequence[Hashable], period: periods.Period
    ) -> None:
        """Compute the groups of these figures for all these scopes at once (a pivot's rows)."""
        groups = {_SOURCES[key].group for key in keys if key in _SOURCES}
        for group in sorted(groups):
            missing = list(
                dict.fromkeys(s for s in scopes if (group, s, period.code) not in self._cache)
            )
            if missing:
                found = _GROUPS[group].compute(missing, period)
                for scope, figures in zip(missing, found, strict=True):
                    self._cache[(group, scope, period.code)] = figures

    def value(self, key: str, scope: Hashable, period: periods.Period) -> Decimal | None:
        source = _SOURCES.get(key)
        if source is None:
            return None
        self.prefetch([key], [scope], period)
        figure = self._cache[(source.group, scope, period.code)].get(source.figure)
        return None if figure is None else Decimal(figure)
