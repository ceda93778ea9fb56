"""Pages of the people's situation: the hot-spots board, notes, alerts, an area. Thin views."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.accounts.models import User
from danvan.documents.selectors import document_choices
from danvan.lib import excel, periods
from danvan.lib.uploads import max_bytes
from danvan.lib.web import (
    add_service_errors,
    current_user,
    int_param,
    paginate,
    query_without_page,
    xlsx_response,
)
from danvan.org.models import Area, AreaLevel, Organization
from danvan.org.selectors import (
    get_area_for_user,
    get_organization_for_user,
    organizations_user_may_edit,
)
from danvan.oversight.models import Oversight
from danvan.programs.models import Program

from . import exports, privacy, selectors, services
from .alerts import explain
from .board import (
    Row,
    area_table,
    counts_by,
    default_scope,
    map_features,
    open_hot_spots,
)
from .forms import (
    NoteForm,
    NotesImportForm,
)
from .models import Level, Note, NoteStatus, Topic

if TYPE_CHECKING:
    from django.db.models import QuerySet

ALERTS_ON_BOARD = 10
HOT_SPOTS_ON_BOARD = 30
CHART_MONTHS = 24
TEXT_FIELDS = ("summary", "details", "actions")
LINK_FIELDS = ("programs", "oversights", "documents")


# --- Shared pieces --------------------------------------------------------------------------


def _period_choices(today: datetime.date) -> list[tuple[str, list[periods.Period]]]:
    """The last 12 months, 4 quarters, 2 halves and 2 years, for the period selects."""

    def last(kind: periods.PeriodType, n: int) -> list[periods.Period]:
        found = [periods.from_date(today, kind)]
        while len(found) < n:
            found.append(found[-1].previous())
        return found

    return [
        (_("Months"), last(periods.PeriodType.MONTH, 12)),
        (_("Quarters"), last(periods.PeriodType.QUARTER, 4)),
        (_("Half years"), last(periods.PeriodType.HALF, 2)),
        (_("Years"), last(periods.PeriodType.YEAR, 2)),
    ]


def _period(request: HttpRequest, today: datetime.date, *, default: bool = True) -> dict[str, Any]:
    """`?period=` (a period code): the period, its error and the select's choices."""
    code = request.GET.get("period", "").strip()[:20]
    error = ""
    period: periods.Period | None = None
    if code:
        try:
            period = periods.parse(code)
        except periods.PeriodError as exc:
            error = str(exc)
        else:
            if period.type == periods.PeriodType.TERM:
                error, period = _("Choose a month, quarter, half year or year."), None
    if period is None and default:
        period = periods.from_date(today, periods.PeriodType.MONTH)
    choices = _period_choices(today)
    if period is not None and not any(period in group for _label, group in choices):
        choices.append((_("Chosen"), [period]))
    return {"period": period, "period_error": error, "period_choices": choices}


def _area_param(request: HttpRequest, user: User) -> Area | None:
    """`?area=<id>`: an area the user sees (404 for one outside the scope)."""
    area_id = int_param(request, "area")
    return get_area_for_user(user, area_id) if area_id is not None else None


def _topic_param(request: HttpRequest) -> Topic | None:
    topic_id = int_param(request, "topic")
    return selectors.topics(active_only=False).filter(pk=topic_id).first() if topic_id else None


def _privacy_refused(exc: ValidationError, *texts: Any) -> bool:
    """Whether the service refused text that seems to name a person (so the page offers the
    confirmation box)."""
    if privacy.refused_for_a_person(exc):
        return True
    return any(privacy.find_personal_data(str(text or "")) for text in texts)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _spark_points(values: list[int], width: int = 96, height: int = 24) -> str:
    """A trend as the points of an SVG polyline, drawn here so the table needs no script."""
    if not values:
        return ""
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - value / top * (height - 4):.1f}"
        for i, value in enumerate(values)
    )


# --- The board ------------------------------------------------------------------------------


def _own_row(
    user: User, scope: Area | None, period: periods.Period, rows: list[Row], groups: list[Topic]
) -> Row | None:
    """The notes filed on the scope itself (a commune's own notes when the rows are its
    villages), which no row below it holds: a first row, so the table adds up."""
    if scope is None:
        return None
    ids = {g.code: g.pk for g in groups}
    counts: dict[int, int] = {}
    for found in counts_by(user, scope=scope, period=period, by="topic"):
        pk = ids.get(found["key"])
        rest = found["count"] - sum(row.counts.get(pk, 0) for row in rows) if pk else 0
        if pk and rest > 0:
            counts[pk] = rest
    if not counts:
        return None
    label = _("%(area)s as a whole") % {"area": scope.name}
    return Row(key=scope.pk, label=label, counts=counts, total=sum(counts.values()))


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Hot spots by area and topic for a scope and a period, with the live alerts and a map."""
    user = current_user(request)
    today = timezone.localdate()
    scope = _area_param(request, user) or default_scope(user)
    chosen = _period(request, today)
    period: periods.Period = chosen["period"]
    all_groups = list(selectors.topic_groups())
    child_rows = area_table(user, scope=scope, period=period, today=today)
    own = _own_row(user, scope, period, child_rows, all_groups)
    rows = [own, *child_rows] if own is not None else child_rows
    groups = [g for g in all_groups if any(g.pk in row.counts for row in rows)]
    levels = dict(Area.objects.filter(pk__in=[row.key for row in rows]).values_list("pk", "level"))
    for row in rows:
        row.cells = [row.counts.get(g.pk, 0) for g in groups]  # type: ignore[attr-defined]
        row.spark = _spark_points(row.trend)  # type: ignore[attr-defined]
        row.drill = row is not own and levels.get(row.key) != AreaLevel.VILLAGE  # type: ignore[attr-defined]
    live = selectors.alerts_for_user(user, status="live", area=scope)
    shown_alerts = list(live[:ALERTS_ON_BOARD])
    for alert in shown_alerts:
        alert.sentence = explain(alert)  # type: ignore[attr-defined]
    hot_spots = open_hot_spots(user, scope=scope)
    parent = None
    if scope is not None and scope.depth > 1:
        parent = Area.objects.visible_to(user).filter(path=scope.path[: -Area.steplen]).first()
    map_data = map_features(scope, child_rows)
    return render(
        request,
        "situation/board.html",
        {
            **chosen,
            "scope": scope,
            "parent": parent,
            "rows": rows,
            "groups": groups,
            "group_totals": [sum(row.cells[i] for row in rows) for i in range(len(groups))],  # type: ignore[attr-defined]
            "grand_total": sum(row.total for row in rows),
            "alerts": shown_alerts,
            "alert_count": live.count()
            if len(shown_alerts) == ALERTS_ON_BOARD
            else len(shown_alerts),
            "hot_spots": list(hot_spots[:HOT_SPOTS_ON_BOARD]),
            "hot_spot_count": hot_spots.count(),
            "map_data": map_data,
            "has_map": bool(map_data["geojson"]["features"] or map_data["points"]),
            "can_file": selectors.may_file_notes(user),
        },
    )


# --- Notes ----------------------------------------------------------------------------------


def _note_filters(request: HttpRequest, user: User) -> tuple[dict[str, Any], dict[str, Any]]:
    """The selector's filters, and what the page shows about them."""
    today = timezone.localdate()
    chosen = _period(request, today, default=False)
    org_id = int_param(request, "org")
    level = request.GET.get("level", "")
    status = request.GET.get("status", "")
    filters = {
        "area": _area_param(request, user),
        "topic": _topic_param(request),
        "level": level if level in Level.values else "",
        "status": status if status in NoteStatus.values else "",
        "period": chosen["period"],
        "organization": get_organization_for_user(user, org_id) if org_id is not None else None,
        "query": request.GET.get("q", "").strip()[:200],
    }
    document_id = int_param(request, "document")
    document = document_choices(user).filter(pk=document_id).first() if document_id else None
    return filters, {**chosen, "document": document, "document_id": document_id}


def _filtered_notes(request: HttpRequest, user: User) -> tuple[QuerySet[Note], dict[str, Any]]:
    filters, shown = _note_filters(request, user)
    notes = selectors.notes_for_user(user, **filters)
    if shown["document_id"] is not None:
        notes = notes.filter(documents__pk=shown["document_id"])
    return notes, {**filters, **shown}


@login_required
def note_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    notes, filters = _filtered_notes(request, user)
    filtered = any(
        filters[key] for key in ("area", "topic", "level", "status", "period", "organization")
    ) or bool(filters["query"] or filters["document_id"])
    return render(
        request,
        "situation/note_list.html",
        {
            "page": paginate(request, notes),
            "filters": filters,
            "period": filters["period"],
            "period_error": filters["period_error"],
            "period_choices": filters["period_choices"],
            "filtered": filtered,
            "query": query_without_page(request),
            "areas": Area.objects.visible_to(user)
            .exclude(level=AreaLevel.VILLAGE)
            .order_by("path"),
            "topics": selectors.topics(active_only=False),
            "orgs": Organization.objects.visible_to(user)
            .active()
            .filter(depth__lte=3)
            .select_related("area")
            .order_by("path"),
            "levels": Level.choices,
            "statuses": NoteStatus.choices,
            "can_file": selectors.may_file_notes(user),
        },
    )


@login_required
def notes_export(request: HttpRequest) -> HttpResponse:
    notes, _filters = _filtered_notes(request, current_user(request))
    return xlsx_response(exports.notes_xlsx(notes), "tinh-hinh-nhan-dan.xlsx")


def _note_form(request: HttpRequest, user: User, note: Note | None = None, **kw: Any) -> NoteForm:
    topics = selectors.topics(active_only=False)
    active = Q(is_active=True) | (Q(pk=note.topic_id) if note is not None else Q(pk__in=[]))
    return NoteForm(
        request.POST or None,
        organizations=organizations_user_may_edit(user).select_related("area"),
        areas=selectors.areas_for_notes(user),
        topics=topics.filter(active),
        programs=Program.objects.visible_to(user).order_by("-pk"),
        oversights=Oversight.objects.visible_to(user).order_by("-starts_on", "-pk"),
        documents=document_choices(user),
        editing=note is not None,
        **kw,
    )


@login_required
def note_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_file_notes(user):
        raise PermissionDenied
    today = timezone.localdate()
    initial: dict[str, Any] = {"event_date": today, "level": Level.NORMAL}
    editable = organizations_user_may_edit(user)
    if editable.count() == 1:
        initial["organization"] = editable.first()
    form = _note_form(request, user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm_no_person")
        for key in LINK_FIELDS:
            data[key] = list(data[key])
        try:
            note = services.note_create(actor=user, confirm_no_person=confirm, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            if _privacy_refused(exc, *(data[k] for k in TEXT_FIELDS)):
                form.offer_confirmation()
        else:
            messages.success(request, _("Note filed."))
            return redirect("situation_note", pk=note.pk)
    return render(request, "situation/note_form.html", {"form": form, "note": None})


def _changed_fields(note: Note, data: dict[str, Any]) -> dict[str, Any]:
    """Only what the officer changed goes to the service: the history then shows just that,
    and text already confirmed is not checked again."""
    changed: dict[str, Any] = {}
    for key, value in data.items():
        if key in LINK_FIELDS:
            chosen = list(value)
            if {r.pk for r in chosen} != set(getattr(note, key).values_list("pk", flat=True)):
                changed[key] = chosen
        elif getattr(note, key) != (value.strip() if isinstance(value, str) else value):
            changed[key] = value
    return changed


@login_required
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    note = selectors.get_note_for_user(user, pk)
    if not selectors.may_edit_note(user, note):
        raise PermissionDenied
    fields = [
        "organization", "area", "topic", "event_date", "summary", "details",
        "people_concerned", "level", "source", "actions",
    ]  # fmt: skip
    initial: dict[str, Any] = {f: getattr(note, f) for f in fields}
    for key in LINK_FIELDS:
        initial[key] = list(getattr(note, key).all())
    form = _note_form(request, user, note, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm_no_person")
        reason = data.pop("reason", "")
        changed = _changed_fields(note, data)
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return redirect("situation_note", pk=note.pk)
        try:
            services.note_update(
                actor=user, note=note, reason=reason, confirm_no_person=confirm, **changed
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            if _privacy_refused(exc, *(changed.get(k, "") for k in TEXT_FIELDS)):
                form.offer_confirmation()
            note.refresh_from_db()
        else:
            messages.success(request, _("Note saved."))
            return redirect("situation_note", pk=note.pk)
    return render(request, "situation/note_form.html", {"form": form, "note": note})


# --- Excel import ---------------------------------------------------------------------------


@login_required
def notes_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(exports.import_template(), "mau-nhap-tinh-hinh.xlsx")


@login_required
def notes_import(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_file_notes(user):
        raise PermissionDenied
    editable = organizations_user_may_edit(user).select_related("area")
    form = NotesImportForm(
        request.POST or None,
        request.FILES or None,
        organizations=editable,
        initial={"organization": editable.first() if editable.count() == 1 else None},
    )
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > max_bytes():
                raise excel.SheetError([excel.CellError(0, "", _("The file is too large."))])
            notes = exports.notes_import(
                actor=user,
                organization=form.cleaned_data["organization"],
                data=upload.read(),
                confirm_no_person=form.cleaned_data["confirm_no_person"],
            )
        except excel.SheetError as exc:
            errors = exc.errors
            if getattr(exc, "personal_data", False):
                form.offer_confirmation()
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)d notes imported.") % {"count": len(notes)})
            return redirect(
                reverse("situation_notes") + f"?org={form.cleaned_data['organization'].pk}"
            )
    return render(request, "situation/import.html", {"form": form, "errors": errors})
