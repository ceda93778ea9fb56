"""Writes to the bridge points of a meeting: one unit's point or a whole level at once, the
host's changes, the withdrawal, and what the point's own officers file — the attendance and
the connection check. Keyword-only, one transaction each, refusals as in `services.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from danvan.lib import notify
from danvan.lib.errors import Conflict
from danvan.lib.history import attributed, save_if_changed
from danvan.org.models import AreaLevel, Organization, OrganizationKind

from . import invitations, selectors
from .models import BridgePoint, CheckResult, Meeting, Status
from .services import _check_delegates, _ensure_manager, _ensure_open, _in_host_tree, _level_of

if TYPE_CHECKING:
    from danvan.accounts.models import User


# --- Bridge points --------------------------------------------------------------------------


def _check_reach(actor: User, meeting: Meeting, organization: Organization, guest: bool) -> None:
    if organization.dissolved_on is not None:
        raise ValidationError({"organization": _("This unit was dissolved.")})
    if _in_host_tree(meeting, organization):
        return
    if not guest:
        raise ValidationError(
            {
                "organization": _(
                    "The unit %(unit)s is outside the reach of the host unit %(host)s: invite it "
                    "as a guest from outside the host's units."
                )
                % {"unit": organization.name, "host": meeting.host.name}
            }
        )
    if not Organization.objects.visible_to(actor).filter(pk=organization.pk).exists():
        raise ValidationError({"organization": _("You may invite only units you can see.")})


@transaction.atomic
def point_add(
    *,
    actor: User,
    meeting: Meeting,
    organization: Organization,
    guest: bool = False,
    place: str = "",
    chair: str = "",
    expected: int = 0,
) -> BridgePoint:
    """One unit's bridge point, within the host's units or a guest from outside them."""
    _ensure_manager(actor, meeting)
    _ensure_open(meeting)
    if not meeting.is_online:
        raise Conflict(_("An in-person meeting has no bridge points: make it online or hybrid."))
    _check_reach(actor, meeting, organization, guest)
    _check_delegates(expected, None, "")
    existing = BridgePoint.objects.filter(meeting=meeting, organization=organization).first()
    if existing is not None and existing.withdrawn_at is None:
        raise ValidationError(
            {
                "organization": _("The unit %(unit)s is a bridge point already.")
                % {"unit": organization}
            }
        )
    point = existing or BridgePoint(meeting=meeting, organization=organization)
    point.level = _level_of(organization)
    point.is_guest = not _in_host_tree(meeting, organization)
    point.place, point.chair, point.expected = place.strip(), chair.strip(), expected
    point.withdrawn_at = None
    attributed(point, actor, verb="invited")
    point.save()
    invitations.invite(meeting, [point])
    return point


@transaction.atomic
def points_invite_level(
    *,
    actor: User,
    meeting: Meeting,
    level: str,
    kind: OrganizationKind | None = None,
    expected: int = 0,
) -> list[BridgePoint]:
    """Every unit of an area level (and of a kind, if given) in the host's tree, in one step;
    units already invited are left as they are. Bulk: a national review's 3,321 communes."""
    _ensure_manager(actor, meeting)
    _ensure_open(meeting)
    if not meeting.is_online:
        raise Conflict(_("An in-person meeting has no bridge points: make it online or hybrid."))
    if level not in AreaLevel.values:
        raise ValidationError(
            {"level": _("Choose a level: province, district, commune or village.")}
        )
    _check_delegates(expected, None, "")
    units = (
        Organization.objects.active()
        .filter(path__startswith=meeting.host.path, area__level=level)
        .exclude(pk=meeting.host_id)
        .order_by("path")
    )
    if kind is not None:
        units = units.filter(kind=kind)
    taken = dict(
        BridgePoint.objects.filter(meeting=meeting).values_list("organization_id", "withdrawn_at")
    )
    new = [
        BridgePoint(meeting=meeting, organization_id=pk, level=level, expected=expected)
        for pk in units.values_list("pk", flat=True)
        if pk not in taken
    ]
    back = list(
        BridgePoint.objects.filter(
            meeting=meeting,
            organization__in=units,
            withdrawn_at__isnull=False,
        )
    )
    if not new and not back:
        raise ValidationError(
            {"level": _("Every unit of this level is a bridge point already, or there is none.")}
        )
    created = bulk_create_with_history(
        new, BridgePoint, batch_size=500, default_user=actor, default_change_reason=""
    )
    for point in back:
        point.withdrawn_at = None
        attributed(point, actor, verb="invited")
        point.save()
    points = [*created, *back]
    invitations.invite(meeting, points)
    return points


@transaction.atomic
def point_update(
    *,
    actor: User,
    point: BridgePoint,
    place: str,
    chair: str,
    expected: int,
) -> BridgePoint:
    """The host sets a point's place, chair and delegates expected."""
    _ensure_manager(actor, point.meeting)
    _ensure_open(point.meeting)
    _check_delegates(expected, point.attending, point.attendance_note)
    point.place, point.chair, point.expected = place.strip(), chair.strip(), expected
    save_if_changed(point, actor)
    return point


@transaction.atomic
def point_withdraw(*, actor: User, point: BridgePoint, reason: str = "") -> BridgePoint:
    """The point no longer joins; kept with its history. The host's own point stays."""
    _ensure_manager(actor, point.meeting)
    _ensure_open(point.meeting)
    if point.is_host:
        raise Conflict(_("The host's own bridge point cannot be withdrawn."))
    if point.withdrawn_at is None:
        point.withdrawn_at = timezone.now()
        attributed(point, actor, reason, verb="removed")
        point.save()
        invitations.withdrawn(point)
    return point


@transaction.atomic
def point_confirm(
    *,
    actor: User,
    point: BridgePoint,
    attending: int,
    attendance_note: str | None = None,
    place: str | None = None,
    chair: str | None = None,
    expected: int | None = None,
) -> BridgePoint:
    """The point's own officers confirm its attendance: delegates attending (and the note,
    place, chair and delegates expected, if they changed; None keeps what is recorded)."""
    if not selectors.may_confirm_point(actor, point):
        raise PermissionDenied(
            _("Only the officers of %(unit)s confirm its attendance.")
            % {"unit": point.organization.name}
        )
    _ensure_open(point.meeting)
    if point.withdrawn_at is not None:
        raise Conflict(_("This bridge point was withdrawn."))
    point = BridgePoint.objects.select_for_update().get(pk=point.pk)
    new_expected = point.expected if expected is None else expected
    note = point.attendance_note if attendance_note is None else attendance_note.strip()
    _check_delegates(new_expected, attending, note)
    point.expected, point.attending = new_expected, attending
    point.attendance_note = note
    if place is not None:
        point.place = place.strip()
    if chair is not None:
        point.chair = chair.strip()
    point.confirmed_at, point.confirmed_by = timezone.now(), actor
    attributed(point, actor, verb="confirmed")
    point.save()
    notify.settle(notify.key_of(point))
    return point


@transaction.atomic
def point_check(*, actor: User, point: BridgePoint, result: str, note: str = "") -> BridgePoint:
    """A connection check of the point before the meeting: when, the result, by whom."""
    if not selectors.may_confirm_point(actor, point):
        raise PermissionDenied(
            _("Only the officers of %(unit)s or of the host check its link.")
            % {"unit": point.organization.name}
        )
    _ensure_open(point.meeting)
    if point.withdrawn_at is not None:
        raise Conflict(_("This bridge point was withdrawn."))
    if point.meeting.status == Status.HELD:
        raise Conflict(_("The meeting was held: a connection is checked before it."))
    if result not in CheckResult.values:
        raise ValidationError({"result": _("Choose the result of the check.")})
    if result != CheckResult.GOOD and not note.strip():
        raise ValidationError({"note": _("Say what did not work, so it can be fixed in time.")})
    point = BridgePoint.objects.select_for_update().get(pk=point.pk)
    point.checked_at, point.check_result = timezone.now(), result
    point.check_note, point.checked_by = note.strip(), actor
    attributed(point, actor, verb="connection_checked")
    point.save()
    return point
