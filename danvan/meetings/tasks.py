"""Background jobs of the meetings app (django-tasks), queued daily by `danvan reminders`."""

from django_tasks import task

from . import reminders


@task()
def meeting_reminders() -> int:
    """The day-before reminders of meetings, and the reminders on their follow-up tasks."""
    return reminders.send_meeting_reminders() + reminders.send_conclusion_reminders()
