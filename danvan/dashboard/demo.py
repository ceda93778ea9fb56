"""The dashboard's part of the demo: the morning's reminders, as the daily job would send them.

The demo users chose how to be told: reminders and report notices in the daily digest, alerts
by e-mail at once (leaders want those now). Then the day's reminder jobs run once, so each demo
account opens danvan to a bell with what the jobs found — xa's recommendation due in five days,
the late half-year report, tinh's reports waiting for review — and nobody's inbox is flooded.
"""

from __future__ import annotations

from typing import TextIO

from danvan.accounts.models import User
from danvan.dialogue import tasks as dialogue_tasks
from danvan.meetings import tasks as meetings_tasks
from danvan.oversight import tasks as oversight_tasks
from danvan.programs import tasks as programs_tasks
from danvan.reporting import tasks as reporting_tasks

from .models import Channel, Notification, Preference

DEMO_DOMAIN = "@demo.danvan.vn"
CHOICES = {"reminder": Channel.DIGEST, "report": Channel.DIGEST, "alert": Channel.EMAIL}


def reset() -> None:
    Notification.objects.filter(user__email__endswith=DEMO_DOMAIN).delete()
    Preference.objects.filter(user__email__endswith=DEMO_DOMAIN).delete()


def load(out: TextIO) -> None:
    users = list(User.objects.filter(email__endswith=DEMO_DOMAIN))
    Preference.objects.bulk_create(
        [Preference(user=u, kind=kind, channel=ch) for u in users for kind, ch in CHOICES.items()],
        ignore_conflicts=True,
    )
    sent = sum(
        job.call()
        for job in (
            programs_tasks.send_task_reminders,
            oversight_tasks.send_recommendation_reminders,
            reporting_tasks.send_late_reminders,
            dialogue_tasks.petition_reminders,
            meetings_tasks.meeting_reminders,
        )
    )
    out.write(f"  the morning's reminders: {sent} messages, in the bell of their recipients\n")
