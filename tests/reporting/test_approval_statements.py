"""An approval queues its report for the roll-ups in one row, and the worker's fold writes the
roll-ups of every ancestor in one statement per tree: neither grows with the depth of the
unit. And a succession recorded or undone through the services changes the figures read at
once."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from danvan.lib import periods
from danvan.org import services as org_services
from danvan.org.models import Organization
from danvan.reporting import rollups, selectors, services
from danvan.reporting.models import Indicator, PendingFold
from tests.conftest import kind
from tests.reporting.test_services import submitted

S1 = periods.parse("2026S1")


IN_THE_DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _counted(call) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(statements, statements writing roll-up rows) of one call."""
    with CaptureQueriesContext(connection) as captured:
        call()
    sql = [q["sql"] for q in captured.captured_queries]
    return len(sql), sum(q.startswith("INSERT INTO reporting_") and "rollup" in q[:40] for q in sql)


def _approve_counted(submission, actor) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The same, for one approval by a fresh copy of the actor (nothing cached from an earlier
    approval)."""
    actor = type(actor).objects.get(pk=actor.pk)
    return _counted(lambda: services.submission_approve(actor=actor, submission=submission))


@override_settings(TASKS=IN_THE_DATABASE)  # as in production: `danvan worker` folds
def test_an_approval_is_a_bounded_number_of_statements_whatever_the_depth(
    half_form, world, tinh
) -> None:
    shallow = submitted(half_form, world.front_b)  # depth 3
    parent: Organization = world.front_a
    line = [world.party_a, world.front_a]
    for level in range(4):
        parent = org_services.organization_create(
            actor=None, parent=parent, name=f"Chi hội {level}",
            kind=kind("fatherland_front"), area=world.commune_a,
        )  # fmt: skip
        line.append(parent)
    assert parent.depth == 7
    deep = submitted(half_form, parent)

    shallow_count, shallow_rollups = _approve_counted(shallow, tinh)
    deep_count, deep_rollups = _approve_counted(deep, tinh)

    assert deep_count == shallow_count
    # The report locked with its unit, who reviews it (read here, the units being written in
    # the test's own transaction: the form's kinds, the reporting units above, the reviewing
    # unit; once committed, it is kept: test_reporting_units_kept.py), the actor's memberships,
    # what blocks it (one query), the update and its history row, the report queued for the
    # worker's fold — and the savepoint pair of a test's nested transaction. No roll-up row is
    # written by the approval, and no job is queued for it.
    assert shallow_count == 2 + 9
    assert shallow_rollups == deep_rollups == 0
    assert PendingFold.objects.count() == 2
    meetings = Indicator.objects.get(code="MEETINGS")

    def read() -> list[object]:
        return [
            *(rollups.figure(meetings, ancestor, S1) for ancestor in line),
            rollups.figure(meetings, world.commission, S1),
            rollups.figure(meetings, world.commune_a, S1),
            rollups.figure(meetings, world.province, S1),
        ]

    expected = [4] * len(line) + [8, 4, 8]
    assert read() == expected  # read from the queue, not yet folded

    # The fold: whatever the depth and the number of reports, a statement per tree.
    fold_count, fold_rollups = _counted(rollups.fold_pending)
    assert fold_rollups == 2  # the organisation tree, the area tree
    # A batch: claim the queued reports, how deep they lie, the two upserts, the queue's rows
    # deleted; then a claim that finds none; each transaction a savepoint pair here.
    assert fold_count == 2 * 2 + 5 + 1
    assert PendingFold.objects.count() == 0
    assert read() == expected  # the same figures from the folded rows


def test_a_succession_recorded_then_undone_moves_the_figures(half_form, world, tinh) -> None:
    meetings = Indicator.objects.get(code="MEETINGS")
    services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_b))
    assert rollups.figure(meetings, world.front_a, S1) is None
    org_services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=datetime.date(2026, 7, 1),
        successor=world.front_a,
    )  # fmt: skip
    assert rollups.figure(meetings, world.front_a, S1) == 4
    assert rollups.figure(meetings, world.party_a, S1) == 4
    assert rollups.figure(meetings, world.commission, S1) == 4  # counted once, not twice
    table = rollups.figures([meetings], [world.front_a, world.party_b], S1)
    assert table == {(world.front_a.pk, meetings.pk): 4, (world.party_b.pk, meetings.pk): 4}
    org_services.organization_successor_set(actor=None, org=world.front_b, successor=None)
    assert rollups.figure(meetings, world.front_a, S1) is None
    assert rollups.figure(meetings, world.party_a, S1) is None
    assert rollups.figure(meetings, world.party_b, S1) == 4


def test_what_blocks_a_report_is_read_in_one_query(
    half_form, world, tinh, django_assert_num_queries
) -> None:
    """Approval goes downwards: the reports below awaiting review and the approved report
    above are found together, ancestors and descendants told apart by depth."""
    child = submitted(half_form, world.front_a)
    parent = submitted(half_form, world.party_a)
    parent.refresh_from_db()  # the organisation is read with the report, not counted here
    parent.organization  # noqa: B018
    with django_assert_num_queries(1):
        around = selectors.neighbours(parent)
    assert [s.organization.name for s in around.pending_below] == [
        "Ủy ban MTTQ Việt Nam xã Mường Xén"
    ]
    assert around.approved_above is None

    services.submission_approve(actor=tinh, submission=child)
    services.submission_approve(actor=tinh, submission=parent)
    with django_assert_num_queries(1):
        around = selectors.neighbours(child)
    assert around.pending_below == []
    assert around.approved_above is not None
    assert around.approved_above.organization.name == "Đảng ủy xã Mường Xén"
    assert selectors.neighbours(parent).approved_above is None  # nothing approved above it


def test_a_top_unit_has_nothing_above_and_asks_nothing(
    half_form, world, django_assert_num_queries
) -> None:
    top = submitted(half_form, world.commission)
    top.organization  # noqa: B018
    with django_assert_num_queries(0):
        assert selectors.neighbours(top, below=False) == selectors.Neighbours([], None)
