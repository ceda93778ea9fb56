"""The overview pages: the reception schedule board, the staff scorecard, and the data subject
requests of the administrators. Thin views."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.lib.errors import Conflict
from danvan.lib.web import add_service_errors, current_user, paginate
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope

from . import board, scorecard, selectors, services_intake, services_privacy
from .forms import AcknowledgeForm, CompleteForm, DataRequestForm, RefuseRequestForm
from .models import DataRequest, Petition, RequestKind, RequestState
from .views import flash, nav, org_param, year_choice, year_options

TREND_PERIODS = 4

# --- The schedule board ---------------------------------------------------------------------


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    year = year_choice(request)
    organization = org_param(request, user)
    heads = board.schedule(user, year, organization=organization, today=today)
    return render(
        request,
        "dialogue/schedule.html",
        {
            **nav(user, "schedule"),
            "heads": heads,
            "behind": sum(1 for h in heads if h.behind),
            "year": year,
            "years": year_options(today),
            "months": range(1, 13),
            "organization": organization,
            "orgs": Organization.objects.visible_to(user)
            .active()
            .filter(depth__lte=2)
            .order_by("path"),
            "conferences_per_year": settings.DANVAN_DIALOGUE["conferences_per_year"],
        },
    )


# --- The scorecard --------------------------------------------------------------------------


def _period_choices(today: datetime.date) -> list[tuple[str, list[periods.Period]]]:
    def last(kind: periods.PeriodType, n: int) -> list[periods.Period]:
        found = [periods.from_date(today, kind)]
        while len(found) < n:
            found.append(found[-1].previous())
        return found

    return [
        (_("Half years"), last(periods.PeriodType.HALF, 4)),
        (_("Quarters"), last(periods.PeriodType.QUARTER, 4)),
        (_("Years"), last(periods.PeriodType.YEAR, 3)),
        (_("Months"), last(periods.PeriodType.MONTH, 6)),
    ]


def _period(request: HttpRequest, today: datetime.date) -> tuple[periods.Period, str]:
    """`?period=` (a lib/periods code), the current half year by default; and the error."""
    code = request.GET.get("period", "").strip()[:20]
    if code:
        try:
            period = periods.parse(code)
        except periods.PeriodError as exc:
            return periods.from_date(today, periods.PeriodType.HALF), str(exc)
        if period.type != periods.PeriodType.TERM:
            return period, ""
        return periods.from_date(today, periods.PeriodType.HALF), _(
            "Choose a month, quarter, half year or year."
        )
    return periods.from_date(today, periods.PeriodType.HALF), ""


@login_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    period, error = _period(request, today)
    organization = org_param(request, user)
    scope = ReportingScope.for_user(user, organization)
    card = scorecard.card(scope, period, trend_count=TREND_PERIODS)
    trend = card.trend
    choices = _period_choices(today)
    if not any(period in group for _label, group in choices):
        choices.append((_("Chosen"), [period]))
    values = [line.on_time_pct for _code, line in trend]
    chart = {
        "labels": [periods.parse(code).label() for code, _line in trend],
        "values": values,
        "name": _("Settled on time (%)"),
    }
    return render(
        request,
        "dialogue/scorecard.html",
        {
            **nav(user, "scorecard"),
            "period": period,
            "period_error": error,
            "period_choices": choices,
            "organization": organization,
            "orgs": Organization.objects.visible_to(user)
            .active()
            .filter(depth__lte=2)
            .order_by("path"),
            "units": card.units,
            "areas": card.areas,
            "total": card.total,
            "trend": trend,
            "chart": chart,
            "has_chart": any(v is not None for v in values),
        },
    )


# --- Data subject requests ------------------------------------------------------------------


def _managing(request: HttpRequest) -> User:
    user = current_user(request)
    if not selectors.may_manage_data_requests(user):
        raise PermissionDenied
    return user


def _render_requests(
    request: HttpRequest, user: User, form: DataRequestForm | None = None, bound: Any = None
) -> HttpResponse:
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    found = selectors.data_requests_for_user(user, open_only=show != "all")
    page = paginate(request, found)
    for r in page:
        r.overdue = r.state == RequestState.RECEIVED and r.acknowledge_due < today  # type: ignore[attr-defined]
        r.open = r.state in (RequestState.RECEIVED, RequestState.ACKNOWLEDGED)  # type: ignore[attr-defined]
        r.ack_form = AcknowledgeForm(initial={"acknowledged_on": today}, auto_id=f"ack{r.pk}_%s")  # type: ignore[attr-defined]
        r.complete_form = CompleteForm(  # type: ignore[attr-defined]
            correcting=r.kind == RequestKind.CORRECT, auto_id=f"done{r.pk}_%s"
        )
        r.refuse_form = RefuseRequestForm(auto_id=f"refuse{r.pk}_%s")  # type: ignore[attr-defined]
        if bound is not None and bound[0] == r.pk:
            setattr(r, f"{bound[1]}_form", bound[2])
            r.bound = bound[1]  # type: ignore[attr-defined]
    return render(
        request,
        "dialogue/data_requests.html",
        {
            **nav(user, "data_requests"),
            "page": page,
            "show": show,
            "form": form or DataRequestForm(initial={"received_on": today}),
        },
    )


@login_required
def data_requests(request: HttpRequest) -> HttpResponse:
    """The list with its legal clock; POST records a new request for a petition by its code."""
    user = _managing(request)
    if request.method != "POST":
        return _render_requests(request, user)
    form = DataRequestForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        code = services_intake.normalise_code(data.pop("code"))
        petition = Petition.objects.visible_to(user).filter(code=code).first() if code else None
        if petition is None or not selectors.may_handle_data_requests(user, petition):
            form.add_error("code", _("No petition you administer has this code."))
        else:
            try:
                services_privacy.data_request_create(actor=user, petition=petition, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Request recorded; acknowledge it within 2 working days.")
                )
                return redirect("dialogue_data_requests")
    return _render_requests(request, user, form=form)


@login_required
@require_POST
def data_request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _managing(request)
    found: DataRequest = selectors.get_data_request_for_user(user, pk)
    form: Any
    if action == "acknowledge":
        form = AcknowledgeForm(request.POST, auto_id=f"ack{pk}_%s")
    elif action == "complete":
        form = CompleteForm(
            request.POST, correcting=found.kind == RequestKind.CORRECT, auto_id=f"done{pk}_%s"
        )
    elif action == "refuse":
        form = RefuseRequestForm(request.POST, auto_id=f"refuse{pk}_%s")
    else:
        raise Http404
    if form.is_valid():
        try:
            if action == "acknowledge":
                services_privacy.data_request_acknowledge(
                    actor=user, request=found, **form.cleaned_data
                )
                message = _("Request acknowledged.")
            elif action == "complete":
                services_privacy.data_request_complete(
                    actor=user, request=found, outcome=form.cleaned_data["outcome"],
                    corrections=form.corrections() or None,
                )  # fmt: skip
                message = _("Request done.")
            else:
                services_privacy.data_request_complete(
                    actor=user, request=found, outcome=form.cleaned_data["outcome"], refuse=True
                )
                message = _("Request refused.")
        except Conflict as exc:
            flash(request, exc)
            return redirect("dialogue_data_requests")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("dialogue_data_requests")
    name = {"acknowledge": "ack", "complete": "complete", "refuse": "refuse"}[action]
    return _render_requests(request, user, bound=(found.pk, name, form))
