"""Each unit's predecessors, kept precomputed: whose history counts towards a unit.

A unit's figures include its predecessors': an organisation whose `successor` (an area one of
whose `successors`) lies in the unit's subtree counts towards it, and so on back in time — a
unit whose successor lies in a predecessor's subtree counts too. Finding them is a walk, one
query per generation of predecessors; reading them for a national table must not walk. So the
services that record a succession (or move a unit in the tree) keep, in the same transaction,
one row per (unit, predecessor) in `OrganizationPredecessor` / `AreaPredecessor`, and the
roll-ups read those rows in one query.

Only the outermost predecessors are kept: a predecessor inside another one of the unit's
predecessors, or inside the unit's own subtree, is already counted and is not repeated. A unit
with no row has no predecessors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q


def prefixes(path: str, step: int) -> list[str]:
    return [path[:i] for i in range(step, len(path) + 1, step)]


def outermost(paths: Iterable[str], step: int) -> list[str]:
    """The paths not inside another of them: O(n × depth)."""
    kept: set[str] = set()
    for path in sorted(set(paths), key=len):
        if not any(prefix in kept for prefix in prefixes(path, step)):
            kept.add(path)
    return sorted(kept)


def _tables(model: Any) -> tuple[Any, str]:
    """The predecessor table of a tree model and the lookup from a node to its successors."""
    from .models import Area, AreaPredecessor, Organization, OrganizationPredecessor

    if model is Organization:
        return OrganizationPredecessor, "successor__path"
    if model is Area:
        return AreaPredecessor, "successors__path"
    raise TypeError(model)


def walk(
    model: Any, nodes: Sequence[Any], *, successor_path: str, step: int
) -> dict[int, list[tuple[int, str]]]:
    """For each node: (id, path) of its outermost predecessors, found by walking the successor
    links one generation per query. The definition the stored rows follow; written against
    the model passed in, so the data migration can run it on its historical models."""
    if not nodes:
        return {}
    members: dict[int, dict[str, int]] = {n.pk: {n.path: n.pk} for n in nodes}
    frontier: dict[str, set[int]] = defaultdict(set)  # path -> the nodes it counts towards
    for n in nodes:
        frontier[n.path].add(n.pk)
    for _generation in range(6):  # reforms chain a few times at most
        condition = Q(pk__in=[])
        for path in outermost(frontier, step):
            condition |= Q(**{f"{successor_path}__startswith": path})
        found: dict[str, set[int]] = defaultdict(set)
        for pk, path, succ in model.objects.filter(condition).values_list(
            "pk", "path", successor_path
        ):
            for prefix in prefixes(succ, step):
                for owner in frontier.get(prefix, ()):
                    if path not in members[owner]:
                        members[owner][path] = pk
                        found[path].add(owner)
        if not found:
            break
        frontier = found
    own = {n.pk: n.path for n in nodes}
    return {
        node_pk: [(paths[p], p) for p in outermost(paths, step) if p != own[node_pk]]
        for node_pk, paths in members.items()
    }


def _store(table: Any, walked: dict[int, list[tuple[int, str]]]) -> None:
    table.objects.filter(node_id__in=list(walked)).delete()
    table.objects.bulk_create(
        (
            table(node_id=node_pk, predecessor_id=pk)
            for node_pk, found in walked.items()
            for pk, _path in found
        ),
        batch_size=5_000,
    )


def fill(model: Any, table: Any, *, successor_path: str, step: int) -> None:
    """Recompute every stored row of one tree. Only the ancestors of a successor can have
    predecessors. Written against the models passed in, for the data migration too."""
    field = successor_path.removesuffix("__path")
    targets = model.objects.filter(**{f"{field}__isnull": False}).values_list(
        successor_path, flat=True
    )
    around = {prefix for path in targets for prefix in prefixes(path, step)}
    nodes = list(model.objects.filter(path__in=around).only("pk", "path"))
    table.objects.all().delete()
    _store(table, walk(model, nodes, successor_path=successor_path, step=step))


def refresh(model: Any, paths: Iterable[str], *, moved: str = "") -> None:
    """Recompute the stored predecessors of every unit a change at these paths can touch.

    Called, in the writing transaction, with the successor's path (old and new) when a
    succession is recorded or undone, and with the old and new parent's paths when a unit
    moves (`moved`: the moved unit's path now). A unit's predecessors change only if the
    changed place lies in its subtree or in one of its predecessors' subtrees: the unit is an
    ancestor of it, or has an ancestor of it among its stored predecessors.
    """
    table, successor_path = _tables(model)
    step: int = model.steplen
    around = {prefix for path in paths if path for prefix in prefixes(path, step)}
    if not around and not moved:
        return
    condition = Q(path__in=around) | Q(
        pk__in=table.objects.filter(predecessor__path__in=around).values("node_id")
    )
    if moved:
        condition |= Q(pk__in=table.objects.filter(node__path__startswith=moved).values("node_id"))
    nodes = list(model.objects.filter(condition).only("pk", "path"))
    _store(table, walk(model, nodes, successor_path=successor_path, step=step))


def rebuild(model: Any) -> None:
    """Recompute every stored row: after loading data in bulk, and as a repair tool."""
    table, successor_path = _tables(model)
    fill(model, table, successor_path=successor_path, step=model.steplen)


def roots(nodes: Sequence[Any]) -> dict[int, list[tuple[int, str]]]:
    """For each node: (id, path) of the subtrees whose figures are its own — its subtree and
    its outermost predecessors' — read from the stored rows in one query."""
    if not nodes:
        return {}
    table, _successor_path = _tables(type(nodes[0]))
    out: dict[int, list[tuple[int, str]]] = {n.pk: [(n.pk, n.path)] for n in nodes}
    for node_pk, pk, path in table.objects.filter(node_id__in=list(out)).values_list(
        "node_id", "predecessor_id", "predecessor__path"
    ):
        out[node_pk].append((pk, path))
    for n in nodes:
        # A predecessor that contains the unit itself (an ancestor whose successor lies below
        # it) already counts the unit's subtree: keep the outermost only, as the walk does.
        found = out[n.pk]
        if any(n.path.startswith(path) for _pk, path in found[1:]):
            out[n.pk] = found[1:]
    return out
