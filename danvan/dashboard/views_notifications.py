"""The notifications page (the bell), opening and marking them read, and how to be told of each
kind. Thin: parse, call, render. A person sees and marks only their own (another's: 404)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from danvan.lib.web import add_service_errors, current_user, paginate, query_without_page

from . import selectors_notifications as selectors
from . import services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    unread_only = request.GET.get("show") == "unread"
    page = paginate(request, selectors.notifications_for(user, unread_only=unread_only))
    return render(
        request,
        "dashboard/notifications.html",
        {
            "page": page,
            "notifications": page.object_list,
            "unread_only": unread_only,
            "query": query_without_page(request),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; `?next=open` then goes to its page, htmx gets the row and the bell back."""
    user = current_user(request)
    notification = selectors.get_notification_for_user(user, pk)
    services.notification_mark_read(actor=user, notification=notification)
    if request.GET.get("next") == "open":
        return redirect(selectors.safe_url(notification, request.get_host()) or "notification_list")
    if getattr(request, "htmx", False):
        return render(
            request,
            "dashboard/notifications_row.html",
            {"n": notification, "oob_bell": True, "unread_count": selectors.unread_count(user)},
        )
    return redirect(_back_to_list(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=current_user(request))
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked read.",
                "%(count)d notifications marked read.",
                count,
            )
            % {"count": count},
        )
    return redirect(_back_to_list(request))


def _back_to_list(request: HttpRequest) -> str:
    url = reverse("notification_list")
    return url + "?show=unread" if request.POST.get("show") == "unread" else url


class PreferencesForm(forms.Form):
    """One choice of channel per kind of notification."""

    def __init__(self, *args: Any, preferences: list[selectors.KindPreference], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for preference in preferences:
            self.fields[preference.kind] = forms.ChoiceField(
                label=preference.label,
                choices=selectors.channel_choices(),
                initial=preference.channel,
            )


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = PreferencesForm(request.POST or None, preferences=selectors.preferences_of(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_set(actor=user, channels=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_settings")
    return render(request, "dashboard/notifications_settings.html", {"form": form})
