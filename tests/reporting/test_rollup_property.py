"""Property: for random trees, successor links, reports and review orders, the live roll-up equals
a brute-force aggregation of the approved figures, for every aggregation, across period
containment (a year from its halves, or from yearly reports where there are any) and across
successor links — with the approvals queued as in production and folded at random moments, so
a figure is read from folded rows, queued reports, or both."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.lib import periods
from danvan.org import lineage
from danvan.org.models import Organization
from danvan.reporting import definitions, rebuild, rollups, services
from danvan.reporting.models import (
    Aggregation,
    AreaRollup,
    Form,
    Indicator,
    OrgRollup,
    PendingFold,
    Submission,
    SubmissionStatus,
    Value,
)
from tests.conftest import kind

AGGREGATIONS = [a for a in Aggregation.values if a != Aggregation.NONE]
PERIODS = ["2025S1", "2025S2", "2025"]  # the yearly form reports "2025"


@pytest.fixture
def setup(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    indicators = [
        definitions.indicator_create(actor=None, code=f"I_{a.upper()}", name=a, aggregation=a)
        for a in AGGREGATIONS
    ]
    codes = [i.code for i in indicators]
    half = definitions.form_create(
        actor=None,
        code="h",
        name="h",
        periodicity="half",
        sections=[{"title": "x", "indicators": codes}],
    )
    year = definitions.form_create(
        actor=None,
        code="y",
        name="y",
        periodicity="year",
        sections=[{"title": "x", "indicators": codes}],
    )
    return {"indicators": indicators, "half": half, "year": year, "world": world}


@st.composite
def histories(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(min_value=2, max_value=7))
    parents = [-1] + [draw(st.integers(min_value=-1, max_value=i - 1)) for i in range(1, n)]
    successors = [
        draw(st.one_of(st.none(), st.integers(min_value=i + 1, max_value=n - 1)))
        if i < n - 1
        else None
        for i in range(n)
    ]
    areas = [draw(st.sampled_from(["a", "b", "province"])) for _ in range(n)]
    reports = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=n - 1),
                st.sampled_from(PERIODS),
                st.lists(
                    st.decimals(min_value=0, max_value=1000, places=2), min_size=5, max_size=5
                ),
            ),
            max_size=10,
            unique_by=lambda r: (r[0], r[1]),
        )
    )
    actions = draw(
        st.lists(
            st.tuples(st.sampled_from(["approve", "reopen", "fold"]), st.integers(0, 20)),
            max_size=25,
        )
    )
    return {
        "parents": parents,
        "successors": successors,
        "areas": areas,
        "reports": reports,
        "actions": actions,
    }


def _subtree(orgs: list[Organization], root: Organization) -> set[int]:
    return {o.pk for o in orgs if o.path.startswith(root.path)}


def _members(orgs: list[Organization], node: Organization) -> set[int]:
    """The node's subtree and, back in time, every predecessor's subtree."""
    members = _subtree(orgs, node)
    changed = True
    while changed:
        changed = False
        for o in orgs:
            if o.successor_id in members and o.pk not in members:
                members |= _subtree(orgs, o)
                changed = True
    return members


def brute(aggregation: str, figures: list[tuple[str, Decimal | None]]) -> Decimal | None:
    if not figures:
        return None
    ranks = {code: periods._RANK[periods.parse(code).type] for code, _v in figures}
    coarsest = min(ranks.values())
    chosen = [(c, v) for c, v in figures if ranks[c] == coarsest]
    values = [v or Decimal(0) for _c, v in chosen]
    if aggregation == Aggregation.SUM:
        return sum(values, Decimal(0))
    if aggregation == Aggregation.AVERAGE:
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.0001"))
    if aggregation == Aggregation.MIN:
        return min(values)
    if aggregation == Aggregation.MAX:
        return max(values)
    latest = max((periods.parse(c) for c, _v in chosen))
    return sum((v or Decimal(0) for c, v in chosen if c == latest.code), Decimal(0))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_live_rollup_equals_brute_force(setup: dict[str, Any], history: dict[str, Any]) -> None:
    world = setup["world"]
    area_of = {"a": world.commune_a, "b": world.commune_b, "province": world.province}
    indicators: list[Indicator] = setup["indicators"]
    with transaction.atomic():
        orgs: list[Organization] = []
        for i, parent in enumerate(history["parents"]):
            fields = {
                "name": f"Unit {i}",
                "kind": kind("party_committee"),
                "area": area_of[history["areas"][i]],
            }
            new = Organization(**fields)
            node = (
                Organization.objects.add_root(instance=new)
                if parent < 0
                else Organization.objects.add_child(
                    Organization.objects.get(pk=orgs[parent].pk), instance=new
                )
            )
            orgs.append(node)
        for i, successor in enumerate(history["successors"]):
            if successor is not None:
                Organization.objects.filter(pk=orgs[i].pk).update(successor=orgs[successor])
        # Links written behind the services' back (any graph, cycles and all): recompute the
        # precomputed predecessors as a bulk load would.
        lineage.rebuild(Organization)
        orgs = list(Organization.objects.filter(pk__in=[o.pk for o in orgs]))
        by_index = {o.name: o for o in orgs}
        submissions = []
        for index, code, numbers in history["reports"]:
            form: Form = setup["year"] if code == "2025" else setup["half"]
            submission = Submission.objects.create(
                form=form,
                organization=by_index[f"Unit {index}"],
                period=code,
                status=SubmissionStatus.SUBMITTED,
            )
            Value.objects.bulk_create(
                Value(submission=submission, indicator=ind, number=number)
                for ind, number in zip(indicators, numbers, strict=True)
            )
            submissions.append(submission)
        for action, index in history["actions"]:
            if not submissions:
                break
            submission = submissions[index % len(submissions)]
            try:
                if action == "fold":
                    rollups.fold_pending(batch=2)  # small batches: several a fold
                elif action == "approve":
                    services.submission_approve(actor=None, submission=submission)
                else:
                    services.submission_reopen(actor=None, submission=submission, reason="r")
                    Submission.objects.filter(pk=submission.pk).update(
                        status=SubmissionStatus.SUBMITTED
                    )
            except ValidationError:
                pass  # refused in this order (a child pending, a parent approved): nothing changes

        approved = [
            (s.organization_id, s.period, v.indicator_id, v.number)
            for s in Submission.objects.filter(
                pk__in=[s.pk for s in submissions], status=SubmissionStatus.APPROVED
            )
            for v in Value.objects.filter(submission=s)
        ]
        area_nodes = [world.province, world.commune_a, world.commune_b]

        def check() -> None:
            for code in PERIODS:
                period = periods.parse(code)
                live = rollups.figures(indicators, orgs, period)
                for node in orgs:
                    members = _members(orgs, node)
                    for ind in indicators:
                        expected = brute(
                            ind.aggregation,
                            [
                                (p, n)
                                for org, p, i, n in approved
                                if org in members
                                and i == ind.pk
                                and period.contains(periods.parse(p))
                            ],
                        )
                        assert live[(node.pk, ind.pk)] == expected, (node.name, ind.code, code)
                live_areas = rollups.figures(indicators, area_nodes, period)
                located = {o.pk: o.area for o in orgs}
                for area in area_nodes:
                    for ind in indicators:
                        expected = brute(
                            ind.aggregation,
                            [
                                (p, n)
                                for org, p, i, n in approved
                                if located[org].path.startswith(area.path)
                                and i == ind.pk
                                and period.contains(periods.parse(p))
                            ],
                        )
                        assert live_areas[(area.pk, ind.pk)] == expected, (
                            area.name,
                            ind.code,
                            code,
                        )

        check()  # as the actions left it: some reports folded, some queued
        rollups.fold_pending()
        assert not PendingFold.objects.exists()
        check()  # every report folded

        # Rebuilding from the approved reports gives the same rows as the live upkeep.
        def rows() -> set[tuple[Any, ...]]:
            return {
                r
                for model in (OrgRollup, AreaRollup)
                for r in model.objects.filter(count__gt=0).values_list(
                    "indicator_id", "period", "total", "count", "min_value", "max_value"
                )
            } | {
                ("org", *r)
                for r in OrgRollup.objects.filter(count__gt=0).values_list(
                    "organization_id", "indicator_id", "period", "total", "count"
                )
            }

        live_rows = rows()
        rebuild.rollups()
        assert rows() == live_rows
        transaction.set_rollback(True)
