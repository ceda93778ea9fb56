"""What a figure is counted over: organisation subtrees, area subtrees, or both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Aggregate, F, Func, IntegerField, Q, QuerySet, Value

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


def _kind(scope: ReportingScope) -> str:
    return "org" if not scope.area_paths else "area" if not scope.org_paths else "both"


def disjoint_batches(scopes: Sequence[ReportingScope]) -> list[list[int]]:
    """The scopes' positions in batches within which no record can lie in two scopes: one kind
    of subtree (organisation or area), and no path of one within a path of another. A pivot's
    rows are mostly one batch; a dissolved unit whose old members now count towards another
    row (its predecessors) goes to a second."""
    batches: list[
        tuple[str, set[str], set[str], list[int]]
    ] = []  # kind, paths, prefixes, positions
    for position, scope in enumerate(scopes):
        kind = _kind(scope)
        paths = {*scope.org_paths, *scope.area_paths}
        prefixes = {path[:end] for path in paths for end in range(1, len(path) + 1)}
        for batch_kind, taken, taken_prefixes, members in batches:
            if kind == batch_kind != "both" and not (paths & taken_prefixes or prefixes & taken):
                taken |= paths
                taken_prefixes |= prefixes
                members.append(position)
                break
        else:
            batches.append((kind, set(paths), prefixes, [position]))
    return [members for *_rest, members in batches]


class _ScopeIndex(Func):
    """Which of these disjoint scopes a row's `field` organisation lies in (0, 1, …; -1 for
    none): CASE WHEN path LIKE 'prefix%' THEN i … END, written out here because Django's
    When(Q) resolves a lookup for every scope — a pivot of 140 units spent most of its time
    building its SQL. Paths are treebeard's, [0-9A-Z] only: nothing to escape in LIKE."""

    output_field = IntegerField()

    def __init__(self, scopes: Sequence[ReportingScope], field: str) -> None:
        self.prefixes = [
            (column, index, path)
            for index, scope in enumerate(scopes)
            for column, paths in ((0, scope.org_paths), (1, scope.area_paths))
            for path in paths
        ]
        by_area = any(scope.area_paths for scope in scopes)
        super().__init__(
            F(f"{field}__path"), F(f"{field}__area__path" if by_area else f"{field}__path")
        )

    def as_sql(  # type: ignore[override]  # Func's extra arguments are not used here
        self, compiler: Any, connection: Any, *args: Any, **kwargs: Any
    ) -> tuple[str, tuple[Any, ...]]:
        columns = [compiler.compile(expression) for expression in self.get_source_expressions()]
        cases, params = [], []
        for column, index, prefix in self.prefixes:
            if not prefix.isalnum():
                raise ValueError(prefix)
            sql, column_params = columns[column]
            cases.append(f"WHEN {sql} LIKE %s THEN {int(index)}")
            params.extend([*column_params, f"{prefix}%"])
        if not cases:
            return "-1", ()
        return f"CASE {' '.join(cases)} ELSE -1 END", tuple(params)


def per_scope_rows(
    queryset: QuerySet[Any],
    scopes: Sequence[ReportingScope],
    field: str,
    *columns: str,
    **aggregates: Any,
) -> list[list[dict[str, Any]]]:
    """For each scope, the rows of `queryset` within it grouped by `columns` with `aggregates`.

    Disjoint scopes (a pivot's rows) take one GROUP BY on which scope the row's `field`
    organisation lies in; overlapping ones (a dissolved unit's old members count towards their
    successor too) go to further batches of disjoint scopes, a query each, so a record is never
    lost to the first scope that holds it.
    """
    narrowed = [type(s).__name__ for s in scopes if type(s).q is not ReportingScope.q]
    if narrowed:  # its own q() would be ignored here: the rows are placed by the paths alone
        raise TypeError(f"per_scope counts by paths only; filter {narrowed[0]} with its q().")
    found: list[list[dict[str, Any]]] = [[] for _ in scopes]
    batches = disjoint_batches(scopes)
    if len(batches) > 1:
        for batch in batches:
            rows = per_scope_rows(
                queryset, [scopes[i] for i in batch], field, *columns, **aggregates
            )
            for position, scope_rows in zip(batch, rows, strict=True):
                found[position] = scope_rows
        return found
    if not scopes:
        return []
    rows = (
        queryset.annotate(in_scope=_ScopeIndex(scopes, field))
        .filter(in_scope__gte=0)
        .values("in_scope", *columns)
        .annotate(**aggregates)
        .order_by()
    )
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
    found = per_scope_rows(queryset, scopes, field, **aggregates)
    empty = _empty_values(queryset, aggregates) if not all(found) else {}
    return [rows[0] if rows else dict(empty) for rows in found]


def _empty_values(queryset: QuerySet[Any], aggregates: dict[str, Any]) -> dict[str, Any]:
    """What `queryset.none().aggregate(**aggregates)` answers for the aggregates the figures
    use, read from the expressions themselves (Count's 0, an aggregate's default, Coalesce's
    fallback) instead of building a query Django then finds empty. Anything else — not an
    aggregate, a default that is an expression, a default inside another expression, an
    expression that cannot say — takes Django's way (and its errors)."""
    values: dict[str, Any] = {}
    for name, expression in aggregates.items():
        default = getattr(expression, "default", None)
        value: Any
        if not getattr(expression, "contains_aggregate", False) or any(
            isinstance(inner, Aggregate) and getattr(inner, "default", None) is not None
            for inner in list(expression.flatten())[1:]
        ):
            value = NotImplemented  # not an aggregate, or a default inside another expression
        elif default is None:
            value = expression.empty_result_set_value
        elif isinstance(default, Value):
            value = default.value
        elif isinstance(default, int | float | str | Decimal):
            value = default
        else:
            value = NotImplemented
        if value is NotImplemented:
            return queryset.none().aggregate(**aggregates)
        values[name] = value
    return values
