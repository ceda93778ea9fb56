"""Pages of the "Dân vận khéo" movement, and its public showcase (no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danvan.lib import periods
from danvan.lib.errors import Conflict
from danvan.lib.forms import ImportForm
from danvan.lib.history import history_for
from danvan.lib.replica import reads_from_replica
from danvan.lib.web import (
    add_service_errors,
    current_user,
    int_param,
    paginate,
    query_without_page,
    xlsx_response,
    year_param,
)
from danvan.org.models import Area, Organization
from danvan.org.scopes import ReportingScope

from . import exports, selectors, services
from .forms import AppraisalForm, DecisionForm, PhotoForm, PracticeForm, ReplicationForm, ResultForm
from .models import (
    CRITERIA,
    Field,
    Level,
    Practice,
    PracticeKind,
    PracticeStatus,
)

TEN_ITEMS = [
    "situation", "objectives", "content_method", "target_group", "forces", "resources",
    "timeline", "outputs", "sustainability",
]  # fmt: skip


@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = request.GET.get("q", "").strip()
    field = request.GET.get("field", "")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    practices = selectors.practices_for_user(
        user,
        q=q,
        field=field if field in Field.values else "",
        kind=kind if kind in PracticeKind.values else "",
        status=status if status in PracticeStatus.values else "",
    )
    return render(
        request,
        "practices/practice_list.html",
        {
            "page": paginate(request, practices),
            "q": q,
            "field": field,
            "kind": kind,
            "status": status,
            "fields": Field.choices,
            "kinds": PracticeKind.choices,
            "statuses": PracticeStatus.choices,
            "query": query_without_page(request),
            "can_register": selectors.may_register_practice(user),
        },
    )


@login_required
def practice_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_register_practice(user):
        raise PermissionDenied
    form = PracticeForm(request.POST or None, organizations=selectors.registering_units(user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        result = {k: data.pop(k) for k in ("metric", "value", "unit")}
        results = [result] if result["metric"] or result["value"] is not None else []
        try:
            practice = services.practice_register(actor=user, results=results, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Practice registered."))
            return redirect("practice_detail", pk=practice.pk)
    return render(request, "practices/practice_form.html", {"form": form, "practice": None})


@login_required
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    practice = selectors.get_practice_for_user(user, pk)
    if not selectors.may_edit_practice(user, practice):
        raise PermissionDenied
    names = [
        n for n in PracticeForm.base_fields if n not in ("organization", "metric", "value", "unit")
    ]
    form = PracticeForm(
        request.POST or None,
        organizations=Organization.objects.none(),
        editing=True,
        initial={n: getattr(practice, n) for n in names},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_update(actor=user, practice=practice, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Practice saved."))
            return redirect("practice_detail", pk=practice.pk)
    return render(request, "practices/practice_form.html", {"form": form, "practice": practice})


def _ten_items(practice: Any) -> list[tuple[str, str]]:
    """The nine text items of the registration form, labelled."""
    labels = {f.name: str(f.verbose_name) for f in Practice._meta.fields}
    return [(labels[n], getattr(practice, n)) for n in TEN_ITEMS]


def _decision_form(user: Any, data: Any = None) -> DecisionForm:
    """The bodies the user records decisions for; the reason for doing without an appraisal
    offered to leaders only (the service checks the deciding body itself)."""
    return DecisionForm(
        data,
        bodies=selectors.registering_units(user),
        may_waive=selectors.may_waive_appraisal(user),
    )


def _detail_context(request: HttpRequest, practice: Any, **forms: Any) -> dict[str, Any]:
    user = current_user(request)
    actions = selectors.practice_actions(user, practice)
    adopters = selectors.adopting_units(user, practice)
    return {
        "practice": practice,
        "items": _ten_items(practice),
        "results": selectors.practice_results(practice),
        "photos": selectors.practice_photos(practice),
        "appraisals": selectors.appraisals_for_user(user, practice),
        "criteria": CRITERIA,
        "recognitions": selectors.practice_recognitions(practice),
        "adoption": selectors.adoption(practice),
        "history": history_for(practice),
        "owner": actions["owner"],
        "may_appraise": actions["may_appraise"],
        "may_decide": actions["may_decide"],
        "may_replicate": actions["may_replicate"],
        "appraisal_form": forms.get("appraisal_form") or AppraisalForm(),
        "decision_form": forms.get("decision_form") or _decision_form(user),
        "replication_form": forms.get("replication_form")
        or ReplicationForm(units=adopters, initial={"adopted_on": timezone.localdate()}),
        "result_form": forms.get("result_form")
        or ResultForm(initial={"as_of": timezone.localdate()}),
        "photo_form": forms.get("photo_form") or PhotoForm(),
    }


@login_required
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.get_practice_for_user(current_user(request), pk)
    return render(request, "practices/practice_detail.html", _detail_context(request, practice))


@login_required
@require_POST
def practice_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Appraise, decide, replicate, add a result or a photo; errors re-render the page."""
    user = current_user(request)
    practice = selectors.get_practice_for_user(user, pk)
    forms: dict[str, Any] = {}
    status = 400
    try:
        if action == "appraise":
            form: Any = AppraisalForm(request.POST)
            forms["appraisal_form"] = form
            if form.is_valid():
                data = dict(form.cleaned_data)
                comments = data.pop("comments")
                services.appraisal_record(
                    actor=user, practice=practice, scores=data, comments=comments
                )
                messages.success(request, _("Appraisal recorded."))
                return redirect("practice_detail", pk=practice.pk)
        elif action == "decide":
            form = _decision_form(user, request.POST)
            forms["decision_form"] = form
            if form.is_valid():
                data = dict(form.cleaned_data)
                decision = data.pop("decision")
                services.practice_decide(
                    actor=user,
                    practice=practice,
                    recognised=decision != "not_recognised",
                    kind=decision if decision != "not_recognised" else "recognition",
                    **data,
                )
                messages.success(request, _("Decision recorded."))
                return redirect("practice_detail", pk=practice.pk)
        elif action == "replicate":
            form = ReplicationForm(request.POST, units=selectors.adopting_units(user, practice))
            forms["replication_form"] = form
            if form.is_valid():
                data = dict(form.cleaned_data)
                row = {k: data.pop(k) for k in ("metric", "value_before", "value", "unit")}
                services.replication_record(
                    actor=user, practice=practice, results=[row] if row["metric"] else [], **data
                )
                messages.success(request, _("Adoption recorded."))
                return redirect("practice_detail", pk=practice.pk)
        elif action == "result":
            form = ResultForm(request.POST)
            forms["result_form"] = form
            if form.is_valid():
                services.result_add(actor=user, practice=practice, **form.cleaned_data)
                messages.success(request, _("Result added."))
                return redirect("practice_detail", pk=practice.pk)
        elif action == "photo":
            form = PhotoForm(request.POST, request.FILES)
            forms["photo_form"] = form
            if form.is_valid():
                services.photo_add(
                    actor=user,
                    practice=practice,
                    upload=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                )
                messages.success(request, _("Photo added."))
                return redirect("practice_detail", pk=practice.pk)
        else:
            raise Http404
    except Conflict as exc:
        # The record's state does not allow it (decided on, already recognised…): a message
        # above the page, as the form may no longer be offered; at the field when it names one.
        if hasattr(exc, "error_dict"):
            add_service_errors(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
        status = 409
    except ValidationError as exc:
        add_service_errors(form, exc)
    practice.refresh_from_db()
    return render(
        request,
        "practices/practice_detail.html",
        _detail_context(request, practice, **forms),
        status=status,
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    code = request.GET.get("period", str(timezone.localdate().year))
    try:
        period = periods.parse(code)
    except periods.PeriodError as exc:
        messages.error(request, str(exc))
        period = periods.parse(str(timezone.localdate().year))
    figures = selectors.statistics(ReportingScope.for_user(user), period)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            exports.statistics_xlsx(figures, period.code), f"thong-ke-{period.code}.xlsx"
        )
    return render(
        request,
        "practices/statistics.html",
        {"figures": figures, "period": period, "fields": Field.choices, "levels": Level.choices},
    )


def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo: public for showcased practices, otherwise only within the scope."""
    item = selectors.get_photo_for_user(request.user, pk)
    return FileResponse(item.image.open("rb"), content_type="image/jpeg")


@login_required
def practices_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on the page, to Excel."""
    user = current_user(request)
    practices = selectors.practices_for_user(
        user,
        q=request.GET.get("q", ""),
        field=request.GET.get("field", "") if request.GET.get("field") in Field.values else "",
        kind=request.GET.get("kind", "") if request.GET.get("kind") in PracticeKind.values else "",
        status=request.GET.get("status", "")
        if request.GET.get("status") in PracticeStatus.values
        else "",
    )
    return xlsx_response(exports.practices_xlsx(practices), "dan-van-kheo.xlsx")


@login_required
def registration_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(exports.template(), "dang-ky-mo-hinh.xlsx")


@login_required
def practices_import(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_register_practice(user):
        raise PermissionDenied
    units = selectors.registering_units(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = exports.import_registrations(
                actor=user, data=form.cleaned_data["file"].read(), units=units
            )
        except exports.ImportRefused as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(count)d practices registered.") % {"count": count})
            return redirect("practice_list")
    return render(request, "practices/import.html", {"form": form, "errors": errors})


@login_required
def not_adopted(request: HttpRequest) -> HttpResponse:
    """For a unit, or an area: recognised practices not yet adopted there."""
    user = current_user(request)
    units = Organization.objects.visible_to(user).active().select_related("area").order_by("path")
    areas = Area.objects.visible_to(user).order_by("path")
    unit_id, area_id = int_param(request, "unit"), int_param(request, "area")
    unit = units.filter(pk=unit_id).first() if unit_id else None
    area = areas.filter(pk=area_id).first() if area_id and not unit else None
    practices: Any = []
    if unit:
        practices = selectors.not_yet_adopted(unit)[:200]
    elif area:
        practices = selectors.not_yet_adopted_in_area(area)[:200]
    return render(
        request,
        "practices/not_adopted.html",
        {
            "units": units[:500],
            "areas": areas[:500],
            "unit": unit,
            "area": area,
            "practices": practices,
        },
    )


# --- The public showcase -------------------------------------------------------------------


@reads_from_replica
def showcase(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    field = request.GET.get("field", "")
    level = request.GET.get("level", "")
    kind = request.GET.get("kind", "")
    year = request.GET.get("year", "")
    area = request.GET.get("area", "")
    practices = selectors.public_practices(
        q=q,
        field=field if field in Field.values else "",
        level=level if level in Level.values else "",
        kind=kind if kind in PracticeKind.values else "",
        year=year_param(request),
        area=int_param(request, "area"),
    )
    return render(
        request,
        "practices/showcase.html",
        {
            "page": paginate(request, practices, per_page=20),
            "q": q,
            "field": field,
            "level": level,
            "kind": kind,
            "year": year,
            "area": area,
            "fields": Field.choices,
            "levels": Level.choices,
            "kinds": PracticeKind.choices,
            # Provinces, and the communes that have something on the showcase.
            "areas": Area.objects.filter(
                Q(depth=1) | Q(pk__in=Practice.objects.public().values("area_id"))
            ).order_by("path"),
            "query": query_without_page(request),
        },
    )


@reads_from_replica
def showcase_detail(request: HttpRequest, pk: int, printable: bool = False) -> HttpResponse:
    practice = selectors.get_public_practice(pk)
    return render(
        request,
        "practices/showcase_print.html" if printable else "practices/showcase_detail.html",
        {
            "practice": practice,
            "items": _ten_items(practice),
            "results": selectors.practice_results(practice),
            "photos": selectors.practice_photos(practice),
            "recognitions": selectors.practice_recognitions(practice),
            "adopted": selectors.adoption_count(practice),
        },
    )


class ShowcaseFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Dân vận khéo: recognised practices")
    subtitle = gettext_lazy("Good practices of skillful mass mobilization, recognised and shared.")
    link = "/thuc-tien/"

    def items(self) -> Any:
        return selectors.public_practices()[:50]

    def item_title(self, item: Any) -> str:
        return item.name

    def item_description(self, item: Any) -> str:
        return item.outputs or item.content_method

    def item_link(self, item: Any) -> str:
        return reverse("showcase_detail", args=[item.pk])
