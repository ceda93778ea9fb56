"""The calendar: a person's feed address to subscribe to in a calendar program, the feed itself
(no sign-in: the secret key in the address stands for it) and one meeting's .ics download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib.web import current_user

from . import ics, selectors, services_calendar
from .models import FeedKey

FEED_FILENAME = "danvan-meetings.ics"


def _feed_url(key: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("meetings_feed", args=[key])


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The address to subscribe to; a POST makes a new one, turning the old one off."""
    user = current_user(request)
    if request.method == "POST":
        services_calendar.feed_key_renew(user=user)
        messages.success(
            request,
            _(
                "Your calendar has a new address; the old one no longer works. Subscribe to the "
                "new one in your calendar programs."
            ),
        )
        return redirect("meetings_calendar")
    feed = services_calendar.feed_key_get_or_create(user=user)
    return render(
        request,
        "meetings/calendar.html",
        {
            "feed_url": _feed_url(feed.key),
            "feed_made": feed.created_at,
            "upcoming": selectors.upcoming_for_user(user, timezone.now()),
        },
    )


def feed(request: HttpRequest, key: str) -> HttpResponse:
    """A person's meetings as iCalendar, read by calendar programs every few hours."""
    found = FeedKey.objects.select_related("user").filter(key=key).first()
    if found is None or not found.user.is_active:
        raise Http404
    user = found.user
    name = _("danvan meetings · %(name)s") % {"name": user.get_full_name() or user.email}
    body = ics.calendar(selectors.feed_for_user(user, timezone.now()), "PUBLISH", name)
    response = HttpResponse(body, content_type=f"{ics.MIMETYPE}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{FEED_FILENAME}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting's .ics, to add it to one's calendar by hand."""
    meeting = selectors.get_meeting_for_user(current_user(request), pk)
    body = ics.calendar([meeting], "PUBLISH")
    response = HttpResponse(body, content_type=f"{ics.MIMETYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
