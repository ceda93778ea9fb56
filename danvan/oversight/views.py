"""Pages for oversights, recommendations and annual plans. Thin views."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from danvan.documents.selectors import document_choices
from danvan.lib import periods
from danvan.lib.history import history_for, history_for_many
from danvan.lib.undo import offer_undo
from danvan.lib.web import (
    add_service_errors,
    attachment,
    current_user,
    int_param,
    paginate,
    query_without_page,
    xlsx_response,
    year_param,
)
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope
from danvan.org.selectors import get_organization_for_user, organizations_user_may_edit

from . import exports, selectors, services
from .forms import (
    ConcludeForm,
    OversightForm,
    PlanForm,
    PlanItemForm,
    RecommendationForm,
    RespondForm,
)
from .models import OversightKind, Plan, PlanItem, Recommendation, RecommendationStatus

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _list_filters(request: HttpRequest) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    stage = request.GET.get("stage", "")
    return {
        "q": request.GET.get("q", "").strip(),
        "kind": kind if kind in OversightKind.values else "",
        "year": year_param(request),
        "stage": stage if stage in ("planned", "under_way", "concluded") else "",
        "document": int_param(request, "document"),
        "plan": int_param(request, "plan"),
        "lead": int_param(request, "lead"),
    }


def _figures_context(request: HttpRequest) -> dict[str, Any]:
    """The seeds' figure for a period (default: the current half year) and a scope."""
    user = current_user(request)
    today = timezone.localdate()
    code = request.GET.get("period", "").strip()
    error = ""
    try:
        period = periods.parse(code) if code else periods.from_date(today, periods.PeriodType.HALF)
    except periods.PeriodError as exc:
        error = str(exc)
        period = periods.from_date(today, periods.PeriodType.HALF)
    org = None
    org_id = int_param(request, "org")
    if org_id is not None:
        try:
            org = get_organization_for_user(user, org_id)
        except Http404:
            error = _("That organisation is not in your scope.")
    scope = ReportingScope.for_user(user, org)
    return {
        "figures": selectors.oversight_figures(scope, period, today=today),
        "figures_period": period,
        # Inside a sentence: «Số liệu năm 2026», «Figures for second half of 2026».
        "figures_period_label": period.label()[:1].lower() + period.label()[1:],
        "figures_org": org,
        "figures_error": error,
        "period_choices": [
            periods.from_date(today, periods.PeriodType.HALF),
            periods.from_date(today, periods.PeriodType.HALF).previous(),
            periods.from_date(today, periods.PeriodType.YEAR),
            periods.from_date(today, periods.PeriodType.YEAR).previous(),
        ],
    }


@login_required
def oversight_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    filters = _list_filters(request)
    oversights = selectors.oversights_for_user(user, **filters)
    today = timezone.localdate()
    page = paginate(request, oversights)
    for oversight in page:
        oversight.current_stage = oversight.stage(today)  # type: ignore[attr-defined]
    return render(
        request,
        "oversight/oversight_list.html",
        {
            "page": page,
            **filters,
            "kinds": OversightKind.choices,
            "query": query_without_page(request),
            "can_create": selectors.may_record_oversights(user),
            "scope_orgs": Organization.objects.visible_to(user)
            .active()
            .filter(depth__lte=2)
            .order_by("path"),
            **_figures_context(request),
        },
    )


@login_required
def oversights_xlsx(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    oversights = selectors.oversights_for_user(user, **_list_filters(request))
    return xlsx_response(
        exports.oversights_xlsx(oversights, timezone.localdate()), "kiem-tra-giam-sat.xlsx"
    )


def _oversight_form(request: HttpRequest, **kw: Any) -> OversightForm:
    user = current_user(request)
    return OversightForm(
        request.POST or None,
        leads=organizations_user_may_edit(user),
        subjects=selectors.subject_candidates(user),
        documents=document_choices(user),
        plan_items=selectors.plan_items_for_user(user),
        **kw,
    )


@login_required
def oversight_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_record_oversights(user):
        raise PermissionDenied
    initial: dict[str, Any] = {"kind": OversightKind.SUPERVISION}
    item_id = int_param(request, "plan_item")
    if item_id:
        try:
            item = selectors.get_plan_item_for_user(user, item_id)
        except Http404:
            pass  # an item out of reach leaves the form blank, as a new oversight
        else:
            initial.update(
                kind=item.kind,
                title=item.title,
                plan_item=item,
                lead=item.plan.organization,
                subjects=selectors.plan_item_subjects(item),
            )
    form = _oversight_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["subjects"] = list(data["subjects"])
        data["documents"] = list(data["documents"])
        try:
            oversight = services.oversight_create(actor=user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Oversight recorded."))
            return redirect("oversight_detail", pk=oversight.pk)
    return render(request, "oversight/oversight_form.html", {"form": form, "oversight": None})


@login_required
def oversight_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    oversight = selectors.get_oversight_for_user(user, pk)
    if not selectors.may_edit_oversight(user, oversight):
        raise PermissionDenied
    fields = ["kind", "title", "plan_item", "starts_on", "ends_on", "team", "findings"]
    initial = {f: getattr(oversight, f) for f in fields}
    initial["subjects"] = list(selectors.oversight_subjects(oversight))
    initial["documents"] = list(selectors.oversight_documents(oversight))
    form = _oversight_form(request, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["subjects"] = list(data["subjects"])
        data["documents"] = list(data["documents"])
        try:
            services.oversight_update(actor=user, oversight=oversight, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Oversight saved."))
            return redirect("oversight_detail", pk=oversight.pk)
    return render(request, "oversight/oversight_form.html", {"form": form, "oversight": oversight})


@login_required
def oversight_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    oversight = selectors.get_oversight_for_user(user, pk)
    today = timezone.localdate()
    can_add_recommendation = selectors.may_add_recommendation(user, oversight)
    recommendations = selectors.oversight_recommendations(oversight)
    _mark_recommendations(user, recommendations, today)
    rec_history = history_for_many(
        Recommendation,
        selectors.recommendation_history(oversight),
        subject=lambda r: _("Recommendation %(n)s") % {"n": r.number},
    )
    return render(
        request,
        "oversight/oversight_detail.html",
        {
            "oversight": oversight,
            "stage": oversight.stage(today),
            # A subject's officer sees the oversight, not always the plan it carries out.
            "plan_visible": oversight.plan_item is not None
            and Plan.objects.visible_to(user).filter(pk=oversight.plan_item.plan_id).exists(),
            "subjects": selectors.oversight_subjects(oversight),
            "documents": selectors.oversight_documents(oversight),
            "recommendations": recommendations,
            "follow_up": selectors.follow_up_counts(recommendations, today),
            "can_edit": selectors.may_edit_oversight(user, oversight),
            "can_conclude": selectors.may_conclude_oversight(user, oversight),
            "conclude_form": ConcludeForm(
                initial={
                    "conclusion_on": oversight.conclusion_on or today,
                    "conclusion_number": oversight.conclusion_number,
                    "conclusion": oversight.conclusion,
                    "correcting": oversight.conclusion_on is not None,
                }
            ),
            "recommendation_form": RecommendationForm(
                responsible=_responsible_choices(user, oversight),
                initial={"due_on": today + datetime.timedelta(days=90)},
            )
            if can_add_recommendation
            else None,
            "history": history_for(oversight),
            "rec_history": sorted(rec_history, key=lambda e: e.when, reverse=True)[:50],
            "rec_history_title": _("Changes to the recommendations"),
        },
    )


@login_required
@require_POST
def oversight_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    oversight = selectors.get_oversight_for_user(user, pk)
    if not selectors.may_conclude_oversight(user, oversight):
        raise PermissionDenied
    form = ConcludeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.oversight_conclude(actor=user, oversight=oversight, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Conclusion recorded."))
    else:
        _flash_form(request, form)
    return redirect("oversight_detail", pk=oversight.pk)


@login_required
def conclusion_file(request: HttpRequest, pk: int) -> FileResponse:
    oversight = selectors.get_oversight_for_user(current_user(request), pk)
    return attachment(oversight.conclusion_file)


def _mark_recommendations(user: User, recommendations: Iterable[Any], today: datetime.date) -> None:
    """What a recommendation's line shows: its state, and its links and form if allowed."""
    for rec in recommendations:
        rec.state = rec.follow_up(today)
        rec.may_edit = selectors.may_edit_recommendation(user, rec)
        rec.may_answer = selectors.may_answer_recommendation(user, rec)
        rec.respond_form = RespondForm(initial={"status": rec.status}, prefix=f"rec{rec.pk}")


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _flash_form(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


# --- Recommendations -----------------------------------------------------------------------


def _responsible_choices(user: User, oversight: Any) -> QuerySet[Organization]:
    """Whom the picker offers for a recommendation: what the user may name, within the lead's
    scope (its own units and the organisations of its area, `selectors.in_lead_scope`)."""
    lead = oversight.lead
    return selectors.subject_candidates(user).filter(
        Q(path__startswith=lead.path) | Q(area__path__startswith=lead.area.path)
    )


@login_required
@require_POST
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    oversight = selectors.get_oversight_for_user(user, pk)
    if not selectors.may_add_recommendation(user, oversight):
        raise PermissionDenied
    form = RecommendationForm(request.POST, responsible=_responsible_choices(user, oversight))
    if form.is_valid():
        try:
            services.recommendation_add(actor=user, oversight=oversight, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Recommendation added."))
    else:
        _flash_form(request, form)
    return redirect(reverse("oversight_detail", args=[oversight.pk]) + "#recommendations")


@login_required
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    rec = selectors.get_recommendation_for_user(user, pk)
    if not selectors.may_edit_recommendation(user, rec):
        raise PermissionDenied
    form = RecommendationForm(
        request.POST or None,
        responsible=_responsible_choices(user, rec.oversight),
        initial={"text": rec.text, "responsible": rec.responsible, "due_on": rec.due_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(actor=user, recommendation=rec, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recommendation saved."))
            return redirect(
                reverse("oversight_detail", args=[rec.oversight_id]) + "#recommendations"
            )
    return render(request, "oversight/recommendation_form.html", {"form": form, "rec": rec})


@login_required
@require_POST
def recommendation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    rec = selectors.get_recommendation_for_user(user, pk)
    if not selectors.may_answer_recommendation(user, rec):
        raise PermissionDenied
    form = RespondForm(request.POST, prefix=f"rec{rec.pk}")
    if form.is_valid():
        try:
            services.recommendation_respond(actor=user, recommendation=rec, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
    else:
        _flash_form(request, form)
    back = request.POST.get("next", "")
    if back.startswith("/recommendations/"):  # the board, with its filters
        return redirect(back)
    return redirect(reverse("oversight_detail", args=[rec.oversight_id]) + f"#rec-{rec.pk}")


def _board_filters(request: HttpRequest) -> dict[str, Any]:
    follow_up = request.GET.get("follow_up", "")
    return {
        "follow_up": follow_up if follow_up in selectors.FOLLOW_UP else "",
        "addressed_to_me": request.GET.get("mine") == "1",
    }


@login_required
def recommendation_board(request: HttpRequest) -> HttpResponse:
    """The follow-up board: every recommendation in scope, by state, with the answers."""
    user = current_user(request)
    today = timezone.localdate()
    filters = _board_filters(request)
    everything = selectors.recommendations_for_user(
        user, addressed_to_me=filters["addressed_to_me"], today=today
    )
    counts = selectors.follow_up_totals(everything, today)
    recs = selectors.recommendations_for_user(user, **filters, today=today)
    page = paginate(request, recs)
    _mark_recommendations(user, page, today)
    return render(
        request,
        "oversight/recommendation_board.html",
        {
            "page": page,
            "counts": counts,
            "follow_up": filters["follow_up"],
            "mine": filters["addressed_to_me"],
            "states": [
                ("open", pgettext("recommendation", "Open")),
                ("in_progress", _("In progress")),
                ("overdue", _("Overdue")),
                ("done", _("Done")),
            ],
            "query": query_without_page(request),
            "statuses": RecommendationStatus.choices,
        },
    )


@login_required
def recommendations_xlsx(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    recs = selectors.recommendations_for_user(user, **_board_filters(request), today=today)
    return xlsx_response(exports.recommendations_xlsx(recs, today), "kien-nghi.xlsx")


# --- Plans ---------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    organizations = organizations_user_may_edit(user)
    form = PlanForm(
        request.POST or None,
        organizations=organizations,
        initial={"year": timezone.localdate().year, "organization": organizations.first()},
    )
    may_make_plans = selectors.may_make_plans(user)
    if request.method == "POST":
        if not may_make_plans:
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = services.plan_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Plan created; add its items."))
                return redirect("plan_detail", pk=plan.pk)
    return render(
        request,
        "oversight/plan_list.html",
        {
            "plans": selectors.plans_for_user(user),
            "form": form if may_make_plans else None,
        },
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    plan = selectors.get_plan_for_user(user, pk)
    can_edit = selectors.may_edit_plan(user, plan)
    form = PlanItemForm(request.POST or None, subjects=selectors.subject_candidates(user))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["subjects"] = list(data["subjects"])
            try:
                services.plan_item_add(actor=user, plan=plan, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Item added to the plan."))
                return redirect("plan_detail", pk=plan.pk)
    return render(
        request,
        "oversight/plan_detail.html",
        {
            "plan": plan,
            "progress": selectors.plan_versus_done(plan, timezone.localdate()),
            "can_edit": can_edit,
            "form": form,
            "history": history_for(plan),
            "item_history": history_for_many(
                PlanItem, selectors.plan_items_history(plan), subject=lambda r: r.title
            ),
        },
    )


@login_required
@require_POST
def plan_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = selectors.get_plan_item_for_user(user, pk)
    try:
        services.plan_item_delete(actor=user, plan_item=item)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        offer_undo(
            request,
            _("«%(title)s» removed from the plan.") % {"title": item.title},
            reverse("plan_item_restore", args=[item.pk]),
        )
    return redirect("plan_detail", pk=item.plan_id)


@login_required
@require_POST
def plan_item_restore(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = selectors.get_plan_item_for_user(user, pk, removed_too=True)
    try:
        services.plan_item_restore(actor=user, plan_item=item)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("«%(title)s» is back in the plan.") % {"title": item.title})
    return redirect("plan_detail", pk=item.plan_id)
