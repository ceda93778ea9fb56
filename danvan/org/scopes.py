"""What a figure is counted over: organisation subtrees, area subtrees, or both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import Area, Organization, scope_for

if TYPE_CHECKING:
    from danvan.accounts.models import User


@dataclass(frozen=True)
class ReportingScope:
    """Organisations under these organisation paths, or located under these area paths."""

    org_paths: tuple[str, ...] = ()
    area_paths: tuple[str, ...] = ()

    @classmethod
    def of(cls, *nodes: Organization | Area) -> ReportingScope:
        return cls(
            org_paths=tuple(n.path for n in nodes if isinstance(n, Organization)),
            area_paths=tuple(n.path for n in nodes if isinstance(n, Area)),
        )

    @classmethod
    def for_user(cls, user: User, organization: Organization | None = None) -> ReportingScope:
        """What a user may see: the subtrees of their memberships (one organisation's subtree
        when `organization` is given, already checked to be in their scope)."""
        if organization is not None:
            return cls.of(organization)
        if user.is_superuser:
            return cls(
                org_paths=tuple(Organization.objects.filter(depth=1).values_list("path", flat=True))
            )
        return cls(org_paths=tuple(scope_for(user).org_paths))

    def q(self, field: str) -> Q:
        """A filter on a foreign key to Organization named `field`: it lies in the scope."""
        condition = Q(pk__in=[])
        for path in self.org_paths:
            condition |= Q(**{f"{field}__path__startswith": path})
        for path in self.area_paths:
            condition |= Q(**{f"{field}__area__path__startswith": path})
        return condition


def disjoint(scopes: Sequence[ReportingScope]) -> bool:
    """No record can lie in two of these scopes: they are all of one kind (organisation or area
    subtrees) and no path of one lies within a path of another."""
    if any(s.org_paths and s.area_paths for s in scopes):
        return False
    if any(s.org_paths for s in scopes) and any(s.area_paths for s in scopes):
        return False
    owner: dict[str, int] = {}
    for index, scope in enumerate(scopes):
        for path in (*scope.org_paths, *scope.area_paths):
            owner.setdefault(path, index)
    for path, index in owner.items():
        for end in range(1, len(path) + 1):
            other = owner.get(path[:end])
            if other is not None and other != index:
                return False
    return True


def per_scope_rows(
    queryset: QuerySet[Any],
    scopes: Sequence[ReportingScope],
    field: str,
    *columns: str,
    **aggregates: Any,
) -> list[list[dict[str, Any]]]:
    """For each scope, the rows of `queryset` within it grouped by `columns` with `aggregates`.

    Disjoint scopes (a pivot's rows) take one GROUP BY on which scope the row's `field`
    organisation lies in; overlapping ones (a unit split between two successors counts
    towards both) one query each, so a record is never lost to the first scope that has it.
    """
    if not scopes:
        return []
    if len(scopes) > 1 and not disjoint(scopes):
        return [per_scope_rows(queryset, [s], field, *columns, **aggregates)[0] for s in scopes]
    within = Q(pk__in=[])
    for scope in scopes:
        within |= scope.q(field)
    index = Case(
        *[When(scope.q(field), then=Value(i)) for i, scope in enumerate(scopes)],
        default=Value(-1),
        output_field=IntegerField(),
    )
    rows = (
        queryset.filter(within)
        .annotate(in_scope=index)
        .values("in_scope", *columns)
        .annotate(**aggregates)
        .order_by()
    )
    found: list[list[dict[str, Any]]] = [[] for _ in scopes]
    for row in rows:
        position = row.pop("in_scope")
        if 0 <= position < len(scopes):
            found[position].append(row)
    return found


def per_scope(
    queryset: QuerySet[Any], scopes: Sequence[ReportingScope], field: str, **aggregates: Any
) -> list[dict[str, Any]]:
    """For each scope, `queryset.aggregate(**aggregates)` over the rows within it — in one
    query for disjoint scopes. A scope with no rows gets each aggregate's empty value."""
    empty = queryset.none().aggregate(**aggregates)
    return [
        rows[0] if rows else dict(empty)
        for rows in per_scope_rows(queryset, scopes, field, **aggregates)
    ]
