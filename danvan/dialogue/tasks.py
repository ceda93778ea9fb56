"""Background jobs of the dialogue app (django-tasks), queued daily by `danvan reminders`."""

from django_tasks import task

from . import privacy_jobs, reminders


@task()
def petition_reminders() -> int:
    """Reminders on petitions and dialogue commitments: due soon, overdue, escalated."""
    return reminders.send_petition_reminders() + reminders.send_commitment_reminders()


@task()
def daily_upkeep() -> int:
    """Close settled petitions left unconfirmed; erase personal data past its retention."""
    return privacy_jobs.run()
