"""Pages for periodic reports: fill in, review, completeness, indicators and forms (the figures
of a level are in views_figures). Thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.lib import figures as derived
from danvan.lib import numbers, periods
from danvan.lib.history import history_for
from danvan.lib.web import current_user
from danvan.org.models import Organization
from danvan.org.selectors import get_organization_for_user, organizations_user_may_edit

from . import definitions, selectors, selectors_completeness, services, services_levels
from .forms import IndicatorForm, LevelForm, StartForm
from .models import (
    Form,
    Indicator,
    Severity,
    Source,
    Submission,
)


def period_of(code: str | None, form: Form | None, today: Any) -> tuple[periods.Period | None, str]:
    if not code:
        if form is None:
            return None, ""
        return selectors.recent_periods(form, today, 1)[0], ""
    try:
        return periods.parse(code.strip()), ""
    except periods.PeriodError as exc:
        return None, str(exc)


def level_form(
    user: Any, form: Form | None, organization: Organization, period: periods.Period | None
) -> LevelForm:
    """The picker of form, unit and period at the top of a level's pages, as chosen."""
    return LevelForm(
        initial={
            "form": form.pk if form else None,
            "org": organization.pk,
            "period": period.code if period else "",
        },
        forms_in_use=Form.objects.active(),
        organizations=Organization.objects.visible_to(user).active(),
        form=form,
    )


def form_from(request: HttpRequest) -> Form | None:
    forms = Form.objects.active()
    pk = request.GET.get("form") or request.POST.get("form")
    if pk:
        return forms.filter(pk=pk).first() if str(pk).isdigit() else None
    return forms.order_by("pk").first()


@login_required
def report_home(request: HttpRequest) -> HttpResponse:
    """My units' reports to fill in, and reports waiting for my review."""
    user = current_user(request)
    today = timezone.localdate()
    forms = selectors.forms_for_user(user)
    units = organizations_user_may_edit(user)
    rows = selectors.reports_to_fill(user, forms, units, today)
    waiting = selectors.waiting_for_review(user)
    return render(
        request,
        "reporting/home.html",
        {
            "rows": rows,
            "waiting": waiting,
            "forms": forms,
            "may_start": bool(rows) or units.exists(),  # rows are of these units
            "can_define": selectors.may_define(user),
            "start": StartForm(
                initial={"period": selectors.recent_periods(forms[0], today, 1)[0].code}
                if forms
                else {},
                forms_in_use=Form.objects.active(),
                units=units,
            ),
        },
    )


@login_required
@require_POST
def submission_start(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    start = StartForm(
        request.POST, forms_in_use=Form.objects.active(), units=organizations_user_may_edit(user)
    )
    if start.is_valid():  # a unit picked by name (without a script) is found here
        form: Form | None = start.cleaned_data["form"]
        organization = start.cleaned_data["organization"]
        period = start.cleaned_data["period"]
    else:  # the service says what is wrong with the period, or who may not
        form = form_from(request)
        organization = get_organization_for_user(user, request.POST.get("organization") or 0)
        period = request.POST.get("period", "")
    if form is None:
        raise Http404
    try:
        submission = services.submission_start(
            actor=user, form=form, organization=organization, period=period
        )
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("report_home")
    return redirect("submission_detail", submission.pk)


def _readable(formula: str, labels: dict[str, str]) -> str:
    """A formula with indicator names instead of codes: «Số kiến nghị đã giải quyết / …»."""
    import re

    return re.sub(r"[A-Z][A-Z0-9_]*", lambda m: labels.get(m.group(0), m.group(0)), formula)


def _entry_context(
    user: Any,
    submission: Submission,
    posted: dict[str, str] | None = None,
    error_codes: list[str] | None = None,
) -> dict[str, Any]:
    layout = selectors.form_layout(submission.form)
    stored = selectors.saved_values(submission)
    values = selectors.report_values(submission, layout, stored=stored)
    failing = {r.rule.pk: r for r in selectors.check_rules(layout, values)}
    labels = {i.code: i.label for i in layout.indicators}
    period = submission.period_obj
    reviewer = selectors.reviewing_organization(submission.form, submission.organization)
    sections = []
    for section, items in layout.sections:
        rows = []
        for item in items:
            ind = item.indicator
            value = values.get(ind.code)
            rows.append(
                {
                    "item": item,
                    "indicator": ind,
                    "value": value,
                    "shown": numbers.shown(value),
                    "raw": numbers.typed(value),
                    "records_url": derived.records_url(
                        ind.derived_key, submission.organization_id, period
                    )
                    if ind.source == Source.DERIVED and derived.get(ind.derived_key)
                    else "",
                    "stored": stored.get(ind.pk),
                    "formula_text": _readable(ind.formula, labels) if ind.formula else "",
                    "error": False,
                }
            )
            if posted and ind.code in posted:
                rows[-1]["raw"] = posted[ind.code]
            rows[-1]["error"] = ind.code in (error_codes or ())
        sections.append(
            {
                "section": section,
                "rows": rows,
                "text": submission.narratives.get(str(section.pk), ""),
            }
        )
    return {
        "sections": sections,
        "failing": list(failing.values()),
        "warnings": [
            {
                "result": r,
                "comment": submission.warning_comments.get(str(r.rule.pk), ""),
            }
            for r in failing.values()
            if r.rule.severity == Severity.WARNING
        ],
        "can_fill": submission.is_editable and selectors.may_fill(user, submission.organization),
        "can_review": selectors.may_review_for(user, reviewer),
        "reviewer": reviewer,
        "deadline": submission.form.deadline(period),
        "overdue": not submission.submitted_at
        and timezone.localdate() > submission.form.deadline(period),
    }


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    submission = selectors.get_submission_for_user(user, pk)
    context = _entry_context(
        user,
        submission,
        request.session.pop("report_posted", None),
        request.session.pop("report_error_codes", None),
    )
    context["submission"] = submission
    context["history"] = history_for(submission, limit=30)
    context["errors"] = request.session.pop("report_errors", None)
    return render(request, "reporting/submission_detail.html", context)


def _posted(request: HttpRequest) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    narratives: dict[str, str] = {}
    comments: dict[str, str] = {}
    for key in request.POST:
        raw = request.POST.get(key, "")
        if key.startswith("v_"):
            values[key[2:]] = raw
        elif key.startswith("n_"):
            narratives[key[2:]] = raw
        elif key.startswith("c_"):
            comments[key[2:]] = raw
    return values, narratives, comments


@login_required
@require_POST
def submission_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save partial work; with action=submit, also send the report up."""
    user = current_user(request)
    submission = selectors.get_submission_for_user(user, pk)
    values, narratives, comments = _posted(request)
    submit = request.POST.get("action") == "submit"
    write = services.submission_save_and_submit if submit else services.submission_save
    try:
        write(
            actor=user,
            submission=submission,
            values=values,
            narratives=narratives,
            comments=comments,
        )
        if submit:
            messages.success(request, _("The report was submitted."))
        else:
            messages.success(request, _("Saved. You can come back and go on later."))
    except PermissionDenied as exc:
        raise exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            indicators = {
                i.code: i.label for i in Indicator.objects.filter(code__in=list(exc.error_dict))
            }
            errors = [
                f"{indicators[code]}: {' '.join(m for e in errs for m in e.messages)}"
                if code in indicators
                else " ".join(m for e in errs for m in e.messages)
                for code, errs in exc.error_dict.items()
            ]
            if "__all__" not in exc.error_dict:
                # nothing was saved: show what was typed again, the wrong ones marked
                request.session["report_posted"] = values
                request.session["report_error_codes"] = list(exc.error_dict)
        else:
            errors = exc.messages
        request.session["report_errors"] = errors
    return redirect("submission_detail", submission.pk)


def _review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = current_user(request)
    submission = selectors.get_submission_for_user(user, pk)
    try:
        if action == "approve":
            services.submission_approve(actor=user, submission=submission)
            messages.success(request, _("Approved: its figures are in the roll-ups now."))
        elif action == "return":
            services.submission_return(
                actor=user, submission=submission, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("Returned to the unit with your comment."))
        else:
            services.submission_reopen(
                actor=user, submission=submission, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Reopened: the unit can correct it."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("submission_detail", submission.pk)


@login_required
@require_POST
def submission_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "approve")


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "return")


@login_required
@require_POST
def submission_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "reopen")


# --- Completeness --------------------------------------------------------------------------


def org_from(request: HttpRequest, user: Any) -> Organization:
    pk = request.GET.get("org") or request.POST.get("org")
    if pk:
        return get_organization_for_user(user, pk)
    top = Organization.objects.visible_to(user).order_by("depth", "path").first()
    if top is None:
        raise Http404
    return top


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    form = form_from(request)
    organization = org_from(request, user)
    period, error = period_of(request.GET.get("period"), form, today)
    board = trend = None
    late: list[selectors_completeness.ChildStatus] = []
    if form is not None and period is not None:
        prefetch_related_objects([form], "kinds")  # the reporting rule's, read once
        board = selectors_completeness.completeness(form, organization, period)
        late = board.late(today)
        trend = selectors_completeness.completeness_over_periods(
            form, organization, selectors.recent_periods(form, today, 4)
        )
    can_remind = selectors.may_review_for(user, organization)
    return render(
        request,
        "reporting/completeness.html",
        {
            "form": form,
            "forms": selectors.forms_for_user(user),
            "organization": organization,
            "period": period,
            "period_error": error,
            "board": board,
            "trend": trend,
            "late": late,
            "late_ids": {c.organization.pk for c in late},
            "unreachable": selectors_completeness.without_officer([c.organization for c in late])
            if late and can_remind
            else [],
            "today": today,
            "level": level_form(user, form, organization, period),
            "can_remind": can_remind,
        },
    )


@login_required
@require_POST
def remind_late(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = form_from(request)
    organization = org_from(request, user)
    period, _error = period_of(request.POST.get("period"), form, timezone.localdate())
    if form is None or period is None:
        raise Http404
    count = services_levels.remind_late(
        actor=user, form=form, organization=organization, period=period
    )
    today = timezone.localdate()
    late = [
        c.organization
        for c in selectors_completeness.completeness(form, organization, period).late(today)
    ]
    unreachable = selectors_completeness.without_officer(late)
    if count:
        messages.success(request, _("Reminders sent to %(n)s late unit(s).") % {"n": count})
    if unreachable:
        # The page lists them with a link to each unit's members, where an officer is added.
        messages.warning(
            request,
            _("No officer with an e-mail address to remind at: %(units)s.")
            % {"units": "; ".join(o.name for o in unreachable)},
        )
    elif not count:
        messages.info(request, _("No late unit to remind."))
    query = f"?form={form.pk}&org={organization.pk}&period={period.code}"
    return redirect(reverse("report_completeness") + query)


# --- Indicators and forms ------------------------------------------------------------------


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    indicators = Indicator.objects.all()
    labels = {s.key: s.label for s in derived.sources()}
    return render(
        request,
        "reporting/indicator_list.html",
        {
            "indicators": indicators,
            "labels": labels,
            "can_define": selectors.may_define(user),
            "forms": Form.objects.prefetch_related("kinds", "sections", "rules"),
        },
    )


def _indicator_form(request: HttpRequest, indicator: Indicator | None) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_define(user):
        raise PermissionDenied
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            if indicator is None:
                indicator = definitions.indicator_create(
                    actor=user, code=form.cleaned_data["code"], **data
                )
            else:
                definitions.indicator_update(actor=user, indicator=indicator, **data)
            messages.success(request, _("Indicator saved."))
            return redirect("indicator_list")
        except ValidationError as exc:
            from danvan.lib.web import add_service_errors

            add_service_errors(form, exc)  # type: ignore[arg-type]
    return render(request, "reporting/indicator_form.html", {"form": form, "indicator": indicator})


@login_required
def indicator_create(request: HttpRequest) -> HttpResponse:
    return _indicator_form(request, None)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        indicator = Indicator.objects.get(pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    return _indicator_form(request, indicator)


@login_required
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    form = selectors.get_form(pk)
    return render(
        request,
        "reporting/form_detail.html",
        {
            "form": form,
            "layout": selectors.form_layout(form),
            "kinds": form.kinds.all(),
            "can_define": selectors.may_define(current_user(request)),
        },
    )
