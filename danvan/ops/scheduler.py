"""The built-in daily scheduler: each registered daily job is queued once a day, no cron.

Every app registers its daily job in its AppConfig.ready() (`danvan.lib.reminders.register`:
reminders, late reports, alerts, retention). At DANVAN_DAILY_AT (local time) or at the first
pass after it, `run_due` queues each job that has no `DailyRun` row for today. The row's
unique (job, day) is the lock: when several schedulers run (one per app server), the one whose
insert succeeds queues the job, the others see the conflict and leave it.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from danvan.lib import reminders

from . import heartbeat
from .models import DailyRun

logger = logging.getLogger("danvan.scheduler")


def daily_at() -> datetime.time:
    """DANVAN_DAILY_AT, "HH:MM" in the site's time zone."""
    return datetime.time.fromisoformat(settings.DANVAN_DAILY_AT)


def job_name(job: object) -> str:
    return str(getattr(job, "module_path", job))


def run_due(*, now: datetime.datetime, scheduler: str = "") -> list[str]:
    """Queue today's daily jobs not yet queued by anyone; return the names this pass queued."""
    local = timezone.localtime(now)
    queued: list[str] = []
    if local.time() >= daily_at():
        done = set(DailyRun.objects.filter(day=local.date()).values_list("job", flat=True))
        for job in reminders.jobs():
            name = job_name(job)
            if name in done:
                continue
            try:
                with transaction.atomic():
                    run = DailyRun.objects.create(job=name, day=local.date(), scheduler=scheduler)
                    result = job.enqueue()
                    run.task_id = str(result.id)[:64]
                    run.save(update_fields=["task_id"])
            except IntegrityError:
                logger.info(
                    "daily job %s already queued for %s by another scheduler", name, local.date()
                )
                continue
            logger.info("daily job %s queued for %s", name, local.date())
            queued.append(name)
    heartbeat.beat("scheduler", {"scheduler": scheduler, "queued": queued})
    return queued
