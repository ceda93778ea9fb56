"""The meetings' pages: the list, the form, the meeting's page (agenda, bridge points' totals,
the reader's own points, conclusions, history), cancelling, the minutes, the agenda items and
the conclusions. The bridge points' own pages are in `views_points.py`. Thin views: parse, call
a selector or a service, render.

The meeting's page stays fast with a nation's 3,321 bridge points: it reads the totals by level
in one query, the reader's own points and the first points only, never all of them."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.models import User
from danvan.documents.selectors import document_choices
from danvan.lib.errors import Conflict
from danvan.lib.history import HistoryEntry, history_for, history_for_many
from danvan.lib.web import (
    add_service_errors,
    attachment,
    current_user,
    paginate,
    query_without_page,
    xlsx_response,
    year_param,
)
from danvan.org.models import Organization
from danvan.org.selectors import organizations_user_may_edit
from danvan.programs.models import Program
from danvan.reporting.models import Form

from . import exports, selectors, services
from .forms import (
    AgendaItemForm,
    CancelForm,
    CheckForm,
    ConclusionForm,
    ConfirmForm,
    DoneForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    PointAddForm,
    ReasonForm,
)
from .models import AgendaItem, Conclusion, ConclusionStatus, Kind, Meeting, Status
from .views_points import act, detail_url, managed_meeting

PREVIEW_POINTS = 20  # the first points shown on the meeting's page; the rest on their own list
WHEN = ("upcoming", "past", "all")
MEETING_FIELDS = (
    "kind", "title", "starts_at", "ends_at", "format", "place", "video_url", "period", "program",
)  # fmt: skip


# --- The list -------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    now = timezone.now()
    when = request.GET.get("when", "")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    filters: dict[str, Any] = {
        "when": when if when in WHEN[:2] else "",
        "kind": kind if kind in Kind.values else "",
        "status": status if status in Status.values else "",
        "year": year_param(request),
        "q": " ".join(request.GET.get("q", "").split())[:100],
    }
    meetings = selectors.meetings_filtered(
        user, now=now, when=filters["when"], kind=filters["kind"], status=filters["status"],
        year=filters["year"], query=filters["q"],
    )  # fmt: skip
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.meetings_xlsx(meetings), "hoi-nghi.xlsx")
    this_year = timezone.localdate().year
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": paginate(request, meetings, per_page=30),
            "filters": filters,
            "filtered": any(filters.values()),
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "years": list(range(this_year + 1, this_year - 6, -1)),
            "query": query_without_page(request),
            "now": now,
            "can_create": organizations_user_may_edit(user).exists(),
        },
    )


# --- Create and edit ------------------------------------------------------------------------


def _meeting_form(request: HttpRequest, user: User, **kw: Any) -> MeetingForm:
    return MeetingForm(
        request.POST or None,
        hosts=organizations_user_may_edit(user),
        programs=Program.objects.visible_to(user).order_by("-pk"),
        report_forms=Form.objects.active().order_by("name"),
        documents=document_choices(user),
        **kw,
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hosts = organizations_user_may_edit(user)
    if not hosts.exists():
        raise PermissionDenied
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    start += datetime.timedelta(days=7)
    initial: dict[str, Any] = {
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=3, minutes=30),
    }
    if hosts.count() == 1:
        initial["host"] = hosts.first()
    if request.GET.get("kind") in Kind.values:
        initial["kind"] = request.GET["kind"]
    form = _meeting_form(request, user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=user, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


def _changed(meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    """Only what the officer changed goes to the service, so the history shows just that."""
    changed: dict[str, Any] = {}
    for key, value in data.items():
        if key in MeetingForm.M2M:
            if {r.pk for r in value} != set(getattr(meeting, key).values_list("pk", flat=True)):
                changed[key] = value
        elif getattr(meeting, key) != (value.strip() if isinstance(value, str) else value):
            changed[key] = value
    return changed


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    if meeting.status == Status.CANCELLED:
        messages.error(request, _("The meeting was cancelled."))
        return redirect(detail_url(meeting))
    initial: dict[str, Any] = {f: getattr(meeting, f) for f in MEETING_FIELDS}
    initial.update({key: list(getattr(meeting, key).all()) for key in MeetingForm.M2M})
    form = _meeting_form(request, user, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.service_values()
        reason = data.pop("reason", "")
        changed = _changed(meeting, data)
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return redirect(detail_url(meeting))
        try:
            services.meeting_update(actor=user, meeting=meeting, reason=reason, **changed)
        except Conflict as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect(detail_url(meeting))
        except ValidationError as exc:
            add_service_errors(form, exc)
            meeting.refresh_from_db()
        else:
            messages.success(request, _("Meeting saved."))
            return redirect(detail_url(meeting))
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


# --- The meeting's page ---------------------------------------------------------------------


def meeting_history(meeting: Meeting) -> list[HistoryEntry]:
    """The meeting's changes with its agenda items' and conclusions' (not the bridge points':
    each point's history is its own, on the points' list)."""
    items = AgendaItem.history.filter(meeting_id=meeting.pk).select_related("history_user")
    tasks = Conclusion.history.filter(meeting_id=meeting.pk).select_related("history_user")
    entries = [
        *history_for(meeting, limit=40),
        *history_for_many(AgendaItem, items, subject=lambda r: r.title, limit=40),
        *history_for_many(Conclusion, tasks, subject=lambda r: r.text[:60], limit=40),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:50]


def _conclusions(user: User, meeting: Meeting, manager: bool) -> list[Conclusion]:
    today = timezone.localdate()
    found = list(selectors.conclusions_of(meeting))
    for c in found:
        c.meeting = meeting  # the page's meeting: no query per conclusion
        is_open = c.status == ConclusionStatus.OPEN
        late = (today - c.due_on).days if is_open and c.due_on < today else 0
        c.late_days = late  # type: ignore[attr-defined]
        c.state = "late" if late else c.status  # type: ignore[attr-defined]
        c.may_close = is_open and selectors.may_close_conclusion(user, c)  # type: ignore[attr-defined]
        c.may_reopen = manager and not is_open  # type: ignore[attr-defined]
        c.may_cancel = manager and is_open  # type: ignore[attr-defined]
        if c.may_close:  # type: ignore[attr-defined]
            c.done_form = DoneForm(  # type: ignore[attr-defined]
                initial={"done_on": today}, auto_id=f"done{c.pk}_%s"
            )
    return found


def _report_links(meeting: Meeting, user: Any) -> list[dict[str, Any]]:
    """The forms presented, each linked to the host's consolidated report for the meeting's
    period — unless the host is outside the user's scope (a bridge point's commune officer),
    where that page would be 404: then the form's name alone."""
    forms = list(meeting.report_forms.order_by("name"))
    if not forms:
        return []
    host_visible = Organization.objects.visible_to(user).filter(pk=meeting.host_id).exists()
    base = reverse("report_consolidated")
    links = []
    for form in forms:
        query = f"?form={form.pk}&org={meeting.host_id}"
        if meeting.period:
            query += f"&period={meeting.period}"
        links.append({"form": form, "url": base + query if host_visible else ""})
    return links


def _download(meeting: Meeting, which: str) -> HttpResponseBase:
    """The minutes' file or an agenda item's file, for whoever sees the meeting."""
    if which == "minutes":
        return attachment(meeting.minutes_file)
    if which.startswith("item-") and which[5:].isdigit():
        item = meeting.items.filter(pk=int(which[5:]), deleted_at__isnull=True).first()
        return attachment(item.attachment if item else None)
    raise Http404


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    meeting = selectors.get_meeting_for_user(user, pk)
    if request.GET.get("file"):
        return _download(meeting, request.GET["file"])
    now = timezone.now()
    manager = selectors.may_manage(user, meeting)
    is_open = meeting.status != Status.CANCELLED
    preview = list(selectors.points_of(meeting)[:PREVIEW_POINTS]) if meeting.is_online else []
    mine = selectors.own_points(user, meeting, manager, preview) if meeting.is_online else []
    for point in [*preview, *mine]:
        point.meeting = meeting  # the page's meeting: no query per point
        point.may_confirm = is_open and selectors.may_confirm_point(user, point)  # type: ignore[attr-defined]
    for point in mine:
        if point.may_confirm:  # type: ignore[attr-defined]
            point.confirm_form = ConfirmForm(  # type: ignore[attr-defined]
                initial={
                    "attending": point.attending if point.confirmed_at else point.expected,
                    "attendance_note": point.attendance_note,
                    "expected": point.expected,
                    "place": point.place,
                    "chair": point.chair,
                },
                prefix_id=f"confirm{point.pk}",
            )
            point.check_form = CheckForm(prefix_id=f"check{point.pk}")  # type: ignore[attr-defined]
    manage = manager and is_open
    program = meeting.program
    context: dict[str, Any] = {
        "meeting": meeting,
        "now": now,
        "started": meeting.starts_at <= now,
        "manager": manager,
        "manage": manage,
        "program_visible": program is not None
        and Program.objects.visible_to(user).filter(pk=program.pk).exists(),
        "reports": _report_links(meeting, user),
        "documents": list(meeting.documents.order_by("-issued_on", "number")),
        "items": list(meeting.items.filter(deleted_at__isnull=True).prefetch_related("documents")),
        "totals": selectors.totals(meeting) if meeting.is_online else None,
        "live": meeting.is_online and meeting.status == Status.SCHEDULED,
        "preview": preview,
        "own": mine,
        "conclusions": _conclusions(user, meeting, manager),
        "today": timezone.localdate(),
        "history": meeting_history(meeting),
    }
    if manage:
        context["cancel_form"] = CancelForm() if meeting.status == Status.SCHEDULED else None
        context["conclusion_form"] = ConclusionForm(units=selectors.conclusion_units(meeting))
        if meeting.is_online:
            context["invite_form"] = InviteForm()
            context["point_form"] = PointAddForm(units=selectors.point_units(user, meeting))
    return render(request, "meetings/meeting_detail.html", context)


# --- Cancel and minutes ---------------------------------------------------------------------


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    form = CancelForm(request.POST or None)

    def call(data: dict[str, Any]) -> str:
        services.meeting_cancel(actor=user, meeting=meeting, reason=data["reason"])
        return _("Meeting cancelled; the invited units are told.")

    return act(
        request, meeting, form, call,
        heading=_("Cancel the meeting"), submit=_("Cancel the meeting"), danger=True,
        confirm=_("Cancel this meeting? The invited units are told, with the reason."),
    )  # fmt: skip


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    initial = {"minutes": meeting.minutes, "chair_conclusion": meeting.chair_conclusion}
    form = MinutesForm(request.POST or None, request.FILES or None, initial=initial)

    def call(data: dict[str, Any]) -> str:
        services.meeting_record_minutes(actor=user, meeting=meeting, **data)
        return _("Minutes recorded: the meeting is held.")

    return act(
        request, meeting, form, call, anchor="minutes",
        heading=_("Minutes of the meeting"), submit=_("Save the minutes"),
        intro=_("Recording the minutes marks the meeting as held."),
    )  # fmt: skip


# --- The agenda -----------------------------------------------------------------------------


def _item(meeting: Meeting, item_pk: int) -> AgendaItem:
    item = meeting.items.filter(pk=item_pk, deleted_at__isnull=True).first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


@login_required
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    form = AgendaItemForm(
        request.POST or None,
        request.FILES or None,
        documents=document_choices(user),
        initial={"starts_at": meeting.starts_at},
    )

    def call(data: dict[str, Any]) -> str:
        data["documents"] = list(data["documents"])
        services.agenda_item_add(actor=user, meeting=meeting, **data)
        return _("Agenda item added.")

    return act(
        request, meeting, form, call, anchor="agenda",
        heading=_("Add an agenda item"), submit=_("Add"),
    )  # fmt: skip


@login_required
def agenda_item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    item = _item(meeting, item_pk)
    initial = {
        "starts_at": item.starts_at, "title": item.title, "presenter": item.presenter,
        "documents": list(item.documents.all()),
    }  # fmt: skip
    form = AgendaItemForm(
        request.POST or None, request.FILES or None, documents=document_choices(user),
        initial=initial,
    )  # fmt: skip

    def call(data: dict[str, Any]) -> str:
        data["documents"] = list(data["documents"])
        services.agenda_item_update(actor=user, item=item, **data)
        return _("Agenda item saved.")

    return act(
        request, meeting, form, call, anchor="agenda",
        heading=_("Edit the agenda item"), submit=_("Save"),
    )  # fmt: skip


@login_required
@require_POST
def agenda_item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    item = _item(meeting, item_pk)

    def call(data: dict[str, Any]) -> str:
        services.agenda_item_remove(actor=user, item=item)
        return _("Agenda item removed; it stays in the history.")

    return act(
        request, meeting, forms.Form(request.POST), call, anchor="agenda",
        heading=_("Remove the agenda item"), submit=_("Remove"),
    )  # fmt: skip


# --- Conclusions ----------------------------------------------------------------------------


def conclusion_anchor(conclusion: Conclusion) -> str:
    return f"conclusion-{conclusion.pk}"


@login_required
def conclusion_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = managed_meeting(request, pk)
    form = ConclusionForm(request.POST or None, units=selectors.conclusion_units(meeting))
    made: list[Conclusion] = []

    def call(data: dict[str, Any]) -> str:
        made.append(services.conclusion_add(actor=user, meeting=meeting, **data))
        return _("Conclusion recorded; the unit is told.")

    response = act(
        request, meeting, form, call, anchor="conclusions",
        heading=_("Add a conclusion"), submit=_("Add"),
    )  # fmt: skip
    return redirect(detail_url(meeting, conclusion_anchor(made[0]))) if made else response


def _conclusion(request: HttpRequest, pk: int, c_pk: int) -> tuple[User, Meeting, Conclusion]:
    user = current_user(request)
    meeting = selectors.get_meeting_for_user(user, pk)
    conclusion = selectors.get_conclusion(meeting, c_pk)
    conclusion.meeting = meeting
    return user, meeting, conclusion


@login_required
def conclusion_done(request: HttpRequest, pk: int, c_pk: int) -> HttpResponse:
    user, meeting, conclusion = _conclusion(request, pk, c_pk)
    if not selectors.may_close_conclusion(user, conclusion):
        raise PermissionDenied
    form = DoneForm(request.POST or None, initial={"done_on": timezone.localdate()})

    def call(data: dict[str, Any]) -> str:
        services.conclusion_done(actor=user, conclusion=conclusion, **data)
        return _("The task is reported done.")

    return act(
        request, meeting, form, call, anchor=conclusion_anchor(conclusion),
        heading=_("Report the task done"), submit=_("Report done"), intro=conclusion.text,
    )  # fmt: skip


def _manage_conclusion(request: HttpRequest, pk: int, c_pk: int, reopen: bool) -> HttpResponse:
    user, meeting, conclusion = _conclusion(request, pk, c_pk)
    if not selectors.may_manage(user, meeting):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)

    def call(data: dict[str, Any]) -> str:
        if reopen:
            services.conclusion_reopen(actor=user, conclusion=conclusion, reason=data["reason"])
            return _("The task is open again.")
        services.conclusion_cancel(actor=user, conclusion=conclusion, reason=data["reason"])
        return _("The task is dropped.")

    return act(
        request, meeting, form, call, anchor=conclusion_anchor(conclusion),
        heading=_("Open the task again") if reopen else _("Drop the task"),
        submit=_("Open again") if reopen else _("Drop the task"), intro=conclusion.text,
        danger=not reopen,
        confirm="" if reopen else _("Drop this task? It is kept with the reason."),
    )  # fmt: skip


@login_required
def conclusion_reopen(request: HttpRequest, pk: int, c_pk: int) -> HttpResponse:
    return _manage_conclusion(request, pk, c_pk, reopen=True)


@login_required
def conclusion_cancel(request: HttpRequest, pk: int, c_pk: int) -> HttpResponse:
    return _manage_conclusion(request, pk, c_pk, reopen=False)
