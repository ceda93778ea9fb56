"""Writes to programmes, their parties and main contents.

Keyword-only, one transaction each, the actor's permission checked here (through the
selectors' may_… rules), bad input refused with a ValidationError that says what to fix.
Tasks and progress are written in services_tasks, reviews in reviews.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.documents.models import Document
from danvan.lib import periods
from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed, short_date
from danvan.lib.uploads import check_upload, safe_name
from danvan.org.models import Organization

from .models import Program, ProgramContent, ProgramParty, ProgramStatus, Task
from .selectors import (
    may_edit_program,
    may_end_program,
    may_lead_program,
    may_renew_program,
    may_reopen_program,
    may_sign_program,
    program_parties,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User


def checked_upload(upload: UploadedFile, field: str) -> None:
    """The upload checks, reported on the form's file field."""
    try:
        check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def require(allowed: bool, message: str) -> None:
    """Refuse unless allowed: `actor is None or may_…(actor, record)` (None: the system)."""
    if not allowed:
        raise PermissionDenied(message)


def _term_dates(
    term: str, starts_on: datetime.date | None, ends_on: datetime.date | None
) -> tuple[str, datetime.date, datetime.date]:
    """A term code gives the dates; otherwise both dates are needed."""
    term = term.strip()
    if term:
        try:
            period = periods.parse(term)
        except periods.PeriodError as exc:
            raise ValidationError({"term": str(exc)}) from None
        starts_on, ends_on = starts_on or period.start, ends_on or period.end
        if not (period.start <= starts_on <= period.end and period.start <= ends_on <= period.end):
            raise ValidationError(
                {"starts_on": _("The dates must lie within the term %(term)s (%(start)s – %(end)s); "
                                "leave them empty to use the whole term.")
                 % {"term": period.code, "start": short_date(period.start), "end": short_date(period.end)}}
            )  # fmt: skip
        return period.code, starts_on, ends_on
    if starts_on is None or ends_on is None:
        raise ValidationError({"term": _("Give a term such as 2021-2026, or both dates.")})
    return "", starts_on, ends_on


# --- Programmes ----------------------------------------------------------------------------


@transaction.atomic
def program_create(
    *,
    actor: User | None,
    kind: str,
    title: str,
    lead: Organization,
    parties: list[Organization] | None = None,
    term: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    code: str = "",
    documents: list[Document] | None = None,
    signed_on: datetime.date | None = None,
    predecessor: Program | None = None,
    contents: list[str] | None = None,
) -> Program:
    """Draft a programme led by `lead`; the lead is always its first party."""
    require(
        actor is None or may_lead_program(actor, lead),
        _("You may not draft programmes for this agency."),
    )
    if not title.strip():
        raise ValidationError({"title": _("Enter the title.")})
    if not lead.is_active:
        raise ValidationError({"lead": _("The lead agency is dissolved.")})
    term, starts_on, ends_on = _term_dates(term, starts_on, ends_on)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The programme must end after it starts.")})
    program = attributed(
        Program(
            kind=kind,
            title=title.strip(),
            code=code.strip(),
            term=term,
            starts_on=starts_on,
            ends_on=ends_on,
            lead=lead,
            signed_on=signed_on,
            predecessor=predecessor,
            created_by=actor,
        ),
        actor,
    )
    program.full_clean(
        exclude=["lead", "predecessor", "created_by", "signed_file"], validate_constraints=False
    )
    program.save()
    program.documents.set(documents or [])
    others = list({org.pk: org for org in (parties or []) if org.pk != lead.pk}.values())
    for order, org in enumerate([lead, *others]):
        if not org.is_active:
            raise ValidationError({"parties": _("%(org)s is dissolved.") % {"org": org.name}})
        ProgramParty.objects.create(program=program, organization=org, order=order)
    if contents and any(line.strip() for line in contents):
        contents_add(actor=actor, program=program, titles=contents)
    return program


def require_draft(program: Program) -> None:
    if program.status != ProgramStatus.DRAFT:
        raise Conflict(
            _(
                "The programme is %(status)s: its contents and parties change only while it is "
                "a draft. A leader can reopen it."
            )
            % {"status": program.get_status_display().lower()}
        )


@transaction.atomic
def program_update(
    *,
    actor: User | None,
    program: Program,
    documents: list[Document] | None = None,
    **fields: Any,
) -> Program:
    """Change a draft programme's details (and the documents it implements)."""
    require(
        actor is None or may_edit_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    allowed = {"kind", "title", "code", "term", "starts_on", "ends_on", "signed_on"}
    refuse_unknown_fields(fields, allowed)
    if {"term", "starts_on", "ends_on"} & set(fields):
        # A new term brings its own dates unless dates are given too.
        term_given = "term" in fields
        term, starts_on, ends_on = _term_dates(
            fields.get("term", program.term),
            fields.get("starts_on", None if term_given else program.starts_on),
            fields.get("ends_on", None if term_given else program.ends_on),
        )
        fields.update(term=term, starts_on=starts_on, ends_on=ends_on)
    for name, value in fields.items():
        setattr(program, name, value.strip() if isinstance(value, str) else value)
    if program.ends_on < program.starts_on:
        raise ValidationError({"ends_on": _("The programme must end after it starts.")})
    program.full_clean(
        exclude=["lead", "predecessor", "created_by", "signed_file"], validate_constraints=False
    )
    outside = Task.objects.filter(content__program=program).exclude(
        due_on__gte=program.starts_on, due_on__lte=program.ends_on
    )
    if outside.exists():
        raise ValidationError(
            {"starts_on": _("%(count)d tasks are due outside these dates; change them first.")
             % {"count": outside.count()}}
        )  # fmt: skip
    save_if_changed(program, actor)
    if documents is not None:
        program.documents.set(documents)
    return program


@transaction.atomic
def program_set_parties(
    *, actor: User | None, program: Program, parties: list[tuple[Organization, str]]
) -> Program:
    """Replace the parties (organisation, title of who signed) of a draft programme."""
    require(
        actor is None or may_edit_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    chosen = {org.pk for org, _title in parties}
    if len(chosen) < len(parties):
        raise ValidationError({"parties": _("Name each organisation once.")})
    if program.lead_id not in chosen:
        parties = [(program.lead, ""), *parties]
    leading = Task.objects.filter(content__program=program).exclude(
        lead_id__in=chosen | {program.lead_id}
    )
    if leading.exists():
        raise ValidationError(
            {"parties": _("%(org)s leads tasks of this programme and must stay a party.")
             % {"org": leading.first().lead.name}}  # type: ignore[union-attr]
        )  # fmt: skip
    # Removed parties are kept: one row per organisation, revived when named again.
    existing = {p.organization_id: p for p in ProgramParty.all_objects.filter(program=program)}
    for org, _title in parties:
        party = existing.get(org.pk)
        if (party is None or party.deleted_at is not None) and not org.is_active:
            raise ValidationError({"parties": _("%(org)s is dissolved.") % {"org": org.name}})
    for order, (org, title) in enumerate(parties):
        party = existing.pop(org.pk, None) or ProgramParty(program=program, organization=org)
        verb = "restored" if party.deleted_at is not None else ""
        party.signatory_title = title.strip()
        party.order = order
        party.deleted_at, party.deleted_by = None, None
        attributed(party, actor, verb=verb).save()
    for party in existing.values():
        if party.deleted_at is None:
            party.deleted_at, party.deleted_by = timezone.now(), actor
            attributed(party, actor, verb="deleted").save()
    return program


@transaction.atomic
def party_restore(*, actor: User | None, party: ProgramParty) -> ProgramParty:
    """Make an organisation removed from a draft's parties a party again (its title kept)."""
    program = party.program
    require(
        actor is None or may_edit_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    ProgramParty.all_objects.select_for_update().filter(pk=party.pk).exists()
    party.refresh_from_db(fields=["deleted_at"])
    if party.deleted_at is None:
        raise Conflict(_("%(org)s is a party.") % {"org": party.organization.name})
    if not party.organization.is_active:
        raise Conflict(_("%(org)s is dissolved.") % {"org": party.organization.name})
    party.deleted_at, party.deleted_by = None, None
    attributed(party, actor, verb="restored").save()
    return party


def _check_signed_on(program: Program, signed_on: datetime.date) -> None:
    """By the end of the term, and not before the term it renews was (the years danvan knows are
    `attributed`'s to check)."""
    previous = program.predecessor.signed_on if program.predecessor else None
    if signed_on > program.ends_on:
        message = _("The signing date cannot be after the term ends (%(day)s).") % {
            "day": short_date(program.ends_on)
        }
    elif previous and signed_on < previous:
        message = _("The signing date cannot be before the previous term was signed (%(day)s).") % {
            "day": short_date(previous)
        }
    else:
        return
    raise ValidationError({"signed_on": message})


@transaction.atomic
def program_put_in_force(
    *,
    actor: User | None,
    program: Program,
    signed_on: datetime.date,
    signed_file: UploadedFile | None = None,
) -> Program:
    """Record the signing: the programme is in force and its contents are fixed."""
    require(
        actor is None or may_sign_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    if not program.contents.exists():
        raise Conflict(_("Add the main contents before the programme comes into force."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    _check_signed_on(program, signed_on)
    if signed_file is not None:
        checked_upload(signed_file, "signed_file")
        program.signed_file.save(safe_name(signed_file.name or "signed"), signed_file, save=False)
    program.signed_on = signed_on
    program.status = ProgramStatus.IN_FORCE
    attributed(program, actor, verb="signed").save()
    return program


@transaction.atomic(durable=True)
def program_sign(
    *,
    actor: User | None,
    program: Program,
    signed_on: datetime.date,
    signed_file: UploadedFile | None = None,
    signatories: dict[int, str] | None = None,
) -> Program:
    """The signing as one act: who signed for each party (titles by organisation id; the
    parties stay), then in force. A refused part saves nothing."""
    if signatories:
        current = list(program_parties(program))
        unknown = set(signatories) - {p.organization_id for p in current}
        if unknown:
            raise ValidationError(
                {"signatories": _("Not a party to this programme: %(ids)s.")
                 % {"ids": ", ".join(str(pk) for pk in sorted(unknown))}}
            )  # fmt: skip
        program_set_parties(
            actor=actor,
            program=program,
            parties=[
                (p.organization, signatories.get(p.organization_id, p.signatory_title))
                for p in current
            ],
        )
    return program_put_in_force(
        actor=actor, program=program, signed_on=signed_on, signed_file=signed_file
    )


@transaction.atomic
def program_reopen(*, actor: User | None, program: Program, reason: str) -> Program:
    """A leader returns a programme in force to draft so its contents can change."""
    require(
        actor is None or may_reopen_program(actor, program),
        _("Only a leader of the lead agency may reopen."),
    )
    if program.status != ProgramStatus.IN_FORCE:
        raise Conflict(_("Only a programme in force can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the programme is reopened.")})
    program.status = ProgramStatus.DRAFT
    attributed(program, actor, reason.strip(), verb="reopened").save()
    return program


@transaction.atomic
def program_end(*, actor: User | None, program: Program) -> Program:
    """A leader closes the term (it cannot be undone: renew to go on)."""
    require(
        actor is None or may_end_program(actor, program),
        _("Only a leader of the lead agency may end it."),
    )
    if program.status != ProgramStatus.IN_FORCE:
        raise Conflict(_("Only a programme in force can end."))
    program.status = ProgramStatus.ENDED
    attributed(program, actor, verb="ended").save()
    return program


# Not durable, unlike the other composites: the demo province is loaded in one transaction.
@transaction.atomic
def program_renew(*, actor: User | None, program: Program, term: str) -> Program:
    """Start the next term's draft: parties and contents copied, the old one linked."""
    require(
        actor is None or may_renew_program(actor, program), _("You may not change this programme.")
    )
    if program.status not in (ProgramStatus.ENDED, ProgramStatus.REVIEWED):
        raise Conflict(_("Renew a programme once its term has ended."))
    if program.successors.exists():
        raise Conflict(_("This programme has already been renewed."))
    try:
        next_term = periods.parse(term)
    except periods.PeriodError as exc:
        raise ValidationError({"term": str(exc)}) from None
    if next_term.start <= program.starts_on:
        raise ValidationError({"term": _("The next term must begin after this one began.")})
    parties = [p.organization for p in program.parties.select_related("organization")]
    new = program_create(
        actor=actor,
        kind=program.kind,
        title=program.title,
        lead=program.lead,
        parties=[org for org in parties if org.is_active],
        term=term,
        documents=list(program.documents.all()),
        predecessor=program,
    )
    for content in program.contents.all():
        ProgramContent.objects.create(
            program=new,
            number=content.number,
            title=content.title,
            description=content.description,
        )
    # The act on the old term; the new one names it as its previous term.
    attributed(program, actor, verb="renewed").save()
    return new


# --- Contents ------------------------------------------------------------------------------


@transaction.atomic
def contents_add(
    *, actor: User | None, program: Program, titles: list[str], description: str = ""
) -> list[ProgramContent]:
    """Add main contents at the end, numbered in order; empty lines are skipped."""
    require(
        actor is None or may_edit_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    titles = [t.strip() for t in titles if t.strip()]
    if not titles:
        raise ValidationError({"titles": _("Enter at least one content, one per line.")})
    last = program.contents.aggregate(n=Max("number"))["n"] or 0
    created = []
    for offset, title in enumerate(titles, start=1):
        content = ProgramContent(
            program=program, number=last + offset, title=title, description=description
        )
        content.full_clean(exclude=["program"])
        created.append(attributed(content, actor))
        created[-1].save()
    return created


@transaction.atomic
def content_update(
    *, actor: User | None, content: ProgramContent, title: str, description: str
) -> ProgramContent:
    program = content.program
    require(
        actor is None or may_edit_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    if not title.strip():
        raise ValidationError({"title": _("Enter the title.")})
    content.title = title.strip()
    content.description = description
    save_if_changed(content, actor)
    return content


@transaction.atomic
def content_move(*, actor: User | None, content: ProgramContent, up: bool) -> ProgramContent:
    """Swap a content with its neighbour above (or below); numbers stay 1..n."""
    program = content.program
    require(
        actor is None or may_edit_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    neighbour = program.contents.filter(number=content.number + (-1 if up else 1)).first()
    if neighbour is None:
        return content
    first, second = content.number, neighbour.number
    # Through a free number: (programme, number) is unique at every step.
    spare = (program.contents.aggregate(n=Max("number"))["n"] or 0) + 1
    ProgramContent.objects.filter(pk=content.pk).update(number=spare)
    neighbour.number = first
    attributed(neighbour, actor).save()
    content.number = second
    attributed(content, actor).save()
    return content


@transaction.atomic
def content_delete(*, actor: User | None, content: ProgramContent) -> ProgramContent:
    """Remove a content of a draft (only without tasks); the others are renumbered. It is kept
    with its number, restorable (content_restore)."""
    program = content.program
    require(
        actor is None or may_edit_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    if content.tasks.exists():
        raise Conflict(_("This content has tasks; move or delete them first."))
    if _locked_content(content).deleted_at is not None:
        raise Conflict(_("This content is already removed."))
    content.deleted_at, content.deleted_by = timezone.now(), actor
    attributed(content, actor, verb="deleted").save()
    for later in program.contents.filter(number__gt=content.number).order_by("number"):
        later.number -= 1
        attributed(later, actor).save()
    return content


@transaction.atomic
def content_restore(*, actor: User | None, content: ProgramContent) -> ProgramContent:
    """Put a removed content back at its number (or last); the later ones move down one."""
    program = content.program
    require(
        actor is None or may_edit_program(actor, program), _("You may not change this programme.")
    )
    require_draft(program)
    if _locked_content(content).deleted_at is None:
        raise Conflict(_("This content is in the programme."))
    content.number = min(content.number, program.contents.count() + 1)
    # From the last one up: (programme, number) stays unique at every step.
    for later in program.contents.filter(number__gte=content.number).order_by("-number"):
        later.number += 1
        attributed(later, actor).save()
    content.deleted_at, content.deleted_by = None, None
    attributed(content, actor, verb="restored").save()
    return content


def _locked_content(content: ProgramContent) -> ProgramContent:
    """The content's row held, removed or not, with its removal read afresh."""
    ProgramContent.all_objects.select_for_update().filter(pk=content.pk).exists()
    content.refresh_from_db(fields=["deleted_at"])
    return content
