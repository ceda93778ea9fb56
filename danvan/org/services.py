"""Writes to areas, organisations, memberships and invitations.

Every function is keyword-only, runs in one transaction, checks the actor's permission and
refuses bad input with a ValidationError that says what to fix.
"""

from __future__ import annotations

import datetime
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib.errors import Conflict
from danvan.lib.history import attributed, short_date

from .models import (
    LEVEL_DEPTH,
    ROLE_RANK,
    Area,
    AreaLevel,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    Verb,
    forget_scope,
    scope_for,
)
from .selectors import user_can, user_can_administer_area

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _locked(node: Any) -> Any:
    """The node fresh from the database and locked, so concurrent children get distinct paths."""
    return type(node).objects.select_for_update().get(pk=node.pk)


def _clean_fields(model: Any, fields: dict[str, Any]) -> None:
    """Check plain values against the model's own rules (required, length, e-mail, range)."""
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            continue
        try:
            field.clean(value, None)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)


def _ranges_overlap(
    a_from: datetime.date | None,
    a_to: datetime.date | None,
    b_from: datetime.date | None,
    b_to: datetime.date | None,
) -> bool:
    lo = datetime.date.min
    hi = datetime.date.max
    return (a_from or lo) <= (b_to or hi) and (b_from or lo) <= (a_to or hi)


# --- Areas ---------------------------------------------------------------------------------


def _check_area(
    *,
    area: Area | None,
    parent: Area | None,
    code: str,
    level: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
) -> None:
    """Refuse an area that would break the tree, the dates or the codes."""
    errors: dict[str, str] = {}
    if level not in AreaLevel.values:
        errors["level"] = _("Choose one of: province, district, commune, village.")
    if not code.strip():
        errors["code"] = _("Enter the official code.")
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("“Valid to” must not be before “valid from”.")
    if parent is None and level and level != AreaLevel.PROVINCE and level in AreaLevel.values:
        errors["parent"] = _("Only a province can stand at the top; choose the parent area.")
    if parent is not None and level in AreaLevel.values:
        if LEVEL_DEPTH[AreaLevel(level)] <= LEVEL_DEPTH[AreaLevel(parent.level)]:
            errors["level"] = _("A %(level)s cannot stand under a %(parent_level)s.") % {
                "level": AreaLevel(level).label,
                "parent_level": AreaLevel(parent.level).label,
            }
        if area is not None and parent.path.startswith(area.path):
            errors["parent"] = _(
                "An area cannot be placed under itself or one of its own sub-areas."
            )
        starts_early = parent.valid_from and (valid_from is None or valid_from < parent.valid_from)
        ends_late = parent.valid_to and (valid_to is None or valid_to > parent.valid_to)
        if starts_early or ends_late:
            errors["valid_from" if starts_early else "valid_to"] = _(
                "The area must be valid within its parent %(parent)s (%(start)s – %(end)s)."
            ) % {
                "parent": parent.name,
                "start": short_date(parent.valid_from),
                "end": short_date(parent.valid_to),
            }
    if code.strip():
        clashes = Area.objects.filter(code=code.strip())
        if area is not None:
            clashes = clashes.exclude(pk=area.pk)
        for other in clashes:
            if _ranges_overlap(valid_from, valid_to, other.valid_from, other.valid_to):
                errors["code"] = _(
                    "Code %(code)s is already used by %(name)s, valid %(start)s – %(end)s. "
                    "Two areas may share a code only at different times."
                ) % {
                    "code": code,
                    "name": other.name,
                    "start": short_date(other.valid_from),
                    "end": short_date(other.valid_to),
                }
                break
    if errors:
        raise ValidationError(errors)


def _check_successors(area: Area, successors: list[Area]) -> None:
    """Successors take over when the area ends, so they must exist the day after."""
    if not successors:
        return
    if area.valid_to is None:
        raise ValidationError(
            {"successors": _("Only an area that has ended has successors: set “valid to” first.")}
        )
    day_after = area.valid_to + datetime.timedelta(days=1)
    for successor in successors:
        if successor.pk == area.pk or not successor.is_valid_on(day_after):
            raise ValidationError(
                {
                    "successors": _(
                        "%(successor)s is not valid on %(day)s, the day after %(area)s ended."
                    )
                    % {"successor": successor.name, "day": short_date(day_after), "area": area.name}
                }
            )


def _check_dependents(area: Area, level: str, valid_from: Any, valid_to: Any) -> None:
    """A change of level or dates must still hold the sub-areas and the active organisations."""
    children = Area.objects.children_of(area)
    for child in children:
        if LEVEL_DEPTH[AreaLevel(child.level)] <= LEVEL_DEPTH[AreaLevel(level)]:
            raise ValidationError(
                {"level": _("%(child)s (%(child_level)s) stands under this area; "
                            "its level must stay above that.") % {
                    "child": child.name, "child_level": AreaLevel(child.level).label}}
            )  # fmt: skip
        early = valid_from and (child.valid_from is None or child.valid_from < valid_from)
        late = valid_to and (child.valid_to is None or child.valid_to > valid_to)
        if early or late:
            raise ValidationError(
                {"valid_from" if early else "valid_to": _(
                    "The sub-area %(child)s is valid %(start)s – %(end)s, outside these dates; "
                    "change it first.") % {"child": child.name, "start": short_date(child.valid_from),
                                           "end": short_date(child.valid_to)}}
            )  # fmt: skip
    today = timezone.localdate()
    probe = Area(valid_from=valid_from, valid_to=valid_to)
    if not probe.is_valid_on(today):
        active = Organization.objects.active().filter(area=area).first()
        if active is not None:
            raise ValidationError(
                {"valid_to": _("%(org)s is active in this area; move or dissolve it first.")
                 % {"org": active.name}}
            )  # fmt: skip


@transaction.atomic
def area_create(
    *,
    actor: User | None,
    parent: Area | None,
    code: str,
    name: str,
    level: str,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    population: int | None = None,
    ethnic_minority_pct: Any = None,
    is_border: bool = False,
    successors: list[Area] | None = None,
) -> Area:
    """Register an administrative unit under its parent (None: a province at the top)."""
    if actor is not None and not user_can_administer_area(actor, parent):
        raise PermissionDenied(_("You may not register areas here."))
    if not name.strip():
        raise ValidationError({"name": _("Enter the name.")})
    _check_area(
        area=None,
        parent=parent,
        code=code,
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    fields = {
        "code": code.strip(),
        "name": name.strip(),
        "level": level,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "population": population,
        "ethnic_minority_pct": ethnic_minority_pct,
        "is_border": is_border,
    }
    _clean_fields(Area, fields)
    new = attributed(Area(**fields), actor)
    if parent is not None:
        parent = _locked(parent)
    area = (
        Area.objects.add_child(parent, instance=new)
        if parent is not None
        else Area.objects.add_root(instance=new)
    )
    if successors:
        _check_successors(area, successors)
        area.successors.set(successors)
    return area


@transaction.atomic
def area_update(
    *,
    actor: User | None,
    area: Area,
    parent: Area | bool | None = False,
    successors: list[Area] | None = None,
    **fields: Any,
) -> Area:
    """Change an area's facts; `parent` (an Area, or None for the top) moves it."""
    if actor is not None and not user_can_administer_area(actor, area):
        raise PermissionDenied(_("You may not change this area."))
    area = _locked(area)
    allowed = {
        "code",
        "name",
        "level",
        "valid_from",
        "valid_to",
        "population",
        "ethnic_minority_pct",
        "is_border",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    new_parent = Area.objects.parent_of(area) if parent is False else parent
    assert new_parent is None or isinstance(new_parent, Area)
    if (
        parent is not False
        and actor is not None
        and not user_can_administer_area(actor, new_parent)
    ):
        raise PermissionDenied(_("You may not move the area there."))
    merged = {f: fields.get(f, getattr(area, f)) for f in allowed}
    _clean_fields(Area, merged)
    if not str(merged["name"]).strip():
        raise ValidationError({"name": _("Enter the name.")})
    _check_area(
        area=area,
        parent=new_parent,
        code=str(merged["code"]),
        level=str(merged["level"]),
        valid_from=merged["valid_from"],
        valid_to=merged["valid_to"],
    )
    _check_dependents(area, str(merged["level"]), merged["valid_from"], merged["valid_to"])
    if parent is not False and new_parent != Area.objects.parent_of(area):
        if new_parent is None:
            Area.objects.move(area, Area.objects.get_root_nodes().first(), "last-sibling")
        else:
            Area.objects.move(area, new_parent, "last-child")
        area.refresh_from_db()
        area._change_reason = _("Moved under %(parent)s") % {  # type: ignore[attr-defined]
            "parent": new_parent.name if new_parent else "—"
        }
    for field, value in merged.items():
        setattr(area, field, value.strip() if isinstance(value, str) else value)
    attributed(area, actor).save()
    if successors is not None:
        _check_successors(area, successors)
        area.successors.set(successors)
    return area


# --- Organisations -------------------------------------------------------------------------


def _check_dates(
    *, established_on: datetime.date | None, dissolved_on: datetime.date | None
) -> None:
    """Dates of record: not in the future, and a unit ends after it began."""
    today = timezone.localdate()
    if established_on and established_on > today:
        raise ValidationError({"established_on": _("The founding date cannot be in the future.")})
    if dissolved_on and dissolved_on > today:
        raise ValidationError(
            {"dissolved_on": _("Record a dissolution on or after the day it happens, not before.")}
        )
    if established_on and dissolved_on and dissolved_on < established_on:
        raise ValidationError(
            {"dissolved_on": _("The dissolution date is before the founding date (%(day)s).")
             % {"day": short_date(established_on)}}
        )  # fmt: skip


def _check_organization(
    *,
    org: Organization | None,
    parent: Organization | None,
    kind: OrganizationKind,
    area: Area,
    dissolved_on: datetime.date | None,
) -> None:
    errors: dict[str, str] = {}
    reference_day = dissolved_on or timezone.localdate()
    if not area.is_valid_on(reference_day):
        errors["area"] = _(
            "%(area)s is not valid on %(day)s (valid %(start)s – %(end)s). "
            "Choose an area that exists then, such as its successor."
        ) % {
            "area": area.name,
            "day": short_date(reference_day),
            "start": short_date(area.valid_from),
            "end": short_date(area.valid_to),
        }
    if org is None and dissolved_on is None and not kind.is_active:
        errors["kind"] = _("The kind “%(kind)s” is no longer in use.") % {"kind": kind.label}
    if parent is not None:
        if org is not None and parent.path.startswith(org.path):
            errors["parent"] = _(
                "An organisation cannot be placed under itself or one of its own units."
            )
        elif not parent.is_active and dissolved_on is None:
            errors["parent"] = _("%(parent)s is dissolved; choose an active parent.") % {
                "parent": parent.name
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    parent: Organization | None,
    name: str,
    kind: OrganizationKind,
    area: Area,
    abbreviation: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    established_on: datetime.date | None = None,
    dissolved_on: datetime.date | None = None,
    successor: Organization | None = None,
) -> Organization:
    """Register an organisation under its parent (None: at the top, superusers only).

    A unit that no longer exists may be registered for the record with its dissolution
    date and successor; its area must have been valid on that date.
    """
    if actor is not None:
        allowed = actor.is_superuser if parent is None else user_can(actor, Verb.ADMINISTER, parent)
        if not allowed:
            raise PermissionDenied(_("You may not register organisations here."))
    if not name.strip():
        raise ValidationError({"name": _("Enter the name.")})
    _check_organization(org=None, parent=parent, kind=kind, area=area, dissolved_on=dissolved_on)
    _check_dates(established_on=established_on, dissolved_on=dissolved_on)
    if successor is not None and dissolved_on is None:
        raise ValidationError({"successor": _("Only a dissolved organisation has a successor.")})
    fields = {
        "name": name.strip(),
        "abbreviation": abbreviation.strip(),
        "kind": kind,
        "area": area,
        "email": email,
        "phone": phone,
        "address": address,
        "established_on": established_on,
        "dissolved_on": dissolved_on,
        "successor": successor,
    }
    _clean_fields(Organization, fields)
    new = attributed(Organization(**fields), actor)
    if parent is None:
        return Organization.objects.add_root(instance=new)
    return Organization.objects.add_child(_locked(parent), instance=new)


@transaction.atomic
def organization_update(
    *,
    actor: User | None,
    org: Organization,
    parent: Organization | bool | None = False,
    **fields: Any,
) -> Organization:
    """Change an organisation's details; `parent` moves it in the tree."""
    if actor is not None and not user_can(actor, Verb.ADMINISTER, org):
        raise PermissionDenied(_("You may not change this organisation."))
    org = _locked(org)
    allowed = {
        "name",
        "abbreviation",
        "kind",
        "area",
        "email",
        "phone",
        "address",
        "established_on",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    new_parent = Organization.objects.parent_of(org) if parent is False else parent
    assert new_parent is None or isinstance(new_parent, Organization)
    moving = parent is not False and new_parent != Organization.objects.parent_of(org)
    if moving and actor is not None:
        may_move = (
            actor.is_superuser
            if new_parent is None
            else user_can(actor, Verb.ADMINISTER, new_parent)
        )
        if not may_move:
            raise PermissionDenied(_("You may not move the organisation there."))
    _clean_fields(Organization, fields)
    name = str(fields.get("name", org.name)).strip()
    if not name:
        raise ValidationError({"name": _("Enter the name.")})
    area = fields.get("area", org.area)
    kind = fields.get("kind", org.kind)
    _check_organization(
        org=org, parent=new_parent, kind=kind, area=area, dissolved_on=org.dissolved_on
    )
    _check_dates(
        established_on=fields.get("established_on", org.established_on),
        dissolved_on=org.dissolved_on,
    )
    if moving:
        if new_parent is None:
            Organization.objects.move(
                org, Organization.objects.get_root_nodes().first(), "last-sibling"
            )
        else:
            Organization.objects.move(org, new_parent, "last-child")
        org.refresh_from_db()
        org._change_reason = _("Moved under %(parent)s") % {  # type: ignore[attr-defined]
            "parent": new_parent.name if new_parent else "—"
        }
    for field, value in fields.items():
        setattr(org, field, value.strip() if isinstance(value, str) else value)
    attributed(org, actor).save()
    return org


@transaction.atomic
def organization_dissolve(
    *,
    actor: User | None,
    org: Organization,
    dissolved_on: datetime.date,
    successor: Organization | None = None,
) -> Organization:
    """Mark an organisation dissolved (kept, never deleted); its memberships end that day."""
    if actor is not None and not user_can(actor, Verb.ADMINISTER, org):
        raise PermissionDenied(_("You may not dissolve this organisation."))
    org = _locked(org)
    if not org.is_active:
        raise ValidationError(_("%(org)s is already dissolved.") % {"org": org.name})
    _check_dates(established_on=org.established_on, dissolved_on=dissolved_on)
    if Organization.objects.children_of(org).filter(dissolved_on__isnull=True).exists():
        raise ValidationError(
            _("%(org)s still has active units: dissolve or move them first.") % {"org": org.name}
        )
    if successor is not None:
        if successor.path.startswith(org.path):
            raise ValidationError(
                {"successor": _("The successor cannot be the organisation or one of its units.")}
            )
        if not successor.is_active:
            raise ValidationError({"successor": _("The successor must be active.")})
    org.dissolved_on = dissolved_on
    org.successor = successor
    attributed(org, actor).save()
    for membership in Membership.objects.active().filter(organization=org):
        membership.ended_on = dissolved_on
        attributed(membership, actor).save()
    return org


# --- Memberships ---------------------------------------------------------------------------


def _check_may_grant(
    actor: User | None, organization: Organization, role: str, *, granting: bool = True
) -> None:
    """The actor administers here and the role is not above their own."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role: %(roles)s.") % {"roles": _role_list()}})
    if actor is None or actor.is_superuser:
        return
    if not user_can(actor, Verb.ADMINISTER, organization):
        raise PermissionDenied(_("You may not manage the members of this organisation."))
    own = scope_for(actor).best_role_on(organization.path)
    if own is None or ROLE_RANK[Role(role)] < ROLE_RANK[Role(own)]:
        if granting:
            raise PermissionDenied(_("You may not grant a role above your own."))
        raise PermissionDenied(_("You may not manage a member whose role is above yours."))


def _role_list() -> str:
    return ", ".join(f"{value} ({label})" for value, label in Role.choices)


@transaction.atomic
def membership_create(
    *, actor: User | None, user: User, organization: Organization, role: str
) -> Membership:
    """Give a user a role in an organisation (and so over its subtree)."""
    organization = Organization.objects.get(pk=organization.pk)  # judge by what is stored
    _check_may_grant(actor, organization, role)
    if not organization.is_active:
        raise ValidationError(
            {
                "organization": _(
                    "%(org)s was dissolved on %(day)s; add the member to its successor instead."
                )
                % {"org": organization.name, "day": short_date(organization.dissolved_on)}
            }
        )
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled.")})
    if Membership.objects.active().filter(user=user, organization=organization).exists():
        raise ValidationError(
            {
                "user": _("%(user)s is already a member here; change the role instead.")
                % {"user": user.email}
            }
        )
    membership = attributed(Membership(user=user, organization=organization, role=role), actor)
    membership.save()
    forget_scope(user)
    return membership


@transaction.atomic
def membership_create_by_email(
    *, actor: User | None, email: str, organization: Organization, role: str
) -> Membership:
    """Give the account with this e-mail a role here.

    The actor's right to add members is judged before the address is looked up, so someone
    who may not add members gets the same refusal whether or not an account exists.
    """
    organization = Organization.objects.get(pk=organization.pk)
    _check_may_grant(actor, organization, role)
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError(
            {"user_email": _("No account with this e-mail; send an invitation instead.")}
        )
    return membership_create(actor=actor, user=user, organization=organization, role=role)


@transaction.atomic
def membership_change_role(*, actor: User | None, membership: Membership, role: str) -> Membership:
    if not membership.is_active:
        raise ValidationError(_("This membership has ended."))
    _check_may_grant(actor, membership.organization, membership.role, granting=False)
    _check_may_grant(actor, membership.organization, role)
    membership.role = role
    attributed(membership, actor).save()
    forget_scope(membership.user)
    return membership


@transaction.atomic
def membership_end(
    *, actor: User | None, membership: Membership, ended_on: datetime.date | None = None
) -> Membership:
    """End a membership; it stays in the history."""
    if not membership.is_active:
        raise ValidationError(_("This membership has already ended."))
    _check_may_grant(actor, membership.organization, membership.role, granting=False)
    membership.ended_on = ended_on or timezone.localdate()
    attributed(membership, actor).save()
    forget_scope(membership.user)
    return membership


# --- Invitations ---------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    organization: Organization,
    role: str,
    site_url: str | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail; returns the invitation and its one-time token."""
    # The row lock keeps two requests from both sending the same pending invitation.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _check_may_grant(actor, organization, role)
    if not organization.is_active:
        raise ValidationError(
            {"organization": _("You cannot invite into a dissolved organisation.")}
        )
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    existing = get_user_model().objects.filter(email__iexact=email).first()
    if (
        existing
        and Membership.objects.active().filter(user=existing, organization=organization).exists()
    ):
        raise ValidationError(
            {"email": _("%(email)s is already a member here.") % {"email": email}}
        )
    pending = Invitation.objects.filter(
        email__iexact=email,
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise Conflict(
            {"email": _("An invitation to %(email)s is still pending; revoke it to send a new one.")
             % {"email": email}}
        )  # fmt: skip
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        organization=organization,
        role=role,
        token_hash=Invitation.hash(raw),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.DANVAN_INVITATION_DAYS),
    )
    # The address the inviter used, so the link works however the site is reached.
    link = f"{(site_url or settings.SITE_URL).rstrip('/')}/invitations/{raw}/"
    context = {"invitation": invitation, "link": link, "actor": actor}
    subject = _("Invitation to danvan: %(org)s") % {"org": organization.name}
    body = render_to_string("org/email/invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation, raw


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    _check_may_grant(actor, invitation.organization, invitation.role)
    if not invitation.is_usable:
        raise Conflict(_("This invitation can no longer be used."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> Membership:
    """Turn a usable invitation into a membership, creating the account if needed."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise Conflict(_("This invitation has expired, been used or been revoked."))
    if user is None:
        user_model = get_user_model()
        if user_model.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account with this e-mail exists: sign in to accept."))
        if not full_name.strip():
            raise ValidationError({"full_name": _("Enter your full name.")})
        new_user = user_model(email=invitation.email, full_name=full_name.strip())
        try:
            validate_password(password, new_user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        new_user.set_password(password)
        new_user.save()
        user = new_user
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s; sign in with that address.")
            % {"email": invitation.email}
        )
    membership = membership_create(
        actor=None, user=user, organization=invitation.organization, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership
