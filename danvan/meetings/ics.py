"""Meetings as iCalendar (RFC 5545), written with the `icalendar` library: the .ics sent with an
invitation (METHOD:REQUEST; METHOD:CANCEL when cancelled, SEQUENCE raised by each change sent
again) and a person's feed of their meetings (METHOD:PUBLISH). Times are written in UTC, which
every calendar program reads without a time-zone table; they show in the reader's own zone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Meeting, Status

PRODID = "-//danvan//meetings//VI"
MIMETYPE = "text/calendar"


def uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "danvan"
    return f"meeting-{meeting.pk}@{host}"


def page_url(meeting: Meeting) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("meeting_detail", args=[meeting.pk])


def _description(meeting: Meeting) -> str:
    lines = [
        f"{meeting.get_kind_display()} · {meeting.host.name}",
        f"{_('Format')}: {meeting.get_format_display()}",
    ]
    if meeting.video_url:
        lines.append(f"{_('Video link')}: {meeting.video_url}")
    if meeting.status == Status.CANCELLED and meeting.cancel_reason:
        lines.append(f"{_('Cancelled')}: {meeting.cancel_reason}")
    lines.append(page_url(meeting))
    return "\n".join(lines)


def event(meeting: Meeting, stamp: datetime.datetime | None = None) -> Event:
    ev = Event()
    ev.add("uid", uid(meeting))
    ev.add("dtstamp", (stamp or timezone.now()).astimezone(datetime.UTC))
    ev.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    ev.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    ev.add("summary", meeting.title)
    ev.add("sequence", meeting.sequence)
    location = meeting.place or meeting.video_url
    if location:
        ev.add("location", location)
    ev.add("description", _description(meeting))
    ev.add("url", page_url(meeting))
    ev.add("status", "CANCELLED" if meeting.status == Status.CANCELLED else "CONFIRMED")
    return ev


def calendar(meetings: Iterable[Meeting], method: str = "PUBLISH", name: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for meeting in meetings:
        cal.add_component(event(meeting, stamp))
    return bytes(cal.to_ical())


def invitation(meeting: Meeting) -> tuple[str, str, str]:
    """The attachment of an invitation or of its change or cancelling: (name, text, type)."""
    method = "CANCEL" if meeting.status == Status.CANCELLED else "REQUEST"
    text = calendar([meeting], method).decode()
    return (f"meeting-{meeting.pk}.ics", text, f"{MIMETYPE}; method={method}")
