"""The roll-up queue: an approval queues its report, `danvan worker`'s upkeep folds the queue into
the roll-up rows, and every figure counts a queued report the moment it is approved. Reopening takes a
queued report off the queue and subtracts a folded one. On PostgreSQL, two folds never fold a
report twice, and a reopening that meets a fold in progress waits for it, then subtracts.

Cast: the province's specialist (tinh) approves and reopens the Front's half-year report
(MEETINGS = 4); the worker folds."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import override_settings

from danvan.lib import periods, upkeep
from danvan.ops import health
from danvan.reporting import rebuild, rollups, services
from danvan.reporting.models import Indicator, OrgRollup, PendingFold
from tests.reporting.test_services import submitted

S1 = periods.parse("2026S1")
IN_THE_DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _meetings() -> Indicator:
    return Indicator.objects.get(code="MEETINGS")


def _folded(org) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    row = OrgRollup.objects.filter(indicator=_meetings(), organization=org, period="2026S1").first()
    return None if row is None else (row.total, row.count)


def test_without_a_worker_the_approval_folds_its_report_itself(half_form, world, tinh) -> None:
    """The embedded default runs jobs in the request (`make run`): nothing stays queued."""
    services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_a))
    assert not PendingFold.objects.exists()
    assert _folded(world.commission) == (4 * 10_000, 1)


@override_settings(TASKS=IN_THE_DATABASE)
def test_an_approval_queues_its_report_for_the_worker(half_form, world, tinh) -> None:
    from django_tasks_db.models import DBTaskResult

    report = services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_a))
    assert list(PendingFold.objects.values_list("pk", flat=True)) == [report.pk]
    assert not DBTaskResult.objects.exists()  # no job per approval: the worker's upkeep folds
    assert _folded(world.commission) is None  # no roll-up row written by the approval…
    assert rollups.figure(_meetings(), world.commission, S1) == 4  # …yet the figure counts it
    assert rollups.figure(_meetings(), world.province, S1) == 4  # and so does the area's

    assert rollups.fold_pending in upkeep.jobs()
    assert health.status()["upkeep_waiting"] == {"reports_to_fold": 1}  # what a monitor reads
    upkeep.run_once()  # what `danvan worker` does every half second
    assert not PendingFold.objects.exists()
    assert health.status()["upkeep_waiting"] == {"reports_to_fold": 0}
    assert rollups.fold_pending() == 0  # nothing left
    assert _folded(world.commission) == (4 * 10_000, 1)
    assert rollups.figure(_meetings(), world.commission, S1) == 4  # counted once, not twice


def test_an_upkeep_that_fails_is_logged_and_the_others_still_run(caplog, monkeypatch) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(upkeep, "_JOBS", [broken, lambda: ran.append("next")])
    upkeep.run_once()
    assert ran == ["next"]
    assert "upkeep" in caplog.text and "the database went away" in caplog.text


@override_settings(TASKS=IN_THE_DATABASE)
def test_reopening_a_queued_report_takes_it_off_the_queue(half_form, world, tinh) -> None:
    report = services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_a))
    services.submission_reopen(actor=tinh, submission=report, reason="Số liệu sai")
    assert not PendingFold.objects.exists()
    assert rollups.fold_pending() == 0
    assert _folded(world.commission) is None  # never added, nothing subtracted
    assert rollups.figure(_meetings(), world.commission, S1) is None


@override_settings(TASKS=IN_THE_DATABASE)
def test_reopening_a_folded_report_subtracts_it(half_form, world, tinh) -> None:
    report = services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_a))
    rollups.fold_pending()
    services.submission_reopen(actor=tinh, submission=report, reason="Số liệu sai")
    assert _folded(world.commission) == (0, 0)
    assert rollups.figure(_meetings(), world.commission, S1) is None


@override_settings(TASKS=IN_THE_DATABASE)
def test_an_extreme_of_a_queued_report_reopened_leaves_no_trace(half_form, world, tinh) -> None:
    """Reopening a folded report recomputes the extremes from the folded reports only: one
    still queued, reopened next, must not stay in the maximum."""
    Indicator.objects.filter(code="PLANNED").update(aggregation="max")
    planned = Indicator.objects.get(code="PLANNED")
    high = submitted(half_form, world.front_a, PLANNED="10")
    low = submitted(half_form, world.front_b, PLANNED="5", DONE="5")
    for report in (high, low):
        services.submission_approve(actor=tinh, submission=report)
    rollups.fold_pending()
    queued = services.submission_approve(
        actor=tinh, submission=submitted(half_form, world.party_b, PLANNED="100")
    )
    assert rollups.figure(planned, world.commission, S1) == 100  # queued, counted
    services.submission_reopen(actor=tinh, submission=high, reason="Số liệu sai")
    assert rollups.figure(planned, world.commission, S1) == 100
    services.submission_reopen(actor=tinh, submission=queued, reason="Số liệu sai")
    assert rollups.figure(planned, world.commission, S1) == 5
    rollups.fold_pending()
    assert rollups.figure(planned, world.commission, S1) == 5


@override_settings(TASKS=IN_THE_DATABASE)
def test_a_figure_reads_the_rows_and_the_queue_in_one_statement(
    half_form, world, tinh, django_assert_num_queries
) -> None:
    meetings = _meetings()
    rollups.figure(meetings, world.commission, S1)  # the predecessors' read, warmed
    with django_assert_num_queries(3) as empty:  # the roots, the queue's check, the rows
        assert rollups.figures([meetings], [world.commission], S1) == {
            (world.commission.pk, meetings.pk): None
        }
    assert "pendingfold" not in empty.captured_queries[-1]["sql"]  # an empty queue: not read
    services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_a))
    with django_assert_num_queries(3) as queued:  # the rows and the queue together
        assert rollups.figures([meetings], [world.commission], S1) == {
            (world.commission.pk, meetings.pk): 4
        }
    last = queued.captured_queries[-1]["sql"]
    assert "reporting_orgrollup" in last and "UNION ALL" in last and "pendingfold" in last


@override_settings(TASKS=IN_THE_DATABASE)
def test_a_long_queue_is_read_whole_without_naming_each_report(
    half_form, world, tinh, monkeypatch
) -> None:
    """Past QUEUE_LISTED queued reports (a stopped worker), the read joins the whole queue."""
    for unit in (world.front_a, world.front_b):
        services.submission_approve(actor=tinh, submission=submitted(half_form, unit))
    monkeypatch.setattr(rollups, "QUEUE_LISTED", 1)
    assert rollups.figure(_meetings(), world.commission, S1) == 8
    monkeypatch.setattr(rollups, "QUEUE_LISTED", 2)
    assert rollups.figure(_meetings(), world.commission, S1) == 8


@override_settings(TASKS=IN_THE_DATABASE)
def test_rebuilding_empties_the_queue(half_form, world, tinh) -> None:
    services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_a))
    rebuild.rollups()
    assert not PendingFold.objects.exists()
    assert _folded(world.commission) == (4 * 10_000, 1)
    assert rollups.figure(_meetings(), world.commission, S1) == 4


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgresql_only
@override_settings(TASKS=IN_THE_DATABASE)
def test_two_workers_folding_at_once_fold_each_report_once(half_form, world, tinh) -> None:
    for unit in (world.front_a, world.front_b, world.party_a, world.party_b):
        services.submission_approve(actor=tinh, submission=submitted(half_form, unit))
    barrier = threading.Barrier(2)
    folded: list[int] = []

    def fold() -> None:
        barrier.wait()
        try:
            folded.append(rollups.fold_pending(batch=1))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(folded) == 4
    assert _folded(world.commission) == (4 * 4 * 10_000, 4)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@postgresql_only
@override_settings(TASKS=IN_THE_DATABASE)
def test_a_reopening_during_a_fold_waits_for_it_then_subtracts(half_form, world, tinh) -> None:
    report = services.submission_approve(actor=tinh, submission=submitted(half_form, world.front_a))
    claimed = threading.Event()

    def slow_fold() -> None:
        try:
            with transaction.atomic():
                PendingFold.objects.select_for_update().get(pk=report.pk)  # the fold's claim
                claimed.set()
                time.sleep(0.5)  # the reopening arrives meanwhile
                assert rollups.fold_pending() == 1
        finally:
            connections.close_all()

    folding = threading.Thread(target=slow_fold)
    folding.start()
    assert claimed.wait(10)
    services.submission_reopen(actor=tinh, submission=report, reason="Số liệu sai")
    folding.join()
    assert not PendingFold.objects.exists()
    assert _folded(world.commission) == (0, 0)  # added by the fold, then taken away
    assert rollups.figure(_meetings(), world.commission, S1) is None
