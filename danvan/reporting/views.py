"""Pages for periodic reports: fill in, review, completeness, pivot, consolidated report.
Thin views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.lib import figures as derived
from danvan.lib import periods
from danvan.lib.excel import workbook_bytes
from danvan.lib.history import history_for
from danvan.lib.web import current_user, xlsx_response
from danvan.org.models import PERMISSIONS, Area, Organization, Verb, scope_for
from danvan.org.selectors import get_organization_for_user, organizations_user_may_edit

from . import selectors, services
from .forms import IndicatorForm
from .models import (
    Form,
    Indicator,
    ReportExport,
    Severity,
    Source,
    Submission,
    SubmissionStatus,
    Value,
)
from .report import number_text


def _period(code: str | None, form: Form | None, today: Any) -> tuple[periods.Period | None, str]:
    if not code:
        if form is None:
            return None, ""
        return selectors.recent_periods(form, today, 1)[0], ""
    try:
        return periods.parse(code.strip()), ""
    except periods.PeriodError as exc:
        return None, str(exc)


def _form_from(request: HttpRequest) -> Form | None:
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
    units = list(organizations_user_may_edit(user)[:300])
    # The table lists the units the user belongs to; «Another period» reaches those below.
    own_paths = {
        path for path, role, _area in scope_for(user).entries if Verb.SUBMIT in PERMISSIONS[role]
    }
    mine_only = [u for u in units if u.path in own_paths]
    rows = []
    for form in forms:
        recent = selectors.recent_periods(form, today, 2)
        # A unit has a row only for the periods in which it existed (see services, rule a).
        reporting = {
            period.code: set(
                selectors.reporting_units(form, period)
                .filter(pk__in=[u.pk for u in units])
                .values_list("pk", flat=True)
            )
            for period in recent
        }
        unit_ids = set().union(*reporting.values())
        mine = [u for u in mine_only if u.pk in unit_ids]
        existing = {
            (s.organization_id, s.period): s
            for s in Submission.objects.filter(
                form=form, organization_id__in=unit_ids, period__in=[p.code for p in recent]
            )
        }
        for unit in mine[:50]:
            for period in recent:
                if unit.pk not in reporting[period.code]:
                    continue
                rows.append(
                    {
                        "form": form,
                        "unit": unit,
                        "period": period,
                        "deadline": form.deadline(period),
                        "submission": existing.get((unit.pk, period.code)),
                    }
                )
    waiting = selectors.reviewable(
        user,
        list(
            selectors.submissions_for_user(user)
            .filter(status=SubmissionStatus.SUBMITTED)
            .select_related("form")
            .prefetch_related("form__kinds")
            .order_by("submitted_at")[:100]
        ),
    )
    return render(
        request,
        "reporting/home.html",
        {
            "rows": rows,
            "waiting": waiting,
            "forms": forms,
            "units": units,
            "can_define": selectors.may_define(user),
            "period_choices": {f.pk: selectors.recent_periods(f, today, 4) for f in forms},
        },
    )


@login_required
@require_POST
def submission_start(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = _form_from(request)
    if form is None:
        raise Http404
    organization = get_organization_for_user(user, request.POST.get("organization") or 0)
    try:
        submission = services.submission_start(
            actor=user,
            form=form,
            organization=organization,
            period=request.POST.get("period", ""),
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


def _raw(value: Any) -> str:
    """A figure as it goes back into an input, in the reader's notation (12,5 in Vietnamese)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if (get_language() or "vi").startswith("en") else text.replace(".", ",")
    return str(value)


def _entry_context(
    user: Any,
    submission: Submission,
    posted: dict[str, str] | None = None,
    error_codes: list[str] | None = None,
) -> dict[str, Any]:
    layout = selectors.form_layout(submission.form)
    values = selectors.report_values(submission, layout)
    failing = {r.rule.pk: r for r in selectors.check_rules(layout, values)}
    stored = {v.indicator_id: v for v in Value.objects.filter(submission=submission)}
    labels = {i.code: i.label for i in layout.indicators}
    period = submission.period_obj
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
                    "shown": number_text(value) if not isinstance(value, str) else value,
                    "raw": _raw(value),
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
        "can_review": selectors.may_review(user, submission),
        "reviewer": selectors.reviewing_organization(submission.form, submission.organization),
        "deadline": submission.form.deadline(period),
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
    try:
        services.submission_save(
            actor=user,
            submission=submission,
            values=values,
            narratives=narratives,
            comments=comments,
        )
        if request.POST.get("action") == "submit":
            services.submission_submit(actor=user, submission=submission)
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
                f"{indicators.get(code, code)}: {' '.join(m for e in errs for m in e.messages)}"
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
            services.submission_approve(actor=user, submission_id=submission.pk)
            messages.success(request, _("Approved: its figures are in the roll-ups now."))
        elif action == "return":
            services.submission_return(
                actor=user, submission_id=submission.pk, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("Returned to the unit with your comment."))
        else:
            services.submission_reopen(
                actor=user, submission_id=submission.pk, reason=request.POST.get("reason", "")
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


def _org_from(request: HttpRequest, user: Any) -> Organization:
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
    form = _form_from(request)
    organization = _org_from(request, user)
    period, error = _period(request.GET.get("period"), form, today)
    board = trend = None
    if form is not None and period is not None:
        board = selectors.completeness(form, organization, period)
        trend = selectors.completeness_over_periods(
            form, organization, selectors.recent_periods(form, today, 4)
        )
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
            "late": board.late(today) if board else [],
            "today": today,
            "scope_orgs": Organization.objects.visible_to(user).filter(depth__lte=3)[:300],
            "can_remind": selectors.may_review_for(user, organization),
            "period_choices": selectors.recent_periods(form, today, 6) if form else [],
        },
    )


@login_required
@require_POST
def remind_late(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = _form_from(request)
    organization = _org_from(request, user)
    period, _error = _period(request.POST.get("period"), form, timezone.localdate())
    if form is None or period is None:
        raise Http404
    count = services.remind_late(actor=user, form=form, organization=organization, period=period)
    messages.success(
        request,
        _("Reminders sent to %(n)s late unit(s).") % {"n": count}
        if count
        else _("No late unit with an officer to remind."),
    )
    query = f"?form={form.pk}&org={organization.pk}&period={period.code}"
    return redirect(reverse("report_completeness") + query)


# --- Pivot ---------------------------------------------------------------------------------


def _pivot_inputs(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request)
    today = timezone.localdate()
    form = _form_from(request)
    node_id = request.GET.get("node", "")
    node: Organization | Area = (
        selectors.get_node_for_user(user, node_id) if node_id else _org_from(request, user)
    )
    code = request.GET.get("period") or (
        str(selectors.recent_periods(form, today, 1)[0].code) if form else str(today.year)
    )
    period, error = _period(code, form, today)
    layout = selectors.form_layout(form) if form else None
    indicators = [i for i in (layout.indicators if layout else []) if i.is_numeric]
    # Typed figures and formulas first: one query for every row; derived ones on request.
    indicators.sort(key=lambda i: i.source == Source.DERIVED)
    chosen = request.GET.getlist("indicator")
    if chosen:
        indicators = [i for i in indicators if i.code in chosen] or indicators[:6]
    else:  # a readable table to start from; more through «Choose indicators»
        indicators = indicators[:6]
        chosen = [i.code for i in indicators]
    by = "periods" if request.GET.get("by") == "periods" else "units"
    return {
        "form": form,
        "node": node,
        "period": period,
        "period_error": error,
        "indicators": indicators,
        "all_indicators": [i for i in (layout.indicators if layout else []) if i.is_numeric],
        "chosen": chosen,
        "by": by,
    }


@login_required
def pivot(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    inputs = _pivot_inputs(request)
    table = None
    if inputs["period"] is not None and inputs["indicators"]:
        table = selectors.pivot(
            inputs["indicators"], inputs["node"], inputs["period"], inputs["by"]
        )
    if request.GET.get("format") == "xlsx" and table is not None:
        headers = [_("Reporting unit") if table.by == "units" else _("Period")] + [
            f"{i.label} ({i.unit})" if i.unit else i.label for i in table.indicators
        ]
        sheet = [[label, *[_cell(v) for v in values]] for _n, label, values in table.rows]
        sheet.append([_("Whole scope"), *[_cell(v) for v in table.total]])
        return xlsx_response(
            workbook_bytes(_("Pivot"), headers, sheet), f"tong-hop-{inputs['period'].code}.xlsx"
        )
    chart = None
    if table is not None and table.rows:
        first = 0
        chart = {
            "labels": [label for _n, label, _v in table.rows],
            "series": [
                {
                    "name": ind.label,
                    "data": [_number(v[i]) for _n, _l, v in table.rows],
                }
                for i, ind in enumerate(table.indicators[:6])
            ],
            "first": first,
        }
    node = inputs["node"]
    rows: list[dict[str, Any]] = []
    if table is not None:
        for row_node, label, values in table.rows:
            drill = selectors.node_key(row_node) if table.by == "units" else ""
            rows.append(
                {"label": label, "values": [number_text(v) for v in values], "drill": drill}
            )
    return render(
        request,
        "reporting/pivot.html",
        {
            **inputs,
            "table": table,
            "rows": rows,
            "total": [number_text(v) for v in table.total] if table else [],
            "chart": chart,
            "node_key": selectors.node_key(node),
            "parent_key": _parent_key(user, node),
            "forms": selectors.forms_for_user(user),
            "scope_orgs": Organization.objects.visible_to(user).filter(depth__lte=3)[:300],
            "scope_areas": Area.objects.visible_to(user).filter(depth__lte=2)[:300],
            "query": request.GET.urlencode(),
            "query_without_node": _without(request, "node", "format"),
        },
    )


def _without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _cell(value: Decimal | None) -> float | str:
    return float(value) if value is not None else ""


def _parent_key(user: Any, node: Organization | Area) -> str:
    model: Any = type(node)
    parent = model.objects.parent_of(node)
    if parent is None or not model.objects.visible_to(user).filter(pk=parent.pk).exists():
        return ""
    return selectors.node_key(parent)


# --- Consolidated report -------------------------------------------------------------------


@login_required
def consolidated(request: HttpRequest) -> HttpResponse:
    from .report import consolidate

    user = current_user(request)
    form = _form_from(request)
    organization = _org_from(request, user)
    period, error = _period(request.GET.get("period"), form, timezone.localdate())
    report = consolidate(form, organization, period) if form and period else None
    exports = ReportExport.objects.filter(requested_by=user).select_related("form", "organization")[
        :5
    ]
    return render(
        request,
        "reporting/consolidated.html",
        {
            "form": form,
            "forms": selectors.forms_for_user(user),
            "organization": organization,
            "period": period,
            "period_error": error,
            "report": report,
            "exports": exports,
            "scope_orgs": Organization.objects.visible_to(user).filter(depth__lte=3)[:300],
            "period_choices": selectors.recent_periods(form, timezone.localdate(), 6)
            if form
            else [],
        },
    )


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = _form_from(request)
    organization = _org_from(request, user)
    if form is None:
        raise Http404
    try:
        export = services.export_request(
            actor=user,
            form=form,
            organization=organization,
            period=request.POST.get("period", ""),
            file_format=request.POST.get("format", "docx"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(reverse("report_consolidated") + f"?form={form.pk}&org={organization.pk}")
    return redirect("export_detail", export.pk)


def _export_for(request: HttpRequest, pk: int) -> ReportExport:
    try:
        return ReportExport.objects.select_related("form", "organization").get(
            pk=pk, requested_by=current_user(request)
        )
    except ReportExport.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export_for(request, pk)
    template = (
        "reporting/_export_progress.html" if request.htmx else "reporting/export_detail.html"  # type: ignore[attr-defined]
    )
    return render(request, template, {"export": export})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export_for(request, pk)
    if export.status != ReportExport.Status.DONE or export.content is None:
        raise Http404
    content_type = (
        "application/pdf"
        if export.file_format == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response = HttpResponse(bytes(export.content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename()}"'
    return response


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
                indicator = services.indicator_create(
                    actor=user, code=form.cleaned_data["code"], **data
                )
            else:
                services.indicator_update(actor=user, indicator=indicator, **data)
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
        {"form": form, "layout": selectors.form_layout(form), "kinds": form.kinds.all()},
    )
