"""Reads of areas, organisations and memberships, always through the user's scope."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from danvan.accounts.selectors import two_factor_resets_of
from danvan.lib.history import HistoryEntry, history_for_many
from danvan.lib.records import one_or_404
from danvan.lib.text import fold

from .models import (
    PERMISSIONS,
    ROLE_RANK,
    Area,
    Invitation,
    Membership,
    Organization,
    Role,
    Verb,
    scope_for,
    valid_on_q,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User


# --- Permissions: the verbs of the role table, over a subtree ------------------------------


def user_can(user: User, verb: str, organization: Organization) -> bool:
    """Whether the user's memberships grant `verb` on this organisation."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return verb in scope_for(user).verbs_on(organization.path)


def organizations_user_may_edit(user: User) -> QuerySet[Organization]:
    """Active organisations where the user holds the edit verb: those they may act for."""
    orgs = Organization.objects.active()
    if user.is_superuser:
        return orgs.select_related("area").order_by("path")
    paths = [p for p, role, _a in scope_for(user).entries if Verb.EDIT in PERMISSIONS[role]]
    return orgs.subtree_of(paths).select_related("area").order_by("path")


def member_emails(org_id: int, roles: list[str]) -> list[str]:
    """E-mail addresses of the organisation's active members holding these roles."""
    return list(
        Membership.objects.active()
        .filter(organization_id=org_id, role__in=roles, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def member_emails_by_org(org_ids: Iterable[int], roles: list[str]) -> dict[int, list[str]]:
    """`member_emails` for many organisations at once: one query per thousand of them (the
    daily reminders of a whole nation)."""
    found: dict[int, list[str]] = {}
    ids = sorted(set(org_ids))
    for start in range(0, len(ids), 1000):
        rows = (
            Membership.objects.active()
            .filter(organization_id__in=ids[start : start + 1000], role__in=roles)
            .filter(user__is_active=True)
            .values_list("organization_id", "user__email")
        )
        for org_id, email in rows:
            found.setdefault(org_id, []).append(email)
    return found


def parent_ids(orgs: Iterable[Organization]) -> dict[int, int]:
    """Each organisation's parent id (itself for a top-level one), in one query."""
    orgs = list(orgs)
    step = Organization.steplen
    paths = {org.path[:-step] for org in orgs if len(org.path) > step}
    by_path: dict[str, int] = dict(
        Organization.objects.filter(path__in=paths).values_list("path", "id")
    )
    return {org.id: by_path.get(org.path[:-step]) or org.id for org in orgs}  # type: ignore[misc]


def _area_register_paths(user: User) -> list[str]:
    """Area subtrees the user may register: those of top-level organisations they administer.

    Official units are the provincial commission's to keep, not every unit leader's.
    """
    return [
        area_path
        for org_path, role, area_path in scope_for(user).entries
        if Verb.ADMINISTER in PERMISSIONS[role] and len(org_path) == Organization.steplen
    ]


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def roles_user_may_grant(user: User, organization: Organization) -> list[tuple[str, Any]]:
    """The roles the user may give (or manage) here: none above their own."""
    if user.is_superuser:
        return list(Role.choices)
    if not user_can(user, Verb.ADMINISTER, organization):
        return []
    own = scope_for(user).best_role_on(organization.path)
    if own is None:
        return []
    return [(v, label) for v, label in Role.choices if ROLE_RANK[Role(v)] >= ROLE_RANK[Role(own)]]


# --- What a user may do: asked by pages to show a button, by services to refuse -------------


def may_add_area(user: User, parent: Area | None) -> bool:
    """Register an area under this parent (None: a new province at the top)."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    if parent is None:
        return False
    return any(parent.path.startswith(path) for path in _area_register_paths(user))


def may_edit_area(user: User, area: Area) -> bool:
    """Change an area's facts, successors or place in the tree."""
    return may_add_area(user, area)


def may_import_areas(user: User) -> bool:
    """Import areas from a file: somewhere the user registers areas."""
    return user.is_superuser or bool(_area_register_paths(user))


def may_add_organization(user: User, parent: Organization | None) -> bool:
    """Register a unit under this parent, or move one there (None: at the top)."""
    if parent is None:
        return user.is_superuser
    return user_can(user, Verb.ADMINISTER, parent)


def may_edit_organization(user: User, org: Organization) -> bool:
    """Change an organisation's details, or move it (to a parent the user may add units to)."""
    return user_can(user, Verb.ADMINISTER, org)


def may_dissolve_organization(user: User, org: Organization) -> bool:
    return user_can(user, Verb.ADMINISTER, org)


def successors_for_user(user: User, org: Organization) -> QuerySet[Organization]:
    """The units the user may name as an organisation's successor: active ones they see,
    outside its own subtree (the service refuses the rest)."""
    return organizations_for_user(user, active=True).exclude(path__startswith=org.path)


def may_manage_members(user: User, org: Organization) -> bool:
    """Add, change and end members and see the invitations sent into the organisation."""
    return user_can(user, Verb.ADMINISTER, org)


def may_grant_role(user: User, org: Organization, role: str) -> bool:
    """Give (or take) this role here: the user manages the members, and it is not above theirs."""
    return role in {value for value, _label in roles_user_may_grant(user, org)}


def may_invite(user: User, org: Organization) -> bool:
    """Invite someone into the organisation with some role."""
    return bool(roles_user_may_grant(user, org))


def may_manage_membership(user: User, membership: Membership) -> bool:
    """Change the role of this member or end the membership: their role is not above the user's."""
    return may_grant_role(user, membership.organization, membership.role)


def may_revoke_invitation(user: User, invitation: Invitation) -> bool:
    return may_grant_role(user, invitation.organization, invitation.role)


def may_reset_two_factor(user: User, membership: Membership) -> bool:
    """Reset a member's lost two-factor device: a leader or administrator of the organisation
    whose role is not below the member's, never for themselves, and only a superuser for a
    superuser."""
    member = membership.user
    if not membership.is_active or member.pk == user.pk:
        return False
    if member.is_superuser and not user.is_superuser:
        return False
    return may_manage_membership(user, membership)


def _matching(qs: QuerySet, q: str) -> QuerySet:
    """Rows whose folded name holds every word of the query: «muong xen» finds «Mường Xén»."""
    for word in fold(q).split():
        qs = qs.filter(search_name__contains=word)
    return qs


# --- Areas ---------------------------------------------------------------------------------


def areas_for_user(
    user: User,
    *,
    q: str = "",
    level: str = "",
    parent: Area | None = None,
    valid_on: datetime.date | None = None,
    roots_only: bool = False,
) -> QuerySet[Area]:
    areas = _matching(Area.objects.visible_to(user), q)
    if level:
        areas = areas.filter(level=level)
    if parent is not None:
        areas = areas.filter(path__startswith=parent.path, depth=parent.depth + 1)
    elif roots_only and not q:
        areas = _top_of(areas, user, "area")
    if valid_on is not None:
        areas = areas.filter(valid_on_q(valid_on))
    return areas.order_by("path")


def get_area_for_user(user: User, pk: int | str) -> Area:
    return one_or_404(Area.objects.visible_to(user), pk)


def area_ancestors(area: Area) -> list[Area]:
    return list(Area.objects.ancestors_of(area)) if area.depth > 1 else []


def area_children(area: Area) -> QuerySet[Area]:
    return Area.objects.children_of(area).order_by("-valid_to", "code")


# --- Organisations -------------------------------------------------------------------------


def organizations_for_user(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    area: Area | None = None,
    parent: Organization | None = None,
    active: bool | None = None,
    roots_only: bool = False,
) -> QuerySet[Organization]:
    orgs = _matching(Organization.objects.visible_to(user), q)
    if kind:
        orgs = orgs.filter(kind__code=kind)
    if area is not None:
        orgs = orgs.filter(area__path__startswith=area.path)
    if parent is not None:
        orgs = orgs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    elif roots_only and not q:
        orgs = _top_of(orgs, user, "organization")
    if active is True:
        orgs = orgs.filter(dissolved_on__isnull=True)
    elif active is False:
        orgs = orgs.filter(dissolved_on__isnull=False)
    return orgs.select_related("kind", "area").order_by("path")


def _top_of(qs: QuerySet, user: User, what: str) -> QuerySet:
    """The top nodes of the user's visible part of a tree."""
    if user.is_superuser:
        return qs.filter(depth=1)
    scope = scope_for(user)
    paths = scope.org_paths if what == "organization" else scope.area_paths
    return qs.filter(path__in=paths)


def get_organization_for_user(user: User, pk: int | str) -> Organization:
    return one_or_404(
        Organization.objects.visible_to(user).select_related("kind", "area", "successor"), pk
    )


def organization_ancestors_for_user(user: User, org: Organization) -> list[Organization]:
    """Ancestors to show in a breadcrumb; those outside the scope are left out."""
    if org.depth == 1:
        return []
    visible = Organization.objects.visible_to(user).values_list("pk", flat=True)
    return list(Organization.objects.ancestors_of(org).filter(pk__in=visible))


def organization_children(org: Organization) -> QuerySet[Organization]:
    return (
        Organization.objects.children_of(org)
        .select_related("kind", "area")
        .order_by("dissolved_on", "name")
    )


def organization_member_history(org: Organization) -> list[HistoryEntry]:
    """Who joined, changed role or left this organisation, and who did it."""
    records = Membership.history.filter(organization_id=org.pk).select_related(
        "history_user", "user"
    )
    return history_for_many(Membership, records, subject=lambda r: r.user.get_full_name())


def organization_two_factor_resets(org: Organization) -> list[Any]:
    """Resets of the two-factor sign-in of this organisation's members (who, whom, when, why)."""
    member_ids = list(
        Membership.objects.filter(organization=org).values_list("user_id", flat=True).distinct()
    )
    return two_factor_resets_of(member_ids)


def organization_members(org: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=org)
        .select_related("user")
        .order_by("ended_on", "role", "user__full_name")
    )


def organizations_user_may_administer(user: User) -> QuerySet[Organization]:
    """Active organisations in which the user may invite and manage members."""
    orgs = Organization.objects.active()
    if user.is_superuser:
        return orgs.select_related("area").order_by("path")
    paths = [
        path for path, role, _a in scope_for(user).entries if Verb.ADMINISTER in PERMISSIONS[role]
    ]
    return orgs.subtree_of(paths).select_related("area").order_by("path")


# --- Memberships and invitations -----------------------------------------------------------


def memberships_for_user(
    user: User,
    *,
    organization: Organization | None = None,
    member_email: str = "",
    role: str = "",
    active: bool | None = True,
) -> QuerySet[Membership]:
    memberships = Membership.objects.visible_to(user)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    if member_email:
        memberships = memberships.filter(user__email__iexact=member_email)
    if role:
        memberships = memberships.filter(role=role)
    if active is True:
        memberships = memberships.filter(ended_on__isnull=True)
    elif active is False:
        memberships = memberships.filter(ended_on__isnull=False)
    return memberships.select_related("user", "organization", "organization__kind").order_by(
        "organization__path", "user__email", "pk"
    )


def get_membership_for_user(user: User, pk: int | str) -> Membership:
    return one_or_404(
        Membership.objects.visible_to(user).select_related("user", "organization"), pk
    )


def invitations_for_organization(org: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organization=org).select_related("invited_by")


def get_invitation_for_user(user: User, pk: int | str) -> Invitation:
    """An invitation into an organisation the user sees; 404 otherwise."""
    return one_or_404(
        Invitation.objects.visible_to(user).select_related("organization", "invited_by"), pk
    )


def get_invitation_by_token(raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization")
        .filter(token_hash=Invitation.hash(raw_token))
        .first()
    )
