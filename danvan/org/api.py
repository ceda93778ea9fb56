"""API for areas, organisations, memberships and invitations: list, detail, create, update —
all scoped."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.accounts.models import User
from danvan.lib.api import Pages, Patch, request_user

from . import areas, selectors, services
from .models import Area, Invitation, Organization, OrganizationKind

router = Router()


def organization_in_scope(user: User, pk: int, field: str) -> Organization:
    """An organisation named in a payload, or a 400 that says which field is wrong."""
    try:
        return selectors.get_organization_for_user(user, pk)
    except Http404:
        raise ValidationError(
            {field: _("No organisation with id %(id)s in your scope.") % {"id": pk}}
        ) from None


def _with_parent_id(qs: QuerySet[Any], model: type[Area] | type[Organization]) -> QuerySet[Any]:
    """Annotate each row with its parent's id in the same query (no N+1)."""
    parent = model.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - model.steplen)
    ).values("id")[:1]
    return qs.annotate(parent_id=Subquery(parent))


def _visible(getter: Any, user: User, pk: int, field: str, label: str) -> Any:
    try:
        return getter(user, pk)
    except Http404:
        raise ValidationError(
            {field: _("No %(what)s with id %(id)s in your scope.") % {"what": label, "id": pk}}
        ) from None


# --- Areas ---------------------------------------------------------------------------------


class AreaOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None = None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    population: int | None
    ethnic_minority_pct: Decimal | None
    is_border: bool
    successor_ids: list[int]

    @staticmethod
    def resolve_successor_ids(obj: Area) -> list[int]:
        return [s.pk for s in obj.successors.all()]


class AreaFilter(Schema):
    q: str = Field("", description="Name or code; diacritics are ignored.")
    level: str = ""
    parent_id: int | None = None
    valid_on: datetime.date | None = None


class AreaIn(Schema):
    code: str
    name: str
    level: str
    parent_id: int | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    population: int | None = Field(None, ge=0)
    ethnic_minority_pct: Decimal | None = Field(None, ge=0, le=100)
    is_border: bool = False
    successor_ids: list[int] = []


class AreaPatch(Patch):
    nullable = frozenset(
        {"parent_id", "valid_from", "valid_to", "population", "ethnic_minority_pct"}
    )

    code: str | None = None
    name: str | None = None
    level: str | None = None
    parent_id: int | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    population: int | None = Field(None, ge=0)
    ethnic_minority_pct: Decimal | None = Field(None, ge=0, le=100)
    is_border: bool | None = None
    successor_ids: list[int] | None = None


def _area_out(user: User, pk: int) -> Area:
    qs = _with_parent_id(Area.objects.visible_to(user), Area).prefetch_related("successors")
    return qs.get(pk=pk)


@router.get("/areas", response=list[AreaOut], tags=["areas"])
@paginate(Pages)
def list_areas(request: HttpRequest, filters: Query[AreaFilter]) -> Any:
    user = request_user(request)
    parent = (
        _visible(selectors.get_area_for_user, user, filters.parent_id, "parent_id", _("area"))
        if filters.parent_id
        else None
    )
    found = selectors.areas_for_user(
        user, q=filters.q, level=filters.level, parent=parent, valid_on=filters.valid_on
    )
    return _with_parent_id(found, Area).prefetch_related("successors")


@router.get("/areas/{area_id}", response=AreaOut, tags=["areas"])
def get_area(request: HttpRequest, area_id: int) -> Any:
    selectors.get_area_for_user(request_user(request), area_id)
    return _area_out(request_user(request), area_id)


def _areas(user: User, ids: list[int]) -> list[Area]:
    return [
        _visible(selectors.get_area_for_user, user, pk, "successor_ids", _("area")) for pk in ids
    ]


@router.post("/areas", response={201: AreaOut}, tags=["areas"])
def create_area(request: HttpRequest, payload: AreaIn) -> Any:
    user = request_user(request)
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = (
        _visible(selectors.get_area_for_user, user, parent_id, "parent_id", _("area"))
        if parent_id
        else None
    )
    successors = _areas(user, data.pop("successor_ids"))
    area = areas.area_create(actor=user, parent=parent, successors=successors, **data)
    return Status(201, _area_out(user, area.pk))


@router.patch("/areas/{area_id}", response=AreaOut, tags=["areas"])
def update_area(request: HttpRequest, area_id: int, payload: AreaPatch) -> Any:
    user = request_user(request)
    area = selectors.get_area_for_user(user, area_id)
    data = payload.dict(exclude_unset=True)
    extra: dict[str, Any] = {}
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        extra["parent"] = (
            _visible(selectors.get_area_for_user, user, parent_id, "parent_id", _("area"))
            if parent_id
            else None
        )
    if "successor_ids" in data:
        extra["successors"] = _areas(user, data.pop("successor_ids") or [])
    areas.area_update(actor=user, area=area, **extra, **data)
    return _area_out(user, area.pk)


# --- Organisations -------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    name: str
    abbreviation: str
    kind: str = Field(..., alias="kind.code")
    kind_name: str = Field(..., alias="kind.name")
    area_id: int
    area_name: str = Field(..., alias="area.name")
    parent_id: int | None = None
    email: str
    phone: str
    address: str
    established_on: datetime.date | None
    dissolved_on: datetime.date | None
    successor_id: int | None
    is_active: bool


class OrganizationFilter(Schema):
    q: str = Field("", description="Name or abbreviation; diacritics are ignored.")
    kind: str = ""
    area_id: int | None = None
    parent_id: int | None = None
    active: bool | None = None


class OrganizationIn(Schema):
    name: str
    kind: str = Field(..., description="Kind code, e.g. fatherland_front")
    area_id: int
    parent_id: int | None = None
    abbreviation: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    established_on: datetime.date | None = None


class OrganizationPatch(Patch):
    nullable = frozenset({"parent_id", "established_on"})

    name: str | None = None
    kind: str | None = None
    area_id: int | None = None
    parent_id: int | None = None
    abbreviation: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    established_on: datetime.date | None = None


class DissolveIn(Schema):
    dissolved_on: datetime.date
    successor_id: int | None = None


class SuccessorIn(Schema):
    successor_id: int | None = None  # null: no successor
    reason: str = Field("", max_length=255)


def _kind(code: str) -> OrganizationKind:
    kind = OrganizationKind.objects.filter(code=code).first()
    if kind is None:
        codes = ", ".join(OrganizationKind.objects.values_list("code", flat=True))
        raise ValidationError(
            {
                "kind": _("Unknown kind %(code)s; use one of: %(codes)s.")
                % {"code": code, "codes": codes}
            }
        )
    return kind


def _organization_out(user: User, pk: int) -> Organization:
    qs = Organization.objects.visible_to(user).select_related("kind", "area")
    return _with_parent_id(qs, Organization).get(pk=pk)


@router.get("/organizations", response=list[OrganizationOut], tags=["organizations"])
@paginate(Pages)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilter]) -> Any:
    user = request_user(request)
    area = (
        _visible(selectors.get_area_for_user, user, filters.area_id, "area_id", _("area"))
        if filters.area_id
        else None
    )
    parent = (
        _visible(
            selectors.get_organization_for_user,
            user,
            filters.parent_id,
            "parent_id",
            _("organisation"),
        )
        if filters.parent_id
        else None
    )
    orgs = selectors.organizations_for_user(
        user, q=filters.q, kind=filters.kind, area=area, parent=parent, active=filters.active
    )
    return _with_parent_id(orgs, Organization)


@router.get("/organizations/{org_id}", response=OrganizationOut, tags=["organizations"])
def get_organization(request: HttpRequest, org_id: int) -> Any:
    selectors.get_organization_for_user(request_user(request), org_id)
    return _organization_out(request_user(request), org_id)


@router.post("/organizations", response={201: OrganizationOut}, tags=["organizations"])
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Any:
    user = request_user(request)
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = (
        _visible(
            selectors.get_organization_for_user, user, parent_id, "parent_id", _("organisation")
        )
        if parent_id
        else None
    )
    data["kind"] = _kind(data["kind"])
    data["area"] = _visible(
        selectors.get_area_for_user, user, data.pop("area_id"), "area_id", _("area")
    )
    org = services.organization_create(actor=user, parent=parent, **data)
    return Status(201, _organization_out(user, org.pk))


@router.patch("/organizations/{org_id}", response=OrganizationOut, tags=["organizations"])
def update_organization(request: HttpRequest, org_id: int, payload: OrganizationPatch) -> Any:
    user = request_user(request)
    org = selectors.get_organization_for_user(user, org_id)
    data = payload.dict(exclude_unset=True)
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = (
            _visible(
                selectors.get_organization_for_user, user, parent_id, "parent_id", _("organisation")
            )
            if parent_id
            else None
        )
    if "kind" in data:
        data["kind"] = _kind(data["kind"] or "")
    if "area_id" in data:
        data["area"] = _visible(
            selectors.get_area_for_user, user, data.pop("area_id"), "area_id", _("area")
        )
    services.organization_update(actor=user, org=org, **data)
    return _organization_out(user, org.pk)


@router.post("/organizations/{org_id}/dissolve", response=OrganizationOut, tags=["organizations"])
def dissolve_organization(request: HttpRequest, org_id: int, payload: DissolveIn) -> Any:
    user = request_user(request)
    org = selectors.get_organization_for_user(user, org_id)
    services.organization_dissolve(
        actor=user,
        org=org,
        dissolved_on=payload.dissolved_on,
        successor=_successor(user, payload.successor_id),
    )
    return _organization_out(user, org.pk)


def _successor(user: User, successor_id: int | None) -> Organization | None:
    return organization_in_scope(user, successor_id, "successor_id") if successor_id else None


@router.post("/organizations/{org_id}/successor", response=OrganizationOut, tags=["organizations"])
def set_organization_successor(request: HttpRequest, org_id: int, payload: SuccessorIn) -> Any:
    """Record, correct or undo (null) a dissolved organisation's successor, with a reason kept
    in its history; the figures its history counts towards follow."""
    user = request_user(request)
    org = selectors.get_organization_for_user(user, org_id)
    services.organization_successor_set(
        actor=user, org=org, successor=_successor(user, payload.successor_id), reason=payload.reason
    )
    return _organization_out(user, org.pk)


# --- Memberships ---------------------------------------------------------------------------


class MembershipOut(Schema):
    id: int
    user_id: int = Field(
        ..., description="The id to name this person as a petition's handler or an alert's assignee"
    )
    user_email: str = Field(..., alias="user.email")
    user_name: str = Field(..., alias="user.full_name")
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    role: str
    created_at: datetime.datetime
    ended_on: datetime.date | None
    is_active: bool


class MembershipFilter(Schema):
    organization_id: int | None = None
    email: str = ""
    role: str = ""
    active: bool | None = True


class MembershipIn(Schema):
    user_email: str
    organization_id: int
    role: str


class MembershipPatch(Patch):
    role: str | None = None
    ended: bool | None = Field(None, description="true ends the membership (kept in history)")


@router.get("/memberships", response=list[MembershipOut], tags=["memberships"])
@paginate(Pages)
def list_memberships(request: HttpRequest, filters: Query[MembershipFilter]) -> Any:
    user = request_user(request)
    org = (
        _visible(
            selectors.get_organization_for_user,
            user,
            filters.organization_id,
            "organization_id",
            _("organisation"),
        )
        if filters.organization_id
        else None
    )
    return selectors.memberships_for_user(
        user, organization=org, member_email=filters.email, role=filters.role, active=filters.active
    )


@router.get("/memberships/{membership_id}", response=MembershipOut, tags=["memberships"])
def get_membership(request: HttpRequest, membership_id: int) -> Any:
    return selectors.get_membership_for_user(request_user(request), membership_id)


@router.post("/memberships", response={201: MembershipOut}, tags=["memberships"])
def create_membership(request: HttpRequest, payload: MembershipIn) -> Any:
    user = request_user(request)
    org = _visible(
        selectors.get_organization_for_user,
        user,
        payload.organization_id,
        "organization_id",
        _("organisation"),
    )
    membership = services.membership_create_by_email(
        actor=user, email=payload.user_email, organization=org, role=payload.role
    )
    return Status(201, selectors.get_membership_for_user(user, membership.pk))


@router.patch("/memberships/{membership_id}", response=MembershipOut, tags=["memberships"])
def update_membership(request: HttpRequest, membership_id: int, payload: MembershipPatch) -> Any:
    user = request_user(request)
    membership = selectors.get_membership_for_user(user, membership_id)
    if payload.role is not None:
        services.membership_change_role(actor=user, membership=membership, role=payload.role)
    if payload.ended:
        services.membership_end(actor=user, membership=membership)
    return selectors.get_membership_for_user(user, membership.pk)


class TwoFactorResetIn(Schema):
    reason: str = Field(..., max_length=1000, description="why, in your own words")


class TwoFactorResetOut(Schema):
    id: int
    user_email: str = Field(..., alias="user.email")
    actor_email: str = Field(..., alias="actor.email")
    reason: str
    detail: str
    created_at: datetime.datetime


@router.post(
    "/memberships/{membership_id}/reset-two-factor",
    response=TwoFactorResetOut,
    tags=["memberships"],
)
def reset_two_factor(request: HttpRequest, membership_id: int, payload: TwoFactorResetIn) -> Any:
    """Remove a member's lost authenticator and recovery codes, so that they set up anew at their
    next sign-in (a leader or administrator of the unit; logged, and the member e-mailed). 409
    when the member has no device."""
    user = request_user(request)
    membership = selectors.get_membership_for_user(user, membership_id)
    return services.member_two_factor_reset(
        actor=user, membership=membership, reason=payload.reason
    )


# --- Invitations ---------------------------------------------------------------------------


class InvitationOut(Schema):
    id: int
    email: str
    organization_id: int
    role: str
    status: str = Field(..., description="pending, accepted, revoked or expired")
    invited_by_id: int
    created_at: datetime.datetime
    expires_at: datetime.datetime
    accepted_at: datetime.datetime | None
    revoked_at: datetime.datetime | None

    @staticmethod
    def resolve_status(obj: Invitation) -> str:
        if obj.accepted_at:
            return "accepted"
        if obj.revoked_at:
            return "revoked"
        return "pending" if obj.is_usable else "expired"


class NewInvitationOut(InvitationOut):
    link: str = Field(
        ...,
        description="the one-time link that makes its holder a member; this answer is the only "
        "time it is given (pass it on yourself when e-mail is not set up)",
    )


class InvitationIn(Schema):
    email: str
    role: str


def _administered(user: User, org_id: int) -> Organization:
    """An organisation in scope (else 404) whose members the user manages (else 403)."""
    org = selectors.get_organization_for_user(user, org_id)
    if not selectors.may_manage_members(user, org):
        raise PermissionDenied(_("You may not manage the members of this organisation."))
    return org


@router.get(
    "/organizations/{org_id}/invitations", response=list[InvitationOut], tags=["invitations"]
)
@paginate(Pages)
def list_invitations(request: HttpRequest, org_id: int) -> Any:
    """Invitations sent into the organisation, newest first, with their status."""
    return selectors.invitations_for_organization(_administered(request_user(request), org_id))


@router.post(
    "/organizations/{org_id}/invitations", response={201: NewInvitationOut}, tags=["invitations"]
)
def create_invitation(request: HttpRequest, org_id: int, payload: InvitationIn) -> Any:
    """E-mail the one-time link that makes its holder a member; `link` is that link, given
    only in this answer."""
    user = request_user(request)
    org = selectors.get_organization_for_user(user, org_id)
    invitation, raw = services.invitation_create(
        actor=user,
        email=payload.email,
        organization=org,
        role=payload.role,
        site_url=request.build_absolute_uri("/"),
    )
    link = request.build_absolute_uri(reverse("invitation_accept", args=[raw]))
    invitation.link = link  # type: ignore[attr-defined]
    return Status(201, invitation)


@router.post("/invitations/{invitation_id}/revoke", response=InvitationOut, tags=["invitations"])
def revoke_invitation(request: HttpRequest, invitation_id: int) -> Any:
    """Withdraw an invitation not yet used (409 once accepted, revoked or expired)."""
    user = request_user(request)
    invitation = selectors.get_invitation_for_user(user, invitation_id)
    return services.invitation_revoke(actor=user, invitation=invitation)


class InvitationAcceptIn(Schema):
    token: str = Field(..., description="The one-time token from the link in the e-mail")


@router.post("/invitations/accept", response={201: MembershipOut}, tags=["invitations"])
def accept_invitation(request: HttpRequest, payload: InvitationAcceptIn) -> Any:
    """Accept an invitation sent to your own e-mail address; you become a member."""
    invitation = selectors.get_invitation_by_token(payload.token)
    if invitation is None:
        raise Http404
    user = request_user(request)
    membership = services.invitation_accept(invitation=invitation, user=user)
    return Status(201, selectors.get_membership_for_user(user, membership.pk))
