"""Background jobs of the situation app (django-tasks)."""

from django_tasks import task

from . import alerts


@task()
def compute_alerts() -> int:
    """The daily early-warning run: raise what the counts show, tell the leaders once."""
    return len(alerts.compute_alerts())
