"""Writes to programmes, contents, tasks, progress updates and reviews.

Keyword-only, one transaction each, the actor's permission checked here, bad input refused
with a ValidationError that says what to fix.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.documents.models import Document
from danvan.lib import periods, reminders
from danvan.lib.errors import Conflict
from danvan.lib.history import attributed, short_date
from danvan.lib.uploads import check_upload, safe_name
from danvan.org.models import Organization, Verb
from danvan.org.selectors import member_emails, user_can

from .models import (
    OPEN_STATUSES,
    Program,
    ProgramContent,
    ProgramParty,
    ProgramStatus,
    Recurrence,
    Review,
    ReviewKind,
    Task,
    TaskReminder,
    TaskStatus,
    TaskUpdate,
)
from .selectors import compile_review_facts

if TYPE_CHECKING:
    from danvan.accounts.models import User

RECURRENCE_PERIOD = {
    Recurrence.MONTHLY: periods.PeriodType.MONTH,
    Recurrence.QUARTERLY: periods.PeriodType.QUARTER,
    Recurrence.HALF_YEARLY: periods.PeriodType.HALF,
    Recurrence.YEARLY: periods.PeriodType.YEAR,
}


def _checked(upload: UploadedFile, field: str) -> None:
    """The upload checks, reported on the form's file field."""
    try:
        check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _require(actor: User | None, verb: str, org: Organization, message: str) -> None:
    if actor is not None and not user_can(actor, verb, org):
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
    _require(actor, Verb.EDIT, lead, _("You may not draft programmes for this agency."))
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
    _require(actor, Verb.EDIT, program.lead, _("You may not change this programme."))
    require_draft(program)
    allowed = {"kind", "title", "code", "term", "starts_on", "ends_on", "signed_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
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
    attributed(program, actor).save()
    if documents is not None:
        program.documents.set(documents)
    return program


@transaction.atomic
def program_set_parties(
    *, actor: User | None, program: Program, parties: list[tuple[Organization, str]]
) -> Program:
    """Replace the parties (organisation, title of who signed) of a draft programme."""
    _require(actor, Verb.EDIT, program.lead, _("You may not change this programme."))
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
    existing = {p.organization_id: p for p in program.parties.all()}
    for org, _title in parties:
        if org.pk not in existing and not org.is_active:
            raise ValidationError({"parties": _("%(org)s is dissolved.") % {"org": org.name}})
    for order, (org, title) in enumerate(parties):
        party = existing.pop(org.pk, None) or ProgramParty(program=program, organization=org)
        party.signatory_title = title.strip()
        party.order = order
        attributed(party, actor).save()
    for party in existing.values():
        party.delete()
    return program


def _check_signed_on(program: Program, signed_on: datetime.date) -> None:
    """Signed from 1900 on, by the end of the term, and not before the term it renews was."""
    earliest = datetime.date(periods.MIN_YEAR, 1, 1)
    previous = program.predecessor.signed_on if program.predecessor else None
    if signed_on < earliest:
        message = _("The signing date cannot be before %(day)s.") % {"day": short_date(earliest)}
    elif signed_on > program.ends_on:
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
    _require(actor, Verb.EDIT, program.lead, _("You may not change this programme."))
    require_draft(program)
    if not program.contents.exists():
        raise Conflict(_("Add the main contents before the programme comes into force."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    _check_signed_on(program, signed_on)
    if signed_file is not None:
        _checked(signed_file, "signed_file")
        program.signed_file.save(safe_name(signed_file.name or "signed"), signed_file, save=False)
    program.signed_on = signed_on
    program.status = ProgramStatus.IN_FORCE
    attributed(program, actor, _("Signed; in force")).save()
    return program


@transaction.atomic
def program_reopen(*, actor: User | None, program: Program, reason: str) -> Program:
    """A leader returns a programme in force to draft so its contents can change."""
    _require(actor, Verb.APPROVE, program.lead, _("Only a leader of the lead agency may reopen."))
    if program.status != ProgramStatus.IN_FORCE:
        raise Conflict(_("Only a programme in force can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the programme is reopened.")})
    program.status = ProgramStatus.DRAFT
    attributed(program, actor, _("Reopened: %(reason)s") % {"reason": reason.strip()}).save()
    return program


@transaction.atomic
def program_end(*, actor: User | None, program: Program) -> Program:
    """A leader closes the term (it cannot be undone: renew to go on)."""
    _require(actor, Verb.APPROVE, program.lead, _("Only a leader of the lead agency may end it."))
    if program.status != ProgramStatus.IN_FORCE:
        raise Conflict(_("Only a programme in force can end."))
    program.status = ProgramStatus.ENDED
    attributed(program, actor, _("Ended")).save()
    return program


@transaction.atomic
def program_renew(*, actor: User | None, program: Program, term: str) -> Program:
    """Start the next term's draft: parties and contents copied, the old one linked."""
    _require(actor, Verb.EDIT, program.lead, _("You may not change this programme."))
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
    return new


# --- Contents ------------------------------------------------------------------------------


@transaction.atomic
def contents_add(
    *, actor: User | None, program: Program, titles: list[str], description: str = ""
) -> list[ProgramContent]:
    """Add main contents at the end, numbered in order; empty lines are skipped."""
    _require(actor, Verb.EDIT, program.lead, _("You may not change this programme."))
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
    _require(actor, Verb.EDIT, content.program.lead, _("You may not change this programme."))
    require_draft(content.program)
    if not title.strip():
        raise ValidationError({"title": _("Enter the title.")})
    content.title = title.strip()
    content.description = description
    attributed(content, actor).save()
    return content


@transaction.atomic
def content_move(*, actor: User | None, content: ProgramContent, up: bool) -> ProgramContent:
    """Swap a content with its neighbour above (or below); numbers stay 1..n."""
    program = content.program
    _require(actor, Verb.EDIT, program.lead, _("You may not change this programme."))
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
def content_delete(*, actor: User | None, content: ProgramContent) -> None:
    """Remove a content of a draft (only without tasks); the others are renumbered."""
    program = content.program
    _require(actor, Verb.EDIT, program.lead, _("You may not change this programme."))
    require_draft(program)
    if content.tasks.exists():
        raise Conflict(_("This content has tasks; move or delete them first."))
    number = content.number
    attributed(content, actor).delete()
    for later in program.contents.filter(number__gt=number).order_by("number"):
        later.number -= 1
        attributed(later, actor).save()


# --- Tasks ---------------------------------------------------------------------------------


def _occurrences(program: Program, recurrence: str) -> list[tuple[str, datetime.date]]:
    """(period code, due date) of each occurrence of a recurring task over the term."""
    if not program.term:
        raise ValidationError(
            {"recurrence": _("A recurring task needs a programme with a term, such as 2021-2026.")}
        )
    term = periods.parse(program.term)
    if recurrence == Recurrence.TERM:
        return [(term.code, program.ends_on)]
    try:
        occurrences = term.children(RECURRENCE_PERIOD[Recurrence(recurrence)])
    except periods.PeriodError:
        raise ValidationError(
            {"recurrence": _("The term %(term)s is too short for this recurrence.")
             % {"term": term.code}}
        ) from None  # fmt: skip
    return [
        (p.code, min(p.end, program.ends_on))
        for p in occurrences
        if p.end >= program.starts_on and p.start <= program.ends_on
    ]


@transaction.atomic
def task_create(
    *,
    actor: User | None,
    content: ProgramContent,
    title: str,
    lead: Organization,
    due_on: datetime.date | None = None,
    recurrence: str = "",
    description: str = "",
    supporting: list[Organization] | None = None,
) -> list[Task]:
    """A task with a due date, or one occurrence per period of its recurrence."""
    program = content.program
    _require(actor, Verb.EDIT, program.lead, _("You may not add tasks to this programme."))
    if program.status in (ProgramStatus.ENDED, ProgramStatus.REVIEWED):
        raise Conflict(_("The programme has ended; renew it to plan new tasks."))
    if not title.strip():
        raise ValidationError({"title": _("Enter what is to be done.")})
    if not program.parties.filter(organization=lead).exists():
        raise ValidationError(
            {"lead": _("%(org)s is not a party to this programme; the lead must be one.")
             % {"org": lead.name}}
        )  # fmt: skip
    if recurrence and recurrence not in Recurrence.values:
        raise ValidationError({"recurrence": _("Choose a recurrence from the list.")})
    if recurrence:
        if due_on is not None:
            raise ValidationError({"due_on": _("Give a due date or a recurrence, not both.")})
        plan = _occurrences(program, recurrence)
    else:
        if due_on is None:
            raise ValidationError({"due_on": _("Give a due date, or choose a recurrence.")})
        if not program.starts_on <= due_on <= program.ends_on:
            raise ValidationError(
                {"due_on": _("The due date must fall within the term, %(start)s – %(end)s.")
                 % {"start": short_date(program.starts_on), "end": short_date(program.ends_on)}}
            )  # fmt: skip
        plan = [("", due_on)]
    series = uuid.uuid4() if recurrence else None
    tasks = []
    for period_code, day in plan:
        task = attributed(
            Task(
                content=content,
                title=title.strip(),
                description=description,
                lead=lead,
                recurrence=recurrence,
                period=period_code,
                series=series,
                due_on=day,
            ),
            actor,
        )
        task.full_clean(exclude=["content", "lead", "series"])
        task.save()
        if supporting:
            task.supporting.set([org for org in supporting if org.pk != lead.pk])
        tasks.append(task)
    return tasks


@transaction.atomic
def task_update(
    *,
    actor: User | None,
    task: Task,
    title: str | None = None,
    description: str | None = None,
    due_on: datetime.date | None = None,
    status: str | None = None,
) -> Task:
    """Change a task (the lead agency's staff); cancelling keeps it in the record."""
    program = task.content.program
    _require(actor, Verb.EDIT, program.lead, _("You may not change this task."))
    if program.status in (ProgramStatus.ENDED, ProgramStatus.REVIEWED):
        raise Conflict(_("The programme has ended; its tasks are kept as they were."))
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": _("Enter what is to be done.")})
        task.title = title.strip()
    if description is not None:
        task.description = description
    if due_on is not None:
        if not program.starts_on <= due_on <= program.ends_on:
            raise ValidationError(
                {"due_on": _("The due date must fall within the term, %(start)s – %(end)s.")
                 % {"start": short_date(program.starts_on), "end": short_date(program.ends_on)}}
            )  # fmt: skip
        task.due_on = due_on
    if status is not None:
        _set_status(task, status, timezone.localdate())
    attributed(task, actor).save()
    return task


def _set_status(task: Task, status: str, day: datetime.date) -> None:
    """Set the status; a task done keeps the day it was first done."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status == TaskStatus.DONE:
        if task.status != TaskStatus.DONE or task.done_on is None:
            task.done_on = day
        task.percent = 100
    else:
        task.done_on = None
    task.status = status


@transaction.atomic
def task_report_progress(
    *,
    actor: User,
    task: Task,
    text: str,
    percent: int,
    reported_on: datetime.date | None = None,
    attachment: UploadedFile | None = None,
    status: str | None = None,
    confirm_lower: bool = False,
    reason: str = "",
) -> TaskUpdate:
    """A party's officer reports progress on a task it leads.

    Taking a task that is done back below 100 percent (or out of done) needs `confirm_lower`
    and a reason, which the task's history keeps.
    """
    if not user_can(actor, Verb.EDIT, task.lead):
        raise PermissionDenied(_("Only the lead organisation's officers report on this task."))
    task = Task.objects.select_for_update().select_related("content__program").get(pk=task.pk)
    program = task.content.program
    if program.status != ProgramStatus.IN_FORCE:
        raise Conflict(_("Progress is reported while the programme is in force."))
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_("This task was cancelled."))
    if status and status not in (TaskStatus.IN_PROGRESS, TaskStatus.DONE):
        raise ValidationError(
            {"status": _("A progress report marks a task in progress or done; the lead agency "
                         "cancels tasks.")}
        )  # fmt: skip
    if status == TaskStatus.DONE and percent != 100:
        raise ValidationError({"percent": _("A task marked done must be at 100 percent.")})
    if not text.strip():
        raise ValidationError({"text": _("Describe what was done.")})
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Progress is a whole number from 0 to 100.")})
    reported_on = reported_on or timezone.localdate()
    if reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("The date cannot be in the future.")})
    if reported_on < program.starts_on:
        raise ValidationError(
            {"reported_on": _("The date is before the programme began (%(day)s).")
             % {"day": short_date(program.starts_on)}}
        )  # fmt: skip
    lowering = task.status == TaskStatus.DONE and (
        percent < task.percent or bool(status and status != TaskStatus.DONE)
    )
    reason = (reason or "").strip()
    if lowering and not (confirm_lower and reason):
        errors: dict[str, str] = {}
        if not confirm_lower:
            errors["confirm_lower"] = _(
                "This task is done: tick the box to confirm that its progress goes down."
            )
        if not reason:
            errors["reason"] = _("Say why the progress of a task that is done goes down.")
        raise ValidationError(errors)
    change_reason = (
        _("Progress lowered from %(old)d%% to %(new)d%%: %(reason)s")
        % {"old": task.percent, "new": percent, "reason": reason}
        if lowering
        else ""
    )
    update = TaskUpdate(
        task=task, text=text.strip(), percent=percent, reported_on=reported_on, author=actor
    )
    if attachment is not None:
        _checked(attachment, "attachment")
        update.attachment.save(safe_name(attachment.name or "file"), attachment, save=False)
    update.save()
    task.percent = percent
    if not status:
        status = TaskStatus.DONE if percent == 100 else TaskStatus.IN_PROGRESS
        if percent == 0 and task.status == TaskStatus.NOT_STARTED:
            status = TaskStatus.NOT_STARTED
    _set_status(task, status, reported_on)
    attributed(task, actor, change_reason).save()
    return update


# --- Reviews -------------------------------------------------------------------------------


@transaction.atomic
def review_open(
    *, actor: User, program: Program, kind: str, period: str, place: str = ""
) -> Review:
    """Compile the period's facts into an editable draft review."""
    _require(actor, Verb.EDIT, program.lead, _("You may not write reviews of this programme."))
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": _("Choose interim review or end-of-term summary.")})
    try:
        parsed = periods.parse(period)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if parsed.end < program.starts_on or parsed.start > program.ends_on:
        raise ValidationError({"period": _("The period lies outside the programme's term.")})
    if program.status == ProgramStatus.DRAFT:
        raise Conflict(_("A draft programme has nothing to review yet."))
    if kind == ReviewKind.FINAL and program.status == ProgramStatus.IN_FORCE:
        raise Conflict({"kind": _("The end-of-term summary is written once the term has ended.")})
    if program.reviews.filter(kind=kind, period=parsed.code).exists():
        raise Conflict(
            {"period": _("A review of this kind for %(period)s exists already; open it instead.")
             % {"period": parsed.code}}
        )  # fmt: skip
    facts = compile_review_facts(program, parsed, today=timezone.localdate())
    review = Review(
        program=program,
        kind=kind,
        period=parsed.code,
        place=place or program.lead.area.name,
        issued_on=timezone.localdate(),
        facts=facts,
        achievements=_achievements_draft(facts),
        created_by=actor,
    )
    attributed(review, actor).save()
    if kind == ReviewKind.FINAL and program.status == ProgramStatus.ENDED:
        program.status = ProgramStatus.REVIEWED
        attributed(program, actor, _("End-of-term summary written")).save()
    return review


def _achievements_draft(facts: dict[str, Any]) -> str:
    """A first paragraph from the figures, and the parties' own reports, for the editor."""
    totals = facts["totals"]
    lines = [
        _(
            "In %(period)s the parties had %(due)d tasks due: %(on_time)d done on time, "
            "%(late)d done late, %(open)d still open (%(overdue)d of them overdue)."
        )
        % {
            "period": facts["period_phrase"],
            "due": totals["due"],
            "on_time": totals["done_on_time"],
            "late": totals["done_late"],
            "open": totals["open"] + totals["overdue"],
            "overdue": totals["overdue"],
        }
    ]
    for update in facts["updates"][:30]:
        lines.append(f"- {update['party']}: {update['text']}")
    return "\n".join(lines)


@transaction.atomic
def review_update(*, actor: User, review: Review, **sections: str) -> Review:
    _require(actor, Verb.EDIT, review.program.lead, _("You may not edit this review."))
    allowed = {"achievements", "limitations", "lessons", "directions", "number", "place"}
    for name, value in sections.items():
        if name not in allowed:
            raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": name})
        setattr(review, name, value)
    review.full_clean(exclude=["program", "created_by"])
    attributed(review, actor).save()
    return review


# --- Reminders -----------------------------------------------------------------------------


@transaction.atomic
def send_task_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail today's reminders, one message per person listing their tasks.

    Each (task, kind) is sent once; a day the job did not run is caught up the next day.
    Returns how many e-mails were sent.
    """
    today = today or timezone.localdate()
    open_tasks = Task.objects.filter(
        status__in=OPEN_STATUSES, content__program__status=ProgramStatus.IN_FORCE
    ).select_related("content__program", "lead")

    def recipients(task: Task, kind: str) -> list[str]:
        if kind == "escalated":  # the lead agency's leaders
            return member_emails(task.content.program.lead_id, settings.DANVAN_ESCALATION_ROLES)
        return member_emails(task.lead_id, settings.DANVAN_REMINDER_ROLES)

    return reminders.send_due_reminders(
        due=reminders.due_windows(open_tasks, today),
        already=set(TaskReminder.objects.values_list("task_id", "kind")),
        recipients=recipients,
        remember=lambda task, kind: TaskReminder.objects.create(task=task, kind=kind),
        templates="programs/email",
        items_name="tasks",
        today=today,
    )
