"""Reads of receptions, dialogues and petitions through the user's scope, and who may do what."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from danvan.lib.records import one_or_404
from danvan.lib.text import fold
from danvan.org.models import Area, AreaLevel, Organization, Role, Verb, scope_for
from danvan.org.selectors import organizations_user_may_edit, user_can

from .models import (
    OPEN_STATES,
    Commitment,
    DataRequest,
    Dialogue,
    Petition,
    PetitionAttachment,
    PetitionKind,
    PetitionState,
    Reception,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User


# --- Who may do what ------------------------------------------------------------------------


def may_record(user: User) -> bool:
    """Whether the user may record receptions, dialogues or petitions for some unit."""
    return organizations_user_may_edit(user).exists()


def may_record_for(user: User, organization: Organization) -> bool:
    return user_can(user, Verb.EDIT, organization) and organization.is_active


def may_edit_reception(user: User, reception: Reception) -> bool:
    return user_can(user, Verb.EDIT, reception.organization)


def may_edit_dialogue(user: User, dialogue: Dialogue) -> bool:
    return user_can(user, Verb.EDIT, dialogue.organization)


def may_handle_petition(user: User, petition: Petition) -> bool:
    """Accept, refer, refuse, extend, settle, reopen, merge: officers of the handling unit (and
    the units above it) who may edit."""
    return user_can(user, Verb.EDIT, petition.organization)


def may_see_identity(user: User, petition: Petition) -> bool:
    """A denouncer's identity: only the assigned handler. Other petitioners: whoever handles
    the petition."""
    if not user.is_authenticated or not user.is_active:
        return False
    if petition.kind == PetitionKind.DENUNCIATION:
        # The handler named on the case, while they still handle the unit's petitions.
        return petition.handler_id == user.pk and may_handle_petition(user, petition)
    return may_handle_petition(user, petition)


def may_handle_data_requests(user: User, petition: Petition) -> bool:
    """Data subject requests: the administrators above the handling unit."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return scope_for(user).best_role_on(petition.organization.path) == Role.ADMIN


def may_manage_data_requests(user: User) -> bool:
    """The «data requests» page: administrators of some unit."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(role == Role.ADMIN for _p, role, _a in scope_for(user).entries)


def may_export_personal(user: User) -> bool:
    """Exports with personal fields: administrators and leaders only (and logged)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(
        role in (Role.ADMIN, Role.LEADER) for _p, role, _a in scope_for(user).entries
    )


# --- Receptions and dialogues ---------------------------------------------------------------


def receptions_for_user(
    user: User,
    *,
    organization: Organization | None = None,
    year: int | None = None,
) -> QuerySet[Reception]:
    found = Reception.objects.visible_to(user).select_related("organization")
    if organization is not None:
        found = found.filter(organization__path__startswith=organization.path)
    if year is not None:
        found = found.filter(held_on__year=year)
    return found.order_by("-held_on", "-pk")


def get_reception_for_user(user: User, pk: Any) -> Reception:
    return one_or_404(Reception.objects.visible_to(user).select_related("organization"), pk)


def dialogues_for_user(
    user: User,
    *,
    organization: Organization | None = None,
    kind: str = "",
    status: str = "",
    year: int | None = None,
) -> QuerySet[Dialogue]:
    found = Dialogue.objects.visible_to(user).select_related("organization")
    if organization is not None:
        found = found.filter(organization__path__startswith=organization.path)
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    if year is not None:
        found = found.filter(held_on__year=year)
    return found.order_by("-held_on", "-pk")


def get_dialogue_for_user(user: User, pk: Any) -> Dialogue:
    return one_or_404(
        Dialogue.objects.visible_to(user)
        .select_related("organization")
        .prefetch_related("co_hosts", "commitments__responsible"),
        pk,
    )


def get_commitment_for_user(user: User, pk: Any) -> Commitment:
    return one_or_404(
        Commitment.objects.visible_to(user).select_related("dialogue__organization", "responsible"),
        pk,
    )


# --- Petitions ------------------------------------------------------------------------------


def petitions_for_user(
    user: User,
    *,
    state: str = "",
    kind: str = "",
    topic: Any = None,
    area: Area | None = None,
    organization: Organization | None = None,
    overdue: bool | None = None,
    q: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Petition]:
    """The petitions the user sees, filtered; `topic` matches a topic or a group's topics."""
    today = today or timezone.localdate()
    found = Petition.objects.visible_to(user).select_related(
        "organization", "area", "topic", "handler"
    )
    if state:
        found = found.filter(state=state)
    if kind:
        found = found.filter(kind=kind)
    if topic is not None:
        found = found.filter(Q(topic=topic) | Q(topic__parent=topic))
    if area is not None:
        found = found.filter(area__path__startswith=area.path)
    if organization is not None:
        found = found.filter(organization__path__startswith=organization.path)
    if overdue is True:
        found = found.filter(state__in=OPEN_STATES, due_on__lt=today)
    elif overdue is False:
        found = found.exclude(state__in=OPEN_STATES, due_on__lt=today)
    if q.strip():
        folded = fold(q)
        found = found.filter(Q(search_text__contains=folded) | Q(code__iexact=q.strip()))
    return found.order_by("-received_on", "-pk")


def get_petition_for_user(user: User, pk: Any) -> Petition:
    return one_or_404(
        Petition.objects.visible_to(user).select_related(
            "organization",
            "area",
            "topic",
            "handler",
            "competent_body",
            "merged_into",
            "note",
            "reception",
            "dialogue",
        ),
        pk,
    )


def merge_root(petition: Petition) -> Petition:
    """The petition a chain of merges ends at."""
    seen = set()
    while petition.merged_into_id and petition.pk not in seen:
        seen.add(petition.pk)
        petition = petition.merged_into  # type: ignore[assignment]
    return petition


def _words(text: str) -> set[str]:
    return {w for w in fold(text).split() if len(w) > 2}


def similar_petitions(
    user: User | None,
    *,
    area: Area,
    summary: str,
    exclude: Petition | None = None,
    limit: int = 5,
) -> list[Petition]:
    """Open petitions on the same commune with a similar summary (diacritics ignored): the
    duplicates suggested at intake. Similar = at least half of the summary's words shared."""
    words = _words(summary)
    if not words:
        return []
    commune = area
    if area.level == AreaLevel.VILLAGE:
        commune = Area.objects.ancestors_of(area).filter(level=AreaLevel.COMMUNE).last() or area
    found = Petition.objects.filter(area__path__startswith=commune.path).exclude(
        state__in=[PetitionState.MERGED, PetitionState.REFUSED]
    )
    if user is not None:
        found = found.filter(pk__in=Petition.objects.visible_to(user).values("pk"))
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    condition = Q()
    for word in sorted(words, key=len, reverse=True)[:3]:
        condition |= Q(search_text__contains=word)
    scored = []
    for petition in (
        found.filter(condition).select_related("organization").order_by("-received_on")[:200]
    ):
        shared = len(words & _words(petition.search_text))
        if shared * 2 >= len(words):
            scored.append((shared, petition.received_on, petition))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [p for _s, _d, p in scored[:limit]]


def files_of(petition: Petition) -> QuerySet[PetitionAttachment]:
    """The petition's files on the case: sent at intake or added since (erasure removes them)."""
    return petition.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "pk")


def extensions_of(petition: Petition) -> list[Any]:
    return list(petition.extensions.select_related("decided_by").order_by("decided_on", "pk"))


def data_requests_for_user(user: User, *, open_only: bool = False) -> QuerySet[DataRequest]:
    """Data subject requests on petitions of units the user administers."""
    found = DataRequest.objects.select_related("petition__organization", "handled_by")
    if not user.is_superuser:
        paths = [p for p, role, _a in scope_for(user).entries if role == Role.ADMIN]
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(petition__organization__path__startswith=path)
        found = found.filter(condition)
    if open_only:
        found = found.exclude(state__in=["done", "refused"])
    return found.order_by("-received_on", "-pk")


def get_data_request_for_user(user: User, pk: Any) -> DataRequest:
    return one_or_404(data_requests_for_user(user), pk)


# --- The public view ------------------------------------------------------------------------

# Denunciations stay out of the public view: their content and the denouncer are confidential
# (Law on Denunciation); a denouncer hears from the body handling it.
PUBLIC_Q = ~Q(kind=PetitionKind.DENUNCIATION)


def public_petition(code: str) -> Petition | None:
    """The petition a citizen tracks by code: one indexed query whether or not it exists or is
    outside the public view, so neither answer can be told from the other."""
    if not code:
        Petition.objects.filter(pk__in=[]).exists()  # the same round trip as a lookup
        return None
    found = (
        Petition.objects.filter(PUBLIC_Q, code=code)
        .select_related("organization", "competent_body", "merged_into", "topic", "area")
        .order_by()[:1]  # the code is unique: no ORDER BY (Django hashes each column for one)
    )
    return next(iter(found), None)
