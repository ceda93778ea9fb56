"""`danvan reminders`: queue today's reminders of every app at once, by hand (`danvan scheduler`
queues them daily by itself)."""

from typing import Any

from django.core.management.base import BaseCommand

from danvan.lib import reminders


class Command(BaseCommand):
    help = "Queue today's reminders of every app that registered a daily job (lib.reminders)."

    def handle(self, *args: Any, **options: Any) -> None:
        for job in reminders.jobs():
            result = job.enqueue()
            self.stdout.write(f"{job.name}: queued ({result.status}).")
