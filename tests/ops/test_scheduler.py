"""The daily scheduler: each registered job queued once a day, whoever else tries."""

from __future__ import annotations

import datetime
import signal

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from danvan.lib import reminders
from danvan.ops import scheduler
from danvan.ops.models import DailyRun, Heartbeat

IN_THE_DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_the_database")]


@pytest.fixture
def tasks_in_the_database():  # type: ignore[no-untyped-def]
    with override_settings(TASKS=IN_THE_DATABASE, DANVAN_DAILY_AT="06:00"):
        yield


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


TODAY = datetime.date(2026, 12, 4)
DAILY_JOBS = {
    "danvan.reporting.tasks.send_late_reminders",
    "danvan.programs.tasks.send_task_reminders",
    "danvan.oversight.tasks.send_recommendation_reminders",
    "danvan.situation.tasks.compute_alerts",
    "danvan.dialogue.tasks.petition_reminders",
    "danvan.dialogue.tasks.daily_upkeep",
    "danvan.meetings.tasks.meeting_reminders",
    "danvan.dashboard.notifications.daily_digest",
}


def test_every_app_registered_its_daily_job() -> None:
    assert {scheduler.job_name(job) for job in reminders.jobs()} == DAILY_JOBS


def test_nothing_is_queued_before_the_hour() -> None:
    assert scheduler.run_due(now=local(TODAY, 5, 59), scheduler="a") == []
    assert DailyRun.objects.count() == 0 and DBTaskResult.objects.count() == 0
    assert Heartbeat.objects.get(name="scheduler").detail == {"scheduler": "a", "queued": []}


def test_at_the_hour_each_job_is_queued_once_and_again_the_next_day() -> None:
    queued = scheduler.run_due(now=local(TODAY, 6, 0), scheduler="a")
    assert set(queued) == DAILY_JOBS
    assert DBTaskResult.objects.filter(status="READY").count() == len(DAILY_JOBS)
    assert scheduler.run_due(now=local(TODAY, 6, 1), scheduler="a") == []
    assert scheduler.run_due(now=local(TODAY, 23, 59), scheduler="b") == []
    assert DBTaskResult.objects.count() == len(DAILY_JOBS)
    assert set(scheduler.run_due(now=local(TODAY + datetime.timedelta(days=1), 6, 0))) == (
        DAILY_JOBS
    )
    assert set(DailyRun.objects.values_list("day", flat=True)) == {
        TODAY,
        TODAY + datetime.timedelta(days=1),
    }
    run = DailyRun.objects.get(job="danvan.reporting.tasks.send_late_reminders", day=TODAY)
    assert run.scheduler == "a" and DBTaskResult.objects.filter(id=run.task_id).exists()


def test_a_server_started_after_the_hour_catches_up_the_same_day() -> None:
    assert set(scheduler.run_due(now=local(TODAY, 14, 30))) == DAILY_JOBS


def test_a_job_another_scheduler_took_is_left_to_it() -> None:
    """The unique (job, day) row is the lock: an insert that loses queues nothing."""
    DailyRun.objects.create(job="danvan.reporting.tasks.send_late_reminders", day=TODAY)
    queued = scheduler.run_due(now=local(TODAY, 6), scheduler="b")
    assert "danvan.reporting.tasks.send_late_reminders" not in queued
    assert len(queued) == len(DAILY_JOBS) - 1


def test_the_lost_race_is_an_integrity_error_that_queues_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Both schedulers saw no row; the second insert meets the first one's row."""
    real_filter = DailyRun.objects.filter
    monkeypatch.setattr(
        DailyRun.objects,
        "filter",
        lambda **kw: real_filter(pk=-1),  # "nothing yet" for every job, as a racing scheduler sees
    )
    DailyRun.objects.create(job="danvan.meetings.tasks.meeting_reminders", day=TODAY)
    queued = scheduler.run_due(now=local(TODAY, 6), scheduler="b")
    assert "danvan.meetings.tasks.meeting_reminders" not in queued
    assert DBTaskResult.objects.count() == len(DAILY_JOBS) - 1


def test_the_command_runs_one_pass_and_says_so_in_the_log(caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with override_settings(DANVAN_DAILY_AT="00:00"), caplog.at_level("INFO", "danvan.scheduler"):
        call_command("scheduler", "--once")
    said = [r.getMessage() for r in caplog.records if r.name == "danvan.scheduler"]
    assert said[0].startswith("scheduler ") and said[0].endswith(": daily jobs at 00:00")
    assert (
        f"daily job danvan.reporting.tasks.send_late_reminders queued for {timezone.localdate()}"
        in said
    )
    assert capsys.readouterr().out == ""  # nothing beside the log: JSON logs stay one object a line
    assert DailyRun.objects.count() == len(DAILY_JOBS)
    # Its stop handlers are the command's own: the process that called it gets its back.
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == handlers


def test_a_pass_reads_the_days_runs_once(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    scheduler.run_due(now=local(TODAY, 6), scheduler="a")
    with django_assert_max_num_queries(2):  # today's runs, the heartbeat (nothing to queue)
        assert scheduler.run_due(now=local(TODAY, 7), scheduler="b") == []
