"""Writes to situation notes, follow-ups, attachments, area maps and alerts.

Keyword-only, one transaction each, the actor's permission asked of the `may_…` selectors, bad
input refused with a ValidationError that names the field to fix. `actor=None` is the system
(the demo, the daily job). A note whose text seems to name a private person is refused unless
the officer confirms it names only public offices and places (`privacy.py`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.documents.models import Document
from danvan.lib import notify
from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed
from danvan.lib.uploads import check_upload, safe_name
from danvan.org.models import Area, AreaLevel, Organization
from danvan.oversight.models import Oversight
from danvan.programs.models import Program

from . import alerts, privacy, selectors
from .models import (
    SERIOUS_LEVELS,
    Alert,
    AlertStatus,
    Attachment,
    FollowUp,
    Level,
    Note,
    NoteStatus,
    SourceKind,
    Topic,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

MAX_PEOPLE = 10_000_000
NOTE_FIELDS = {
    "organization",
    "area",
    "topic",
    "event_date",
    "summary",
    "details",
    "people_concerned",
    "level",
    "source",
    "actions",
    "programs",
    "oversights",
    "documents",
}


def _today() -> datetime.date:
    return timezone.localdate()


# --- Checks ---------------------------------------------------------------------------------


def _check_text(fields: dict[str, str], confirm_no_person: bool) -> None:
    """Refuse text that seems to name a private person, unless the officer confirmed it does
    not; each field's message names what was found in it. The code `personal_data` is on the
    field's error (a dict's errors do not inherit a code given beside it), so pages and the API
    know to offer the confirmation."""
    if confirm_no_person:
        return
    errors = {
        field: ValidationError(privacy.message(found), code="personal_data")
        for field, text in fields.items()
        if (found := privacy.find_personal_data(text or ""))
    }
    if errors:
        raise ValidationError(errors)


def _check_note(note: Note, *, today: datetime.date) -> None:
    errors: dict[str, str] = {}
    if not note.summary.strip():
        errors["summary"] = _("Say in a sentence what the issue is.")
    if note.level not in Level.values:
        errors["level"] = _("Choose normal, to watch, hot spot or complex incident.")
    if note.source not in SourceKind.values:
        errors["source"] = _(
            "Choose the source: meeting, citizen reception, field visit, press and social "
            "media, or grassroots network."
        )
    if note.people_concerned is not None and not 0 <= note.people_concerned <= MAX_PEOPLE:
        errors["people_concerned"] = _("Give an approximate number of people, 0 to 10,000,000.")
    area, org = note.area, note.organization
    if area.level not in (AreaLevel.COMMUNE, AreaLevel.VILLAGE):
        errors["area"] = _("Choose a commune or a village: notes are kept by commune.")
    elif not selectors.area_in_unit_scope(org, area):
        errors["area"] = _("%(area)s is outside the area of %(org)s.") % {
            "area": area.name,
            "org": org.name,
        }
    if note.event_date > today:
        errors["event_date"] = _("The date of the event cannot be in the future.")
    elif area.valid_from and note.event_date < area.valid_from:
        errors["event_date"] = _(
            "%(area)s was established on %(day)s; for an earlier event choose the area of that "
            "time."
        ) % {"area": area.name, "day": area.valid_from.strftime("%d/%m/%Y")}
    elif area.valid_to and note.event_date > area.valid_to:
        errors["event_date"] = _(
            "%(area)s ended on %(day)s; for a later event choose the area that replaced it."
        ) % {"area": area.name, "day": area.valid_to.strftime("%d/%m/%Y")}
    elif note.resolved_on and note.event_date > note.resolved_on:
        errors["event_date"] = _(
            "The issue was resolved on %(day)s: the event cannot be later than that."
        ) % {"day": note.resolved_on.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)


def _check_topic(topic: Topic, previous: Topic | None = None) -> None:
    if not topic.is_active and topic != previous:
        raise ValidationError(
            {"topic": _("The topic “%(topic)s” is retired; choose one in use.") % {
                "topic": topic.label
            }}
        )  # fmt: skip


def _check_links(
    actor: User | None,
    programs: Iterable[Program],
    oversights: Iterable[Oversight],
    documents: Iterable[Document],
) -> None:
    """Links only to records the actor may see (the system links what it likes)."""
    if actor is None:
        return
    for field, model, records in (
        ("programs", Program, programs),
        ("oversights", Oversight, oversights),
        ("documents", Document, documents),
    ):
        ids = {r.pk for r in records}
        seen = set(model.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))  # type: ignore[attr-defined]
        if ids - seen:
            raise ValidationError({field: _("Link only records you can see.")})


def _set_commune(note: Note) -> None:
    note.commune = selectors.commune_of(note.area)


def _refuse_unless_may_edit(actor: User | None, note: Note) -> None:
    if actor is not None and not selectors.may_edit_note(actor, note):
        raise PermissionDenied(_("You may not change this note."))


def _locked(note: Note) -> Note:
    Note.objects.select_for_update().filter(pk=note.pk).exists()
    note.refresh_from_db(fields=["status", "resolved_on", "level"])
    return note


def _graver(before: str, after: str) -> bool:
    """Whether a note became a hot spot, or a hot spot grew into a complex incident: each
    raises its own alert (the alert's key names the level)."""
    order: list[str] = [Level.NORMAL, Level.WATCH, Level.HOT_SPOT, Level.COMPLEX]
    return after in SERIOUS_LEVELS and order.index(after) > order.index(before)


# --- Notes --------------------------------------------------------------------------------


@transaction.atomic
def note_create(
    *,
    actor: User | None,
    organization: Organization,
    area: Area,
    topic: Topic,
    event_date: datetime.date,
    summary: str,
    source: str,
    level: str = Level.NORMAL,
    details: str = "",
    people_concerned: int | None = None,
    actions: str = "",
    programs: Iterable[Program] = (),
    oversights: Iterable[Oversight] = (),
    documents: Iterable[Document] = (),
    confirm_no_person: bool = False,
    today: datetime.date | None = None,
) -> Note:
    """File a note; a hot spot or complex incident raises its alert at once."""
    if actor is not None and not selectors.may_file_note_for(actor, organization):
        raise PermissionDenied(_("You may not file notes for this unit."))
    if organization.dissolved_on is not None and organization.dissolved_on < event_date:
        raise ValidationError(
            {"organization": _("%(org)s was dissolved before the event.") % {"org": organization}}
        )
    _check_topic(topic)
    note = Note(
        organization=organization,
        area=area,
        topic=topic,
        event_date=event_date,
        summary=summary.strip(),
        details=details.strip(),
        people_concerned=people_concerned,
        level=level,
        source=source,
        actions=actions.strip(),
        created_by=actor,
    )
    _check_note(note, today=today or _today())
    _check_text(
        {"summary": note.summary, "details": note.details, "actions": note.actions},
        confirm_no_person,
    )
    programs, oversights, documents = list(programs), list(oversights), list(documents)
    _check_links(actor, programs, oversights, documents)
    _set_commune(note)
    attributed(note, actor).save()
    note.programs.set(programs)
    note.oversights.set(oversights)
    note.documents.set(documents)
    if note.is_serious:
        alerts.raise_for_note(note, today=today or _today())
    return note


@transaction.atomic
def note_update(
    *,
    actor: User | None,
    note: Note,
    reason: str = "",
    confirm_no_person: bool = False,
    today: datetime.date | None = None,
    **fields: Any,
) -> Note:
    """Correct a note (the page's form and the API's PATCH): all or nothing."""
    refuse_unknown_fields(fields, NOTE_FIELDS)
    _refuse_unless_may_edit(actor, note)
    _locked(note)
    was_level = note.level
    previous_topic = note.topic
    links = {
        key: list(fields.pop(key))
        for key in ("programs", "oversights", "documents")
        if key in fields
    }
    if "organization" in fields and fields["organization"] != note.organization:
        organization = fields["organization"]
        if actor is not None and not selectors.may_file_note_for(actor, organization):
            raise PermissionDenied(_("You may not file notes for this unit."))
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(note, key, value)
    _check_topic(note.topic, previous_topic)
    _check_note(note, today=today or _today())
    # The reason goes into the history, which everyone who sees the note reads.
    _check_text(
        {key: fields[key] for key in ("summary", "details", "actions") if key in fields}
        | {"reason": reason},
        confirm_no_person,
    )
    _check_links(
        actor, links.get("programs", []), links.get("oversights", []), links.get("documents", [])
    )
    _set_commune(note)
    save_if_changed(note, actor, reason)
    for key, records in links.items():
        getattr(note, key).set(records)
    if _graver(was_level, note.level):
        alerts.raise_for_note(note, today=today or _today())
    return note


@transaction.atomic
def note_resolve(
    *,
    actor: User | None,
    note: Note,
    resolved_on: datetime.date,
    actions: str = "",
    confirm_no_person: bool = False,
    today: datetime.date | None = None,
) -> Note:
    """The issue is settled: the day, and what was done."""
    _refuse_unless_may_edit(actor, note)
    _locked(note)
    if note.status == NoteStatus.RESOLVED:
        raise Conflict(_("This note is already resolved."))
    if resolved_on > (today or _today()):
        raise ValidationError(
            {"resolved_on": _("The day it was resolved cannot be in the future.")}
        )
    if resolved_on < note.event_date:
        raise ValidationError(
            {"resolved_on": _("An issue cannot be resolved before the date of the event.")}
        )
    if actions.strip():
        _check_text({"actions": actions}, confirm_no_person)
        note.actions = "\n".join(filter(None, [note.actions, actions.strip()]))
    note.status = NoteStatus.RESOLVED
    note.resolved_on = resolved_on
    attributed(note, actor, actions.strip(), verb="resolved").save()
    return note


@transaction.atomic
def note_reopen(
    *, actor: User | None, note: Note, reason: str, confirm_no_person: bool = False
) -> Note:
    """The issue flared up again: back to following, with the reason (checked for a person
    like the note's text: it goes into the history)."""
    _refuse_unless_may_edit(actor, note)
    _locked(note)
    if note.status != NoteStatus.RESOLVED:
        raise Conflict(_("Only a resolved note can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the note is reopened.")})
    _check_text({"reason": reason}, confirm_no_person)
    note.status = NoteStatus.FOLLOWING
    note.resolved_on = None
    attributed(note, actor, reason.strip(), verb="reopened").save()
    return note


@transaction.atomic
def follow_up_add(
    *,
    actor: User | None,
    note: Note,
    happened_on: datetime.date,
    text: str,
    level: str = "",
    confirm_no_person: bool = False,
    today: datetime.date | None = None,
) -> FollowUp:
    """What happened next; the note takes the level the follow-up gives (a hot spot that
    calmed down, a matter that grew into a complex incident)."""
    _refuse_unless_may_edit(actor, note)
    _locked(note)
    level = level or note.level
    if not text.strip():
        raise ValidationError({"text": _("Say what happened.")})
    if level not in Level.values:
        raise ValidationError(
            {"level": _("Choose normal, to watch, hot spot or complex incident.")}
        )
    if happened_on > (today or _today()):
        raise ValidationError({"happened_on": _("The date cannot be in the future.")})
    if happened_on < note.event_date:
        raise ValidationError(
            {"happened_on": _("A follow-up cannot be earlier than the date of the event.")}
        )
    _check_text({"text": text}, confirm_no_person)
    follow_up = FollowUp(
        note=note, happened_on=happened_on, text=text.strip(), level=level, author=actor
    )
    attributed(follow_up, actor).save()
    if level != note.level:
        was_level = note.level
        note.level = level
        attributed(note, actor, text.strip(), verb="followed_up").save()
        if _graver(was_level, note.level):
            alerts.raise_for_note(note, today=today or _today())
    return follow_up


@transaction.atomic
def attachment_add(*, actor: User | None, note: Note, upload: UploadedFile) -> Attachment:
    _refuse_unless_may_edit(actor, note)
    check_upload(upload)
    name = safe_name(upload.name or "file")
    upload.name = name
    attachment = Attachment(note=note, file=upload, name=name, uploaded_by=actor)
    attributed(attachment, actor).save()
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User | None, attachment: Attachment) -> Attachment:
    """Taken off the note; the file and its history are kept."""
    _refuse_unless_may_edit(actor, attachment.note)
    if attachment.removed_at is not None:
        raise Conflict(_("This attachment is already removed."))
    attachment.removed_at = timezone.now()
    attributed(attachment, actor, verb="removed").save()
    return attachment


@transaction.atomic
def attachment_restore(*, actor: User | None, attachment: Attachment) -> Attachment:
    """Put a removed file back on its note (the undo of attachment_remove)."""
    _refuse_unless_may_edit(actor, attachment.note)
    Attachment.objects.select_for_update().filter(pk=attachment.pk).exists()
    attachment.refresh_from_db(fields=["removed_at"])
    if attachment.removed_at is None:
        raise Conflict(_("This file is on the note."))
    attachment.removed_at = None
    attributed(attachment, actor, verb="restored").save()
    return attachment


# --- Alerts -------------------------------------------------------------------------------


def _refuse_unless_may_handle(actor: User | None, alert: Alert) -> None:
    if actor is not None and not selectors.may_handle_alert(actor, alert):
        raise PermissionDenied(_("Only the commission's leaders and specialists handle alerts."))


def _locked_alert(alert: Alert) -> Alert:
    Alert.objects.select_for_update().filter(pk=alert.pk).exists()
    alert.refresh_from_db(fields=["status", "assigned_to", "acknowledged_at", "acknowledged_by"])
    return alert


def _check_assignee(alert: Alert, assignee: User) -> None:
    if not selectors.may_handle_alert(assignee, alert):
        raise ValidationError(
            {"assigned_to": _("Choose a leader or specialist of %(org)s.")
             % {"org": alert.organization.name}}
        )  # fmt: skip


@transaction.atomic
def alert_acknowledge(
    *, actor: User | None, alert: Alert, assigned_to: User | None = None, comment: str = ""
) -> Alert:
    """Seen and taken in hand, optionally giving it to someone to look into."""
    _refuse_unless_may_handle(actor, alert)
    _locked_alert(alert)
    if alert.status != AlertStatus.OPEN:
        raise Conflict(_("This alert is already acknowledged or closed."))
    if assigned_to is not None:
        _check_assignee(alert, assigned_to)
        alert.assigned_to = assigned_to
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    attributed(alert, actor, comment.strip(), verb="acknowledged").save()
    notify.settle(notify.key_of(alert))
    return alert


@transaction.atomic
def alert_assign(
    *, actor: User | None, alert: Alert, assigned_to: User, comment: str = ""
) -> Alert:
    """Give the alert to a leader or specialist of the commission to look into."""
    _refuse_unless_may_handle(actor, alert)
    _locked_alert(alert)
    if alert.status == AlertStatus.CLOSED:
        raise Conflict(_("This alert is closed."))
    _check_assignee(alert, assigned_to)
    alert.assigned_to = assigned_to
    if alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by = actor
        alert.acknowledged_at = timezone.now()
    attributed(alert, actor, comment.strip(), verb="assigned").save()
    notify.settle(notify.key_of(alert))
    return alert


@transaction.atomic
def alert_close(*, actor: User | None, alert: Alert, outcome: str) -> Alert:
    """Closed with what was done about it."""
    _refuse_unless_may_handle(actor, alert)
    _locked_alert(alert)
    if alert.status == AlertStatus.CLOSED:
        raise Conflict(_("This alert is already closed."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what was done about it.")})
    alert.status = AlertStatus.CLOSED
    alert.outcome = outcome.strip()
    alert.closed_by = actor
    alert.closed_at = timezone.now()
    attributed(alert, actor, outcome.strip(), verb="closed").save()
    notify.settle(notify.key_of(alert))
    return alert
