"""Writes to petitions on legal time, once taken in (`services_intake.py`): accept, assign,
refer, refuse, extend, settle, confirm, close, reopen, merge, link a note.

The same rules as `services.py` (keyword-only, one transaction each, `may_…` selectors, a
ValidationError naming the field, `Conflict` for a state that does not allow the action).
`actor=None` is the system, or the citizen for `petition_confirm`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from danvan.lib import notify
from danvan.lib.errors import Conflict
from danvan.lib.history import attributed
from danvan.lib.uploads import check_upload
from danvan.org.models import Organization
from danvan.org.selectors import member_emails_by_org
from danvan.situation import privacy as person_check
from danvan.situation import services as situation_services
from danvan.situation.models import Level, Note, SourceKind

from . import deadlines, privacy, selectors, services_intake
from .models import (
    OPEN_STATES,
    REFERRED_KINDS,
    Complexity,
    Confirmation,
    Extension,
    Petition,
    PetitionAttachment,
    PetitionKind,
    PetitionState,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User
from .services import _d, _locked, _not_future, _raise, _refuse, _today

# --- Petitions: the workflow ----------------------------------------------------------------

MAX_FILES_ADDED = 10  # files added to a petition at once, after the intake


def _act(actor: User | None, petition: Petition, states: Iterable[str], message: str) -> Petition:
    _refuse(actor, selectors.may_handle_petition(actor, petition) if actor else True,
            _("You may not handle this petition."))  # fmt: skip
    petition = _locked(petition)
    if petition.state not in states:
        raise Conflict(message % {"state": petition.get_state_display()})
    return petition


def _day(
    errors: dict[str, str], field: str, day: datetime.date, petition: Petition, today: datetime.date
) -> None:
    _not_future(errors, field, day, today)
    if day < petition.received_on:
        errors[field] = _("The date cannot be before the petition was received (%(day)s).") % {
            "day": _d(petition.received_on)
        }


def _settlement_due(petition: Petition, start: datetime.date) -> datetime.date:
    days = deadlines.settlement_days(
        petition.kind, petition.complexity,
        remote_area=petition.remote_area, second_level=petition.second_level,
    )  # fmt: skip
    return deadlines.add_working_days(start, days)


def _case_kind(
    errors: dict[str, str],
    petition: Petition,
    complexity: str | None,
    remote_area: bool | None,
    second_level: bool | None,
) -> None:
    """What sets the settlement's legal time, decided when its clock starts (None: kept): a
    petition sent on the public form, by Open311 or the API comes without them."""
    if complexity is not None:
        if complexity not in Complexity.values:
            errors["complexity"] = _("Choose ordinary or complex.")
        else:
            petition.complexity = complexity
    if remote_area is not None:
        petition.remote_area = remote_area
    if second_level is not None:
        petition.second_level = second_level


@transaction.atomic
def petition_accept(
    *,
    actor: User | None,
    petition: Petition,
    accepted_on: datetime.date,
    complexity: str | None = None,
    remote_area: bool | None = None,
    second_level: bool | None = None,
    handler: User | None = None,
    today: datetime.date | None = None,
) -> Petition:
    """Accept a petition for settlement: the settlement clock starts, in working days, by its
    complexity, a remote area and a second-level settlement (each kept when not given)."""
    petition = _act(actor, petition, [PetitionState.RECEIVED],
                    _("Only a received petition can be accepted (it is %(state)s)."))  # fmt: skip
    if petition.kind in REFERRED_KINDS:
        raise Conflict(
            _("Complaints and denunciations are referred to the competent body, not settled here.")
        )
    errors: dict[str, str] = {}
    _day(errors, "accepted_on", accepted_on, petition, today or _today())
    _case_kind(errors, petition, complexity, remote_area, second_level)
    if handler is not None and not selectors.may_handle_petition(handler, petition):
        errors["handler"] = _("Choose an officer of the unit handling the petition.")
    _raise(errors)
    petition.accepted_on = accepted_on
    petition.settle_due = _settlement_due(petition, accepted_on)
    petition.due_on = petition.settle_due
    petition.handler = handler or petition.handler
    petition.state = PetitionState.IN_PROGRESS if petition.handler_id else PetitionState.ACCEPTED
    attributed(petition, actor, verb="accepted").save()
    notify.settle(notify.key_of(petition))
    return petition


@transaction.atomic
def petition_assign(*, actor: User | None, petition: Petition, handler: User) -> Petition:
    """Name the officer who handles it (the only one who sees a denouncer's identity)."""
    petition = _act(actor, petition, [PetitionState.ACCEPTED, PetitionState.IN_PROGRESS, PetitionState.REFERRED],
                    _("A %(state)s petition cannot be assigned."))  # fmt: skip
    if not selectors.may_handle_petition(handler, petition):
        raise ValidationError(
            {"handler": _("Choose an officer of the unit handling the petition.")}
        )
    petition.handler = handler
    if petition.state == PetitionState.ACCEPTED:
        petition.state = PetitionState.IN_PROGRESS
    attributed(petition, actor, verb="assigned").save()
    return petition


@transaction.atomic
def petition_refer(
    *,
    actor: User | None,
    petition: Petition,
    referred_on: datetime.date,
    competent_body: Organization | None = None,
    competent_body_name: str = "",
    reason: str = "",
    complexity: str | None = None,
    remote_area: bool | None = None,
    second_level: bool | None = None,
    today: datetime.date | None = None,
) -> Petition:
    """Refer it to the competent body; its answer is still followed, on the law's clock (set
    by the same facts as an accepted one's)."""
    petition = _act(actor, petition, [PetitionState.RECEIVED, PetitionState.ACCEPTED, PetitionState.IN_PROGRESS],
                    _("A %(state)s petition cannot be referred."))  # fmt: skip
    errors: dict[str, str] = {}
    _day(errors, "referred_on", referred_on, petition, today or _today())
    if competent_body is None and not competent_body_name.strip():
        errors["competent_body"] = _("Name the competent body.")
    if competent_body is not None and competent_body.pk == petition.organization_id:
        errors["competent_body"] = _("Refer it to another body than the one handling it.")
    _case_kind(errors, petition, complexity, remote_area, second_level)
    _raise(errors)
    petition.competent_body = competent_body
    petition.competent_body_name = "" if competent_body else competent_body_name.strip()
    petition.referred_on = referred_on
    petition.settle_due = _settlement_due(petition, referred_on)
    petition.due_on = petition.settle_due
    petition.state = PetitionState.REFERRED
    attributed(petition, actor, privacy.mask(reason.strip()), verb="referred").save()
    notify.settle(notify.key_of(petition))
    return petition


@transaction.atomic
def petition_refuse(
    *,
    actor: User | None,
    petition: Petition,
    reason: str,
    refused_on: datetime.date,
    today: datetime.date | None = None,
) -> Petition:
    """Refuse to accept it, with the reason the citizen is told."""
    petition = _act(actor, petition, [PetitionState.RECEIVED],
                    _("Only a received petition can be refused (it is %(state)s)."))  # fmt: skip
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason for refusing it; the citizen is told.")
    _day(errors, "refused_on", refused_on, petition, today or _today())
    _raise(errors)
    # Phone and ID numbers masked, as in the result and the citizen's comment: the reason is
    # read by the unit's staff and, masked again, on the tracking page.
    petition.refusal_reason = privacy.mask(reason.strip())
    petition.closed_on = refused_on
    petition.state = PetitionState.REFUSED
    attributed(petition, actor, petition.refusal_reason, verb="refused").save()
    notify.settle(notify.key_of(petition))
    return petition


@transaction.atomic
def petition_extend(
    *,
    actor: User | None,
    petition: Petition,
    working_days: int,
    reason: str,
    decided_on: datetime.date,
    today: datetime.date | None = None,
) -> Extension:
    """Extend the settlement deadline by a decision with its reason, within the law's maximum."""
    petition = _act(actor, petition, [PetitionState.ACCEPTED, PetitionState.IN_PROGRESS, PetitionState.REFERRED],
                    _("Only a petition being settled can be extended (it is %(state)s)."))  # fmt: skip
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason for the extension.")
    _day(errors, "decided_on", decided_on, petition, today or _today())
    limit = deadlines.max_extension_days(
        petition.kind, petition.complexity, remote_area=petition.remote_area
    )
    # The law's maximum applies to each settlement: a reopened petition starts a new round.
    this_round = list(petition.extensions.filter(cycle=petition.reopened))
    used = sum(e.working_days for e in this_round)
    if working_days < 1:
        errors["working_days"] = _("Extend by at least one working day.")
    elif used + working_days > limit:
        errors["working_days"] = _(
            "The law allows at most %(limit)d working days of extension for this petition; "
            "%(used)d already granted, so at most %(left)d more."
        ) % {"limit": limit, "used": used, "left": max(limit - used, 0)}
    if petition.kind == PetitionKind.DENUNCIATION:
        each = deadlines.rules()["denunciation_extension"]
        if len(this_round) >= 2:
            errors["working_days"] = _("A denunciation's deadline can be extended twice at most.")
        elif working_days > each:
            errors["working_days"] = _(
                "A denunciation's deadline is extended by at most %(days)d working days at a time."
            ) % {"days": each}
    _raise(errors)
    extension = Extension(
        petition=petition, decided_on=decided_on, working_days=working_days,
        previous_due=petition.due_on,
        new_due=deadlines.add_working_days(petition.due_on, working_days),
        reason=privacy.mask(reason.strip()), decided_by=actor, cycle=petition.reopened,
    )  # fmt: skip
    attributed(extension, actor, extension.reason).save()
    petition.due_on = extension.new_due
    attributed(petition, actor, extension.reason, verb="extended").save()
    return extension


@transaction.atomic
def petition_settle(
    *,
    actor: User | None,
    petition: Petition,
    result: str,
    settled_on: datetime.date,
    notice_sent_on: datetime.date | None = None,
    publish: bool = True,
    confirm_no_person: bool = False,
    today: datetime.date | None = None,
) -> Petition:
    """Record the result (and the notice sent to the citizen); on time is derived from it.
    Published, the summary and the result are read by everyone: text in them that seems to
    name a private person is refused unless the officer confirms it names none."""
    petition = _act(actor, petition, [PetitionState.ACCEPTED, PetitionState.IN_PROGRESS, PetitionState.REFERRED],
                    _("Only a petition being settled can be settled (it is %(state)s)."))  # fmt: skip
    errors: dict[str, str] = {}
    if not result.strip():
        errors["result"] = _("Write the result of the settlement; the citizen reads it.")
    _day(errors, "settled_on", settled_on, petition, today or _today())
    start = petition.accepted_on or petition.referred_on
    if start and settled_on < start:
        errors["settled_on"] = _("It cannot be settled before it was accepted (%(day)s).") % {
            "day": _d(start)
        }
    if notice_sent_on is not None:
        _not_future(errors, "notice_sent_on", notice_sent_on, today or _today())
        if notice_sent_on < settled_on:
            errors["notice_sent_on"] = _("The notice is sent after the settlement.")
    _raise(errors)
    result = privacy.mask(result.strip())
    if publish and not confirm_no_person:
        _check_published(summary=petition.summary, result=result)
    petition.result = result
    petition.settled_on = settled_on
    petition.notice_sent_on = notice_sent_on
    petition.published = publish
    petition.state = PetitionState.SETTLED
    attributed(petition, actor, verb="settled").save()
    notify.settle(notify.key_of(petition))
    return petition


def _check_published(*, summary: str, result: str) -> None:
    """A published answer must not name a private person (situation.privacy's check): the
    result at its field, the citizen's summary (not on the form) at «publish», which is what
    would make it public. The code `personal_data` lets pages offer the confirmation."""
    said = {
        "result": _(
            "Published, the result is read by everyone, and it seems to identify a private "
            "person (%(found)s). Remove names, identity and telephone numbers, do not publish "
            "it, or confirm that it names only public offices and places."
        ),
        "publish": _(
            "Published, the citizen's summary is read by everyone, and it seems to identify a "
            "private person (%(found)s). Do not publish this answer, or confirm that the summary "
            "names only public offices and places."
        ),
    }
    errors = {
        field: ValidationError(said[field] % {"found": person_check.describe(found)},
                               code="personal_data")
        for field, text in (("result", result), ("publish", summary))
        if (found := person_check.find_personal_data(text))
    }  # fmt: skip
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def petition_confirm(
    *,
    actor: User | None,
    petition: Petition,
    confirmation: str,
    confirmed_on: datetime.date | None = None,
    comment: str = "",
    today: datetime.date | None = None,
) -> Petition:
    """The citizen's word on the answer (by code on the public page, or told to an officer);
    it closes the case. Not satisfied can lead an officer to reopen it."""
    today = today or _today()
    confirmed_on = confirmed_on or today
    if actor is not None:
        petition = _act(actor, petition, [PetitionState.SETTLED],
                        _("Only a settled petition can be confirmed (it is %(state)s)."))  # fmt: skip
    else:
        petition = _locked(petition)
        if petition.state != PetitionState.SETTLED:
            raise Conflict(_("This petition is not waiting for your confirmation."))
    if confirmation not in (Confirmation.SATISFIED, Confirmation.NOT_SATISFIED):
        raise ValidationError({"confirmation": _("Choose satisfied or not satisfied.")})
    errors: dict[str, str] = {}
    _not_future(errors, "confirmed_on", confirmed_on, today)
    if petition.settled_on and confirmed_on < petition.settled_on:
        errors["confirmed_on"] = _("The confirmation comes after the settlement.")
    _raise(errors)
    petition.confirmation = confirmation
    petition.confirmed_on = confirmed_on
    petition.closed_on = confirmed_on
    petition.state = PetitionState.CLOSED
    comment = privacy.mask(comment.strip())
    attributed(petition, actor, comment, verb="confirmed").save()
    notify.settle(notify.key_of(petition))
    if confirmation == Confirmation.NOT_SATISFIED:
        _tell_not_satisfied(petition, comment)  # after the settling, which would mark it read
    return petition


def _tell_not_satisfied(petition: Petition, comment: str) -> None:
    """The handler named on the case (else the handling unit's officers) learns at once that the
    citizen rejected the answer; the agenda keeps it before them for the set days."""
    handler = petition.handler
    if handler is not None and handler.is_active and handler.email:
        emails = [handler.email]
    else:
        emails = member_emails_by_org(
            [petition.organization_id], settings.DANVAN_REMINDER_ROLES
        ).get(petition.organization_id, [])
    url = reverse("dialogue_petition", args=[petition.pk])
    context = {
        "petition": petition,
        "comment": comment,
        "days": settings.DANVAN_PETITION_DAYS["not_satisfied"],
        "link": f"{settings.SITE_URL.rstrip('/')}{url}",
    }
    with override(settings.LANGUAGE_CODE):  # the site's language, not the citizen's page's
        subject = render_to_string("dialogue/email/not_satisfied_subject.txt", context).strip()
        body = render_to_string("dialogue/email/not_satisfied.txt", context)
        link = notify.Link(str(petition), url, notify.key_of(petition))
    notify.deliver([notify.Message(subject, body, emails, "reminder", [link])])


@transaction.atomic
def petition_close(
    *, actor: User | None, petition: Petition, closed_on: datetime.date | None = None
) -> Petition:
    """Close a settled petition without the citizen's word (the daily job does it after the
    set waiting time)."""
    petition = _act(actor, petition, [PetitionState.SETTLED],
                    _("Only a settled petition can be closed (it is %(state)s)."))  # fmt: skip
    petition.closed_on = closed_on or _today()
    petition.state = PetitionState.CLOSED
    attributed(petition, actor, verb="closed").save()
    notify.settle(notify.key_of(petition))
    return petition


@transaction.atomic
def petition_reopen(
    *,
    actor: User | None,
    petition: Petition,
    reason: str,
    reopened_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Petition:
    """Open a settled or closed petition again, with the reason; a new settlement clock runs."""
    petition = _act(actor, petition, [PetitionState.SETTLED, PetitionState.CLOSED, PetitionState.REFUSED],
                    _("Only a settled, closed or refused petition can be reopened (it is %(state)s)."))  # fmt: skip
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the petition is reopened.")})
    day = reopened_on or today or _today()
    errors: dict[str, str] = {}
    _day(errors, "reopened_on", day, petition, today or _today())
    _raise(errors)
    petition.accepted_on = petition.accepted_on or day
    petition.settle_due = _settlement_due(petition, day)
    petition.due_on = petition.settle_due
    petition.settled_on = None
    petition.notice_sent_on = None
    petition.closed_on = None
    petition.confirmation = Confirmation.NONE
    petition.confirmed_on = None
    petition.refusal_reason = ""
    petition.reopened += 1
    if petition.kind in REFERRED_KINDS and petition.referred_on:
        petition.state = PetitionState.REFERRED
    else:
        petition.state = (
            PetitionState.IN_PROGRESS if petition.handler_id else PetitionState.ACCEPTED
        )
    attributed(petition, actor, privacy.mask(reason.strip()), verb="reopened").save()
    notify.settle(notify.key_of(petition))  # a «not satisfied» told to the handler is answered
    return petition


@transaction.atomic
def petition_attach(
    *, actor: User | None, petition: Petition, attachments: Iterable[UploadedFile]
) -> list[PetitionAttachment]:
    """Papers brought after the intake (a new proof, the competent body's letter), added to a
    petition still being handled; the petition's history names them."""
    petition = _act(actor, petition, OPEN_STATES,
                    _("Files are added while the petition is being handled (it is %(state)s)."))  # fmt: skip
    files = list(attachments)
    if not files:
        raise ValidationError({"attachments": _("Choose the files to add.")})
    if len(files) > MAX_FILES_ADDED:
        raise ValidationError(
            {"attachments": _("Add at most %(max)d files at a time.") % {"max": MAX_FILES_ADDED}}
        )
    for upload in files:
        check_upload(upload)
    stored = services_intake.store_files(petition, files)
    names = privacy.mask(", ".join(a.name for a in stored))
    attributed(petition, actor, names, verb="attached").save()
    return stored


@transaction.atomic
def petition_merge(
    *,
    actor: User | None,
    petition: Petition,
    into: Petition,
    reason: str = "",
    today: datetime.date | None = None,
) -> Petition:
    """Merge a duplicate into another petition: it keeps its code, which now leads to the other.
    A merge that would form a cycle, or into a petition the actor cannot see, is refused."""
    # First whether the actor may act on this petition at all (403), then the target (400).
    petition = _act(actor, petition, [*OPEN_STATES],
                    _("A %(state)s petition cannot be merged."))  # fmt: skip
    if actor is not None and not selectors.may_handle_petition(actor, into):
        raise ValidationError({"into": _("Merge only into a petition you handle.")})
    if into.pk == petition.pk:
        raise ValidationError({"into": _("A petition cannot be merged into itself.")})
    # Read the target's chain as it is now: another officer may have merged it meanwhile.
    into = _locked(into)
    seen = {petition.pk}
    step: Petition | None = into
    while step is not None:
        if step.pk in seen:
            raise ValidationError(
                {"into": _("%(code)s is already merged into this one: that would form a cycle.") % {
                    "code": into.code
                }}
            )  # fmt: skip
        seen.add(step.pk)
        step = step.merged_into
    if into.state == PetitionState.MERGED:
        raise ValidationError({"into": _("%(code)s is itself merged; merge into %(root)s.") % {
            "code": into.code, "root": selectors.merge_root(into).code
        }})  # fmt: skip
    petition.merged_into = into
    petition.state = PetitionState.MERGED
    petition.closed_on = today or _today()
    attributed(petition, actor, privacy.mask(reason.strip()) or into.code, verb="merged").save()
    notify.settle(notify.key_of(petition))
    return petition


@transaction.atomic
def petition_link_note(
    *,
    actor: User | None,
    petition: Petition,
    note: Note | None = None,
    level: str = Level.NORMAL,
) -> Note:
    """Link the petition to a situation note, or file one from it (the issue, never the person)."""
    _refuse(actor, selectors.may_handle_petition(actor, petition) if actor else True,
            _("You may not handle this petition."))  # fmt: skip
    petition = _locked(petition)
    if petition.state == PetitionState.MERGED:
        raise Conflict(
            _("A merged petition is followed in the one it was merged into: link the note there.")
        )
    if note is None:
        note = situation_services.note_create(
            actor=actor, organization=petition.organization, area=petition.area,
            topic=petition.topic, event_date=petition.received_on, summary=petition.summary,
            source=SourceKind.RECEPTION, level=level, confirm_no_person=True,
        )  # fmt: skip
    elif actor is not None and not Note.objects.visible_to(actor).filter(pk=note.pk).exists():
        raise ValidationError({"note": _("Link only notes you can see.")})
    petition.note = note
    attributed(petition, actor).save()
    return note


def close_unconfirmed(*, today: datetime.date | None = None) -> int:
    """The daily job: close settled petitions the citizen did not confirm in the set days."""
    today = today or _today()
    limit = today - datetime.timedelta(days=settings.DANVAN_PETITION_DAYS["auto_close"])
    closed = 0
    for petition in Petition.objects.filter(state=PetitionState.SETTLED, settled_on__lt=limit):
        petition_close(actor=None, petition=petition, closed_on=today)
        closed += 1
    return closed
