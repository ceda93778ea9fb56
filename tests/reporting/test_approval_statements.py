"""An approval writes the roll-ups of every ancestor in one statement per tree: the number of
statements does not grow with the depth of the unit. And a succession recorded or undone
through the services changes the figures read at once."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from danvan.lib import periods
from danvan.org import services as org_services
from danvan.org.models import Organization
from danvan.reporting import rollups, selectors, services
from danvan.reporting.models import Indicator
from tests.conftest import kind
from tests.reporting.test_services import submitted

S1 = periods.parse("2026S1")


def _approve_counted(submission, actor) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(statements, statements writing roll-up rows) of one approval, by a fresh copy of the
    actor (nothing cached from an earlier approval)."""
    actor = type(actor).objects.get(pk=actor.pk)
    with CaptureQueriesContext(connection) as captured:
        services.submission_approve(actor=actor, submission=submission)
    sql = [q["sql"] for q in captured.captured_queries]
    return len(sql), sum(q.startswith("INSERT INTO reporting_") and "rollup" in q[:40] for q in sql)


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
    # The report locked with its unit, who reviews it (the form's kinds, the reporting units
    # above, the actor's memberships), what blocks it (one query), the update and its history
    # row, two roll-up statements — and the savepoint pair of a test's nested transaction.
    assert shallow_count == 2 + 9
    assert shallow_rollups == deep_rollups == 2  # the organisation tree, the area tree
    meetings = Indicator.objects.get(code="MEETINGS")
    for ancestor in line:
        assert rollups.figure(meetings, ancestor, S1) == 4, ancestor.name
    assert rollups.figure(meetings, world.commission, S1) == 8
    assert rollups.figure(meetings, world.commune_a, S1) == 4
    assert rollups.figure(meetings, world.province, S1) == 8


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
