"""Writes to meetings, their agenda, bridge points and conclusions.

Keyword-only, one transaction each, the actor's permission asked of the `may_…` selectors, bad
input refused with a ValidationError naming the field to fix, a state that does not allow the
act with `Conflict`. The invited units hear of a meeting, its changes and its cancelling
through `invitations.py` (notifications and e-mail with the .ics), after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.documents.models import Document
from danvan.lib import notify, periods
from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed, short_date
from danvan.lib.uploads import check_upload, safe_name
from danvan.org.models import Organization
from danvan.programs.models import Program
from danvan.reporting.models import Form

from . import invitations, selectors
from .models import (
    AgendaItem,
    BridgePoint,
    Conclusion,
    ConclusionStatus,
    Format,
    Kind,
    Meeting,
    Status,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

MAX_DELEGATES = 1_000_000
MAX_DAYS = 31
MAX_TASK_DAYS = 5 * 366
MEETING_FIELDS = {
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "format",
    "place",
    "video_url",
    "period",
    "program",
    "report_forms",
    "documents",
}
# A change of these is sent again to the invited units (with the .ics's SEQUENCE raised).
SENT_FIELDS = {"title", "starts_at", "ends_at", "format", "place", "video_url"}


# --- Checks ---------------------------------------------------------------------------------


def _check_meeting(meeting: Meeting) -> None:
    periods.check_days(meeting)  # before the length and the bridge points are counted from them
    errors: dict[str, str] = {}
    if not meeting.title.strip():
        errors["title"] = _("Give the meeting a title.")
    if meeting.kind not in Kind.values:
        errors["kind"] = _("Choose the kind of meeting.")
    if meeting.format not in Format.values:
        errors["format"] = _("Choose in person, online or hybrid.")
    if errors:
        raise ValidationError(errors)
    if meeting.starts_at and meeting.ends_at:
        if meeting.ends_at <= meeting.starts_at:
            errors["ends_at"] = _("The meeting must end after it starts.")
        elif meeting.ends_at - meeting.starts_at > datetime.timedelta(days=MAX_DAYS):
            errors["ends_at"] = _("A meeting lasts at most %(days)d days.") % {"days": MAX_DAYS}
    if meeting.video_url:
        try:
            URLValidator(schemes=["http", "https"])(meeting.video_url)
        except ValidationError:
            errors["video_url"] = _("Give the video link as a web address (https://…).")
    if meeting.period and not periods.is_valid(meeting.period):
        errors["period"] = _(
            "Not a period: write 2026S1 for a half year, 2026Q2 for a quarter, 202605 for a "
            "month or 2026 for a year."
        )
    if errors:
        raise ValidationError(errors)


def _check_items_within(meeting: Meeting) -> None:
    outside = [
        item.title
        for item in meeting.items.filter(deleted_at__isnull=True)
        if not meeting.starts_at <= item.starts_at <= meeting.ends_at
    ]
    if outside:
        raise ValidationError(
            {
                "starts_at": _(
                    "These agenda items would fall outside the meeting's time: %(items)s. "
                    "Move them first."
                )
                % {"items": "; ".join(outside)}
            }
        )


def _check_item(meeting: Meeting, starts_at: datetime.datetime, title: str) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the agenda item a title.")
    if not meeting.starts_at <= starts_at <= meeting.ends_at:
        local = timezone.localtime
        errors["starts_at"] = _(
            "The item's time must lie within the meeting, from %(start)s to %(end)s."
        ) % {
            "start": local(meeting.starts_at).strftime("%d/%m/%Y %H:%M"),
            "end": local(meeting.ends_at).strftime("%d/%m/%Y %H:%M"),
        }
    if errors:
        raise ValidationError(errors)


def _check_delegates(expected: int | None, attending: int | None, note: str) -> None:
    errors: dict[str, str] = {}
    for name, value in (("expected", expected), ("attending", attending)):
        if value is not None and not 0 <= value <= MAX_DELEGATES:
            errors[name] = _("Write a number of delegates from 0 to %(max)s.") % {
                "max": f"{MAX_DELEGATES:,}".replace(",", ".")
            }
    if errors:
        raise ValidationError(errors)
    if attending is not None and expected is not None and attending > expected and not note.strip():
        raise ValidationError(
            {
                "attendance_note": _(
                    "More delegates attended (%(attending)d) than were expected (%(expected)d): "
                    "say why in the note."
                )
                % {"attending": attending, "expected": expected}
            }
        )


def _ensure_manager(actor: User, meeting: Meeting) -> None:
    if not selectors.may_manage(actor, meeting):
        raise PermissionDenied(_("Only the host unit's officers may change this meeting."))


def _ensure_open(meeting: Meeting) -> None:
    if meeting.status == Status.CANCELLED:
        raise Conflict(_("The meeting was cancelled."))


def _in_host_tree(meeting: Meeting, organization: Organization) -> bool:
    return organization.path.startswith(meeting.host.path)


def _level_of(organization: Organization) -> str:
    return str(organization.area.level)


def _attach(record: Any, field: str, upload: UploadedFile | None) -> None:
    if upload is None:
        return
    check_upload(upload)
    upload.name = safe_name(upload.name or "file")
    setattr(record, field, upload)


def _set_links(meeting: Meeting, values: dict[str, Any]) -> None:
    if "report_forms" in values:
        meeting.report_forms.set(list(values["report_forms"] or []))
    if "documents" in values:
        meeting.documents.set(list(values["documents"] or []))


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    host: Organization,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    format: str = Format.IN_PERSON,
    place: str = "",
    video_url: str = "",
    period: str = "",
    program: Program | None = None,
    report_forms: Iterable[Form] = (),
    documents: Iterable[Document] = (),
    host_expected: int = 0,
    host_chair: str = "",
) -> Meeting:
    """A meeting of the host unit; an online or hybrid one gets the host's bridge point."""
    if not selectors.may_create_meeting_for(actor, host):
        raise PermissionDenied(_("You may not hold meetings for this unit."))
    if host.dissolved_on is not None:
        raise ValidationError({"host": _("This unit was dissolved.")})
    meeting = Meeting(
        host=host, kind=kind, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
        format=format, place=place.strip(), video_url=video_url.strip(), period=period.strip(),
        program=program, created_by=actor,
    )  # fmt: skip
    _check_meeting(meeting)
    _check_delegates(host_expected, None, "")
    attributed(meeting, actor)
    meeting.save()
    _set_links(meeting, {"report_forms": report_forms, "documents": documents})
    if meeting.is_online:
        point = BridgePoint(
            meeting=meeting, organization=host, level=_level_of(host), is_host=True,
            place=meeting.place, chair=host_chair.strip(), expected=host_expected,
        )  # fmt: skip
        attributed(point, actor, verb="invited")
        point.save()
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, reason: str = "", **fields: Any) -> Meeting:
    """Change what the meeting is; a change of time, place, format or link is sent again."""
    refuse_unknown_fields(fields, MEETING_FIELDS)
    _ensure_manager(actor, meeting)
    _ensure_open(meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    changed = False
    for name, value in fields.items():
        if name in ("report_forms", "documents"):
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(meeting, name) != value:
            changed = changed or name in SENT_FIELDS
            setattr(meeting, name, value)
    _check_meeting(meeting)
    _check_items_within(meeting)
    if changed:
        meeting.sequence += 1
    save_if_changed(meeting, actor, reason)
    _set_links(meeting, fields)
    if meeting.is_online and not meeting.points.filter(is_host=True).exists():
        point = BridgePoint(
            meeting=meeting, organization=meeting.host, level=_level_of(meeting.host),
            is_host=True, place=meeting.place,
        )  # fmt: skip
        attributed(point, actor, verb="invited")
        point.save()
    if changed:
        invitations.changed(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel the meeting, with the reason sent to the invited units; kept, never deleted."""
    _ensure_manager(actor, meeting)
    _ensure_open(meeting)
    if meeting.status == Status.HELD:
        raise Conflict(_("The meeting was held: it cannot be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    meeting.status = Status.CANCELLED
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    attributed(meeting, actor, reason, verb="cancelled")
    meeting.save()
    invitations.cancelled(meeting)
    notify.settle(notify.key_of(meeting))
    return meeting


@transaction.atomic
def meeting_record_minutes(
    *,
    actor: User,
    meeting: Meeting,
    minutes: str,
    chair_conclusion: str = "",
    minutes_file: UploadedFile | None = None,
) -> Meeting:
    """The minutes and the chair's conclusion of a meeting that has begun: it was held."""
    _ensure_manager(actor, meeting)
    _ensure_open(meeting)
    if meeting.starts_at > timezone.now():
        raise Conflict(_("The meeting has not begun: its minutes come after it starts."))
    if not minutes.strip() and minutes_file is None and not meeting.minutes_file:
        raise ValidationError({"minutes": _("Write the minutes or attach their file.")})
    _attach(meeting, "minutes_file", minutes_file)
    meeting.minutes = minutes.strip()
    meeting.chair_conclusion = chair_conclusion.strip()
    verb = "held" if meeting.status != Status.HELD else ""
    meeting.status = Status.HELD
    attributed(meeting, actor, verb=verb)
    meeting.save()
    notify.settle(notify.key_of(meeting))
    return meeting


# --- The agenda -----------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    actor: User,
    meeting: Meeting,
    starts_at: datetime.datetime,
    title: str,
    presenter: str = "",
    documents: Iterable[Document] = (),
    attachment: UploadedFile | None = None,
) -> AgendaItem:
    _ensure_manager(actor, meeting)
    _ensure_open(meeting)
    _check_item(meeting, starts_at, title)
    item = AgendaItem(
        meeting=meeting, starts_at=starts_at, title=title.strip(), presenter=presenter.strip()
    )
    _attach(item, "attachment", attachment)
    attributed(item, actor)
    item.save()
    item.documents.set(list(documents))
    return item


@transaction.atomic
def agenda_item_update(
    *,
    actor: User,
    item: AgendaItem,
    starts_at: datetime.datetime,
    title: str,
    presenter: str = "",
    documents: Iterable[Document] | None = None,
    attachment: UploadedFile | None = None,
) -> AgendaItem:
    meeting = item.meeting
    _ensure_manager(actor, meeting)
    _ensure_open(meeting)
    if item.deleted_at is not None:
        raise Conflict(_("This agenda item was removed."))
    _check_item(meeting, starts_at, title)
    item.starts_at, item.title, item.presenter = starts_at, title.strip(), presenter.strip()
    _attach(item, "attachment", attachment)
    save_if_changed(item, actor)
    if documents is not None:
        item.documents.set(list(documents))
    return item


@transaction.atomic
def agenda_item_remove(*, actor: User, item: AgendaItem) -> AgendaItem:
    """Taken off the agenda, kept in the history."""
    _ensure_manager(actor, item.meeting)
    _ensure_open(item.meeting)
    if item.deleted_at is None:
        item.deleted_at = timezone.now()
        attributed(item, actor, verb="removed")
        item.save()
    return item


# --- Conclusions ------------------------------------------------------------------------------


@transaction.atomic
def conclusion_add(
    *,
    actor: User,
    meeting: Meeting,
    text: str,
    organization: Organization,
    due_on: datetime.date,
) -> Conclusion:
    """A conclusion of the meeting as a follow-up task of a unit within the host's reach (its
    tree or a bridge point), due on a date; the unit's officers are told."""
    _ensure_manager(actor, meeting)
    _ensure_open(meeting)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Write the conclusion.")
    is_point = meeting.points.active().filter(organization=organization).exists()
    if not _in_host_tree(meeting, organization) and not is_point:
        errors["organization"] = _(
            "Assign the task to a unit of the host's tree or to one of the bridge points."
        )
    held_on = timezone.localtime(meeting.starts_at).date()
    if due_on < held_on:
        errors["due_on"] = _("The task cannot be due before the meeting.")
    elif due_on > held_on + datetime.timedelta(days=MAX_TASK_DAYS):
        errors["due_on"] = _("A task from a meeting is due within five years of it.")
    if errors:
        raise ValidationError(errors)
    conclusion = Conclusion(
        meeting=meeting, text=text.strip(), organization=organization, due_on=due_on
    )
    attributed(conclusion, actor, verb="assigned")
    conclusion.save()
    invitations.conclusion_assigned(conclusion)
    return conclusion


@transaction.atomic
def conclusion_done(
    *,
    actor: User,
    conclusion: Conclusion,
    result: str,
    done_on: datetime.date | None = None,
) -> Conclusion:
    """The assigned unit reports the task done, with what was done."""
    if not selectors.may_close_conclusion(actor, conclusion):
        raise PermissionDenied(_("Only the assigned unit or the host reports this task done."))
    if conclusion.status != ConclusionStatus.OPEN:
        raise Conflict(_("This task is not open."))
    if not result.strip():
        raise ValidationError({"result": _("Say what was done.")})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date it was done cannot be in the future.")})
    # Not before the meeting that gave it (or the day it was recorded, if that came first):
    # the on-time figures read this date.
    given_on = min(
        timezone.localtime(conclusion.meeting.starts_at).date(),
        timezone.localtime(conclusion.created_at).date(),
    )
    if done_on < given_on:
        raise ValidationError(
            {"done_on": _("The task was given on %(day)s: it was done on or after that day.")
             % {"day": short_date(given_on)}}
        )  # fmt: skip
    conclusion.status, conclusion.result, conclusion.done_on = (
        ConclusionStatus.DONE, result.strip(), done_on,
    )  # fmt: skip
    attributed(conclusion, actor, verb="done")
    conclusion.save()
    notify.settle(notify.key_of(conclusion))
    return conclusion


@transaction.atomic
def conclusion_reopen(*, actor: User, conclusion: Conclusion, reason: str) -> Conclusion:
    """The host finds the task not done after all: open again, with the reason."""
    _ensure_manager(actor, conclusion.meeting)
    if conclusion.status == ConclusionStatus.OPEN:
        raise Conflict(_("This task is open already."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is opened again.")})
    conclusion.status, conclusion.done_on = ConclusionStatus.OPEN, None
    attributed(conclusion, actor, reason, verb="reopened")
    conclusion.save()
    return conclusion


@transaction.atomic
def conclusion_cancel(*, actor: User, conclusion: Conclusion, reason: str) -> Conclusion:
    """The host drops a task no longer needed; kept with the reason."""
    _ensure_manager(actor, conclusion.meeting)
    if conclusion.status != ConclusionStatus.OPEN:
        raise Conflict(_("This task is not open."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is dropped.")})
    conclusion.status = ConclusionStatus.CANCELLED
    attributed(conclusion, actor, reason, verb="cancelled")
    conclusion.save()
    notify.settle(notify.key_of(conclusion))
    return conclusion
