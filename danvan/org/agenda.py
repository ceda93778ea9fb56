"""The org app's agenda source (registered from `apps.py`), and whose units a user answers for.

`unit_paths` names the units whose work waits for a user: the organisations they are a member
of, with a role that grants the verb (or one of the roles), not the whole subtree below them.
A provincial specialist sees every commune's tasks, but only their own unit's wait for them;
the other apps' sources use it, as the reminders go to the members of the unit concerned.

The source itself: invitations into a unit the user administers that expired before anyone
accepted them, for a week after, until the person is invited again or has joined.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.lib import agenda, notify
from danvan.lib.agenda import Action, Item

from .models import PERMISSIONS, Invitation, Membership, Verb, scope_for

if TYPE_CHECKING:
    from danvan.accounts.models import User


def unit_paths(
    user: User, *, verb: str | None = None, roles: Iterable[str] | None = None
) -> list[str]:
    """Paths of the active organisations the user is a member of with a role granting `verb`
    (or holding one of `roles`): the units whose work waits for them. No query of its own
    beyond the user's scope, which is read once per request."""
    wanted = set(roles) if roles is not None else None
    return sorted(
        {
            path
            for path, role, _area in scope_for(user).entries
            if (verb is None or verb in PERMISSIONS[role]) and (wanted is None or role in wanted)
        }
    )


def expired_invitations(user: User, today: datetime.date) -> list[Item]:
    """Invitations into a unit the user administers that expired unaccepted in the last week."""
    paths = unit_paths(user, verb=Verb.ADMINISTER)
    if not paths:
        return []
    now = timezone.now()
    newer = Invitation.objects.filter(
        organization=OuterRef("organization"),
        email=OuterRef("email"),
        created_at__gt=OuterRef("created_at"),
    )
    joined = Membership.objects.active().filter(
        organization=OuterRef("organization"), user__email__iexact=OuterRef("email")
    )
    found = (
        Invitation.objects.visible_to(user)
        .filter(
            organization__path__in=paths,
            organization__dissolved_on__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__lte=now,
            expires_at__gt=now - datetime.timedelta(days=settings.DANVAN_INVITATION_DAYS),
        )
        .exclude(Exists(newer))
        .exclude(Exists(joined))
        .select_related("organization")
        .order_by("expires_at", "pk")
    )
    items = []
    for invitation in found:
        url = reverse("organization_detail", args=[invitation.organization_id]) + "#members"
        items.append(
            Item(
                key=notify.key_of(invitation),
                kind="org.invitation",
                what=gettext("An invitation expired before it was accepted"),
                title=f"{invitation.email} — {invitation.get_role_display()}",
                unit=invitation.organization.name,
                url=url,
                due_on=timezone.localdate(invitation.expires_at),
                action=Action(gettext("Invite again"), url),
            )
        )
    return items


def register() -> None:
    agenda.register("org.invitation", _("Invitations not accepted"), expired_invitations)
