"""The bridge points' pages: the live totals (an htmx fragment), the full list of points with
its filters and Excel, and the points' forms: invite a whole level, add one point, confirm the
attendance, check the connection, edit, withdraw. Thin views over `services` and `selectors`.

Also what every meetings page shares (`views.py` imports it): the
meeting for its host's officers, and the small form pages that call a service and go back to
the meeting's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from danvan.accounts.models import User
from danvan.lib.errors import Conflict
from danvan.lib.web import (
    add_service_errors,
    current_user,
    paginate,
    query_without_page,
    xlsx_response,
)
from danvan.org.models import AreaLevel

from . import exports, selectors, services_points
from .forms import CheckForm, ConfirmForm, InviteForm, PointAddForm, PointEditForm, WithdrawForm
from .models import BridgePoint, CheckResult, Meeting, Status

# --- What the meetings pages share ----------------------------------------------------------


def detail_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meeting_detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def managed_meeting(request: HttpRequest, pk: int) -> tuple[User, Meeting]:
    """The meeting (404 outside the scope) for one of its host's officers (403 for others)."""
    user = current_user(request)
    meeting = selectors.get_meeting_for_user(user, pk)
    if not selectors.may_manage(user, meeting):
        raise PermissionDenied
    return user, meeting


def render_action(
    request: HttpRequest,
    meeting: Meeting,
    form: forms.Form,
    *,
    heading: str,
    submit: str,
    intro: str = "",
    confirm: str = "",
    danger: bool = False,
    anchor: str = "",
    back: str = "",
) -> HttpResponse:
    """The small page of one form of the meeting (GET, or a refused POST with its errors)."""
    return render(
        request,
        "meetings/action.html",
        {
            "meeting": meeting,
            "form": form,
            "heading": heading,
            "submit": submit,
            "intro": intro,
            "confirm": confirm,
            "danger": danger,
            "multipart": form.is_multipart(),
            "back": back or detail_url(meeting, anchor),
            "next": back,
        },
    )


def act(
    request: HttpRequest,
    meeting: Meeting,
    form: forms.Form,
    call: Callable[[dict[str, Any]], str],
    *,
    anchor: str = "",
    back: str = "",
    **page: Any,
) -> HttpResponse:
    """A POST calls the service with the form's data and goes back to the meeting's page (or
    `back`) with its message; refused input comes back on the form, a state that forbids it
    as a message."""
    if request.method == "POST" and form.is_valid():
        try:
            message = call(dict(form.cleaned_data))
        except Conflict as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect(back or detail_url(meeting, anchor))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(back or detail_url(meeting, anchor))
    return render_action(request, meeting, form, anchor=anchor, back=back, **page)


# --- The bridge points' pages ---------------------------------------------------------------

STATES: dict[str, dict[str, Any]] = {
    "confirmed": {"confirmed_at__isnull": False},
    "unconfirmed": {"confirmed_at__isnull": True},
    "failed": {"check_result": CheckResult.FAILED},
}
POINTS_PAGE = 50


def _back(request: HttpRequest, meeting: Meeting) -> str:
    """Back to the points' list the form was opened from (only there: no open redirect)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    own = reverse("meeting_points", args=[meeting.pk])
    return wanted if wanted.startswith(own) and "//" not in wanted else ""


def _point(request: HttpRequest, pk: int, point_pk: int) -> tuple[Any, Meeting, BridgePoint]:
    user = current_user(request)
    meeting = selectors.get_meeting_for_user(user, pk)
    point = selectors.get_point(meeting, point_pk)
    point.meeting = meeting
    return user, meeting, point


def _managed_point(
    request: HttpRequest, pk: int, point_pk: int
) -> tuple[Any, Meeting, BridgePoint]:
    user, meeting = managed_meeting(request, pk)
    point = selectors.get_point(meeting, point_pk)
    point.meeting = meeting
    return user, meeting, point


# --- The totals and the list ----------------------------------------------------------------


@login_required
def meeting_totals(request: HttpRequest, pk: int) -> HttpResponse:
    """The totals by level, refreshed every 20 s on the meeting's page while it is scheduled."""
    meeting = selectors.get_meeting_for_user(current_user(request), pk)
    return render(
        request,
        "meetings/_totals.html",
        {
            "meeting": meeting,
            "totals": selectors.totals(meeting),
            "live": meeting.is_online and meeting.status == Status.SCHEDULED,
        },
    )


@login_required
def point_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = selectors.get_meeting_for_user(user, pk)
    level = request.GET.get("level", "")
    state = request.GET.get("state", "")
    filters: dict[str, Any] = {
        "level": level if level in AreaLevel.values else "",
        "state": state if state in STATES else "",
        "q": " ".join(request.GET.get("q", "").split())[:100],
    }
    points = selectors.points_of(meeting)
    if filters["level"]:
        points = points.filter(level=filters["level"])
    if filters["state"]:
        points = points.filter(**STATES[filters["state"]])
    points = selectors.points_named(points, filters["q"])
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.points_xlsx(meeting, points), f"diem-cau-{meeting.pk}.xlsx")
    manager = selectors.may_manage(user, meeting)
    is_open = meeting.status != Status.CANCELLED
    page = paginate(request, points, per_page=POINTS_PAGE)
    for point in page.object_list:
        point.meeting = meeting  # the page's meeting: no query per point
        point.may_confirm = is_open and selectors.may_confirm_point(user, point)  # type: ignore[attr-defined]
    return render(
        request,
        "meetings/point_list.html",
        {
            "meeting": meeting,
            "page": page,
            "filters": filters,
            "filtered": any(filters.values()),
            "levels": AreaLevel.choices,
            "states": [
                ("confirmed", _("Confirmed")),
                ("unconfirmed", _("Not confirmed")),
                ("failed", _("Connection failed")),
            ],
            "query": query_without_page(request),
            "here": request.get_full_path(),
            "manage": manager and is_open,
        },
    )


# --- Invite and add -------------------------------------------------------------------------


@login_required
def points_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    form = InviteForm(request.POST or None)

    def call(data: dict[str, Any]) -> str:
        made = services_points.points_invite_level(actor=user, meeting=meeting, **data)
        return ngettext(
            "Invited %(count)s bridge point; its units are told.",
            "Invited %(count)s bridge points; their units are told.",
            len(made),
        ) % {"count": f"{len(made):,}".replace(",", ".")}

    return act(
        request, meeting, form, call, anchor="points",
        heading=_("Invite a whole level"), submit=_("Invite"),
        intro=_(
            "Every unit of the level in the host's tree becomes a bridge point, of the kind "
            "chosen or of every kind; units already invited are left as they are."
        ),
    )  # fmt: skip


@login_required
def point_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    form = PointAddForm(request.POST or None, units=selectors.point_units(user, meeting))

    def call(data: dict[str, Any]) -> str:
        point = services_points.point_add(actor=user, meeting=meeting, **data)
        return _("Invited %(unit)s as a bridge point.") % {"unit": point.organization.name}

    return act(
        request, meeting, form, call, anchor="points",
        heading=_("Add a bridge point"), submit=_("Add"),
    )  # fmt: skip


# --- A point's own officers: attendance and connection ------------------------------------


@login_required
def point_confirm(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    user, meeting, point = _point(request, pk, point_pk)
    if not selectors.may_confirm_point(user, point):
        raise PermissionDenied
    initial = {
        "attending": point.attending if point.confirmed_at else point.expected,
        "attendance_note": point.attendance_note, "expected": point.expected,
        "place": point.place, "chair": point.chair,
    }  # fmt: skip
    form = ConfirmForm(request.POST or None, initial=initial)

    def call(data: dict[str, Any]) -> str:
        services_points.point_confirm(actor=user, point=point, **data)
        return _("Attendance of %(unit)s confirmed.") % {"unit": point.organization.name}

    return act(
        request, meeting, form, call, anchor=f"point-{point.pk}", back=_back(request, meeting),
        heading=_("Confirm the attendance of %(unit)s") % {"unit": point.organization.name},
        submit=_("Confirm"),
    )  # fmt: skip


@login_required
def point_check(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    user, meeting, point = _point(request, pk, point_pk)
    if not selectors.may_confirm_point(user, point):
        raise PermissionDenied
    form = CheckForm(request.POST or None)

    def call(data: dict[str, Any]) -> str:
        services_points.point_check(actor=user, point=point, **data)
        return _("Connection check of %(unit)s recorded.") % {"unit": point.organization.name}

    return act(
        request, meeting, form, call, anchor=f"point-{point.pk}", back=_back(request, meeting),
        heading=_("Connection check of %(unit)s") % {"unit": point.organization.name},
        submit=_("Record the check"),
    )  # fmt: skip


# --- The host: edit and withdraw a point ----------------------------------------------------


@login_required
def point_edit(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    user, meeting, point = _managed_point(request, pk, point_pk)
    initial = {"place": point.place, "chair": point.chair, "expected": point.expected}
    form = PointEditForm(request.POST or None, initial=initial)

    def call(data: dict[str, Any]) -> str:
        services_points.point_update(actor=user, point=point, **data)
        return _("Bridge point %(unit)s saved.") % {"unit": point.organization.name}

    return act(
        request, meeting, form, call, anchor="points", back=_back(request, meeting),
        heading=_("Bridge point %(unit)s") % {"unit": point.organization.name},
        submit=_("Save"),
    )  # fmt: skip


@login_required
def point_withdraw(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    user, meeting, point = _managed_point(request, pk, point_pk)
    form = WithdrawForm(request.POST or None)

    def call(data: dict[str, Any]) -> str:
        services_points.point_withdraw(actor=user, point=point, reason=data["reason"])
        return _("Withdrawn: %(unit)s no longer joins; its officers are told.") % {
            "unit": point.organization.name
        }

    return act(
        request, meeting, form, call, anchor="points", back=_back(request, meeting),
        heading=_("Withdraw the bridge point %(unit)s") % {"unit": point.organization.name},
        submit=_("Withdraw"), danger=True,
        confirm=_("Withdraw this bridge point? Its officers are told; it is kept in the history."),
    )  # fmt: skip
