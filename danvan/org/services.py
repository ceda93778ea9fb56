"""Writes to organisations, memberships and invitations (areas are in `areas.py`).

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
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from danvan.accounts import services as accounts_services
from danvan.accounts.models import SecurityEvent
from danvan.lib import notify
from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed, short_date

from . import lineage
from .models import (
    Area,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    forget_scope,
)
from .selectors import (
    may_add_organization,
    may_dissolve_organization,
    may_edit_organization,
    may_grant_role,
    may_manage_members,
    may_reset_two_factor,
)
from .writes import clean_fields, locked

if TYPE_CHECKING:
    from danvan.accounts.models import User


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
    if actor is not None and not may_add_organization(actor, parent):
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
    clean_fields(Organization, fields)
    new = attributed(Organization(**fields), actor)
    if parent is None:
        created: Organization = Organization.objects.add_root(instance=new)
    else:
        created = Organization.objects.add_child(locked(parent), instance=new)
    if successor is not None:
        lineage.refresh(Organization, [successor.path])
    return created


@transaction.atomic
def organization_update(
    *,
    actor: User | None,
    org: Organization,
    parent: Organization | bool | None = False,
    **fields: Any,
) -> Organization:
    """Change an organisation's details; `parent` moves it in the tree."""
    if actor is not None and not may_edit_organization(actor, org):
        raise PermissionDenied(_("You may not change this organisation."))
    org = locked(org)
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
    refuse_unknown_fields(fields, allowed)
    new_parent = Organization.objects.parent_of(org) if parent is False else parent
    assert new_parent is None or isinstance(new_parent, Organization)
    moving = parent is not False and new_parent != Organization.objects.parent_of(org)
    if moving and actor is not None and not may_add_organization(actor, new_parent):
        raise PermissionDenied(_("You may not move the organisation there."))
    clean_fields(Organization, fields)
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
        old_parent_path = org.path[: -org.steplen]
        if new_parent is None:
            Organization.objects.move(
                org, Organization.objects.get_root_nodes().first(), "last-sibling"
            )
        else:
            Organization.objects.move(org, new_parent, "last-child")
        org.refresh_from_db()
        new_parent_path = new_parent.path if new_parent is not None else ""
        lineage.refresh(Organization, [old_parent_path, new_parent_path], moved=org.path)
    for field, value in fields.items():
        setattr(org, field, value.strip() if isinstance(value, str) else value)
    save_if_changed(org, actor, verb="moved" if moving else "")
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
    if actor is not None and not may_dissolve_organization(actor, org):
        raise PermissionDenied(_("You may not dissolve this organisation."))
    org = locked(org)
    if not org.is_active:
        raise ValidationError(_("%(org)s is already dissolved.") % {"org": org.name})
    _check_dates(established_on=org.established_on, dissolved_on=dissolved_on)
    if Organization.objects.children_of(org).filter(dissolved_on__isnull=True).exists():
        raise ValidationError(
            _("%(org)s still has active units: dissolve or move them first.") % {"org": org.name}
        )
    _check_successor(org, successor)
    before = org.successor.path if org.successor_id and org.successor else ""
    org.dissolved_on = dissolved_on
    org.successor = successor
    attributed(org, actor, verb="dissolved").save()
    lineage.refresh(Organization, [before, successor.path if successor else ""])
    for membership in Membership.objects.active().filter(organization=org):
        membership.ended_on = dissolved_on
        attributed(membership, actor, verb="revoked").save()
    return org


def _check_successor(org: Organization, successor: Organization | None) -> None:
    """A successor lies outside the organisation and is active — or is the one already
    recorded (since dissolved itself), which a correction of the reason may keep."""
    if successor is None:
        return
    if successor.path.startswith(org.path):
        raise ValidationError(
            {"successor": _("The successor cannot be the organisation or one of its units.")}
        )
    if not successor.is_active and successor.pk != org.successor_id:
        raise ValidationError({"successor": _("The successor must be active.")})


@transaction.atomic
def organization_successor_set(
    *, actor: User | None, org: Organization, successor: Organization | None, reason: str = ""
) -> Organization:
    """Record, correct or undo (None) a dissolved organisation's successor: the unit its
    history now counts towards. The precomputed predecessors follow in the same transaction."""
    if actor is not None and not may_dissolve_organization(actor, org):
        raise PermissionDenied(_("You may not dissolve this organisation."))
    org = locked(org)
    if org.is_active:
        raise ValidationError({"successor": _("Only a dissolved organisation has a successor.")})
    _check_successor(org, successor)
    before = org.successor.path if org.successor_id and org.successor else ""
    org.successor = successor
    attributed(org, actor, reason.strip()).save()
    lineage.refresh(Organization, [before, successor.path if successor else ""])
    return org


# --- Memberships ---------------------------------------------------------------------------


def _check_may_grant(
    actor: User | None, organization: Organization, role: str, *, granting: bool = True
) -> None:
    """The actor administers here and the role is not above their own."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role: %(roles)s.") % {"roles": _role_list()}})
    if actor is None:
        return
    if not may_manage_members(actor, organization):
        raise PermissionDenied(_("You may not manage the members of this organisation."))
    if not may_grant_role(actor, organization, role):
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
    save_if_changed(membership, actor)
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
    attributed(membership, actor, verb="revoked").save()
    forget_scope(membership.user)
    return membership


# --- A member's lost two-factor device -----------------------------------------------------


@transaction.atomic
def member_two_factor_reset(*, actor: User, membership: Membership, reason: str) -> SecurityEvent:
    """A leader or administrator removes a member's lost authenticator and recovery codes, so
    that they set up anew at their next sign-in; logged with who, when and why, and the member
    is told by e-mail."""
    if not may_reset_two_factor(actor, membership):
        raise PermissionDenied(
            _("Only a leader or administrator of the unit may reset a member's two-factor sign-in.")
        )
    organization = membership.organization
    event = accounts_services.two_factor_reset(
        actor=actor, user=membership.user, reason=reason, detail=organization.name
    )
    context = {
        "actor": actor,
        "organization": organization,
        "event": event,
        "link": f"{settings.SITE_URL.rstrip('/')}{reverse('two_factor_setup')}",
    }
    with override(settings.LANGUAGE_CODE):  # the site's language, whoever reset it
        subject = _("Your two-factor sign-in to danvan was reset")
        body = render_to_string("org/email/two_factor_reset.txt", context)
    notify.deliver([notify.Message(subject, body, [membership.user.email], "account")])
    return event


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
    invitation = attributed(
        Invitation(
            email=email,
            organization=organization,
            role=role,
            token_hash=Invitation.hash(raw),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.DANVAN_INVITATION_DAYS),
        ),
        actor,
    )
    invitation.save()
    # The address the inviter used, so the link works however the site is reached.
    link = f"{(site_url or settings.SITE_URL).rstrip('/')}/invitations/{raw}/"
    context = {"invitation": invitation, "link": link, "actor": actor}
    with override(settings.LANGUAGE_CODE):  # the site's language, whoever invites
        subject = _("Invitation to danvan: %(org)s") % {"org": organization.name}
        body = render_to_string("org/email/invitation.txt", context)
    notify.deliver([notify.Message(subject, body, [email], "invitation")])
    return invitation, raw


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    _check_may_grant(actor, invitation.organization, invitation.role)
    if not invitation.is_usable:
        raise Conflict(_("This invitation can no longer be used."))
    invitation.revoked_at = timezone.now()
    attributed(invitation, actor, verb="revoked").save(update_fields=["revoked_at"])
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
    attributed(invitation, user).save(update_fields=["accepted_at"])
    return membership
