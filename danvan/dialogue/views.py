"""What the dialogue pages share: the sub-navigation, dates and years read from the query, the
officers a petition may be given to. The pages themselves are in `views_petitions.py`,
`views_dialogues.py` (receptions, dialogues, commitments) and `views_reports.py` (the schedule
board, the scorecard, data subject requests)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib.web import int_param, year_param
from danvan.org.models import PERMISSIONS, Membership, Organization, Verb
from danvan.org.selectors import get_organization_for_user

from . import selectors

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import Petition

EDIT_ROLES = [role for role, verbs in PERMISSIONS.items() if Verb.EDIT in verbs]


def nav(user: User, active: str) -> dict[str, Any]:
    """The sub-navigation's context: which tab is active and whether data requests show."""
    return {"nav_active": active, "nav_data_requests": selectors.may_manage_data_requests(user)}


def date_param(request: HttpRequest, name: str) -> datetime.date | None:
    """An ISO date in the query (`2026-07-01`); None when missing or malformed."""
    raw = request.GET.get(name, "").strip()[:10]
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def year_choice(request: HttpRequest) -> int:
    return year_param(request) or timezone.localdate().year


def org_param(request: HttpRequest, user: User, name: str = "organization") -> Organization | None:
    """`?organization=<id>`: a unit the user sees (404 for one outside the scope)."""
    org_id = int_param(request, name)
    return get_organization_for_user(user, org_id) if org_id is not None else None


def flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def officers_for(petition: Petition) -> QuerySet[User]:
    """Who may handle a petition: members who may edit its unit or a unit above it."""
    org = petition.organization
    step = Organization.steplen
    paths = [org.path[:end] for end in range(step, len(org.path) + 1, step)]
    ids = (
        Membership.objects.active()
        .filter(organization__path__in=paths, role__in=EDIT_ROLES)
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email")


def year_options(today: datetime.date) -> list[int]:
    return list(range(today.year + 1, today.year - 6, -1))
