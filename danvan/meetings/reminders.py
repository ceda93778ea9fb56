"""The meetings' daily reminders (queued by `danvan reminders` through tasks.py).

- The day before: each meeting scheduled to start tomorrow, to the officers of the host and of
  every bridge point's unit — the time, format, place, video link and page — one e-mail per
  person listing their meetings. Sent once per version of the meeting (`MeetingReminder`
  keeps its SEQUENCE): a meeting moved or changed after its reminder is reminded again.
- Follow-up tasks (conclusions) through `lib/reminders`, like programme tasks: due soon and
  overdue to the assigned unit's officers, escalated to the host's leaders; each (task, kind)
  once (`ConclusionReminder`).

Both read the officers of every unit concerned at once and record what they sent in bulk, so a
national review with thousands of bridge points is a handful of queries.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from danvan.lib import notify, reminders
from danvan.org.selectors import member_emails_by_org

from .models import (
    BridgePoint,
    Conclusion,
    ConclusionReminder,
    Meeting,
    MeetingReminder,
    Status,
)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def conclusion_url(conclusion: Conclusion) -> str:
    return reverse("meeting_detail", args=[conclusion.meeting_id]) + f"#conclusion-{conclusion.pk}"


def _meeting_link(meeting: Meeting) -> notify.Link:
    return notify.Link(
        meeting.title, reverse("meeting_detail", args=[meeting.pk]), notify.key_of(meeting)
    )


def send_meeting_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail the day-before reminders of tomorrow's meetings; returns how many were sent."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    tomorrow_only = {
        "starts_at__gte": _midnight(tomorrow),
        "starts_at__lt": _midnight(tomorrow + datetime.timedelta(days=1)),
    }
    with transaction.atomic(), override(settings.LANGUAGE_CODE):
        found = (
            Meeting.objects.filter(status=Status.SCHEDULED, **tomorrow_only)
            .select_related("host")
            .order_by("starts_at", "pk")
        )
        reminded = set(
            MeetingReminder.objects.filter(meeting__in=found).values_list("meeting_id", "sequence")
        )
        meetings = [m for m in found if (m.pk, m.sequence) not in reminded]
        units: dict[int, set[int]] = {m.pk: {m.host_id} for m in meetings}
        points = BridgePoint.objects.active().filter(meeting__in=[m.pk for m in meetings])
        for meeting_id, org_id in points.values_list("meeting_id", "organization_id"):
            units[meeting_id].add(org_id)
        officers = member_emails_by_org(
            {org for orgs in units.values() for org in orgs}, settings.DANVAN_REMINDER_ROLES
        )
        inbox: dict[str, list[Meeting]] = {}
        sent: list[MeetingReminder] = []
        for meeting in meetings:
            addresses = {a for org in units[meeting.pk] for a in officers.get(org, []) if a}
            if not addresses:
                continue  # reminded once the units have officers, if still before the day
            sent.append(MeetingReminder(meeting=meeting, sequence=meeting.sequence))
            for address in addresses:
                inbox.setdefault(address, []).append(meeting)
        messages = []
        for address, mine in sorted(inbox.items()):
            context = {"meetings": mine, "site_url": settings.SITE_URL, "tomorrow": tomorrow}
            messages.append(
                notify.Message(
                    render_to_string("meetings/email/day_before_subject.txt", context).strip(),
                    render_to_string("meetings/email/day_before.txt", context),
                    [address],
                    "invitation",
                    [_meeting_link(meeting) for meeting in mine],
                )
            )
        MeetingReminder.objects.bulk_create(sent, ignore_conflicts=True, batch_size=1000)
        notify.deliver(messages)
    return len(messages)


def send_conclusion_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail today's reminders on follow-up tasks; returns how many e-mails were sent."""
    today = today or timezone.localdate()
    open_tasks = (
        Conclusion.objects.open()
        .exclude(meeting__status=Status.CANCELLED)
        .select_related("meeting__host", "organization")
    )
    with transaction.atomic(), override(settings.LANGUAGE_CODE):
        windows = [(kind, list(found)) for kind, found in reminders.due_windows(open_tasks, today)]
        assigned = {c.organization_id for _kind, found in windows for c in found}
        hosts = {c.meeting.host_id for _kind, found in windows for c in found}
        officers = member_emails_by_org(assigned, settings.DANVAN_REMINDER_ROLES)
        leaders = member_emails_by_org(hosts, settings.DANVAN_ESCALATION_ROLES)

        def recipients(conclusion: Conclusion, kind: str) -> list[str]:
            if kind == "escalated":
                return leaders.get(conclusion.meeting.host_id, [])
            return officers.get(conclusion.organization_id, [])

        already = set(
            ConclusionReminder.objects.filter(conclusion__in=open_tasks).values_list(
                "conclusion_id", "kind"
            )
        )
        sent: list[ConclusionReminder] = []
        count = reminders.send_due_reminders(
            due=windows,
            already=already,
            recipients=recipients,
            remember=lambda c, kind: sent.append(ConclusionReminder(conclusion=c, kind=kind)),
            templates="meetings/email",
            items_name="conclusions",
            today=today,
            link=lambda c: notify.Link(str(c), conclusion_url(c), notify.key_of(c)),
        )
        ConclusionReminder.objects.bulk_create(sent, ignore_conflicts=True, batch_size=1000)
    return count
