"""Pages of the people's situation: the alerts (acknowledge, assign, close)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.models import User
from danvan.lib import numbers, periods
from danvan.lib.history import history_for
from danvan.lib.web import (
    add_service_errors,
    current_user,
    paginate,
    query_without_page,
)
from danvan.org.models import Membership

from . import selectors, services
from .alerts import explain
from .forms import (
    AcknowledgeForm,
    AssignForm,
    CloseForm,
)
from .models import Alert, AlertKind, AlertStatus, Note
from .views import _area_param, _topic_param

if TYPE_CHECKING:
    from django.db.models import QuerySet


# --- Alerts ---------------------------------------------------------------------------------

ALERT_FILTERS = ("live", *AlertStatus.values)


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "live")
    status = status if status in ALERT_FILTERS else "live"
    area, topic = _area_param(request, user), _topic_param(request)
    page = paginate(request, selectors.alerts_for_user(user, status=status, area=area, topic=topic))
    for alert in page:
        alert.sentence = explain(alert)
    return render(
        request,
        "situation/alert_list.html",
        {
            "page": page,
            "status": status,
            "area": area,
            "topic": topic,
            "statuses": [("live", _("Not closed")), *AlertStatus.choices],
            "groups": selectors.topic_groups(),
            "query": query_without_page(request),
        },
    )


METHODS = {
    "rule": lambda: _("Rule"),
    "ears": lambda: _("Moving baseline of the months before (EARS)"),
    "historical": lambda: _("Same months of earlier years"),
    "cusum": lambda: _("Cumulative sum (CUSUM), for slow build-ups"),
    "outlier": lambda: _("Modified z-score among neighbouring communes"),
}


def _numbers(alert: Alert) -> list[tuple[str, str]]:
    """The explanation's numbers, labelled, in the order a reader checks them."""
    e = alert.explanation or {}

    def shown(value: Any) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, (int, float)):
            places = 0 if float(value).is_integer() else 2
            return numbers.shown(Decimal(str(value)), places)
        return str(value)

    rows: list[tuple[str, str]] = []
    method = e.get("method")
    if method:
        rows.append((_("Method"), METHODS[method]() if method in METHODS else str(method)))
    labels = [
        ("observed", _("Observed")),
        ("baseline", _("Usual level (baseline)")),
        ("sigma", _("Spread (σ)")),
        ("threshold", _("Warning level")),
        ("ratio", _("Ratio to the usual level")),
        ("statistic", _("Statistic")),
        ("reference", _("Areas compared") if method == "outlier" else _("Months of reference")),
        ("history", _("Months of history")),
        ("siblings", _("Neighbouring communes")),
        ("people", _("People concerned (about)")),
    ]
    for key, label in labels:
        if key in e and not (key == "statistic" and e[key] is None):
            rows.append((label, shown(e[key])))
    if e.get("month"):
        rows.append((_("Month"), periods.parse(e["month"]).label()))
    if e.get("week_start"):
        start = datetime.date.fromisoformat(e["week_start"]).strftime("%d/%m/%Y")
        end = datetime.date.fromisoformat(e["week_end"]).strftime("%d/%m/%Y")
        rows.append((_("Week"), f"{start} – {end}"))
    if e.get("communes"):
        rows.append((_("Communes"), ", ".join(e["communes"])))
    return rows


def _assignees(alert: Alert) -> QuerySet[User]:
    """Whom an alert may be given to: the commission's leaders and specialists."""
    ids = (
        Membership.objects.active()
        .filter(organization=alert.organization, role__in=selectors.ALERT_ROLES)
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email")


def _render_alert(request: HttpRequest, alert: Alert, **forms: Any) -> HttpResponse:
    user = current_user(request)
    can_handle = selectors.may_handle_alert(user, alert)
    if can_handle and alert.status != AlertStatus.CLOSED:
        assignees = _assignees(alert)
        if alert.status == AlertStatus.OPEN:
            forms.setdefault("acknowledge_form", AcknowledgeForm(assignees=assignees))
        forms.setdefault(
            "assign_form",
            AssignForm(assignees=assignees, initial={"assigned_to": alert.assigned_to_id}),
        )
        forms.setdefault("close_form", CloseForm())
    note = alert.note
    return render(
        request,
        "situation/alert_detail.html",
        {
            "alert": alert,
            "sentence": explain(alert),
            "numbers": _numbers(alert),
            "note": note,
            "note_visible": note is not None
            and Note.objects.visible_to(user).filter(pk=note.pk).exists(),
            "is_statistical": alert.kind not in (AlertKind.HOT_SPOT, AlertKind.SPREAD),
            "can_handle": can_handle,
            "history": history_for(alert),
            **forms,
        },
    )


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_alert(request, selectors.get_alert_for_user(current_user(request), pk))


def _handled_alert(request: HttpRequest, pk: int) -> tuple[User, Alert]:
    user = current_user(request)
    alert = selectors.get_alert_for_user(user, pk)
    if not selectors.may_handle_alert(user, alert):
        raise PermissionDenied
    return user, alert


def _act(
    request: HttpRequest,
    pk: int,
    *,
    form_name: str,
    make_form: Callable[[Alert], forms.Form],
    service: Callable[..., Alert],
    done: str,
) -> HttpResponse:
    """One handling step on an alert: its form, its service, a message, back to the alert."""
    user, alert = _handled_alert(request, pk)
    form = make_form(alert)
    if form.is_valid():
        try:
            service(actor=user, alert=alert, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("situation_alert", pk=alert.pk)
    return _render_alert(request, alert, **{form_name: form})


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_name="acknowledge_form",
        make_form=lambda alert: AcknowledgeForm(request.POST, assignees=_assignees(alert)),
        service=services.alert_acknowledge,
        done=_("Alert acknowledged."),
    )


@login_required
@require_POST
def alert_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_name="assign_form",
        make_form=lambda alert: AssignForm(request.POST, assignees=_assignees(alert)),
        service=services.alert_assign,
        done=_("Alert assigned."),
    )


@login_required
@require_POST
def alert_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_name="close_form",
        make_form=lambda alert: CloseForm(request.POST),
        service=services.alert_close,
        done=_("Alert closed."),
    )
