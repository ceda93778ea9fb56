"""Citizen reception sessions and dialogues with the people: lists, forms, a dialogue's steps
(held, results published, cancelled) and its commitments. Thin views."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.models import User
from danvan.lib.errors import Conflict
from danvan.lib.history import history_for
from danvan.lib.web import (
    add_service_errors,
    current_user,
    paginate,
    query_without_page,
    xlsx_response,
    year_param,
)
from danvan.org.models import Organization
from danvan.org.selectors import organizations_user_may_edit

from . import exports, selectors, services
from .forms import (
    CancelForm,
    CommitmentForm,
    DialogueForm,
    HoldForm,
    KeepForm,
    NotKeptForm,
    PublishForm,
    ReceptionForm,
)
from .models import (
    CommitmentStatus,
    Dialogue,
    DialogueKind,
    DialogueStatus,
)
from .views import flash, nav, org_param, year_options
from .views_petitions import visible_petitions_at

DIALOGUE_ACTIONS = ("hold", "publish", "cancel", "commit")
RECEPTION_FIELDS = (
    "kind",
    "held_on",
    "host_role",
    "host_name",
    "place",
    "citizens",
    "cases",
    "notes",
)


def _orgs_filter(user: User) -> QuerySet[Organization]:
    return Organization.objects.visible_to(user).active().filter(depth__lte=3).order_by("path")


# --- Receptions -----------------------------------------------------------------------------


@login_required
def reception_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    year = year_param(request)
    organization = org_param(request, user)
    receptions = selectors.receptions_for_user(user, organization=organization, year=year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.receptions_xlsx(receptions), "tiep-cong-dan.xlsx")
    return render(
        request,
        "dialogue/reception_list.html",
        {
            **nav(user, "receptions"),
            "page": paginate(request, receptions),
            "year": year,
            "organization": organization,
            "years": year_options(timezone.localdate()),
            "orgs": _orgs_filter(user),
            "query": query_without_page(request),
            "filtered": bool(year or organization),
            "can_record": selectors.may_record(user),
        },
    )


@login_required
def reception_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_record(user):
        raise PermissionDenied
    editable = organizations_user_may_edit(user)
    initial: dict[str, Any] = {"held_on": timezone.localdate()}
    if editable.count() == 1:
        initial["organization"] = editable.first()
    form = ReceptionForm(request.POST or None, organizations=editable, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reception = services.reception_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Reception session recorded."))
            return redirect("dialogue_reception", pk=reception.pk)
    return render(
        request,
        "dialogue/reception_form.html",
        {**nav(user, "receptions"), "form": form, "reception": None},
    )


@login_required
def reception_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    reception = selectors.get_reception_for_user(user, pk)
    if not selectors.may_edit_reception(user, reception):
        raise PermissionDenied
    form = ReceptionForm(
        request.POST or None,
        organizations=Organization.objects.none(),
        editing=True,
        initial={f: getattr(reception, f) for f in RECEPTION_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if getattr(reception, k) != v}
        try:
            services.reception_update(actor=user, reception=reception, **changed)
        except ValidationError as exc:
            add_service_errors(form, exc)
            reception.refresh_from_db()
        else:
            messages.success(request, _("Reception session saved."))
            return redirect("dialogue_reception", pk=reception.pk)
    return render(
        request,
        "dialogue/reception_form.html",
        {**nav(user, "receptions"), "form": form, "reception": reception},
    )


@login_required
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    reception = selectors.get_reception_for_user(user, pk)
    can_edit = selectors.may_edit_reception(user, reception)
    return render(
        request,
        "dialogue/reception_detail.html",
        {
            **nav(user, "receptions"),
            "reception": reception,
            "petitions": visible_petitions_at(user, reception=reception),
            "can_edit": can_edit,
            "add_url": f"{reverse('dialogue_petition_new')}?reception={reception.pk}"
            if can_edit
            else "",
            "history": history_for(reception),
        },
    )


# --- Dialogues ------------------------------------------------------------------------------


@login_required
def dialogue_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    filters: dict[str, Any] = {
        "kind": kind if kind in DialogueKind.values else "",
        "status": status if status in DialogueStatus.values else "",
        "year": year_param(request),
        "organization": org_param(request, user),
    }
    dialogues = selectors.dialogues_for_user(user, **filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.dialogues_xlsx(dialogues), "doi-thoai.xlsx")
    return render(
        request,
        "dialogue/dialogue_list.html",
        {
            **nav(user, "dialogues"),
            "page": paginate(request, dialogues),
            "filters": filters,
            "filtered": any(filters.values()),
            "kinds": DialogueKind.choices,
            "statuses": DialogueStatus.choices,
            "years": year_options(timezone.localdate()),
            "orgs": _orgs_filter(user),
            "query": query_without_page(request),
            "can_record": selectors.may_record(user),
        },
    )


@login_required
def dialogue_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_record(user):
        raise PermissionDenied
    editable = organizations_user_may_edit(user)
    today = timezone.localdate()
    initial: dict[str, Any] = {"announced_on": today}
    if editable.count() == 1:
        initial["organization"] = editable.first()
    form = DialogueForm(
        request.POST or None,
        organizations=editable,
        co_hosts=Organization.objects.visible_to(user)
        .active()
        .select_related("area")
        .order_by("path"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["co_hosts"] = list(data["co_hosts"])
        try:
            dialogue = services.dialogue_create(actor=user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Dialogue recorded."))
            return redirect("dialogue_dialogue", pk=dialogue.pk)
    return render(
        request,
        "dialogue/dialogue_form.html",
        {
            **nav(user, "dialogues"),
            "form": form,
            "announce_days": settings.DANVAN_DIALOGUE["announce_days"],
        },
    )


# What the announcement page corrects (the outcome has its own forms on the dialogue's page).
DIALOGUE_EDIT_FIELDS = (
    "kind", "title", "held_on", "announced_on", "urgent", "urgent_reason", "host_role",
    "host_name", "place", "channel",
)  # fmt: skip


@login_required
def dialogue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an announcement (a new date is checked against the notice rule again)."""
    user = current_user(request)
    dialogue = selectors.get_dialogue_for_user(user, pk)
    if not selectors.may_edit_dialogue(user, dialogue):
        raise PermissionDenied
    if dialogue.status == DialogueStatus.CANCELLED:
        raise Http404
    initial: dict[str, Any] = {f: getattr(dialogue, f) for f in DIALOGUE_EDIT_FIELDS}
    initial["co_hosts"] = list(dialogue.co_hosts.all())
    form = DialogueForm(
        request.POST or None,
        organizations=Organization.objects.none(),
        co_hosts=_agencies(user),
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        co_hosts = list(data.pop("co_hosts"))
        changed: dict[str, Any] = {k: v for k, v in data.items() if getattr(dialogue, k) != v}
        if {o.pk for o in co_hosts} != {o.pk for o in initial["co_hosts"]}:
            changed["co_hosts"] = co_hosts
        try:
            services.dialogue_update(actor=user, dialogue=dialogue, **changed)
        except ValidationError as exc:
            add_service_errors(form, exc)
            dialogue.refresh_from_db()
        else:
            messages.success(request, _("Dialogue saved."))
            return redirect("dialogue_dialogue", pk=dialogue.pk)
    return render(
        request,
        "dialogue/dialogue_form.html",
        {
            **nav(user, "dialogues"),
            "form": form,
            "dialogue": dialogue,
            "announce_days": settings.DANVAN_DIALOGUE["announce_days"],
        },
    )


def _agencies(user: User) -> QuerySet[Organization]:
    return Organization.objects.visible_to(user).active().select_related("area").order_by("path")


def _render_dialogue(
    request: HttpRequest, dialogue: Dialogue, bound: dict[str, Any] | None = None
) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    can_edit = selectors.may_edit_dialogue(user, dialogue)
    commitments = list(dialogue.commitments.all())
    bound = bound or {}
    for c in commitments:
        c.overdue = c.status == CommitmentStatus.OPEN and c.due_on < today  # type: ignore[attr-defined]
        if can_edit and c.status == CommitmentStatus.OPEN:
            mine = bound.get("commitment_pk") == c.pk
            c.keep_form = (mine and bound.get("keep")) or KeepForm(  # type: ignore[attr-defined]
                initial={"done_on": today}, auto_id=f"keep{c.pk}_%s"
            )
            c.not_kept_form = (mine and bound.get("not_kept")) or NotKeptForm(  # type: ignore[attr-defined]
                auto_id=f"fail{c.pk}_%s"
            )
            c.bound = mine  # type: ignore[attr-defined]
    forms: dict[str, Any] = {}
    if can_edit:
        if dialogue.status == DialogueStatus.PLANNED:
            forms["hold"] = HoldForm()
            forms["cancel"] = CancelForm()
        if dialogue.status == DialogueStatus.HELD:
            forms["publish"] = PublishForm(initial={"published_on": today})
        if dialogue.status in (DialogueStatus.HELD, DialogueStatus.PUBLISHED):
            forms["commit"] = CommitmentForm(agencies=_agencies(user))
        forms.update({k: v for k, v in bound.items() if k in DIALOGUE_ACTIONS})
    return render(
        request,
        "dialogue/dialogue_detail.html",
        {
            **nav(user, "dialogues"),
            "dialogue": dialogue,
            "commitments": commitments,
            "open_commitments": [c for c in commitments if c.status == CommitmentStatus.OPEN],
            "petitions": visible_petitions_at(user, dialogue=dialogue),
            "can_edit": can_edit,
            "add_url": f"{reverse('dialogue_petition_new')}?dialogue={dialogue.pk}"
            if can_edit and dialogue.status != DialogueStatus.CANCELLED
            else "",
            "forms": forms,
            "history": history_for(dialogue),
        },
    )


@login_required
def dialogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = selectors.get_dialogue_for_user(current_user(request), pk)
    return _render_dialogue(request, dialogue)


@login_required
@require_POST
def dialogue_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = current_user(request)
    dialogue = selectors.get_dialogue_for_user(user, pk)
    if action not in DIALOGUE_ACTIONS:
        raise Http404
    if not selectors.may_edit_dialogue(user, dialogue):
        raise PermissionDenied
    form: Any
    if action == "hold":
        form = HoldForm(request.POST)
    elif action == "publish":
        form = PublishForm(request.POST)
    elif action == "cancel":
        form = CancelForm(request.POST)
    else:
        form = CommitmentForm(request.POST, agencies=_agencies(user))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if action == "hold":
                services.dialogue_hold(actor=user, dialogue=dialogue, **data)
                message = _("The dialogue is recorded as held.")
            elif action == "publish":
                services.dialogue_publish(actor=user, dialogue=dialogue, **data)
                message = _("Results published.")
            elif action == "cancel":
                services.dialogue_cancel(actor=user, dialogue=dialogue, reason=data["reason"])
                message = _("Dialogue cancelled.")
            else:
                made = services.commitment_add(actor=user, dialogue=dialogue, **data)
                messages.success(request, _("Commitment added."))
                return redirect(
                    reverse("dialogue_dialogue", args=[dialogue.pk]) + f"#commitment-{made.pk}"
                )
        except Conflict as exc:
            flash(request, exc)
            return redirect("dialogue_dialogue", pk=dialogue.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("dialogue_dialogue", pk=dialogue.pk)
    dialogue = selectors.get_dialogue_for_user(user, pk)
    return _render_dialogue(request, dialogue, {action: form})


@login_required
@require_POST
def commitment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = current_user(request)
    commitment = selectors.get_commitment_for_user(user, pk)
    if action not in ("keep", "not_kept"):
        raise Http404
    dialogue = commitment.dialogue
    if not selectors.may_edit_dialogue(user, dialogue):
        raise PermissionDenied
    form: Any = (
        KeepForm(request.POST, auto_id=f"keep{pk}_%s")
        if action == "keep"
        else NotKeptForm(request.POST, auto_id=f"fail{pk}_%s")
    )
    anchor = reverse("dialogue_dialogue", args=[dialogue.pk]) + f"#commitment-{commitment.pk}"
    if form.is_valid():
        try:
            if action == "keep":
                services.commitment_keep(actor=user, commitment=commitment, **form.cleaned_data)
                message = _("Commitment recorded as kept.")
            else:
                services.commitment_fail(
                    actor=user, commitment=commitment, reason=form.cleaned_data["reason"]
                )
                message = _("Commitment recorded as not kept.")
        except Conflict as exc:
            flash(request, exc)
            return redirect(anchor)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(anchor)
    dialogue = selectors.get_dialogue_for_user(user, dialogue.pk)
    return _render_dialogue(request, dialogue, {"commitment_pk": commitment.pk, action: form})
