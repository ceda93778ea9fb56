"""Background jobs of the programmes app (django-tasks)."""

from django_tasks import task

from . import services_tasks


@task()
def send_task_reminders() -> int:
    """The daily reminder run: due soon, the day after, and escalation to the lead agency."""
    return services_tasks.send_task_reminders()
