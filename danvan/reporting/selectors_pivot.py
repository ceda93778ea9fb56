"""Reads of the roll-ups across units and periods: a node of the scope (an organisation or an
area) and the pivot table of its children or its periods."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import Http404

from danvan.lib import figures as derived
from danvan.lib import periods
from danvan.org.models import Area, Organization

from . import rollups
from .models import Indicator

if TYPE_CHECKING:
    from danvan.accounts.models import User


def get_node_for_user(user: User, node_id: str) -> Organization | Area:
    """An organisation (id) or an area («a<id>») in the user's scope."""
    from danvan.org.selectors import get_organization_for_user

    node_id = (node_id or "").strip()
    if node_id[:1].lower() == "a":
        try:
            return Area.objects.visible_to(user).get(pk=int(node_id[1:]))
        except (Area.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
    try:
        return get_organization_for_user(user, int(node_id))
    except ValueError as exc:
        raise Http404 from exc


def node_key(node: Organization | Area) -> str:
    return f"a{node.pk}" if isinstance(node, Area) else str(node.pk)


def child_nodes(node: Organization | Area) -> list[Any]:
    model: Any = type(node)
    return list(model.objects.children_of(node).order_by("path"))


@dataclass
class Pivot:
    indicators: list[Indicator]
    rows: list[tuple[Any, str, list[Decimal | None]]]  # (node or period, label, figures)
    total: list[Decimal | None]
    by: str  # "units" or "periods"


def pivot(
    indicators: list[Indicator], node: Organization | Area, period: periods.Period, by: str
) -> Pivot:
    """Rows are the node's children (or the periods within the period), columns indicators."""
    calculator = derived.Calculator()
    if by == "periods":
        kind = {
            periods.PeriodType.TERM: periods.PeriodType.YEAR,
            periods.PeriodType.YEAR: periods.PeriodType.HALF,
            periods.PeriodType.HALF: periods.PeriodType.QUARTER,
            periods.PeriodType.QUARTER: periods.PeriodType.MONTH,
        }.get(period.type)
        rows: list[tuple[Any, str, list[Decimal | None]]] = []
        for child in period.children(kind) if kind else []:
            values = rollups.figures(indicators, [node], child, calculator=calculator)
            rows.append((child, child.label(), [values[(node.pk, i.pk)] for i in indicators]))
    else:
        children = child_nodes(node)
        values = rollups.figures(indicators, children, period, calculator=calculator)
        rows = [
            (child, child.name, [values[(child.pk, i.pk)] for i in indicators])
            for child in children
        ]
    own = rollups.figures(indicators, [node], period, calculator=calculator)
    return Pivot(indicators, rows, [own[(node.pk, i.pk)] for i in indicators], by)
