"""Daily reminders on recommendations (queued by `danvan reminders` through tasks.py), like those
on programme tasks: before the due date and the day after it to the responsible organisation,
escalated to the lead's leaders after the escalation delay; each (recommendation, kind) once."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from danvan.lib import notify, reminders
from danvan.org.selectors import member_emails

from .models import Recommendation, RecommendationReminder


def answer_url(rec: Recommendation) -> str:
    """The recommendation on its oversight's page, its answer form open."""
    return reverse("oversight_detail", args=[rec.oversight_id]) + f"?answer={rec.pk}#rec-{rec.pk}"


@transaction.atomic
def send_recommendation_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail today's reminders on recommendations; returns how many e-mails were sent."""
    today = today or timezone.localdate()
    open_recs = Recommendation.objects.open().select_related("oversight", "responsible")

    def recipients(rec: Recommendation, kind: str) -> list[str]:
        if kind == "escalated":  # the lead's leaders
            return member_emails(rec.oversight.lead_id, settings.DANVAN_ESCALATION_ROLES)
        return member_emails(rec.responsible_id, settings.DANVAN_REMINDER_ROLES)

    return reminders.send_due_reminders(
        due=reminders.due_windows(open_recs, today),
        already=set(RecommendationReminder.objects.values_list("recommendation_id", "kind")),
        recipients=recipients,
        remember=lambda rec, kind: RecommendationReminder.objects.create(
            recommendation=rec, kind=kind
        ),
        templates="oversight/email",
        items_name="recommendations",
        today=today,
        link=lambda rec: notify.Link(str(rec), answer_url(rec), notify.key_of(rec)),
    )
