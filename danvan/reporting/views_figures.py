"""Pages of a level's figures: the pivot of rolled-up figures, the consolidated report and its
DOCX/PDF exports built in the background."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.lib import numbers
from danvan.lib.excel import workbook_bytes
from danvan.lib.history import history_for
from danvan.lib.replica import reads_from_replica
from danvan.lib.web import current_user, xlsx_response
from danvan.org.models import Area, Organization

from . import selectors, selectors_pivot, services_levels
from .models import (
    Indicator,
    ReportExport,
    Source,
    ValueType,
)
from .views import form_from, level_form, org_from, period_of

# --- Pivot ---------------------------------------------------------------------------------


def _pivot_inputs(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request)
    today = timezone.localdate()
    form = form_from(request)
    node_id = request.GET.get("node", "")
    node: Organization | Area = (
        selectors_pivot.get_node_for_user(user, node_id) if node_id else org_from(request, user)
    )
    code = request.GET.get("period") or (
        str(selectors.recent_periods(form, today, 1)[0].code) if form else str(today.year)
    )
    period, error = period_of(code, form, today)
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
@reads_from_replica
def pivot(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    inputs = _pivot_inputs(request)
    table = None
    if inputs["period"] is not None and inputs["indicators"]:
        table = selectors_pivot.pivot(
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
    chart = _chart(table) if table is not None and table.rows else None
    node = inputs["node"]
    rows: list[dict[str, Any]] = []
    if table is not None:
        for row_node, label, values in table.rows:
            drill = selectors_pivot.node_key(row_node) if table.by == "units" else ""
            rows.append(
                {"label": label, "values": [numbers.shown(v) for v in values], "drill": drill}
            )
    return render(
        request,
        "reporting/pivot.html",
        {
            **inputs,
            "table": table,
            "rows": rows,
            "total": [numbers.shown(v) for v in table.total] if table else [],
            "chart": chart,
            "node_key": selectors_pivot.node_key(node),
            "parent_key": _parent_key(user, node),
            "forms": selectors.forms_for_user(user),
            "scope_orgs": Organization.objects.visible_to(user).filter(depth__lte=3)[:300],
            "scope_areas": Area.objects.visible_to(user).filter(depth__lte=2)[:300],
            "query": request.GET.urlencode(),
            "query_without_node": _without(request, "node", "format"),
        },
    )


def _measure(indicator: Indicator) -> str:
    return "%" if indicator.value_type == ValueType.PERCENT else indicator.unit.strip()


def _chart(table: selectors_pivot.Pivot) -> dict[str, Any]:
    """The chart's data. Indicators in different units (meetings, people, percent) would share
    one axis and the small ones vanish: then each is drawn as a share of its own largest row
    (100 = the largest), and the tooltip gives the real figures."""
    shown = table.indicators[:6]
    normalised = len({_measure(i) for i in shown}) > 1
    series = []
    for i, ind in enumerate(shown):
        raw = [_number(v[i]) for _n, _l, v in table.rows]
        data = raw
        if normalised:
            largest = max((abs(x) for x in raw if x is not None), default=0)
            data = [round(100 * x / largest, 1) if x is not None and largest else x for x in raw]
        unit = _measure(ind)
        series.append(
            {
                "name": f"{ind.label} ({unit})" if unit else ind.label,
                "data": data,
                "shown": [numbers.shown(v[i]) for _n, _l, v in table.rows],
            }
        )
    return {
        "labels": [label for _n, label, _v in table.rows],
        "series": series,
        "normalised": normalised,
        "axis": _("per cent of the largest") if normalised else "",
    }


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
    return selectors_pivot.node_key(parent)


# --- Consolidated report -------------------------------------------------------------------


@login_required
def consolidated(request: HttpRequest) -> HttpResponse:
    from .report import consolidate

    user = current_user(request)
    form = form_from(request)
    organization = org_from(request, user)
    period, error = period_of(request.GET.get("period"), form, timezone.localdate())
    report = consolidate(form, organization, period) if form and period else None
    exports = ReportExport.objects.filter(requested_by=user).select_related("form", "organization")[
        :5
    ]
    kept = report.kept if report else None
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
            "can_edit_text": selectors.may_edit_narrative(user, organization),
            "history": history_for(kept, limit=20) if kept else [],
            "level": level_form(user, form, organization, period),
        },
    )


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = form_from(request)
    organization = org_from(request, user)
    if form is None:
        raise Http404
    try:
        export = services_levels.export_request(
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
