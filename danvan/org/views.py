"""Pages for areas, organisations, members and invitations. Thin: parse, call, render."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.selectors import account_with_email, users_with_two_factor
from danvan.lib.history import history_for
from danvan.lib.web import add_service_errors, current_user, paginate, query_without_page

from . import areas, selectors, services
from .area_import import CSV_COLUMNS, ImportError_, areas_import_csv
from .forms import (
    AcceptInvitationForm,
    AreaForm,
    AreaImportForm,
    DissolveForm,
    InvitationForm,
    MoveForm,
    OrganizationForm,
    RoleForm,
    SuccessorForm,
)
from .models import Area, AreaLevel, Organization, OrganizationKind, valid_on_q

# The session key of the link of the invitation just made, shown once on the organisation's page.
INVITATION_LINK = "danvan_new_invitation"


def _mark_visible(rows: list[Any], visible: Any) -> list[Any]:
    """Flag rows the user may open; the others are shown as plain names, not broken links."""
    ids = set(visible.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
    for row in rows:
        row.can_open = row.pk in ids
    return rows


def _parents_by_path(rows: list[Any], model: type[Area] | type[Organization]) -> None:
    """Attach `parent_name` to each row with one query, for flat search results."""
    steplen = model.steplen
    parent_paths = {row.path[:-steplen] for row in rows if row.depth > 1}
    names = dict(model.objects.filter(path__in=parent_paths).values_list("path", "name"))
    for row in rows:
        row.parent_name = names.get(row.path[:-steplen], "")


# --- Areas ---------------------------------------------------------------------------------


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    """The area tree; with a search or a filter, a flat list."""
    user = current_user(request)
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    level = level if level in AreaLevel.values else ""
    validity = request.GET.get("validity", "")
    validity = validity if validity in {"current", "ended"} else ""
    searching = bool(q or level or validity)
    found = selectors.areas_for_user(user, q=q, level=level, roots_only=not searching)
    today = timezone.localdate()
    if validity == "current":
        found = found.filter(valid_on_q(today))
    elif validity == "ended":
        found = found.filter(valid_to__lt=today)
    page = paginate(request, found)
    _parents_by_path(list(page), Area)
    return render(
        request,
        "org/area_list.html",
        {
            "page": page,
            "q": q,
            "level": level,
            "validity": validity,
            "levels": AreaLevel.choices,
            "searching": searching,
            "query": query_without_page(request),
            "can_add_root": selectors.may_add_area(user, None),
            "can_import": selectors.may_import_areas(user),
        },
    )


@login_required
def area_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of an area, as a partial the tree loads on demand (htmx)."""
    area = selectors.get_area_for_user(current_user(request), pk)
    return render(request, "org/_area_children.html", {"children": selectors.area_children(area)})


@login_required
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    area = selectors.get_area_for_user(user, pk)
    return render(
        request,
        "org/area_detail.html",
        {
            "area": area,
            "ancestors": selectors.area_ancestors(area),
            "children": selectors.area_children(area),
            "successors": _mark_visible(
                list(area.successors.order_by("name")), Area.objects.visible_to(user)
            ),
            "predecessors": _mark_visible(
                list(area.predecessors.order_by("name")), Area.objects.visible_to(user)
            ),
            "organizations": selectors.organizations_for_user(user, area=area)[:50],
            "history": history_for(area),
            "can_edit": selectors.may_edit_area(user, area),
        },
    )


def _successor_choices(user: Any, area: Area | None = None) -> Any:
    """Units that can take over: those existing the day after the area ends (or today)."""
    day = timezone.localdate()
    if area is not None and area.valid_to is not None:
        day = area.valid_to + datetime.timedelta(days=1)
    choices = Area.objects.visible_to(user).filter(valid_on_q(day)).order_by("path")
    if area is not None:
        choices = choices.exclude(pk=area.pk)
    return choices


@login_required
def area_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    parent = None
    if parent_id := request.GET.get("parent"):
        parent = selectors.get_area_for_user(user, parent_id)
    if not selectors.may_add_area(user, parent):
        raise PermissionDenied
    form = AreaForm(request.POST or None, successor_choices=_successor_choices(user))
    if request.method == "POST" and form.is_valid():
        try:
            area = areas.area_create(actor=user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Area registered."))
            return redirect("area_detail", pk=area.pk)
    return render(request, "org/area_form.html", {"form": form, "parent": parent, "area": None})


@login_required
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    area = selectors.get_area_for_user(user, pk)
    if not selectors.may_edit_area(user, area):
        raise PermissionDenied
    initial = {f: getattr(area, f) for f in AreaForm.base_fields if f != "successors"}
    initial["successors"] = list(area.successors.all())
    form = AreaForm(
        request.POST or None, initial=initial, successor_choices=_successor_choices(user, area)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        successors = list(data.pop("successors"))
        try:
            areas.area_update(actor=user, area=area, successors=successors, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Area saved."))
            return redirect("area_detail", pk=area.pk)
    return render(
        request,
        "org/area_form.html",
        {"form": form, "area": area, "parent": Area.objects.parent_of(area)},
    )


@login_required
def area_import(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_import_areas(user):
        raise PermissionDenied
    form = AreaImportForm(request.POST or None, request.FILES or None)
    bad_rows: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = areas_import_csv(actor=user, text=form.cleaned_data["file"])
        except ImportError_ as exc:
            bad_rows = exc.rows
        else:
            messages.success(request, _("%(count)d areas imported.") % {"count": count})
            return redirect("area_list")
    return render(
        request,
        "org/area_import.html",
        {"form": form, "bad_rows": bad_rows, "columns": ",".join(CSV_COLUMNS)},
    )


# --- Organisations -------------------------------------------------------------------------


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    """The organisation tree; with a search or a filter, a flat list."""
    user = current_user(request)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    status = status if status in {"active", "dissolved"} else ""
    searching = bool(q or kind or status)
    orgs = selectors.organizations_for_user(
        user,
        q=q,
        kind=kind,
        active={"active": True, "dissolved": False}.get(status),
        roots_only=not searching,
    )
    page = paginate(request, orgs)
    _parents_by_path(list(page), Organization)
    return render(
        request,
        "org/organization_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "status": status,
            "kinds": OrganizationKind.objects.all(),
            "searching": searching,
            "query": query_without_page(request),
            "can_add_root": selectors.may_add_organization(user, None),
        },
    )


@login_required
def organization_children(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_organization_for_user(current_user(request), pk)
    return render(
        request,
        "org/_organization_children.html",
        {"children": selectors.organization_children(org)},
    )


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    org = selectors.get_organization_for_user(user, pk)
    members = list(selectors.organization_members(org))
    can_manage_members = selectors.may_manage_members(user, org)
    member_ids = [m.user_id for m in members]
    with_device = users_with_two_factor(member_ids) if can_manage_members else set()
    for member in members:
        member.organization = org  # the one already read: no query per member
        manageable = member.is_active and selectors.may_manage_membership(user, member)
        member.manageable = manageable  # type: ignore[attr-defined]
        member.can_reset_two_factor = (  # type: ignore[attr-defined]
            member.user_id in with_device and selectors.may_reset_two_factor(user, member)
        )
    new_invitation = request.session.get(INVITATION_LINK)
    if new_invitation and new_invitation.get("organization") == org.pk:
        del request.session[INVITATION_LINK]
    else:
        new_invitation = None
    return render(
        request,
        "org/organization_detail.html",
        {
            "org": org,
            "new_invitation": new_invitation,
            "email_configured": settings.DANVAN_EMAIL_CONFIGURED,
            "ancestors": selectors.organization_ancestors_for_user(user, org),
            "children": selectors.organization_children(org),
            "members": members,
            "grantable_roles": selectors.roles_user_may_grant(user, org),
            "predecessors": _mark_visible(
                list(org.predecessors.order_by("name")), Organization.objects.visible_to(user)
            ),
            "successor": _mark_visible([org.successor], Organization.objects.visible_to(user))[0]
            if org.successor
            else None,
            "invitations": selectors.invitations_for_organization(org)
            if can_manage_members
            else [],
            "history": history_for(org),
            "member_history": selectors.organization_member_history(org),
            "two_factor_resets": selectors.organization_two_factor_resets(org)
            if can_manage_members
            else [],
            "can_edit": selectors.may_edit_organization(user, org),
            "can_add_unit": selectors.may_add_organization(user, org),
            "can_dissolve": selectors.may_dissolve_organization(user, org),
            "can_invite": selectors.may_invite(user, org),
        },
    )


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    parent = None
    if parent_id := request.GET.get("parent"):
        parent = selectors.get_organization_for_user(user, parent_id)
    if not selectors.may_add_organization(user, parent):
        raise PermissionDenied
    area_choices = Area.objects.visible_to(user).valid_on(timezone.localdate()).order_by("path")
    initial = {"area": parent.area_id} if parent else {}
    form = OrganizationForm(request.POST or None, areas=area_choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation registered."))
            return redirect("organization_detail", pk=org.pk)
    return render(
        request, "org/organization_form.html", {"form": form, "parent": parent, "org": None}
    )


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    org = selectors.get_organization_for_user(user, pk)
    if not selectors.may_edit_organization(user, org):
        raise PermissionDenied
    # An active unit stays in an area that exists today; its current area is always offered.
    area_choices = (
        Area.objects.visible_to(user)
        .filter(valid_on_q(timezone.localdate()) | Q(pk=org.area_id))
        .order_by("path")
    )
    initial = {f: getattr(org, f) for f in OrganizationForm.base_fields}
    form = OrganizationForm(request.POST or None, areas=area_choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("organization_detail", pk=org.pk)
    return render(
        request,
        "org/organization_form.html",
        {"form": form, "org": org, "parent": Organization.objects.parent_of(org)},
    )


@login_required
def organization_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    org = selectors.get_organization_for_user(user, pk)
    if not selectors.may_edit_organization(user, org):
        raise PermissionDenied
    parents = selectors.organizations_user_may_administer(user).exclude(path__startswith=org.path)
    form = MoveForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=user, org=org, parent=form.cleaned_data["parent"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation moved."))
            return redirect("organization_detail", pk=org.pk)
    return render(request, "org/organization_move.html", {"form": form, "org": org})


@login_required
def organization_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    org = selectors.get_organization_for_user(user, pk)
    if not selectors.may_dissolve_organization(user, org):
        raise PermissionDenied
    successors = selectors.successors_for_user(user, org)
    form = DissolveForm(
        request.POST or None, successors=successors, initial={"dissolved_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_dissolve(actor=user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation marked as dissolved."))
            return redirect("organization_detail", pk=org.pk)
    return render(request, "org/organization_dissolve.html", {"form": form, "org": org})


@login_required
def organization_successor(request: HttpRequest, pk: int) -> HttpResponse:
    """Record, correct or undo a dissolved organisation's successor: whose figures its history
    counts towards."""
    user = current_user(request)
    org = selectors.get_organization_for_user(user, pk)
    if not selectors.may_dissolve_organization(user, org) or org.is_active:
        raise PermissionDenied
    form = SuccessorForm(
        request.POST or None,
        # The one recorded stays on offer (even if dissolved since, or outside the editor's
        # view), so saving a reason does not clear it.
        successors=selectors.successors_for_user(user, org)
        | Organization.objects.filter(pk=org.successor_id),
        initial={"successor": org.successor_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_successor_set(actor=user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Successor recorded."))
            return redirect("organization_detail", pk=org.pk)
    return render(request, "org/organization_successor.html", {"form": form, "org": org})


# --- Members and invitations ---------------------------------------------------------------


@login_required
@require_POST
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    org = selectors.get_organization_for_user(user, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, raw = services.invitation_create(
                actor=user,
                organization=org,
                site_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            # The token is known only now: the organisation's page shows the link once, to copy.
            request.session[INVITATION_LINK] = {
                "organization": org.pk,
                "email": invitation.email,
                "link": request.build_absolute_uri(reverse("invitation_accept", args=[raw])),
            }
    else:
        messages.error(request, _("Enter a valid e-mail address and a role."))
    return redirect(reverse("organization_detail", args=[org.pk]) + "#members")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    invitation = selectors.get_invitation_for_user(user, pk)
    org = invitation.organization
    try:
        services.invitation_revoke(actor=user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation revoked."))
    return redirect(reverse("organization_detail", args=[org.pk]) + "#members")


@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    membership = selectors.get_membership_for_user(user, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(
                actor=user,
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Role changed."))
    else:  # a role that is none of the choices (the page offers only those): said, not dropped
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("organization_detail", args=[membership.organization_id]) + "#members")


@login_required
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first, then end the membership (it stays in the history)."""
    user = current_user(request)
    membership = selectors.get_membership_for_user(user, pk)
    back = reverse("organization_detail", args=[membership.organization_id]) + "#members"
    if request.method == "POST":
        try:
            services.membership_end(actor=user, membership=membership)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Membership ended; it stays in the history."))
        return redirect(back)
    return render(
        request,
        "org/membership_end.html",
        {"membership": membership, "back": back, "own": membership.user_id == user.pk},
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.get_invitation_by_token(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "org/invitation_invalid.html", status=410 if invitation else 404)
    user = current_user(request) if request.user.is_authenticated else None
    has_account = user is not None or account_with_email(invitation.email) is not None
    form = AcceptInvitationForm(request.POST or None) if user is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        fields = form.cleaned_data if form is not None else {}
        try:
            services.invitation_accept(invitation=invitation, user=user, **fields)
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        else:
            if user is None:
                login(
                    request,
                    account_with_email(invitation.email),
                    backend="django.contrib.auth.backends.ModelBackend",
                )
            messages.success(
                request,
                _("Welcome: you are now a member of %(org)s.")
                % {"org": invitation.organization.name},
            )
            return redirect("organization_detail", pk=invitation.organization_id)
    return render(
        request,
        "org/invitation_accept.html",
        {"invitation": invitation, "form": form, "has_account": has_account},
    )
