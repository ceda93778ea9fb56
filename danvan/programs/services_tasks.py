"""Writes to tasks and their progress, and the daily reminders of tasks due.

Like services: keyword-only, one transaction each, the actor's permission checked through the
selectors' may_… rules.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib import notify, periods, reminders
from danvan.lib.errors import Conflict
from danvan.lib.history import attributed, save_if_changed, short_date
from danvan.lib.uploads import safe_name
from danvan.org.models import Organization
from danvan.org.selectors import member_emails

from .models import (
    OPEN_STATUSES,
    Program,
    ProgramContent,
    ProgramStatus,
    Recurrence,
    Task,
    TaskReminder,
    TaskStatus,
    TaskUpdate,
)
from .selectors import may_edit_program, may_edit_task, may_report_progress
from .services import checked_upload, require

if TYPE_CHECKING:
    from danvan.accounts.models import User

RECURRENCE_PERIOD = {
    Recurrence.MONTHLY: periods.PeriodType.MONTH,
    Recurrence.QUARTERLY: periods.PeriodType.QUARTER,
    Recurrence.HALF_YEARLY: periods.PeriodType.HALF,
    Recurrence.YEARLY: periods.PeriodType.YEAR,
}


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
    require(
        actor is None or may_edit_program(actor, program),
        _("You may not add tasks to this programme."),
    )
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
    require(actor is None or may_edit_task(actor, task), _("You may not change this task."))
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
    save_if_changed(task, actor)
    if task.status not in OPEN_STATUSES:
        notify.settle(notify.key_of(task))
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
    and a reason: the task's history keeps it as typed, with the act (progress lowered) and
    the percentages as the field's change.
    """
    require(
        may_report_progress(actor, task),
        _("Only the lead organisation's officers report on this task."),
    )
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
    update = TaskUpdate(
        task=task, text=text.strip(), percent=percent, reported_on=reported_on, author=actor
    )
    if attachment is not None:
        checked_upload(attachment, "attachment")
        update.attachment.save(safe_name(attachment.name or "file"), attachment, save=False)
    update.save()
    task.percent = percent
    if not status:
        status = TaskStatus.DONE if percent == 100 else TaskStatus.IN_PROGRESS
        if percent == 0 and task.status == TaskStatus.NOT_STARTED:
            status = TaskStatus.NOT_STARTED
    _set_status(task, status, reported_on)
    if lowering:
        attributed(task, actor, reason, verb="progress_lowered").save()
    else:
        attributed(task, actor).save()
    if task.status not in OPEN_STATUSES:
        notify.settle(notify.key_of(task))
    return update


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
        link=lambda task: notify.Link(
            str(task), reverse("task_detail", args=[task.pk]), notify.key_of(task)
        ),
    )
