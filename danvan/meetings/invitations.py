"""Telling units of their meetings: the invitation (with its .ics), a change or the cancelling
sent again, a withdrawn point, a conclusion assigned. Each goes to the officers of the units
concerned through `lib.notify` (the bell, and e-mail by each person's choice), after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from danvan.lib import notify
from danvan.org.selectors import member_emails_by_org

from . import ics
from .models import BridgePoint, Conclusion, Meeting


def _when(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    if start.date() == end.date():
        return f"{date_format(start, 'SHORT_DATE_FORMAT')} {start:%H:%M}–{end:%H:%M}"
    return (
        f"{date_format(start, 'SHORT_DATE_FORMAT')} {start:%H:%M} – "
        f"{date_format(end, 'SHORT_DATE_FORMAT')} {end:%H:%M}"
    )


def _addresses(org_ids: Iterable[int]) -> list[str]:
    found = member_emails_by_org(org_ids, settings.DANVAN_REMINDER_ROLES)
    return sorted({a for addresses in found.values() for a in addresses if a})


def _message(meeting: Meeting, subject: str, intro: str, org_ids: Iterable[int]) -> None:
    addresses = _addresses(org_ids)
    if not addresses:
        return
    lines = [
        intro,
        "",
        meeting.title,
        f"{_('Host unit')}: {meeting.host.name}",
        f"{_('Time')}: {_when(meeting)}",
        f"{_('Format')}: {meeting.get_format_display()}",
    ]
    if meeting.place:
        lines.append(f"{pgettext('venue', 'Place')}: {meeting.place}")
    if meeting.video_url:
        lines.append(f"{_('Video link')}: {meeting.video_url}")
    lines += [
        "",
        _("The meeting's page, to confirm your bridge point's attendance:"),
        ics.page_url(meeting),
    ]
    link = notify.Link(
        meeting.title, reverse("meeting_detail", args=[meeting.pk]), notify.key_of(meeting)
    )
    notify.deliver(
        [
            notify.Message(
                subject,
                "\n".join(lines) + "\n",
                addresses,
                "invitation",
                [link],
                [ics.invitation(meeting)],
            )
        ]
    )


def invite(meeting: Meeting, points: list[BridgePoint]) -> None:
    with override(settings.LANGUAGE_CODE):
        _message(
            meeting,
            _("Invitation: %(title)s") % {"title": meeting.title},
            _("Your unit is invited to join this meeting as a bridge point."),
            [p.organization_id for p in points if not p.is_host],
        )


def _everyone(meeting: Meeting) -> list[int]:
    return [
        *BridgePoint.objects.filter(
            meeting=meeting, withdrawn_at__isnull=True, is_host=False
        ).values_list("organization_id", flat=True)
    ]


def changed(meeting: Meeting) -> None:
    with override(settings.LANGUAGE_CODE):
        _message(
            meeting,
            _("Changed: %(title)s") % {"title": meeting.title},
            _("The time, place or link of this meeting changed; the new details are below."),
            _everyone(meeting),
        )


def cancelled(meeting: Meeting) -> None:
    with override(settings.LANGUAGE_CODE):
        _message(
            meeting,
            _("Cancelled: %(title)s") % {"title": meeting.title},
            _("This meeting is cancelled: %(reason)s") % {"reason": meeting.cancel_reason},
            _everyone(meeting),
        )


def withdrawn(point: BridgePoint) -> None:
    meeting = point.meeting
    with override(settings.LANGUAGE_CODE):
        addresses = _addresses([point.organization_id])
        if not addresses:
            return
        body = _("Your unit is no longer a bridge point of «%(title)s» (%(when)s).") % {
            "title": meeting.title,
            "when": _when(meeting),
        }
        notify.deliver(
            [
                notify.Message(
                    _("No longer a bridge point: %(title)s") % {"title": meeting.title},
                    body + "\n",
                    addresses,
                    "invitation",
                    [
                        notify.Link(
                            meeting.title,
                            reverse("meeting_detail", args=[meeting.pk]),
                            notify.key_of(meeting),
                        )
                    ],
                )
            ]
        )


def conclusion_assigned(conclusion: Conclusion) -> None:
    meeting = conclusion.meeting
    with override(settings.LANGUAGE_CODE):
        addresses = _addresses([conclusion.organization_id])
        if not addresses:
            return
        body = "\n".join(
            [
                _("A conclusion of «%(title)s» is your unit's task, due %(due)s:")
                % {
                    "title": meeting.title,
                    "due": date_format(conclusion.due_on, "SHORT_DATE_FORMAT"),
                },
                "",
                conclusion.text,
                "",
                ics.page_url(meeting),
            ]
        )
        notify.deliver(
            [
                notify.Message(
                    _("A task from a meeting: %(title)s") % {"title": meeting.title},
                    body + "\n",
                    addresses,
                    "reminder",
                    [
                        notify.Link(
                            conclusion.text[:200],
                            reverse("meeting_detail", args=[meeting.pk])
                            + f"#conclusion-{conclusion.pk}",
                            notify.key_of(conclusion),
                        )
                    ],
                )
            ]
        )
