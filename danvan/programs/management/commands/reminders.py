"""`danvan reminders`: queue today's programme task reminders (run it daily, e.g. from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from danvan.programs.tasks import send_task_reminders


class Command(BaseCommand):
    help = "Queue today's task reminders (due soon, overdue, escalation)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_task_reminders.enqueue()
        self.stdout.write(f"Reminders queued ({result.status}).")
