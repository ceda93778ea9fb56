"""Petition pages: the list and its export, intake with duplicate suggestions, a petition's page
with the actions its state allows, and the logged view of the petitioner. Thin views."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from danvan.accounts.models import User
from danvan.lib.errors import Conflict
from danvan.lib.history import history_for
from danvan.lib.web import (
    add_service_errors,
    attachment,
    current_user,
    int_param,
    paginate,
    query_without_page,
    xlsx_response,
)
from danvan.org.models import Area, AreaLevel, Organization
from danvan.org.selectors import organizations_user_may_edit
from danvan.situation import privacy as person_check
from danvan.situation import selectors as situation_selectors
from danvan.situation.models import Note, Topic

from . import exports, privacy, selectors, services_intake, services_petitions, services_privacy
from .forms import (
    AcceptForm,
    AssignForm,
    AttachForm,
    CloseForm,
    ConfirmForm,
    ExtendForm,
    MergeForm,
    NoteLinkForm,
    PetitionForm,
    ReferForm,
    RefuseForm,
    ReopenForm,
    SettleForm,
)
from .models import (
    OPEN_STATES,
    REFERRED_KINDS,
    Dialogue,
    Petition,
    Petitioner,
    PetitionKind,
    PetitionState,
    Reception,
)
from .views import date_param, flash, nav, officers_for, org_param

S = PetitionState
# Which actions a petition's state allows (the services decide; this only chooses the forms).
ACTION_STATES: dict[str, tuple[str, ...]] = {
    "accept": (S.RECEIVED,),
    "assign": (S.ACCEPTED, S.IN_PROGRESS, S.REFERRED),
    "refer": (S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS),
    "refuse": (S.RECEIVED,),
    "extend": (S.ACCEPTED, S.IN_PROGRESS, S.REFERRED),
    "settle": (S.ACCEPTED, S.IN_PROGRESS, S.REFERRED),
    "confirm": (S.SETTLED,),
    "close": (S.SETTLED,),
    "reopen": (S.SETTLED, S.CLOSED, S.REFUSED),
    "merge": tuple(OPEN_STATES),
    "attach": tuple(OPEN_STATES),
    "note": tuple(s for s in S.values if s != S.MERGED),
}

ACTION_LABELS = {
    "accept": gettext_lazy("Accept for settlement"),
    "assign": gettext_lazy("Assign an officer"),
    "refer": gettext_lazy("Refer to the competent body"),
    "refuse": gettext_lazy("Refuse to accept"),
    "extend": gettext_lazy("Extend the deadline"),
    "settle": gettext_lazy("Record the result"),
    "confirm": gettext_lazy("The citizen's answer"),
    "close": gettext_lazy("Close without the citizen's answer"),
    "reopen": gettext_lazy("Reopen"),
    "merge": gettext_lazy("Merge into another petition"),
    "attach": gettext_lazy("Add files"),
    "note": gettext_lazy("Link to a situation note"),
}


# --- The list and its export ----------------------------------------------------------------


def _filters(request: HttpRequest, user: User) -> dict[str, Any]:
    """The list's filters as read from the query (unknown values are ignored)."""
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    topic_id = int_param(request, "topic")
    area_id = int_param(request, "area")
    overdue = request.GET.get("overdue", "")
    return {
        "state": state if state in S.values else "",
        "kind": kind if kind in PetitionKind.values else "",
        "topic": Topic.objects.filter(pk=topic_id).first() if topic_id else None,
        "area": Area.objects.visible_to(user).filter(pk=area_id).first() if area_id else None,
        "organization": org_param(request, user),
        "overdue": {"1": True, "0": False}.get(overdue),
        "q": request.GET.get("q", "").strip()[:200],
        "received_from": date_param(request, "received_from"),
        "received_to": date_param(request, "received_to"),
    }


def _filtered(request: HttpRequest, user: User) -> tuple[QuerySet[Petition], dict[str, Any]]:
    filters = _filters(request, user)
    found = selectors.petitions_for_user(
        user, **{k: v for k, v in filters.items() if k not in ("received_from", "received_to")}
    )
    if filters["received_from"]:
        found = found.filter(received_on__gte=filters["received_from"])
    if filters["received_to"]:
        found = found.filter(received_on__lte=filters["received_to"])
    return found, filters


@login_required
def petition_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    petitions, filters = _filtered(request, user)
    page = paginate(request, petitions)
    today = timezone.localdate()
    for p in page:
        p.overdue = p.is_overdue(today)  # type: ignore[attr-defined]
    return render(
        request,
        "dialogue/petition_list.html",
        {
            **nav(user, "petitions"),
            "page": page,
            "filters": filters,
            "filtered": any(v not in (None, "") for v in filters.values()),
            "query": query_without_page(request),
            "states": S.choices,
            "kinds": PetitionKind.choices,
            "topics": situation_selectors.topics(active_only=False),
            "areas": Area.objects.visible_to(user)
            .filter(level__in=[AreaLevel.PROVINCE, AreaLevel.COMMUNE])
            .order_by("path"),
            "orgs": Organization.objects.visible_to(user)
            .active()
            .filter(depth__lte=3)
            .order_by("path"),
            "can_record": selectors.may_record(user),
            "can_export_personal": selectors.may_export_personal(user),
        },
    )


@login_required
def petitions_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    personal = request.GET.get("personal") == "1"
    if personal and not selectors.may_export_personal(user):
        raise PermissionDenied
    petitions, _filters = _filtered(request, user)
    data = exports.petitions_xlsx(petitions, personal=personal)
    services_privacy.log_export(actor=user, petitions=petitions.count(), personal=personal)
    name = "kien-nghi-ca-nhan.xlsx" if personal else "kien-nghi.xlsx"
    response = xlsx_response(data, name)
    response["Cache-Control"] = "no-store"
    return response


# --- Intake ---------------------------------------------------------------------------------


def _petition_form(request: HttpRequest, user: User, **kw: Any) -> PetitionForm:
    editable = organizations_user_may_edit(user)
    since = timezone.localdate() - datetime.timedelta(days=366)
    return PetitionForm(
        request.POST or None,
        request.FILES or None,
        organizations=editable,
        areas=situation_selectors.areas_for_notes(user),
        topics=situation_selectors.topics(),
        receptions=Reception.objects.filter(organization__in=editable, held_on__gte=since)
        .select_related("organization")
        .order_by("-held_on"),
        dialogues=Dialogue.objects.filter(organization__in=editable, held_on__gte=since).order_by(
            "-held_on"
        ),
        consent_text=privacy.consent_text(settings.DANVAN_CONSENT_VERSION),
        **kw,
    )


def _intake_initial(request: HttpRequest, user: User) -> dict[str, Any]:
    """A new petition's defaults: today, the only unit, or the session it comes from."""
    initial: dict[str, Any] = {"received_on": timezone.localdate()}
    editable = organizations_user_may_edit(user)
    if editable.count() == 1:
        org = editable.first()
        initial["organization"] = org
        if org is not None and org.area.level == AreaLevel.COMMUNE:
            initial["area"] = org.area
    reception_id = int_param(request, "reception")
    reception = (
        Reception.objects.filter(organization__in=editable, pk=reception_id).first()
        if reception_id
        else None
    )
    if reception is not None:
        initial.update(
            reception=reception, organization=reception.organization, channel="reception",
            received_on=reception.held_on,
        )  # fmt: skip
    dialogue_id = int_param(request, "dialogue")
    dialogue = (
        Dialogue.objects.filter(organization__in=editable, pk=dialogue_id).first()
        if dialogue_id
        else None
    )
    if dialogue is not None:
        initial.update(
            dialogue=dialogue, organization=dialogue.organization, channel="dialogue",
            received_on=dialogue.held_on,
        )  # fmt: skip
    return initial


@login_required
def petition_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_record(user):
        raise PermissionDenied
    form = _petition_form(request, user, initial=_intake_initial(request, user))
    similar: list[Petition] = []
    if request.method == "POST" and form.is_valid():
        data = form.service_values()
        if not form.cleaned_data["not_duplicate"]:
            similar = selectors.similar_petitions(user, area=data["area"], summary=data["summary"])
        if similar:
            form.offer_not_duplicate()
        else:
            try:
                petition = services_intake.petition_create(actor=user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Petition recorded. Its tracking code is %(code)s: give it to the citizen.")
                    % {"code": petition.code},
                )
                return redirect("dialogue_petition", pk=petition.pk)
    return render(
        request,
        "dialogue/petition_form.html",
        {**nav(user, "petitions"), "form": form, "similar": similar},
    )


# --- A petition's page ----------------------------------------------------------------------


def _bodies(petition: Petition) -> QuerySet[Organization]:
    """The bodies a petition may be referred to: the units of its commune and of the areas
    above it, other than the one handling it."""
    step = Area.steplen
    path = petition.area.path
    paths = [path[:end] for end in range(step, len(path) + 1, step)]
    return (
        Organization.objects.active()
        .filter(area__path__in=paths)
        .exclude(pk=petition.organization_id)
        .select_related("area")
        .order_by("path")
    )


def _make_form(action: str, petition: Petition, data: Any = None, files: Any = None) -> Any:
    today = timezone.localdate()
    if action == "attach":
        return AttachForm(data, files)
    kind = {
        "complexity": petition.complexity,
        "remote_area": petition.remote_area,
        "second_level": petition.second_level,
    }
    if action == "accept":
        return AcceptForm(
            data, officers=officers_for(petition), initial={"accepted_on": today, **kind}
        )
    if action == "assign":
        return AssignForm(data, officers=officers_for(petition), initial={
            "handler": petition.handler_id
        })  # fmt: skip
    if action == "refer":
        return ReferForm(data, bodies=_bodies(petition), initial={"referred_on": today, **kind})
    simple: dict[str, tuple[type, dict[str, Any]]] = {
        "refuse": (RefuseForm, {"refused_on": today}),
        "extend": (ExtendForm, {"decided_on": today}),
        "settle": (SettleForm, {"settled_on": today, "publish": True}),
        "confirm": (ConfirmForm, {"confirmed_on": today}),
        "close": (CloseForm, {}),
        "reopen": (ReopenForm, {}),
        "merge": (MergeForm, {}),
        "note": (NoteLinkForm, {}),
    }
    cls, initial = simple[action]
    return cls(data, initial=initial)


def _allowed_actions(petition: Petition) -> list[str]:
    allowed = [a for a, states in ACTION_STATES.items() if petition.state in states]
    if petition.kind in REFERRED_KINDS and "accept" in allowed:
        allowed.remove("accept")
    return allowed


def _render_petition(
    request: HttpRequest, petition: Petition, bound: dict[str, Any] | None = None
) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    can_handle = selectors.may_handle_petition(user, petition)
    forms: dict[str, Any] = {}
    if can_handle:
        forms = {a: _make_form(a, petition) for a in _allowed_actions(petition)}
        forms.update(bound or {})
    visible = Petition.objects.visible_to(user)
    person = Petitioner.objects.filter(petition=petition).values("erased_at", "consent_at").first()
    note = None
    if petition.note_id is not None:
        note = Note.objects.visible_to(user).filter(pk=petition.note_id).first()
    return render(
        request,
        "dialogue/petition_detail.html",
        {
            **nav(user, "petitions"),
            "petition": petition,
            "overdue": petition.is_overdue(today),
            "days_left": (petition.due_on - today).days,
            "days_late": max(0, (today - petition.due_on).days),
            "extensions": selectors.extensions_of(petition),
            "merged_into_visible": petition.merged_into_id is not None
            and visible.filter(pk=petition.merged_into_id).exists(),
            "duplicates": list(visible.filter(merged_into=petition).order_by("received_on")),
            "note": note,
            "attachments": list(selectors.files_of(petition)),
            "person": person,
            "can_see_identity": selectors.may_see_identity(user, petition),
            "can_handle": can_handle,
            "actions": [
                # Open when sent back with errors, or asked for (?open=reopen: an agenda's link).
                {
                    "slug": a,
                    "label": ACTION_LABELS[a],
                    "form": f,
                    "open": f.is_bound or request.GET.get("open") == a,
                }
                for a, f in forms.items()
            ],
            "history": history_for(petition),
        },
    )


@login_required
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = selectors.get_petition_for_user(current_user(request), pk)
    return _render_petition(request, petition)


def _merge_target(user: User, code: str) -> Petition:
    found = (
        Petition.objects.visible_to(user).filter(code=services_intake.normalise_code(code)).first()
    )
    if found is None:
        raise ValidationError({"into": _("No petition you can see has this code.")})
    return found


def _note_to_link(user: User, note_id: int | None) -> Note | None:
    if note_id is None:
        return None
    note = Note.objects.visible_to(user).filter(pk=note_id).first()
    if note is None:
        raise ValidationError({"note": _("No situation note you can see has this number.")})
    return note


def _do(action: str, user: User, petition: Petition, data: dict[str, Any]) -> str:
    """Call the service for the action; the message to show once it is done."""
    if action == "accept":
        services_petitions.petition_accept(actor=user, petition=petition, **data)
        return _("Petition accepted; the settlement clock runs.")
    if action == "assign":
        services_petitions.petition_assign(actor=user, petition=petition, handler=data["handler"])
        return _("Officer assigned.")
    if action == "refer":
        services_petitions.petition_refer(actor=user, petition=petition, **data)
        return _("Petition referred to the competent body.")
    if action == "refuse":
        services_petitions.petition_refuse(actor=user, petition=petition, **data)
        return _("Petition refused.")
    if action == "extend":
        extension = services_petitions.petition_extend(actor=user, petition=petition, **data)
        return _("Deadline extended to %(day)s.") % {"day": f"{extension.new_due:%d/%m/%Y}"}
    if action == "settle":
        services_petitions.petition_settle(actor=user, petition=petition, **data)
        return _("Result recorded.")
    if action == "confirm":
        services_petitions.petition_confirm(actor=user, petition=petition, **data)
        return _("The citizen's answer is recorded; the petition is closed.")
    if action == "close":
        services_petitions.petition_close(actor=user, petition=petition)
        return _("Petition closed.")
    if action == "reopen":
        services_petitions.petition_reopen(actor=user, petition=petition, reason=data["reason"])
        return _("Petition reopened.")
    if action == "merge":
        into = _merge_target(user, data["into"])
        services_petitions.petition_merge(
            actor=user, petition=petition, into=into, reason=data["reason"]
        )
        return _("Petition merged into %(code)s.") % {"code": into.code}
    if action == "attach":
        added = services_petitions.petition_attach(
            actor=user, petition=petition, attachments=data["attachments"]
        )
        return ngettext("%(n)d file added.", "%(n)d files added.", len(added)) % {"n": len(added)}
    note = _note_to_link(user, data["note"])
    linked = services_petitions.petition_link_note(
        actor=user, petition=petition, note=note, level=data["level"]
    )
    return _("Linked to the situation note «%(summary)s».") % {"summary": linked.summary}


@login_required
@require_POST
def petition_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = current_user(request)
    petition = selectors.get_petition_for_user(user, pk)
    if action not in ACTION_STATES:
        raise Http404
    if not selectors.may_handle_petition(user, petition):
        raise PermissionDenied
    form = _make_form(action, petition, request.POST, request.FILES)
    if form.is_valid():
        try:
            message = _do(action, user, petition, dict(form.cleaned_data))
        except Conflict as exc:
            flash(request, exc)
            return redirect("dialogue_petition", pk=petition.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
            if hasattr(form, "offer_confirmation") and person_check.refused_for_a_person(exc):
                form.offer_confirmation()
        else:
            messages.success(request, message)
            return redirect("dialogue_petition", pk=petition.pk)
    petition = selectors.get_petition_for_user(user, pk)
    return _render_petition(request, petition, {action: form})


@login_required
def petition_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    petition = selectors.get_petition_for_user(current_user(request), pk)
    found = selectors.files_of(petition).filter(pk=attachment_pk).first()
    if found is None:
        raise Http404
    return attachment(found.file)


@login_required
def petition_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks (nothing is shown or logged yet); POST shows the identity and logs it."""
    user = current_user(request)
    petition = selectors.get_petition_for_user(user, pk)
    if not selectors.may_see_identity(user, petition):
        raise PermissionDenied
    shown = False
    person: Petitioner | None = None
    if request.method == "POST":
        person = services_privacy.petitioner_reveal(actor=user, petition=petition)
        shown = True
    response = render(
        request,
        "dialogue/petition_identity.html",
        {**nav(user, "petitions"), "petition": petition, "person": person, "shown": shown},
    )
    response["Cache-Control"] = "no-store"
    return response


def visible_petitions_at(user: User, **where: Any) -> QuerySet[Petition]:
    """The petitions received at a reception or a dialogue, as the user sees them."""
    return (
        Petition.objects.visible_to(user)
        .filter(Q(**where))
        .select_related("topic", "area")
        .order_by("-received_on", "-pk")
    )
