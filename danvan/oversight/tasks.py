"""Background jobs of the oversight app (django-tasks)."""

from django_tasks import task

from . import reminders


@task()
def send_recommendation_reminders() -> int:
    """The daily reminder run on recommendations: due soon, the day after, escalation."""
    return reminders.send_recommendation_reminders()
