"""Reads of the people's situation through the user's scope, and who may do what."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from danvan.lib import periods
from danvan.lib.records import one_or_404
from danvan.lib.text import fold
from danvan.org.models import Area, AreaLevel, Organization, Role, Verb, scope_for
from danvan.org.selectors import organizations_user_may_edit, user_can

from .models import Alert, AreaMap, Attachment, FollowUp, Note, Topic

if TYPE_CHECKING:
    from danvan.accounts.models import User

# Who handles alerts: the commission's leaders and specialists (not its reporters or viewers).
ALERT_ROLES = {Role.ADMIN, Role.LEADER, Role.SPECIALIST}


# --- Who may do what ------------------------------------------------------------------------


def may_file_notes(user: User) -> bool:
    """Whether the user may file a note for some unit (the «new note» button)."""
    return organizations_user_may_edit(user).exists()


def may_file_note_for(user: User, organization: Organization) -> bool:
    return user_can(user, Verb.EDIT, organization)


def may_edit_note(user: User, note: Note) -> bool:
    """The filing unit's officers (and those above it) keep the note and its follow-ups."""
    return user_can(user, Verb.EDIT, note.organization)


def may_handle_alert(user: User, alert: Alert) -> bool:
    """Acknowledge, assign and close: the commission's leaders and specialists."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return scope_for(user).best_role_on(alert.organization.path) in ALERT_ROLES


def may_edit_maps(user: User, area: Area | None = None) -> bool:
    """Boundaries and points are kept by the administrators and leaders of a top-level unit:
    of the areas within that unit's area, when `area` is given."""
    if user.is_superuser:
        return True
    return any(
        role in (Role.ADMIN, Role.LEADER)
        and len(path) == Organization.steplen
        and (area is None or area.path.startswith(area_path))
        for path, role, area_path in scope_for(user).entries
    )


# --- Topics -------------------------------------------------------------------------------


def topics(*, active_only: bool = True) -> QuerySet[Topic]:
    found = Topic.objects.select_related("parent").order_by("order", "code")
    return found.filter(is_active=True) if active_only else found


def topic_groups() -> QuerySet[Topic]:
    """The top-level topics the counts, alerts and the monthly report are kept by."""
    return Topic.objects.filter(parent__isnull=True).order_by("order", "code")


# --- Notes --------------------------------------------------------------------------------


def notes_for_user(
    user: User,
    *,
    area: Area | None = None,
    topic: Topic | None = None,
    level: str = "",
    status: str = "",
    period: periods.Period | None = None,
    organization: Organization | None = None,
    query: str = "",
) -> QuerySet[Note]:
    """The notes the user sees, filtered: an area takes its subtree, a group its topics, a
    period the event dates within it; `query` is searched without diacritics."""
    notes = Note.objects.visible_to(user).select_related("organization", "area", "topic")
    if area is not None:
        notes = notes.filter(area__path__startswith=area.path)
    if topic is not None:
        notes = notes.filter(Q(topic=topic) | Q(topic__parent=topic))
    if level:
        notes = notes.filter(level=level)
    if status:
        notes = notes.filter(status=status)
    if period is not None:
        notes = notes.filter(event_date__gte=period.start, event_date__lte=period.end)
    if organization is not None:
        notes = notes.filter(organization__path__startswith=organization.path)
    for word in fold(query).split():
        notes = notes.filter(search_text__contains=word)
    return notes.order_by("-event_date", "-pk")


def get_note_for_user(user: User, pk: Any) -> Note:
    return one_or_404(
        Note.objects.visible_to(user).select_related("organization", "area", "topic", "commune"),
        pk,
    )


def follow_ups_of(note: Note) -> QuerySet[FollowUp]:
    return note.follow_ups.select_related("author").order_by("happened_on", "pk")


def attachments_of(note: Note) -> QuerySet[Attachment]:
    return note.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "pk")


def get_attachment_for_user(user: User, pk: Any, *, removed: bool | None = False) -> Attachment:
    """An attachment of a note the user sees; a removed one only with `removed` (to restore),
    either with `removed=None`."""
    attachments = Attachment.objects.visible_to(user)
    if removed is not None:
        attachments = attachments.filter(removed_at__isnull=not removed)
    return one_or_404(attachments.select_related("note"), pk)


# --- Areas a user may file notes on ---------------------------------------------------------


def commune_of(area: Area) -> Area | None:
    """The commune an area lies in: itself, or its commune ancestor (a village's commune)."""
    if area.level == AreaLevel.COMMUNE:
        return area
    if area.level == AreaLevel.VILLAGE:
        return Area.objects.ancestors_of(area).filter(level=AreaLevel.COMMUNE).last()
    return None


def area_in_unit_scope(organization: Organization, area: Area) -> bool:
    """A unit files on the communes and villages of its own area's subtree."""
    return area.path.startswith(organization.area.path)


def areas_for_notes(user: User, day: datetime.date | None = None) -> QuerySet[Area]:
    """The communes and villages the user's units may file notes on (valid on `day`)."""
    paths = sorted({org.area.path for org in organizations_user_may_edit(user)})
    found = Area.objects.filter(level__in=[AreaLevel.COMMUNE, AreaLevel.VILLAGE])
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    found = found.filter(condition)
    if day is not None:
        found = found.valid_on(day)
    return found.order_by("path")


# --- Alerts -------------------------------------------------------------------------------


def alerts_for_user(
    user: User, *, status: str = "", area: Area | None = None, topic: Topic | None = None
) -> QuerySet[Alert]:
    alerts = Alert.objects.visible_to(user).select_related(
        "organization", "area", "topic", "note", "assigned_to", "acknowledged_by", "closed_by"
    )
    if status == "live":
        alerts = alerts.live()
    elif status:
        alerts = alerts.filter(status=status)
    if area is not None:
        alerts = alerts.filter(area__path__startswith=area.path)
    if topic is not None:
        alerts = alerts.filter(topic=topic)
    return alerts.order_by("-raised_on", "-pk")


def get_alert_for_user(user: User, pk: Any) -> Alert:
    return one_or_404(
        Alert.objects.visible_to(user).select_related(
            "organization", "area", "topic", "note", "assigned_to", "acknowledged_by"
        ),
        pk,
    )


def area_map(area: Area) -> AreaMap | None:
    return AreaMap.objects.filter(area=area).first()
