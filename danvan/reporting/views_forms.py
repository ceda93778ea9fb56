"""Pages of the report form editor: the list of forms, a form's settings and layout, its
sections and the indicators on them, its validation rules, and a preview of the form as a unit
fills it in. Everyone signed in reads the list; the administrators and leaders of a top-level
unit edit (`selectors.may_define`), others are refused (403). Thin views over services_forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.models import User
from danvan.lib.web import add_service_errors, current_user

from . import definitions, selectors, selectors_forms, services_forms
from .forms_editor import FormSettingsForm, ItemAddForm, NewIndicatorForm, RuleForm, SectionForm
from .models import Form, FormIndicator, Section, SectionKind


def _definer(request: HttpRequest) -> User:
    user = current_user(request)
    if not selectors.may_define(user):
        raise PermissionDenied(
            _("Only the administrators and leaders of a top-level unit keep report forms.")
        )
    return user


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Forms ---------------------------------------------------------------------------------


@login_required
def form_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "reporting/form_list.html",
        {"forms": selectors_forms.forms_overview(), "can_define": selectors.may_define(user)},
    )


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "name_en": data["name_en"],
        "description": data["description"],
        "periodicity": data["periodicity"],
        "deadline_days": data["deadline_days"],
        "kinds": list(data["kinds"]),
        "area_levels": list(data["area_levels"]),
    }


@login_required
def form_create(request: HttpRequest) -> HttpResponse:
    user = _definer(request)
    settings = FormSettingsForm(request.POST or None)
    if request.method == "POST" and settings.is_valid():
        try:
            form = definitions.form_create(
                actor=user,
                code=settings.cleaned_data["code"],
                sections=[],
                is_active=settings.cleaned_data["is_active"],
                **_settings(settings.cleaned_data),
            )
        except ValidationError as exc:
            add_service_errors(settings, exc)
        else:
            messages.success(request, _("Form created. Add its sections now."))
            return redirect("form_edit", form.pk)
    return render(request, "reporting/form_edit.html", {"settings": settings, "form": None})


@login_required
def form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _definer(request)
    form = selectors.get_form(pk)
    settings = FormSettingsForm(request.POST or None, form=form)
    if request.method == "POST" and settings.is_valid():
        try:
            services_forms.form_update(
                actor=user,
                form=form,
                is_active=settings.cleaned_data["is_active"],
                **_settings(settings.cleaned_data),
            )
        except ValidationError as exc:
            add_service_errors(settings, exc)
        else:
            messages.success(request, _("Form saved."))
            return redirect("form_edit", form.pk)
    return render(
        request,
        "reporting/form_edit.html",
        {
            "settings": settings,
            "form": form,
            "layout": selectors.form_layout(form),
            "all_rules": form.rules.all(),
            "history": selectors_forms.form_history(form, limit=25),
        },
    )


@login_required
def form_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _definer(request)
    form = selectors.get_form(pk)
    layout = selectors.form_layout(form)
    return render(
        request,
        "reporting/form_preview.html",
        {
            "form": form,
            "layout": layout,
            "sections": selectors_forms.preview_sections(layout),
            "preview": True,
            "can_fill": True,
        },
    )


# --- Sections ------------------------------------------------------------------------------


@login_required
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _definer(request)
    form = selectors.get_form(pk)
    fields = SectionForm(request.POST or None, initial={"kind": SectionKind.INDICATORS})
    if request.method == "POST" and fields.is_valid():
        try:
            section = services_forms.section_add(actor=user, form=form, **fields.cleaned_data)
        except ValidationError as exc:
            add_service_errors(fields, exc)
        else:
            messages.success(request, _("Section added."))
            return redirect("section_edit", section.pk)
    return render(
        request, "reporting/form_section.html", {"form": form, "section": None, "fields": fields}
    )


def _section_forms(
    section: Section, data: dict[str, Any] | None, action: str
) -> tuple[SectionForm, ItemAddForm, NewIndicatorForm]:
    on_form = list(
        FormIndicator.objects.filter(section__form_id=section.form_id).values_list(
            "indicator_id", flat=True
        )
    )
    initial = {k: getattr(section, k) for k in ("title", "title_en", "kind", "help_text")}
    return (
        SectionForm(data if action == "settings" else None, initial=initial),
        ItemAddForm(data if action == "add" else None, exclude=on_form, prefix="add"),
        NewIndicatorForm(data if action == "new" else None, prefix="new"),
    )


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _definer(request)
    section = selectors_forms.get_section(pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    fields, add, new = _section_forms(section, request.POST or None, action)
    bound = {"settings": fields, "add": add, "new": new}.get(action)
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if action == "settings":
                services_forms.section_update(actor=user, section=section, **data)
                messages.success(request, _("Section saved."))
            elif action == "add":
                services_forms.item_add(
                    actor=user,
                    section=section,
                    indicator=data["indicator"],
                    required=data["required"],
                )
                messages.success(request, _("Indicator added to the section."))
            else:
                services_forms.item_create_with_indicator(actor=user, section=section, **data)
                messages.success(request, _("Indicator created and added to the section."))
        except ValidationError as exc:
            add_service_errors(bound, exc)
        else:
            return redirect("section_edit", section.pk)
    layout = selectors.form_layout(section.form)
    items = next((items for s, items in layout.sections if s.pk == section.pk), [])
    return render(
        request,
        "reporting/form_section.html",
        {
            "form": section.form,
            "section": section,
            "items": items,
            "fields": fields,
            "add": add,
            "new": new,
            "action": action,
        },
    )


def _step(request: HttpRequest) -> int:
    return -1 if request.POST.get("step") == "up" else 1


@login_required
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = _definer(request)
    section = selectors_forms.get_section(pk)
    services_forms.section_move(actor=user, section=section, step=_step(request))
    return redirect("form_edit", section.form_id)


@login_required
@require_POST
def section_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _definer(request)
    section = selectors_forms.get_section(pk)
    try:
        services_forms.section_remove(
            actor=user, section=section, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Section taken off the form."))
    return redirect("form_edit", section.form_id)


# --- Indicators on a section ---------------------------------------------------------------


@login_required
@require_POST
def item_required(request: HttpRequest, pk: int) -> HttpResponse:
    user = _definer(request)
    item = selectors_forms.get_item(pk)
    services_forms.item_update(actor=user, item=item, required=request.POST.get("required") == "1")
    return redirect("section_edit", item.section_id)


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = _definer(request)
    item = selectors_forms.get_item(pk)
    services_forms.item_move(actor=user, item=item, step=_step(request))
    return redirect("section_edit", item.section_id)


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _definer(request)
    item = selectors_forms.get_item(pk)
    try:
        services_forms.item_remove(actor=user, item=item, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Indicator taken off the form."))
    return redirect("section_edit", item.section_id)


# --- Validation rules ----------------------------------------------------------------------


def _rule_page(request: HttpRequest, form: Form, rule: Any) -> HttpResponse:
    user = _definer(request)
    initial = (
        {k: getattr(rule, k) for k in services_forms.RULE_FIELDS}
        if rule is not None
        else {"severity": "error", "is_active": True}
    )
    fields = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and fields.is_valid():
        data = fields.cleaned_data
        try:
            if rule is None:
                rule = definitions.rule_add(actor=user, form=form, **data)
            else:
                services_forms.rule_update(actor=user, rule=rule, **data)
        except ValidationError as exc:
            add_service_errors(fields, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("form_edit", form.pk)
    layout = selectors.form_layout(form)
    return render(
        request,
        "reporting/form_rule.html",
        {"form": form, "rule": rule, "fields": fields, "indicators": layout.indicators},
    )


@login_required
def rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    _definer(request)
    return _rule_page(request, selectors.get_form(pk), None)


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _definer(request)
    rule = selectors_forms.get_rule(pk)
    return _rule_page(request, rule.form, rule)
