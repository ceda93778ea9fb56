"""What the running install remembers of itself: heartbeats and the daily jobs' runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last sign of life of a process kind ("worker", "scheduler") or event ("backup").

    One row per name, overwritten: /healthz reads how long ago each was.
    """

    name = models.CharField(_("name"), max_length=40, unique=True)
    at = models.DateTimeField(_("at"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class DailyRun(models.Model):
    """A daily job queued for a day: the unique row is the lock that makes it run once.

    Several schedulers (one per app server) may try; the one whose insert succeeds queues it.
    """

    job = models.CharField(_("job"), max_length=200)
    day = models.DateField(_("day"))
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    scheduler = models.CharField(_("scheduler"), max_length=100, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="ops_dailyrun_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
